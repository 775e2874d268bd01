/**
 * The approval check for one pull request: fetch what the policy needs, evaluate, post the verdict
 * as a check run. Every way of not knowing (broken policy, API failure, a merge group that no longer
 * matches its PR) ends as a failing check that says why — the check never passes by default.
 */
import { errorMessage } from '../errors.ts';
import {
  createCheckRun,
  createDirectory,
  evaluationInput,
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
import { renderOverridden, type OverrideRecord } from './override-state.ts';
import type { LoadedPolicy } from './policy-source.ts';
import { externalIdFor, type PullTarget } from './targets.ts';

export interface CheckPosted {
  name: string;
  headSha: string;
  conclusion: 'success' | 'failure';
  title: string;
  verdict?: Verdict;
  overridden?: OverrideRecord;
}

/** What the check shows beyond the verdict; each part is best effort and never fails the check. */
export interface CheckExtras {
  /** A recorded break-glass override of this head, asked only when the verdict fails. */
  findOverride?(headSha: string, checkName: string): Promise<OverrideRecord | undefined>;
  /** The ledger's health: a warning line while an alarm is open, and the checkpoint for `text`. */
  ledgerStatus?(): Promise<{ warning?: string; text: string }>;
}

export async function runApprovalCheck(
  api: GitHubApi,
  loaded: LoadedPolicy,
  target: PullTarget,
  extras: CheckExtras = {},
): Promise<CheckPosted> {
  const ledger = extras.ledgerStatus ? await extras.ledgerStatus() : undefined;
  const check = await decide(api, loaded, target, extras);
  const summary = ledger?.warning ? `${ledger.warning}\n\n${check.summary}` : check.summary;
  return post(api, target, { ...check, summary, ...(ledger ? { text: ledger.text } : {}) });
}

type Check = CheckPosted & { summary: string };

async function decide(
  api: GitHubApi,
  loaded: LoadedPolicy,
  target: PullTarget,
  extras: CheckExtras,
): Promise<Check> {
  if (!loaded.ok) {
    const output = renderPolicyError(loaded.message);
    return {
      name: loaded.checkName,
      headSha: target.mergeGroup?.headSha ?? target.headSha,
      conclusion: 'failure',
      ...output,
    };
  }

  const { policy } = loaded;
  let data: PolicyPullRequestData;
  try {
    data = await fetchPullRequestForPolicy(api, target);
  } catch (error) {
    return {
      name: policy.settings.check_name,
      headSha: target.mergeGroup?.headSha ?? target.headSha,
      conclusion: 'failure',
      ...unknownOutput(target, errorMessage(error)),
    };
  }

  const mismatch = target.mergeGroup && mergeGroupMismatch(target, data);
  if (mismatch) {
    return {
      name: policy.settings.check_name,
      headSha: target.mergeGroup!.headSha,
      conclusion: 'failure',
      ...unknownOutput(target, mismatch),
    };
  }

  const verdict = await evaluate(api, policy, target, data);
  let output = renderCheckRun(verdict);
  // An override was for exactly this head: it holds across restarts and re-runs, not past a push.
  const overridden = verdict.satisfied
    ? undefined
    : await extras.findOverride?.(verdict.headSha, policy.settings.check_name).catch(() => undefined);
  if (overridden) output = renderOverridden(overridden, output);
  const summary = target.mergeGroup
    ? `Merge queue: this group carries the verdict of pull request #${target.number} at ${verdict.headSha.slice(0, 12)}.\n\n${output.summary}`
    : output.summary;
  return {
    name: policy.settings.check_name,
    headSha: target.mergeGroup?.headSha ?? verdict.headSha,
    conclusion: verdict.satisfied || overridden ? 'success' : 'failure',
    title: output.title,
    summary,
    verdict,
    ...(overridden ? { overridden } : {}),
  };
}

export async function evaluate(
  api: GitHubApi,
  policy: Policy,
  target: PullTarget,
  data: PolicyPullRequestData,
): Promise<Verdict> {
  // A fresh directory per evaluation: permissions and teams are cached only as long as one verdict.
  const directory = createDirectory(api, { owner: target.owner, repo: target.repo });
  return evaluatePolicy(policy, evaluationInput(data), directory);
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

export async function post(
  api: GitHubApi,
  target: PullTarget,
  check: Check & { text?: string },
): Promise<CheckPosted> {
  await createCheckRun(api, {
    owner: target.owner,
    repo: target.repo,
    name: check.name,
    headSha: check.headSha,
    conclusion: check.conclusion,
    externalId: externalIdFor(target),
    output: {
      title: check.title,
      summary: check.summary,
      ...(check.text !== undefined ? { text: check.text } : {}),
    },
  });
  const { summary: _summary, text: _text, ...posted } = check;
  return posted;
}
