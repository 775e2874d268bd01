/**
 * The ledger tip watch: the ledger watch sees a force-push only if GitHub delivers its `push`
 * webhook. Each sweep reads every ledger's tip and holds it against the tip it saw last: the ledger
 * must only have grown (the commit last seen is still the first-parent ancestor at its seq). A tip
 * that moved any other way, or a branch that vanished, raises the same alarm the webhook would
 * have, with the checkpoint the app kept from before — a copy no rewrite of the branch can reach.
 * The very first look at a ledger only takes note.
 *
 * What was seen lives in the app's shared state (Redis with REDIS_URL): durable, so a restarted app
 * holds the tip against the one seen before it stopped, and a rewrite made while every replica was
 * down raises the alarm on the first sweep after. Without Redis it is this process's memory.
 */
import { isShiplogError } from '../../errors.ts';
import type { GitHubApi } from '../../github/client.ts';
import { ledgerCommitOfSeq } from '../../ledger/lookup.ts';
import { openTip } from '../../ledger/tip.ts';
import { raiseLedgerAlarm, type AlarmLog } from '../alarm.ts';
import type { AppLedger } from '../ledger.ts';
import type { Incident } from '../ledger-incident.ts';
import type { RepoRef } from '../targets.ts';

export interface SeenTip {
  commit: string;
  seq: number;
  checkpoint: string;
  at: string;
}

export type TipVerdict = 'first-look' | 'unchanged' | 'grew' | 'rewritten' | 'deleted' | 'absent';

/** Where the last tip seen per ledger branch is kept. */
export interface TipStore {
  get(key: string): Promise<SeenTip | undefined>;
  set(key: string, tip: SeenTip): Promise<void>;
  delete(key: string): Promise<void>;
}

export class MemoryTipStore implements TipStore {
  private readonly seen = new Map<string, SeenTip>();
  get(key: string) {
    return Promise.resolve(this.seen.get(key));
  }
  set(key: string, tip: SeenTip) {
    this.seen.set(key, tip);
    return Promise.resolve();
  }
  delete(key: string) {
    this.seen.delete(key);
    return Promise.resolve();
  }
}

export function tipKey(ledger: Pick<AppLedger, 'location' | 'branch'>): string {
  return `${ledger.location.remote}#${ledger.branch}`;
}

export class TipWatch {
  constructor(readonly seen: TipStore = new MemoryTipStore()) {}

  /** The commit last seen at the branch's tip, if any (what a cheap `ls-remote` compares with). */
  async lastCommit(ledger: Pick<AppLedger, 'location' | 'branch'>): Promise<string | undefined> {
    return (await this.seen.get(tipKey(ledger)))?.commit;
  }

  /** Checks one ledger; `token` goes to git for a ledger on GitHub (never to a mirror). */
  async check(
    api: GitHubApi,
    log: AlarmLog,
    ledger: AppLedger,
    at: RepoRef,
    token: string | undefined,
  ): Promise<TipVerdict> {
    const key = tipKey(ledger);
    const last = await this.seen.get(key);
    let view;
    try {
      view = await openTip({ ...ledger.location, ...(token && !ledger.mirrored ? { token } : {}) });
    } catch (error) {
      if (!isShiplogError(error, 'BRANCH_NOT_FOUND')) throw error;
      if (!last) return 'absent';
      await raiseLedgerAlarm(api, log, ledger, at, this.incident(ledger, 'deleted', last), kept(last));
      // forgotten only once the alarm is up: a failed alarm is raised again by the next sweep
      await this.seen.delete(key);
      return 'deleted';
    }
    try {
      const tip = view.tip;
      const checkpoint = (await view.objects.blob(tip.checkpointBlob)).toString('utf8');
      const now: SeenTip = { commit: tip.commit, seq: tip.seq, checkpoint, at: new Date().toISOString() };
      if (!last) {
        await this.seen.set(key, now);
        return 'first-look';
      }
      if (last.commit === tip.commit) return 'unchanged';
      const ancestor = tip.seq >= last.seq ? await ledgerCommitOfSeq(view.repo, tip, last.seq) : undefined;
      if (ancestor === last.commit) {
        await this.seen.set(key, now);
        return 'grew';
      }
      await raiseLedgerAlarm(
        api,
        log,
        ledger,
        at,
        this.incident(ledger, 'force-push', last, now),
        kept(last),
      );
      // the rewritten tip becomes the one held against next (its alarm is open, with the old checkpoint)
      await this.seen.set(key, now);
      return 'rewritten';
    } finally {
      view.close();
    }
  }

  private incident(
    ledger: AppLedger,
    kind: 'force-push' | 'deleted',
    last: SeenTip,
    now?: SeenTip,
  ): Incident {
    return {
      kind,
      branch: ledger.branch,
      repository: ledger.repository,
      before: last.commit,
      ...(now ? { after: now.commit } : {}),
      pusher: 'unknown (found by the periodic sweep: GitHub delivered no webhook for it)',
      problems: [],
      key: now ? `force-push:${last.commit}..${now.commit}` : `deleted:${last.commit}`,
    };
  }
}

function kept(last: SeenTip): { checkpoint: string; note: string } {
  return {
    checkpoint: last.checkpoint,
    note: `The checkpoint the app last saw on the branch (seq ${last.seq}, ${last.commit}, at ${last.at}), kept by the app itself:`,
  };
}
