/**
 * The ledger tip watch: the ledger watch sees a force-push only if GitHub delivers its `push`
 * webhook. Each sweep reads every ledger's tip and holds it against the tip it saw last: the ledger
 * must only have grown (the commit last seen is still the first-parent ancestor at its seq). A tip
 * that moved any other way, or a branch that vanished, raises the same alarm the webhook would
 * have, with the checkpoint the app kept from before — a copy no rewrite of the branch can reach.
 * The first sweep after a start only takes note.
 */
import { isShiplogError } from '../../errors.ts';
import type { GitHubApi } from '../../github/client.ts';
import { ledgerCommitOfSeq } from '../../ledger/lookup.ts';
import { openTip } from '../../ledger/tip.ts';
import { raiseLedgerAlarm, type AlarmLog } from '../alarm.ts';
import type { AppLedger } from '../ledger.ts';
import type { Incident } from '../ledger-incident.ts';
import type { RepoRef } from '../targets.ts';

interface SeenTip {
  commit: string;
  seq: number;
  checkpoint: string;
  at: string;
}

export type TipVerdict = 'first-look' | 'unchanged' | 'grew' | 'rewritten' | 'deleted' | 'absent';

export class TipWatch {
  private readonly seen = new Map<string, SeenTip>();

  /** Checks one ledger; `token` goes to git for a ledger on GitHub (never to a mirror). */
  async check(
    api: GitHubApi,
    log: AlarmLog,
    ledger: AppLedger,
    at: RepoRef,
    token: string | undefined,
  ): Promise<TipVerdict> {
    const key = `${ledger.location.remote}#${ledger.branch}`;
    const last = this.seen.get(key);
    let view;
    try {
      view = await openTip({ ...ledger.location, ...(token && !ledger.mirrored ? { token } : {}) });
    } catch (error) {
      if (!isShiplogError(error, 'BRANCH_NOT_FOUND')) throw error;
      if (!last) return 'absent';
      this.seen.delete(key);
      await raiseLedgerAlarm(api, log, ledger, at, this.incident(ledger, 'deleted', last), kept(last));
      return 'deleted';
    }
    try {
      const tip = view.tip;
      const checkpoint = (await view.objects.blob(tip.checkpointBlob)).toString('utf8');
      const now: SeenTip = { commit: tip.commit, seq: tip.seq, checkpoint, at: new Date().toISOString() };
      this.seen.set(key, now);
      if (!last) return 'first-look';
      if (last.commit === tip.commit) return 'unchanged';
      const ancestor = tip.seq >= last.seq ? await ledgerCommitOfSeq(view.repo, tip, last.seq) : undefined;
      if (ancestor === last.commit) return 'grew';
      await raiseLedgerAlarm(
        api,
        log,
        ledger,
        at,
        this.incident(ledger, 'force-push', last, now),
        kept(last),
      );
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
