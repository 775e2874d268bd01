/**
 * The deployment protection rule's side of GitHub: answering a `deployment_protection_rule`
 * request. The callback URL comes in the webhook, but the installation token is only ever sent to
 * the API the app is configured for: the URL is reduced to its owner, repository and run id, which
 * must name the repository the event is about.
 */
import { ShiplogError } from '../errors.ts';
import { callGitHub } from './call.ts';
import type { GitHubApi } from './client.ts';
import { findMergedPullRequest } from './approvers.ts';
import { evaluationInput, fetchPullRequestForPolicy } from './pull-request.ts';

export interface ProtectionRuleReview {
  owner: string;
  repo: string;
  runId: number;
  environment: string;
  state: 'approved' | 'rejected';
  comment: string;
}

const CALLBACK_PATH = /\/repos\/([^/]+)\/([^/]+)\/actions\/runs\/(\d+)\/deployment_protection_rule\/?$/;

/** `…/repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule` → its parts. */
export function parseDeploymentCallbackUrl(
  url: string,
  expected: { owner: string; repo: string },
): { owner: string; repo: string; runId: number } {
  let path: string;
  try {
    path = decodeURIComponent(new URL(url).pathname);
  } catch {
    throw new ShiplogError('BAD_INPUT', `deployment_callback_url "${url.slice(0, 200)}" is not a URL`);
  }
  const m = CALLBACK_PATH.exec(path);
  const runId = Number(m?.[3]);
  if (!m || !Number.isSafeInteger(runId)) {
    throw new ShiplogError(
      'BAD_INPUT',
      `deployment_callback_url "${url.slice(0, 200)}" is not a deployment protection rule callback`,
    );
  }
  const [owner, repo] = [m[1]!, m[2]!];
  if (
    owner.toLowerCase() !== expected.owner.toLowerCase() ||
    repo.toLowerCase() !== expected.repo.toLowerCase()
  ) {
    throw new ShiplogError(
      'BAD_INPUT',
      `deployment_callback_url names ${owner}/${repo}, but the event is about ${expected.owner}/${expected.repo}`,
    );
  }
  return { owner, repo, runId };
}

export async function reviewProtectionRule(api: GitHubApi, review: ProtectionRuleReview): Promise<void> {
  const { owner, repo, runId } = review;
  const what = `POST /repos/${owner}/${repo}/actions/runs/${runId}/deployment_protection_rule`;
  await callGitHub(what, () =>
    api.request('POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule', {
      owner,
      repo,
      run_id: runId,
      environment_name: review.environment,
      state: review.state,
      comment: review.comment,
    }),
  );
}

/**
 * How a deployed commit got in, as the policy needs it: the merged pull request that brought it
 * (its files and reviews at its final head), or undefined for a commit no merged PR brought in.
 */
export async function loadDeployedPullRequest(
  api: GitHubApi,
  { owner, repo, sha }: { owner: string; repo: string; sha: string },
): Promise<
  { number: number; title: string; url: string; input: ReturnType<typeof evaluationInput> } | undefined
> {
  const found = await findMergedPullRequest(api, { owner, repo, commit: sha });
  if (!found) return undefined;
  const data = await fetchPullRequestForPolicy(api, { owner, repo, number: found.number });
  const pr = data.pullRequest;
  return { number: pr.number, title: pr.title, url: pr.url, input: evaluationInput(data) };
}
