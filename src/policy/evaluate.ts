/**
 * The approval verdict for one pull request head: which rules its files trigger and whether each
 * has enough valid approvals. Pure apart from the Directory, which is asked as little as possible —
 * cheap checks (bot, author, stale) run first, and a rule stops looking once it has enough approvals —
 * because in the app every question is an API request.
 */
import { errorMessage } from '../errors.ts';
import { matchRules } from './match.ts';
import type {
  Directory,
  EvaluationInput,
  IgnoredReview,
  IgnoreReason,
  Permission,
  Policy,
  Rule,
  RuleResult,
  TeamListing,
  Verdict,
} from './model.ts';
import { latestOpinions, sameLogin, type Opinion } from './opinions.ts';

/** GitHub's pull request files API lists at most this many files. */
export const MAX_LISTED_FILES = 3000;

const WRITE_ACCESS = new Set<string>(['admin', 'maintain', 'write']);

export async function evaluatePolicy(
  policy: Policy,
  input: EvaluationInput,
  directory: Directory,
): Promise<Verdict> {
  const { pullRequest } = input;
  const problems: string[] = [];
  const truncated = truncationProblem(input);
  if (truncated) problems.push(truncated);

  const matched = matchRules(policy.rules, input.files).filter((m) => m.matchedFiles.length > 0);
  const base = { pullRequest: pullRequest.number, headSha: pullRequest.headSha };
  if (matched.length === 0 && !truncated) {
    return { ...base, satisfied: true, title: 'no protected changes', rules: [], problems: [] };
  }

  const lookups = new Lookups(directory, problems);
  const unknown = independenceProblems(policy, input);
  problems.push(...unknown);
  const triage = triageOpinions(latestOpinions(input.reviews), policy, input);
  const blockers = policy.settings.block_on_changes_requested
    ? await eligibleBlockers(triage.changesRequested, lookups)
    : { blockedBy: [], ignored: [] };

  const rules: RuleResult[] = [];
  for (const { rule, matchedFiles } of matched) {
    const approvals = await countApprovals(rule, triage.approvals, lookups);
    const missing = Math.max(0, rule.approvals - approvals.valid.length);
    rules.push({
      name: rule.name,
      matchedFiles,
      required: rule.approvals,
      validApprovers: approvals.valid,
      ignored: [...triage.ignored, ...blockers.ignored, ...approvals.ignored],
      blockedBy: [...blockers.blockedBy],
      notNeeded: approvals.notNeeded,
      satisfied: missing === 0 && blockers.blockedBy.length === 0,
      missing,
    });
  }

  const passing = rules.filter((r) => r.satisfied).length;
  const title =
    truncated ?? unknown[0] ?? `${passing} of ${rules.length} rule${rules.length === 1 ? '' : 's'} satisfied`;
  return {
    ...base,
    satisfied: !truncated && unknown.length === 0 && passing === rules.length,
    title,
    rules,
    problems,
  };
}

/**
 * What the evaluation could not find out about whether approvals are independent and fresh, when
 * the policy needs it: each fails the verdict (closed), saying why.
 */
function independenceProblems(policy: Policy, input: EvaluationInput): string[] {
  const out: string[] = [];
  if (!policy.settings.allow_contributor && input.contributors && !input.contributors.complete) {
    out.push(
      'contributors unknown: GitHub did not list every commit of the pull request, so reviewers who committed to it cannot be ruled out',
    );
  }
  return out;
}

/**
 * Valid approvals of the PR's current head by the check's own rules (author, bot, stale, write
 * access), independent of which paths changed — what an environment's `min_approvals` counts.
 * Stops looking once `required` are found.
 */
export async function countFreshApprovals(
  policy: Policy,
  input: EvaluationInput,
  directory: Directory,
  required: number,
): Promise<{ valid: string[]; ignored: IgnoredReview[]; problems: string[] }> {
  const problems: string[] = independenceProblems(policy, input);
  const lookups = new Lookups(directory, problems);
  const triage = triageOpinions(latestOpinions(input.reviews), policy, input);
  const anyone: Rule = { name: 'fresh approvals', paths: [], approvals: required, teams: [], users: [] };
  const counted = await countApprovals(anyone, triage.approvals, lookups);
  const ignored = [...triage.ignored, ...counted.ignored].filter((i) => i.state === 'APPROVED');
  return { valid: counted.valid, ignored, problems };
}

