/**
 * The environment gate's own sign-off: the required reviewers' approvals (or rejections) of a
 * workflow run's deployments, from `GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals`.
 * With the pull request's reviews this answers "who let this into production" from both sides.
 *
 * The token needs `actions: read`; without it (403), or when the run is not visible (404), the
 * answer is `not-collected` with the reason, never an error — the deploy is still recorded, and
 * the record says the environment's approvals are missing and why. Any other failure (after the
 * client's retries) throws GITHUB_API, as every other piece of evidence does.
 */
import { callGitHub, statusOf } from './call.ts';
import type { GitHubApi } from './client.ts';
import { asArray, asObject, boundedText, optionalString } from './parse.ts';
import { slimUser } from './reviews.ts';

export interface EnvironmentApproval {
  login: string;
  id: number;
  state: 'approved' | 'rejected' | 'pending';
  /** Bounded; the reviewer's own words. */
  comment: string;
  /** The environments this review covered (one review may cover several). */
  environments: string[];
}

export type EnvironmentApprovals =
  | {
      status: 'collected';
      environment: string;
      /** Reviews of this run that covered `environment`, oldest first. */
      approvals: EnvironmentApproval[];
      /** True when at least one approval and no rejection covers the environment. */
      approved: boolean;
    }
  | { status: 'not-collected'; environment: string; reason: string };

const STATES = new Set(['approved', 'rejected', 'pending']);

export async function collectEnvironmentApprovals(
  api: GitHubApi,
  { owner, repo, runId, environment }: { owner: string; repo: string; runId: string; environment: string },
): Promise<EnvironmentApprovals> {
  const what = `GET /repos/${owner}/${repo}/actions/runs/${runId}/approvals`;
  if (!/^\d+$/.test(runId))
    return { status: 'not-collected', environment, reason: 'no workflow run id (GITHUB_RUN_ID)' };
  const answer = await callGitHub(what, async () => {
    try {
      const res = await api.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals', {
        owner,
        repo,
        run_id: Number(runId),
      });
      return { data: res.data as unknown };
    } catch (error) {
      const status = statusOf(error);
      if (status === 403 || status === 404) return { refused: status };
      throw error;
    }
  });
  if ('refused' in answer)
    return {
      status: 'not-collected',
      environment,
      reason:
        answer.refused === 403
          ? `${what} answered 403: give the workflow's token "actions: read"`
          : `${what} answered 404: the run is not visible to this token`,
    };
  const data = answer.data;
  const wanted = environment.toLowerCase();
  const approvals: EnvironmentApproval[] = [];
  asArray(data, what).forEach((item, i) => {
    const at = `${what}: [${i}]`;
    const a = asObject(item, at);
    const environments = asArray(a.environments, `${at}.environments`).map(
      (e, j) => optionalString(asObject(e, `${at}.environments[${j}]`).name) ?? '',
    );
    if (!environments.some((e) => e.toLowerCase() === wanted)) return;
    const user = slimUser(a.user, `${at}.user`);
    const state = optionalString(a.state) ?? '';
    approvals.push({
      login: user?.login ?? 'ghost',
      id: user?.id ?? 0,
      state: (STATES.has(state) ? state : 'pending') as EnvironmentApproval['state'],
      comment: boundedText(a.comment, 500),
      environments,
    });
  });
  return {
    status: 'collected',
    environment,
    approvals,
    approved: approvals.some((a) => a.state === 'approved') && !approvals.some((a) => a.state === 'rejected'),
  };
}
