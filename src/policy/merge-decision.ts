/**
 * The approval decision as it stood when a pull request merged, in the shape a `merge` entry
 * records: the policy verdict rule by rule, each valid approval named by login, review id and the
 * commit it reviewed, and the break-glass override in force. Recorded once at merge, it is what a
 * later deploy's change set cites instead of re-reading reviews that may since have been dismissed
 * or edited. Pure: the verdict and the reviews come in already fetched.
 */
import type { GitHubReview, RuleResult, Verdict } from './model.ts';
import { latestOpinions, sameLogin } from './opinions.ts';

export interface RecordedApproval {
  login: string;
  id: number | null;
  review_id: number;
  reviewed_sha: string | null;
  submitted_at: string | null;
}

export interface RecordedRule {
  name: string;
  satisfied: boolean;
  required: number;
  /** The approvals the verdict established as valid (write access, not the author, fresh...). */
  approvals: RecordedApproval[];
  /** Further approvals the evaluation did not need to check, since the rule already held. */
  not_needed: RecordedApproval[];
  blocked_by: string[];
  missing: number;
  matched_files: string[];
}

export interface MergeVerdict {
  /** `error`: the policy could not be read, so nothing was evaluated (the message says why). */
  outcome: 'satisfied' | 'unsatisfied' | 'overridden' | 'error';
  title: string;
  rules: RecordedRule[];
  problems: string[];
}

export interface OverrideInForce {
  by: string;
  at: string;
  reason: string;
  seq: number;
  hash: string;
}

/** Files named per rule; a rule over thousands of files keeps its count, not the list. */
const FILES_PER_RULE = 50;

function approvalsOf(logins: string[], reviews: readonly GitHubReview[]): RecordedApproval[] {
  const opinions = latestOpinions(reviews);
  return logins.map((login) => {
    const o = opinions.find((x) => x.login !== null && sameLogin(x.login, login) && x.state === 'APPROVED');
    return {
      login,
      id: o?.review.user?.id ?? null,
      review_id: o?.review.id ?? 0,
      reviewed_sha: o?.review.commit_id ?? null,
      submitted_at: o?.review.submitted_at ?? null,
    };
  });
}

function recordRule(rule: RuleResult, reviews: readonly GitHubReview[]): RecordedRule {
  const files = rule.matchedFiles.map((f) => f.filename);
  return {
    name: rule.name,
    satisfied: rule.satisfied,
    required: rule.required,
    approvals: approvalsOf(rule.validApprovers, reviews),
    not_needed: approvalsOf(rule.notNeeded, reviews),
    blocked_by: rule.blockedBy,
    missing: rule.missing,
    matched_files:
      files.length > FILES_PER_RULE
        ? [...files.slice(0, FILES_PER_RULE), `… and ${files.length - FILES_PER_RULE} more`]
        : files,
  };
}

/** The verdict to record; `policyError` when the policy could not be read at the merge's base. */
export function mergeVerdict(input: {
  verdict?: Verdict;
  policyError?: string;
  reviews: readonly GitHubReview[];
  override?: OverrideInForce;
}): MergeVerdict {
  const { verdict } = input;
  if (!verdict)
    return {
      outcome: 'error',
      title: 'the policy could not be evaluated',
      rules: [],
      problems: [input.policyError ?? 'no verdict'],
    };
  return {
    outcome: verdict.satisfied ? 'satisfied' : input.override ? 'overridden' : 'unsatisfied',
    title: verdict.title,
    rules: verdict.rules.map((r) => recordRule(r, input.reviews)),
    problems: verdict.problems,
  };
}

/** `predicate.approval.status` of a merge entry. */
export function mergeApprovalStatus(verdict: MergeVerdict): 'approved' | 'unapproved' | 'overridden' {
  return verdict.outcome === 'satisfied'
    ? 'approved'
    : verdict.outcome === 'overridden'
      ? 'overridden'
      : 'unapproved';
}

/** Everyone whose valid approval the verdict rests on, once each. */
export function mergeApprovers(verdict: MergeVerdict): RecordedApproval[] {
  const seen = new Map<string, RecordedApproval>();
  for (const rule of verdict.rules)
    for (const a of rule.approvals) if (!seen.has(a.login.toLowerCase())) seen.set(a.login.toLowerCase(), a);
  return [...seen.values()];
}