/** Files GitHub did not list could match any rule, so an incomplete list can never pass. */
function truncationProblem(input: EvaluationInput): string | undefined {
  const listed = input.files.length;
  const total = input.pullRequest.changedFiles;
  if (total !== undefined && total > MAX_LISTED_FILES) {
    return `file list truncated: the pull request changes ${total} files, more than the ${MAX_LISTED_FILES} GitHub lists, so protected paths cannot be ruled out`;
  }
  if (total !== undefined && total > listed) {
    return `file list truncated: GitHub listed ${listed} of ${total} changed files, so protected paths cannot be ruled out`;
  }
  if (listed > MAX_LISTED_FILES) {
    return `file list truncated: ${listed} files listed, more than the ${MAX_LISTED_FILES} GitHub can list completely`;
  }
  if (input.filesTruncated) {
    return `file list truncated: only ${listed} changed files could be listed, so protected paths cannot be ruled out`;
  }
  return undefined;
}

interface Candidate {
  login: string;
  reviewId: number;
}

interface Triage {
  /** Approvals that pass every check not needing the Directory, oldest first. */
  approvals: Candidate[];
  /** Outstanding "changes requested" from humans other than the author. */
  changesRequested: Candidate[];
  /** Opinions that cannot count for any rule. */
  ignored: IgnoredReview[];
}

/** Sorts opinions by what the Directory still has to decide, settling everything it need not. */
function triageOpinions(opinions: Opinion[], policy: Policy, input: EvaluationInput): Triage {
  const { settings } = policy;
  const out: Triage = { approvals: [], changesRequested: [], ignored: [] };
  const contributors = new Set((input.contributors?.logins ?? []).map((l) => l.toLowerCase()));
  const baseChanged = input.baseChangedAt ? Date.parse(input.baseChangedAt) : undefined;
  // An approval given before (or in the same second as) the base changed reviewed another diff.
  const beforeBaseChange = (o: Opinion): boolean => {
    if (baseChanged === undefined) return false;
    const at = o.review.submitted_at ? Date.parse(o.review.submitted_at) : NaN;
    return !(at > baseChanged);
  };
  for (const o of opinions) {
    const ignore = (reason: IgnoredReview['reason']): void => {
      out.ignored.push({ login: o.login ?? 'ghost', state: o.state, reason, reviewId: o.review.id });
    };
    if (o.state === 'DISMISSED') ignore('dismissed');
    else if (o.login === null) ignore('unknown user');
    else if (o.isBot) ignore('bot');
    else if (o.state === 'CHANGES_REQUESTED') {
      // GitHub does not let authors review their own PR; if data says otherwise, it cannot block it.
      if (sameLogin(o.login, input.pullRequest.author)) ignore('author');
      else out.changesRequested.push({ login: o.login, reviewId: o.review.id });
    } else if (!settings.allow_author && sameLogin(o.login, input.pullRequest.author)) ignore('author');
    else if (!settings.allow_contributor && contributors.has(o.login.toLowerCase())) ignore('contributor');
    else if (!settings.stale_approvals && o.review.commit_id !== input.pullRequest.headSha) ignore('stale');
    else if (!settings.stale_approvals && beforeBaseChange(o)) ignore('base changed');
    else out.approvals.push({ login: o.login, reviewId: o.review.id });
  }
  return out;
}

async function eligibleBlockers(
  candidates: Candidate[],
  lookups: Lookups,
): Promise<{ blockedBy: string[]; ignored: IgnoredReview[] }> {
  const blockedBy: string[] = [];
  const ignored: IgnoredReview[] = [];
  for (const c of candidates) {
    const permission = await lookups.permission(c.login);
    // An unknown permission blocks: failing closed is the safe side for a veto.
    if (permission === undefined || WRITE_ACCESS.has(permission)) blockedBy.push(c.login);
    else
      ignored.push({
        login: c.login,
        state: 'CHANGES_REQUESTED',
        reason: 'no write access',
        reviewId: c.reviewId,
      });
  }
  return { blockedBy, ignored };
}

