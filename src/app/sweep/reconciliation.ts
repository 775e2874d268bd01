/**
 * The reconciliation sweep: once a day (by default) the app holds each environment's GitHub
 * deployments against the ledger's deploy entries for the repository, as `shiplog reconcile` does,
 * and appends one signed `reconciliation` entry per environment with what it compared, the counts
 * and every difference (the unrecorded deployments by id). Unrecorded deploys open the alarm
 * issue — each set of them once. The environments are those the policy names and those the ledger
 * has deploys to; the window reaches back two sweep intervals, so a deployment that was still
 * running at one sweep is settled at the next.
 *
 * Deploy entries count only when a trusted key signed them (the app's own and SHIPLOG_TRUSTED_KEYS,
 * the workflows' keys); without SHIPLOG_TRUSTED_KEYS the workflows' signatures cannot be checked
 * here, and the entry says so (`signatures: "not checked"`) — `shiplog audit` checks them all.
 */
import type { AuditEntry } from '../../audit/entry.ts';
import { findSigner } from '../../ledger/dsse.ts';
import { trustedKeyOf, type TrustedKey } from '../../ledger/keys.ts';
import { newestLines, readEntries } from '../../ledger/lookup.ts';
import type { AppendResult } from '../../ledger/append.ts';
import type { LedgerLocation } from '../../ledger/store.ts';
import { openTip, type TipView } from '../../ledger/tip.ts';
import type { GitHubApi } from '../../github/client.ts';
import { listDeployments } from '../../github/deployments-list.ts';
import {
  DEFAULT_TOLERANCE_MS,
  reconcile,
  type ReconcileResult,
  type UnrecordedDeploy,
} from '../../reconcile/compare.ts';
import { isShiplogError } from '../../errors.ts';
import type { Policy } from '../../policy/index.ts';
import { md } from '../../policy/render.ts';
import { raiseAlarm, type AlarmLog } from '../alarm.ts';
import { appendToLedger, type AppLedger } from '../ledger.ts';
import type { AppSettings } from '../settings.ts';
import type { RepoRef } from '../targets.ts';

export interface EnvironmentReconciled {
  environment: string;
  result: ReconcileResult;
  /** The appended entry; undefined when there was nothing to compare (no deployment, no entry). */
  appended?: AppendResult;
  alarm?: 'opened' | 'commented' | 'known';
}

/** Differences listed in one entry; the counts always cover all of them. */
const MAX_LISTED = 200;

export async function reconcileRepository(opts: {
  api: GitHubApi;
  log: AlarmLog;
  settings: AppSettings;
  policy: Policy | undefined;
  ledger: AppLedger;
  at: RepoRef;
  token: string | undefined;
  windowMs: number;
  now?: Date;
}): Promise<EnvironmentReconciled[]> {
  const { api, settings, ledger, at } = opts;
  const repository = `${at.owner}/${at.repo}`;
  const until = opts.now ?? new Date();
  const since = new Date(until.getTime() - opts.windowMs);
  const location: LedgerLocation = {
    ...ledger.location,
    ...(opts.token && !ledger.mirrored ? { token: opts.token } : {}),
  };
  const trusted: TrustedKey[] = [
    ...(settings.signingKey ? [trustedKeyOf(settings.signingKey, 'SHIPLOG_SIGNING_KEY')] : []),
    ...settings.trustedKeys,
  ];
  const checked = settings.trustedKeys.length > 0;

  const view = await openTip(location).catch((e: unknown) => {
    if (isShiplogError(e, 'BRANCH_NOT_FOUND')) return undefined;
    throw e;
  });
  const out: EnvironmentReconciled[] = [];
  try {
    const environments = new Set(Object.keys(opts.policy?.environments ?? {}));
    if (view)
      for (const s of await view.index.deployStatesNow())
        if (s.repository.toLowerCase() === repository.toLowerCase()) environments.add(s.environment);

    for (const environment of [...environments].sort()) {
      const deployments = await listDeployments(api, {
        ...at,
        environment,
        since: new Date(since.getTime() - DEFAULT_TOLERANCE_MS),
      });
      const entries = view
        ? await deploysSince(view, repository, environment, since, checked ? trusted : undefined)
        : { entries: [], untrusted: 0 };
      const result = reconcile(deployments, entries.entries, { repository, environment, since, until });
      const done: EnvironmentReconciled = { environment, result };
      out.push(done);
      if (result.compared.deployments === 0 && result.compared.entries === 0) continue;
      const subject = newestCommit(deployments, entries.entries);
      if (!subject || !settings.signingKey) continue;
      done.appended = await appendToLedger(settings, ledger, opts.token ?? '', {
        type: 'reconciliation',
        timestamp: until.toISOString(),
        repository,
        commit: subject,
        environment,
        details: {
          ...result,
          differences: result.differences.slice(0, MAX_LISTED),
          ...(result.differences.length > MAX_LISTED ? { differences_listed: MAX_LISTED } : {}),
          unrecorded_deployment_ids: result.differences
            .filter((d): d is UnrecordedDeploy => d.kind === 'unrecorded-deploy')
            .map((d) => d.deployment_id),
          signatures: checked
            ? { checked: true, untrusted_entries: entries.untrusted }
            : { checked: false, note: "not checked: set SHIPLOG_TRUSTED_KEYS to the workflows' public keys" },
        },
        idempotency_key: `app:reconciliation:${repository}:${environment}:${since.toISOString()}..${until.toISOString()}`,
      });
      const unrecorded = result.differences.filter(
        (d): d is UnrecordedDeploy => d.kind === 'unrecorded-deploy',
      );
      if (unrecorded.length)
        done.alarm = await raiseAlarm(
          api,
          opts.log,
          at,
          unrecordedAlarm(repository, environment, unrecorded, done.appended),
        );
    }
  } finally {
    view?.close();
  }
  return out;
}

