/**
 * The ledger watch: a push to the ledger branch that rewrites history, a deletion of it, or commits
 * that are not one-entry appends open an issue labelled `shiplog-alarm` — one per incident: while
 * one is open, further events are added to it as comments (each once, so a redelivered webhook
 * changes nothing). The issue keeps the last good checkpoint, out of reach of whoever rewrote the
 * branch, and says how to verify the ledger against it.
 */
import type { Context, Probot } from 'probot';
import type { GitHubApi } from '../../github/index.ts';
import { pushedCommits } from '../../github/compare.ts';
import { commitsBetween } from '../../ledger/history.ts';
import { raiseLedgerAlarm } from '../alarm.ts';
import { isLedgerBranch, ledgerOf, type AppLedger } from '../ledger.ts';
import {
  deleteIncident,
  nonLinearIncident,
  pushIncident,
  type Incident,
  type PushPayload,
} from '../ledger-incident.ts';
import { loadPolicy } from '../policy-source.ts';
import type { AppSettings } from '../settings.ts';
import { repoOf, type RepoRef } from '../targets.ts';

type WatchContext = Context<'push'> | Context<'delete'>;

export function registerLedgerWatch(app: Probot, settings: AppSettings): void {
  app.on('push', async (context) => {
    // A push payload's repository owner is typed nullable; GitHub always sends it.
    const at = repoOf(context.payload as unknown as Parameters<typeof repoOf>[0]);
    const ledger = await ledgerFor(context, settings, at);
    if (!isLedgerBranch(ledger, at, context.payload.ref)) return;
    const branch = context.payload.ref.replace(/^refs\/heads\//, '');
    const push = context.payload as unknown as PushPayload;
    const incident =
      pushIncident(`${at.owner}/${at.repo}`, branch, push) ??
      (await linearity(context, ledger, at, branch, push));
    if (!incident) {
      context.log.debug(`ledger watch: ${at.owner}/${at.repo} ${branch}: honest append(s)`);
      return;
    }
    await raiseLedgerAlarm(context.octokit as unknown as GitHubApi, context.log, ledger, at, incident);
  });
  app.on('delete', async (context) => {
    const { payload } = context;
    if (payload.ref_type !== 'branch') return;
    const at = repoOf(payload);
    const ledger = await ledgerFor(context, settings, at);
    if (!isLedgerBranch(ledger, at, payload.ref)) return;
    const incident = deleteIncident(
      `${at.owner}/${at.repo}`,
      payload.ref.replace(/^refs\/heads\//, ''),
      payload.sender.login,
    );
    await raiseLedgerAlarm(context.octokit as unknown as GitHubApi, context.log, ledger, at, incident);
  });
}

/**
 * A push payload does not say whether a commit is a merge: the compare API does. A new branch (no
 * `before`) has nothing to compare with; its commits were checked file by file.
 */
async function linearity(
  context: Context<'push'>,
  ledger: AppLedger,
  at: RepoRef,
  branch: string,
  push: PushPayload,
): Promise<Incident | undefined> {
  if (!push.before || /^0{40}$/.test(push.before) || push.deleted) return undefined;
  // A mirror is read with git (GitHub does not hold it); a GitHub ledger through the compare API.
  const commits = ledger.mirrored
    ? await commitsBetween({ ...ledger.location, branch }, push.before, push.after)
    : (
        await pushedCommits(context.octokit as unknown as GitHubApi, {
          ...at,
          before: push.before,
          after: push.after,
        })
      ).commits;
  return nonLinearIncident(`${at.owner}/${at.repo}`, branch, push, commits);
}

/** A broken policy still has a ledger to watch: the default one. */
async function ledgerFor(context: WatchContext, settings: AppSettings, at: RepoRef): Promise<AppLedger> {
  const api = context.octokit as unknown as GitHubApi;
  const loaded = await loadPolicy({ config: (file) => context.config(file), octokit: api }, at);
  return ledgerOf(settings, loaded.ok ? loaded.policy : undefined, at);
}
