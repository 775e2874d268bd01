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
 */
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
}

/** Everything the decision rests on, so the decision itself is a pure function of it. */
export interface DeploymentFacts {
  environment: string;
  sha: string;
  pullRequest?: { number: number; title: string; url: string };
  verdict?: Verdict;
  approvals?: { valid: string[]; ignored: IgnoredReview[]; problems: string[] };
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
  const pull = await request.loadPullRequest();
  if (!pull) return decideDeployment(policy.source, rules, { environment, sha });
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
  });
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

  const pr = facts.pullRequest;
  if (!pr) {
    const allowed = rules.allow_direct_push;
    const why = `no merged pull request brought ${commit} in (a direct push, or a commit not merged yet)`;
    return {
      state: allowed ? 'approved' : 'rejected',
      comment: fit(
        allowed
          ? `shiplog: ${environment} approved: ${why}, and environments.${environment}.allow_direct_push is true.`
          : `shiplog: ${environment} rejected: ${why}; environments.${environment}.allow_direct_push is false.`,
      ),
      environment,
      managed: true,
      unmet: allowed ? [] : [`allow_direct_push: ${why}`],
      approvers: [],
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
  };
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
