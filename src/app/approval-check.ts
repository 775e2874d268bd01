/**
 * The approval check for one pull request: fetch what the policy needs, evaluate, post the verdict
 * as a check run. Every way of not knowing (broken policy, API failure, a merge group that no longer
 * matches its PR) ends as a failing check that says why — the check never passes by default.
 */
import { errorMessage } from '../errors.ts';
import {
  createCheckRun,
  createDirectory,
  fetchPullRequestForPolicy,
  type GitHubApi,
  type PolicyPullRequestData,
} from '../github/index.ts';
import {
  evaluatePolicy,
  renderCheckRun,
  renderPolicyError,
  type Policy,
  type Verdict,
} from '../policy/index.ts';
import { md } from '../policy/render.ts';
import type { LoadedPolicy } from './policy-source.ts';
import { externalIdFor, type PullTarget } from './targets.ts';

export interface CheckPosted {
  name: string;
  headSha: string;
  conclusion: 'success' | 'failure';
  title: string;
  verdict?: Verdict;
}

export async function runApprovalCheck(
  api: GitHubApi,
  loaded: LoadedPolicy,
  target: PullTarget,
): Promise<CheckPosted> {
  if (!loaded.ok) {
    const output = renderPolicyError(loaded.message);
    return post(api, target, {
      name: loaded.checkName,
      headSha: target.mergeGroup?.headSha ?? target.headSha,
      conclusion: 'failure',
      ...output,
    });
  }

  const { policy } = loaded;
  let data: PolicyPullRequestData;
  try {
    data = await fetchPullRequestForPolicy(api, target);
  } catch (error) {
    return post(api, target, {
      name: policy.settings.check_name,
      headSha: target.mergeGroup?.headSha ?? target.headSha,
      conclusion: 'failure',
      ...unknownOutput(target, errorMessage(error)),
    });
  }

  const mismatch = target.mergeGroup && mergeGroupMismatch(target, data);
  if (mismatch) {
    return post(api, target, {
      name: policy.settings.check_name,
      headSha: target.mergeGroup!.headSha,
      conclusion: 'failure',
      ...unknownOutput(target, mismatch),
    });
  }

  const verdict = await evaluate(api, policy, target, data);
  const output = renderCheckRun(verdict);
  const summary = target.mergeGroup
    ? `Merge queue: this group carries the verdict of pull request #${target.number} at ${verdict.headSha.slice(0, 12)}.\n\n${output.summary}`
    : output.summary;
  return post(api, target, {
    name: policy.settings.check_name,
    headSha: target.mergeGroup?.headSha ?? verdict.headSha,
    conclusion: verdict.satisfied ? 'success' : 'failure',
    title: output.title,
    summary,
    verdict,
  });
}

export async function evaluate(
  api: GitHubApi,
  policy: Policy,
  target: PullTarget,
  data: PolicyPullRequestData,
): Promise<Verdict> {
  const { pullRequest } = data;
  // A fresh directory per evaluation: permissions and teams are cached only as long as one verdict.
  const directory = createDirectory(api, { owner: target.owner, repo: target.repo });
  return evaluatePolicy(
    policy,
    {
      pullRequest: {
        number: pullRequest.number,
        author: pullRequest.author,
        headSha: pullRequest.headSha,
        changedFiles: pullRequest.changedFiles,
      },
      files: data.files,
      filesTruncated: data.filesTruncated,
      reviews: data.reviews,
    },
    directory,
  );
}

/**
 * A merge group is built from one exact PR head onto one base. If the PR has moved on since, the
 * approvals describe a different commit than the one being merged, so the group cannot pass.
 */
function mergeGroupMismatch(target: PullTarget, data: PolicyPullRequestData): string | undefined {
  const group = target.mergeGroup!;
  const pr = data.pullRequest;
  if (pr.headSha !== group.queuedHeadSha) {
    return `pull request #${pr.number} is at ${pr.headSha.slice(0, 12)}, but the merge group was built from ${group.queuedHeadSha.slice(0, 12)}; its approvals cannot vouch for this group`;
  }
  if (pr.baseRef !== group.baseRef) {
    return `pull request #${pr.number} targets ${pr.baseRef}, but the merge group merges into ${group.baseRef}`;
  }
  return undefined;
}

function unknownOutput(target: PullTarget, reason: string): { title: string; summary: string } {
  return {
    title: 'approvals could not be evaluated',
    summary: `❌ **The approvals of pull request #${target.number} could not be evaluated**, so protected changes cannot pass.\n\n> ${md(reason, 4000)}\n\nRe-run the check once the problem is resolved.`,
  };
}

async function post(
  api: GitHubApi,
  target: PullTarget,
  check: CheckPosted & { summary: string },
): Promise<CheckPosted> {
  await createCheckRun(api, {
    owner: target.owner,
    repo: target.repo,
    name: check.name,
    headSha: check.headSha,
    conclusion: check.conclusion,
    externalId: externalIdFor(target),
    output: { title: check.title, summary: check.summary },
  });
  const { summary: _summary, ...posted } = check;
  return posted;
}