/**
 * Successful deploy entries of the repository and environment since `since`, newest lines first in
 * growing windows until one reaches back past `since` (timestamps follow seq closely enough: the
 * window is widened once more beyond the first entry older than `since`). With `trusted`, entries no
 * trusted key signed are left out and counted.
 */
async function deploysSince(
  view: TipView,
  repository: string,
  environment: string,
  since: Date,
  trusted: TrustedKey[] | undefined,
): Promise<{ entries: AuditEntry[]; untrusted: number }> {
  const keep = (l: { type: string; environment?: string; repository: string }) =>
    l.type === 'deploy' &&
    l.environment === environment &&
    l.repository.toLowerCase() === repository.toLowerCase();
  let limit = 64;
  for (;;) {
    const lines = await newestLines(view, keep, limit);
    const entries = await readEntries(view, lines);
    const older = entries.filter((e) => Date.parse(e.statement.predicate.timestamp) < since.getTime());
    if (lines.length < limit || older.length > 0) {
      const inWindow = entries.filter((e) => Date.parse(e.statement.predicate.timestamp) >= since.getTime());
      const signed = trusted ? inWindow.filter((e) => findSigner(e.paeBytes, e.envelope, trusted)) : inWindow;
      return {
        entries: signed
          .map((e) => ({ seq: e.seq, hash: e.hash, statement: e.statement }))
          .sort((a, b) => a.seq - b.seq),
        untrusted: inWindow.length - signed.length,
      };
    }
    limit *= 4;
  }
}

/** The entry's subject: the newest deployment's commit, else the newest recorded deploy's. */
function newestCommit(
  deployments: { sha: string; createdAt: string }[],
  entries: AuditEntry[],
): string | undefined {
  const newest = [...deployments].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0];
  return (newest?.sha ?? entries.at(-1)?.statement.predicate.commit)?.toLowerCase();
}

function unrecordedAlarm(
  repository: string,
  environment: string,
  unrecorded: UnrecordedDeploy[],
  appended: AppendResult | undefined,
) {
  const ids = unrecorded.map((d) => d.deployment_id).sort((a, b) => a - b);
  const marker = `<!-- shiplog-unrecorded ${environment.replace(/[<>-]{2,}/g, '')}:${ids.join(',')} -->`;
  const rows = unrecorded
    .slice(0, 50)
    .map(
      (d) =>
        `| ${d.deployment_id} | \`${d.commit.slice(0, 12)}\` | ${md(d.ref, 100)} | ${md(d.creator ?? 'unknown', 100)} | ${d.succeeded_at} |`,
    );
  const text = [
    `🚨 **${unrecorded.length} deployment${unrecorded.length === 1 ? '' : 's'} of ${md(repository)} to ${md(environment)} reached the environment with no record on the ledger.**`,
    '',
    'GitHub shows them as deployed; no signed deploy entry accounts for them, so nobody can say from the ledger who approved them.',
    '',
    '| Deployment | Commit | Ref | Created by | Succeeded |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    ...(unrecorded.length > rows.length ? ['', `… and ${unrecorded.length - rows.length} more.`] : []),
    '',
    appended
      ? `Recorded by the reconciliation entry seq ${appended.seq} (${appended.hash}).`
      : 'The reconciliation could not be recorded on the ledger (no signing key).',
    '',
    `Check with \`shiplog reconcile --repo ${repository} --environment ${environment.replace(/[^\w.-]/g, '')} --since 7d --trusted-key shiplog.pub\`, then record what happened or explain it here.`,
    '',
    marker,
  ].join('\n');
  return {
    title: `shiplog alarm: ${unrecorded.length} unrecorded deploy${unrecorded.length === 1 ? '' : 's'} to ${environment} in ${repository}`,
    text,
    marker,
    what: `${unrecorded.length} unrecorded deploy(s) to ${environment}`,
  };
}
