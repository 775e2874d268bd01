/**
 * The approval check for one pull request: fetch what the policy needs, evaluate, post the verdict
 * as a check run. Every way of not knowing (broken policy, API failure, a merge group that no longer
 * matches its PR) ends as a failing check that says why — the check never passes by default.
 *
 * A check run belongs to a commit, not to a pull request, and several open pull requests can share
 * a head (the same branch into `main` and into a scratch branch). So the check on a commit is the
 * verdict of every open pull request with that head: it passes only when each of them passes, and
 * a failure names the pull request (and base) that fails. No pull request rides on another's pass.
 */
import { errorMessage } from '../errors.ts';
import {
  createCheckRun,
  createDirectory,
  evaluationInput,
  fetchPullRequestForPolicy,
  openPullsWithHead,
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
  /** A recorded break-glass override of this PR at this head and base, asked only when the verdict fails. */
  findOverride?(
    pr: { number: number; headSha: string; baseRef: string },
    checkName: string,
  ): Promise<OverrideRecord | undefined>;
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
  let check = await decide(api, loaded, target, extras);
  if (loaded.ok && !target.mergeGroup) check = await withSharedHead(api, loaded, target, check, extras);
  const summary = ledger?.warning ? `${ledger.warning}\n\n${check.summary}` : check.summary;
  return post(api, target, { ...check, summary, ...(ledger ? { text: ledger.text } : {}) });
}

type Check = CheckPosted & { summary: string; baseRef?: string };

/**
 * The verdict of every other open pull request whose head is the commit the check lands on, folded
 * into this one: the check passes only if all pass. Not knowing which pull requests share the
 * head fails closed.
 */
async function withSharedHead(
  api: GitHubApi,
  loaded: LoadedPolicy & { ok: true },
  target: PullTarget,
  check: Check,
  extras: CheckExtras,
): Promise<Check> {
  const sha = check.headSha;
  let sharing: { number: number; baseRef: string }[];
  try {
    sharing = await openPullsWithHead(api, { owner: target.owner, repo: target.repo, sha });
  } catch (error) {
    return {
      ...check,
      conclusion: 'failure',
      title: 'approvals could not be evaluated',
      summary: `${unknownOutput(target, `could not list the other open pull requests whose head is ${sha.slice(0, 12)}: ${errorMessage(error)}`).summary}

---

${check.summary}`,
    };
  }
  const others = sharing.filter((p) => p.number !== target.number);
  if (others.length === 0) return check;

  const checks: Check[] = [check];
  for (const other of others) {
    const decided = await decide(api, loaded, { ...target, number: other.number, headSha: sha }, extras);
    // It moved on between the listing and the read: it no longer shares this commit.
    if (decided.headSha.toLowerCase() !== sha.toLowerCase()) continue;
    checks.push({ ...decided, baseRef: decided.baseRef ?? other.baseRef });
  }
  if (checks.length === 1) return check;

  const failing = checks.filter((c) => c.conclusion !== 'success');
  const plain = (c: Check) => `#${c.verdict?.pullRequest ?? '?'}${c.baseRef ? ` into ${c.baseRef}` : ''}`;
  const label = (c: Check) =>
    `#${c.verdict?.pullRequest ?? '?'}${c.baseRef ? ` into ${md(c.baseRef, 200)}` : ''}`;
  const lines = checks.map(
    (c) => `- ${c.conclusion === 'success' ? '✅' : '❌'} pull request ${label(c)}: ${md(c.title)}`,
  );
  const head =
    failing.length === 0
      ? `✅ This commit is the head of ${checks.length} open pull requests, and every one of them passes:`
      : `❌ This commit is the head of ${checks.length} open pull requests, and the check holds for all of them: it fails because ${failing.map(label).join(', ')} ${failing.length === 1 ? 'fails' : 'fail'}.`;
  const sections = checks.map(
    (c) => `---

### Pull request ${label(c)}

${c.summary}`,
  );
  const firstFailing = failing[0];
  return {
    ...check,
    conclusion: failing.length === 0 ? 'success' : 'failure',
    title:
      firstFailing === undefined || firstFailing === check
        ? check.title
        : `pull request ${plain(firstFailing)} fails: ${firstFailing.title}`,
    summary: [head, lines.join('\n'), ...sections].join('\n\n'),
  };
}

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
  const pr = { number: data.pullRequest.number, headSha: verdict.headSha, baseRef: data.pullRequest.baseRef };
  const overridden = verdict.satisfied
    ? undefined
    : await extras.findOverride?.(pr, policy.settings.check_name).catch(() => undefined);
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
    baseRef: data.pullRequest.baseRef,
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
  const { summary: _summary, text: _text, baseRef: _base, ...posted } = check;
  return posted;
}
