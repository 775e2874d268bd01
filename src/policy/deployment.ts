/**
 * May this commit be deployed to this environment? The one answer shared by the app's deployment
 * protection rule and the Action's `gate` with an `environment`, so both give the same decision on
 * the same data. Pure apart from the Directory (as evaluatePolicy) and the caller's loader, which
 * is only asked for the pull request when the environment is managed at all.
 *
 *   environments:
 *     production:
 *       require_approved_pr: true   # the commit came in through a merged PR whose verdict is satisfied
 *       min_approvals: 1            # fresh valid approvals on that PR, by the check's own rules
 *       allow_direct_push: false    # a commit no merged PR brought in may not deploy
 *       require_approved_change_set: true  # every commit shipped since the last deploy is covered
 */
import { decideChangeSet, type ChangeSetRecord } from './change-set.ts';
import { countFreshApprovals, evaluatePolicy } from './evaluate.ts';
import type {
  Directory,
  EnvironmentPolicy,
  EvaluationInput,
  IgnoredReview,
  Policy,
  Verdict,
} from './model.ts';
import { environmentPolicy } from './schema.ts';

export type DeploymentState = 'approved' | 'rejected';

/** The merged pull request that brought the deployed commit in, with what evaluating it needs. */
export interface DeployedPullRequest {
  number: number;
  title: string;
  url: string;
  input: EvaluationInput;
}

export interface DeploymentRequest {
  environment: string;
  sha: string;
  /** Undefined when no merged pull request brought the commit in (a direct push). */
  loadPullRequest(): Promise<DeployedPullRequest | undefined>;
  /**
   * Every commit the deploy would ship since the environment's last successful deploy (the base
   * from the ledger), with its pull request and approvals. Asked only when the environment
   * requires an approved change set; a failure to establish it must throw (fail closed).
   */
  loadChangeSet?(): Promise<ChangeSetRecord>;
}

/** Everything the decision rests on, so the decision itself is a pure function of it. */
export interface DeploymentFacts {
  environment: string;
  sha: string;
  pullRequest?: { number: number; title: string; url: string };
  verdict?: Verdict;
  approvals?: { valid: string[]; ignored: IgnoredReview[]; problems: string[] };
  changeSet?: ChangeSetRecord;
}

export interface DeploymentDecision {
  state: DeploymentState;
  /** For the deployment's reviewers: which rule decided, and what was missing. */
  comment: string;
  environment: string;
  /** False when the policy has no section for the environment. */
  managed: boolean;
  /** Each unmet requirement, one sentence each (empty when approved). */
  unmet: string[];
  pullRequest?: number;
  verdict?: Verdict;
  approvers: string[];
  /** The change set the decision looked at, when the environment requires one. */
  changeSet?: ChangeSetRecord;
}

/** Comments are shown in the deployment's review box; long ones help nobody. */
const MAX_COMMENT = 1000;

export async function evaluateDeployment(
  policy: Policy,
  request: DeploymentRequest,
  directory: Directory,
): Promise<DeploymentDecision> {
  const { environment, sha } = request;
  const rules = environmentPolicy(policy, environment);
  if (!rules) return decideDeployment(policy.source, undefined, { environment, sha });
  const changeSet =
    rules.require_approved_change_set && request.loadChangeSet ? await request.loadChangeSet() : undefined;
  const pull = await request.loadPullRequest();
  if (!pull) return decideDeployment(policy.source, rules, { environment, sha, changeSet });
  const [verdict, approvals] = await Promise.all([
    evaluatePolicy(policy, pull.input, directory),
    countFreshApprovals(policy, pull.input, directory, rules.min_approvals),
  ]);
  return decideDeployment(policy.source, rules, {
    environment,
    sha,
    pullRequest: { number: pull.number, title: pull.title, url: pull.url },
    verdict,
    approvals,
    changeSet,
  });
}

/**
 * The answer when the decision could not be made (an unreadable policy, a ledger that does not
 * verify, an open ledger alarm, an API failure): rejected, saying why — never let through. Shared
 * by the app's protection rule and the Action's gate so both say it in the same words.
 */
export function rejectedDeployment(environment: string, why: string): DeploymentDecision {
  const comment = fit(`shiplog: ${oneLine(environment, 100)} rejected: ${oneLine(why, MAX_COMMENT)}`);
  return { state: 'rejected', comment, environment, managed: true, unmet: [why], approvers: [] };
}

