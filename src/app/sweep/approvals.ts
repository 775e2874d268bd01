/**
 * The approval sweep: GitHub never retries a webhook it failed to deliver, so a dropped
 * `pull_request.synchronize` would leave the new head without a check (a required check then
 * blocks the merge forever) and a dropped review would leave a stale verdict. Each open pull
 * request whose `shiplog/approvals` check by this app is missing on its head, or older than the
 * pull request's last update, is evaluated again exactly as a webhook would have had it.
 *
 * A sweep must not race the webhook it backs up: a pull request updated less than half an
 * interval ago (at most a minute) is left to its webhook and looked at by the next sweep, and a check
 * still in progress counts as current until it has run for ten minutes (a handler that died).
 */
import { errorMessage } from '../../errors.ts';
import type { GitHubApi } from '../../github/client.ts';
import { listCheckRuns } from '../../github/checks.ts';
import { listOpenPullRequests, type OpenPullRequest } from '../../github/installations.ts';
import { runApprovalCheck } from '../approval-check.ts';
import { checkExtras } from '../check-extras.ts';
import type { LoadedPolicy } from '../policy-source.ts';
import type { AppSettings } from '../settings.ts';
import type { RepoRef } from '../targets.ts';

export interface ApprovalSweepResult {
  open: number;
  reevaluated: number[];
  failed: { number: number; error: string }[];
  /** PRs left for later: updated too recently (their webhook's turn) or a check still running. */
  unsettled: number;
}

export async function sweepApprovals(
  api: GitHubApi,
  settings: AppSettings,
  loaded: LoadedPolicy,
  at: RepoRef,
): Promise<ApprovalSweepResult> {
  const checkName = loaded.ok ? loaded.policy.settings.check_name : loaded.checkName;
  const pulls = await listOpenPullRequests(api, at);
  const result: ApprovalSweepResult = {
    open: pulls.length,
    reevaluated: [],
    failed: [],
    unsettled: 0,
  };
  for (const pr of pulls) {
    try {
      const state = await freshness(api, settings, at, pr, checkName);
      if (state === 'later') result.unsettled++;
      if (state !== 'stale') continue;
      await runApprovalCheck(
        api,
        loaded,
        { ...at, number: pr.number, headSha: pr.headSha },
        checkExtras(api, settings, loaded, at),
      );
      result.reevaluated.push(pr.number);
    } catch (error) {
      result.failed.push({ number: pr.number, error: errorMessage(error) });
    }
  }
  return result;
}

const MAX_WEBHOOK_GRACE_MS = 60_000;
const STUCK_CHECK_MS = 10 * 60_000;

async function freshness(
  api: GitHubApi,
  settings: AppSettings,
  at: RepoRef,
  pr: OpenPullRequest,
  checkName: string,
): Promise<'stale' | 'current' | 'later'> {
  const now = Date.now();
  const updated = Date.parse(pr.updatedAt);
  if (now - updated < Math.min(settings.sweepIntervalMs / 2, MAX_WEBHOOK_GRACE_MS)) return 'later';
  const runs = (await listCheckRuns(api, { ...at, ref: pr.headSha, name: checkName })).filter(
    (r) => r.appId === settings.appId,
  );
  const newest = runs[0];
  if (!newest) return 'stale';
  if (!newest.completedAt)
    return !newest.startedAt || now - Date.parse(newest.startedAt) >= STUCK_CHECK_MS ? 'stale' : 'later';
  return Date.parse(newest.completedAt) < updated ? 'stale' : 'current';
}
