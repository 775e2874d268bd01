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
import { errorMessage } from '../../errors.ts';
import { findSigner } from '../../ledger/dsse.ts';
import { decodeEntry } from '../../ledger/entry.ts';
import { commitsBetween } from '../../ledger/history.ts';
import { trustedKeyOf } from '../../ledger/keys.ts';
import { raiseLedgerAlarm } from '../alarm.ts';
import { isLedgerBranch, ledgerOf, readEntryText, type AppLedger } from '../ledger.ts';
import {
  deleteIncident,
  nonLinearIncident,
  pushIncident,
  untrustedIncident,
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
      (await linearity(context, ledger, at, branch, push)) ??
      (await signatures(context, settings, ledger, at, branch, push));
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

/** Entries checked per push (GitHub's push payload lists at most 2048 commits). */
const MAX_CHECKED = 100;

/**
 * Each pushed entry must be signed by a key the app trusts (its own, SHIPLOG_TRUSTED_KEYS): a
 * well-formed append by someone without the key is the forgery a gate's base must never rest on.
 * With no trusted key configured there is nothing to judge by, and the check is skipped.
 */
async function signatures(
  context: Context<'push'>,
  settings: AppSettings,
  ledger: AppLedger,
  at: RepoRef,
  branch: string,
  push: PushPayload,
): Promise<Incident | undefined> {
  const trusted = [
    ...settings.trustedKeys,
    ...(settings.signingKey ? [trustedKeyOf(settings.signingKey, 'SHIPLOG_SIGNING_KEY')] : []),
  ];
  if (!trusted.length || push.deleted) return undefined;
  const api = context.octokit as unknown as GitHubApi;
  const ids = push.commits.map((c) => c.id);
  if (!ids.includes(push.after)) ids.push(push.after);
  const problems: string[] = [];
  const checked = ids.slice(-MAX_CHECKED);
  if (ids.length > checked.length)
    problems.push(`only the last ${MAX_CHECKED} of ${ids.length} pushed commits were checked`);
  for (const id of checked) {
    const short = id.slice(0, 12);
    const text = await readEntryText(api, { ...ledger, location: { ...ledger.location, branch } }, id);
    if (text === undefined) {
      problems.push(`${short}: its entry could not be read`);
      continue;
    }
    try {
      const entry = decodeEntry(text);
      if (!findSigner(entry.paeBytes, entry.envelope, trusted))
        problems.push(`${short}: seq ${entry.statement.predicate.seq} is signed by no trusted key`);
    } catch (error) {
      problems.push(`${short}: its entry is not a valid envelope (${errorMessage(error)})`);
    }
  }
  // a note about the cap alone is no incident
  if (problems.length === 1 && ids.length > checked.length) return undefined;
  return untrustedIncident(`${at.owner}/${at.repo}`, branch, push, problems);
}

/** A broken policy still has a ledger to watch: the default one. */
async function ledgerFor(context: WatchContext, settings: AppSettings, at: RepoRef): Promise<AppLedger> {
  const api = context.octokit as unknown as GitHubApi;
  const loaded = await loadPolicy({ config: (file) => context.config(file), octokit: api }, at);
  return ledgerOf(settings, loaded.ok ? loaded.policy : undefined, at);
}