export function decideDeployment(
  source: string,
  rules: EnvironmentPolicy | undefined,
  facts: DeploymentFacts,
): DeploymentDecision {
  const { environment, sha } = facts;
  const commit = sha.slice(0, 12);
  if (!rules) {
    return {
      state: 'approved',
      comment: fit(
        `shiplog: "${environment}" is not managed by shiplog (no environments.${environment} section in ${source}); deployment of ${commit} approved.`,
      ),
      environment,
      managed: false,
      unmet: [],
      approvers: [],
    };
  }

  const changeSetUnmet = changeSetProblem(rules, facts.changeSet);
  const withChangeSet = facts.changeSet ? { changeSet: facts.changeSet } : {};
  const pr = facts.pullRequest;
  if (!pr) {
    const allowed = rules.allow_direct_push && !changeSetUnmet;
    const why = `no merged pull request brought ${commit} in (a direct push, or a commit not merged yet)`;
    const unmet = [
      ...(rules.allow_direct_push ? [] : [`allow_direct_push: ${why}`]),
      ...(changeSetUnmet ? [changeSetUnmet] : []),
    ];
    return {
      state: allowed ? 'approved' : 'rejected',
      comment: fit(
        allowed
          ? `shiplog: ${environment} approved: ${why}, and environments.${environment}.allow_direct_push is true.`
          : rules.allow_direct_push
            ? `shiplog: ${environment} rejected: ${changeSetUnmet}.`
            : `shiplog: ${environment} rejected: ${why}; environments.${environment}.allow_direct_push is false.${changeSetUnmet ? ` ${changeSetUnmet}.` : ''}`,
      ),
      environment,
      managed: true,
      unmet,
      approvers: [],
      ...withChangeSet,
    };
  }

  const unmet: string[] = [];
  const verdict = facts.verdict;
  if (rules.require_approved_pr && verdict && !verdict.satisfied) {
    unmet.push(`require_approved_pr: the approval policy is not satisfied (${verdictDetail(verdict)})`);
  }
  const valid = facts.approvals?.valid ?? [];
  if (valid.length < rules.min_approvals) {
    unmet.push(
      `min_approvals: ${valid.length} of ${rules.min_approvals} fresh approval${rules.min_approvals === 1 ? '' : 's'}${notCounted(facts.approvals?.ignored ?? [])}`,
    );
  }
  for (const problem of facts.approvals?.problems ?? []) unmet.push(`could not count approvals: ${problem}`);
  if (changeSetUnmet) unmet.push(changeSetUnmet);

  const through = `${commit} came in through #${pr.number} (${oneLine(pr.title, 80)})`;
  const comment =
    unmet.length === 0
      ? `shiplog: ${environment} approved: ${through}; ${verdict ? `policy: ${oneLine(verdict.title, 120)}; ` : ''}fresh approvals: ${valid.length > 0 ? valid.join(', ') : 'none needed'}.`
      : `shiplog: ${environment} rejected: ${through}. ${unmet.join('. ')}.`;
  return {
    state: unmet.length === 0 ? 'approved' : 'rejected',
    comment: fit(comment),
    environment,
    managed: true,
    unmet,
    pullRequest: pr.number,
    ...(verdict ? { verdict } : {}),
    approvers: valid,
    ...withChangeSet,
  };
}

/** The change-set requirement, unmet: which shipped commits no approved pull request covers. */
function changeSetProblem(
  rules: EnvironmentPolicy,
  changeSet: ChangeSetRecord | undefined,
): string | undefined {
  if (!rules.require_approved_change_set || !changeSet) return undefined;
  const { status, summary } = decideChangeSet(changeSet);
  if (status === 'approved') return undefined;
  // The summary starts with its status ("unapproved: …") and ends a sentence; the comment joins parts.
  return `require_approved_change_set: ${oneLine(summary.replace(/^[a-z-]+: /, ''), 600).replace(/\.$/, '')}`;
}

function verdictDetail(verdict: Verdict): string {
  const failing = verdict.rules
    .filter((r) => !r.satisfied)
    .map((r) => {
      const parts: string[] = [];
      if (r.missing > 0) parts.push(`needs ${r.missing} more approval${r.missing === 1 ? '' : 's'}`);
      if (r.blockedBy.length > 0) parts.push(`changes requested by ${r.blockedBy.join(', ')}`);
      return `${oneLine(r.name, 60)} ${parts.join(' and ')}`;
    });
  const problems = verdict.problems.map((p) => oneLine(p, 160));
  return [oneLine(verdict.title, 120), ...failing, ...problems].join('; ');
}

function notCounted(ignored: IgnoredReview[]): string {
  if (ignored.length === 0) return '';
  return ` (not counted: ${ignored.map((i) => `${i.login}: ${i.reason}`).join(', ')})`;
}

/** Logins, titles and rule names come from people; a comment stays one bounded line of text. */
function oneLine(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is being removed
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function fit(comment: string): string {
  return comment.length > MAX_COMMENT ? `${comment.slice(0, MAX_COMMENT - 1)}…` : comment;
}