async function countApprovals(
  rule: Rule,
  candidates: Candidate[],
  lookups: Lookups,
): Promise<{ valid: string[]; ignored: IgnoredReview[]; notNeeded: string[] }> {
  const valid: string[] = [];
  const ignored: IgnoredReview[] = [];
  const notNeeded: string[] = [];
  const restricted = rule.users.length > 0 || rule.teams.length > 0;
  const listed = (login: string): boolean => rule.users.some((u) => sameLogin(u, login));
  if (rule.teams.length > 0) {
    await lookups.prepareTeams(
      rule.teams,
      candidates.filter((c) => !listed(c.login)).map((c) => c.login),
    );
  }
  for (const c of candidates) {
    if (valid.length >= rule.approvals) {
      notNeeded.push(c.login);
      continue;
    }
    const ignore = (reason: IgnoreReason): void => {
      ignored.push({ login: c.login, state: 'APPROVED', reason, reviewId: c.reviewId });
    };
    // Membership first: most reviewers of a restricted rule are outside it, and that settles them
    // without a permission look-up (listed users cost nothing to check).
    if (restricted && !listed(c.login)) {
      const member = rule.teams.length === 0 ? false : await lookups.inAnyTeam(rule.teams, c.login);
      if (member !== true) {
        ignore(member === undefined ? 'lookup failed' : 'not in team');
        continue;
      }
    }
    const permission = await lookups.permission(c.login);
    if (permission === undefined) {
      ignore('lookup failed');
      continue;
    }
    if (!WRITE_ACCESS.has(permission)) {
      ignore('no write access');
      continue;
    }
    valid.push(c.login);
  }
  return { valid, ignored, notNeeded };
}

/**
 * Memoised Directory questions for one evaluation. A failed look-up is recorded as a problem and
 * answered "unknown" (undefined), which callers treat as not counting / still blocking.
 */
class Lookups {
  private readonly permissions = new Map<string, Promise<Permission | undefined>>();
  private readonly memberships = new Map<string, Promise<boolean | undefined>>();
  private readonly listings = new Map<string, Promise<TeamListing | undefined>>();

  constructor(
    private readonly directory: Directory,
    private readonly problems: string[],
  ) {}

  permission(login: string): Promise<Permission | undefined> {
    const key = login.toLowerCase();
    let answer = this.permissions.get(key);
    if (!answer) {
      answer = this.directory.permission(login).then(
        (p) => p,
        (e: unknown) => {
          this.problems.push(`could not look up ${login}'s permission: ${errorMessage(e)}`);
          return undefined;
        },
      );
      this.permissions.set(key, answer);
    }
    return answer;
  }

  /** True if a member of some team, undefined if not found in any but a look-up failed. */
  async inAnyTeam(teams: readonly string[], login: string): Promise<boolean | undefined> {
    let unknown = false;
    for (const team of teams) {
      const member = await this.isTeamMember(team, login);
      if (member === true) return true;
      if (member === undefined) unknown = true;
    }
    return unknown ? undefined : false;
  }

  /**
   * Lists a team once when two or more reviewers still need an answer from it: one page usually
   * answers everyone, where asking costs a request per reviewer. Only as many pages are read as
   * there are reviewers to ask, so a huge team is never dearer than asking; an incomplete listing
   * still proves membership, and absence from it falls back to asking.
   */
  async prepareTeams(teams: readonly string[], logins: readonly string[]): Promise<void> {
    const list = this.directory.teamMembers?.bind(this.directory);
    if (!list) return;
    for (const team of teams) {
      const key = team.toLowerCase();
      if (this.listings.has(key)) continue;
      const unknown = new Set(
        logins.map((l) => l.toLowerCase()).filter((l) => !this.memberships.has(`${key}\u0000${l}`)),
      );
      if (unknown.size < 2) continue;
      this.listings.set(
        key,
        list(team, Math.min(unknown.size - 1, 10)).catch(() => undefined),
      );
    }
  }

  private async isTeamMember(team: string, login: string): Promise<boolean | undefined> {
    const key = `${team.toLowerCase()}\u0000${login.toLowerCase()}`;
    const listing = await this.listings.get(team.toLowerCase());
    if (listing?.members.has(login.toLowerCase())) return true;
    if (listing?.complete) return false;
    let answer = this.memberships.get(key);
    if (!answer) {
      answer = this.directory.isTeamMember(team, login).then(
        (member) => member === true,
        (e: unknown) => {
          this.problems.push(`could not check whether ${login} is in team ${team}: ${errorMessage(e)}`);
          return undefined;
        },
      );
      this.memberships.set(key, answer);
    }
    return answer;
  }
}
