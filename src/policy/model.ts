/**
 * The shapes the policy room trades in: a validated policy, what an evaluation needs to know about a
 * pull request, and the verdict. Everything here is plain data (JSON-serialisable) except Directory.
 */

export interface Rule {
  name: string;
  /** Globs as written, including `!` exclusions. */
  paths: string[];
  approvals: number;
  /** Team slugs; with `users`, restricts whose approvals count. Empty: anyone with write access. */
  teams: string[];
  users: string[];
}

export interface OverrideSettings {
  /** Both empty means "repository admins". */
  users: string[];
  teams: string[];
  /** The pull request's author may override their own pull request. */
  allow_author: boolean;
  /** How soon an eligible reviewer must review a break-glass, e.g. `72h` (see durationMs). */
  review_within: string;
}

export interface Settings {
  stale_approvals: boolean;
  allow_author: boolean;
  /** Count approvals by people who authored or committed commits in the pull request. */
  allow_contributor: boolean;
  block_on_changes_requested: boolean;
  check_name: string;
  override: OverrideSettings;
}

export interface EnvironmentPolicy {
  require_approved_pr: boolean;
  min_approvals: number;
  allow_direct_push: boolean;
  /** Every commit shipped since the environment's last deploy came in through an approved PR. */
  require_approved_change_set: boolean;
}

export interface LedgerSettings {
  /** owner/name; absent means the repository the policy belongs to. */
  repository?: string;
  /** Absent: `shiplog` in this repository, or this repository's shard `shiplog/<owner>/<repo>` in a central one. */
  branch?: string;
}

export interface Policy {
  /** Where the policy came from, for messages. */
  source: string;
  extends?: string;
  rules: Rule[];
  settings: Settings;
  /** Null-prototype map: look environments up with `environmentPolicy()`. */
  environments: Record<string, EnvironmentPolicy>;
  ledger: LedgerSettings;
}

export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

/** Who may do what in the repository. The app backs it with the API, the CLI with a snapshot. */
export interface Directory {
  permission(login: string): Promise<Permission>;
  isTeamMember(teamSlug: string, login: string): Promise<boolean>;
  /**
   * Optional: a team's active members in one listing, read at most `maxPages` pages deep. Cheaper
   * than asking about each reviewer when several must be checked against one team.
   */
  teamMembers?(teamSlug: string, maxPages: number): Promise<TeamListing>;
}

export interface TeamListing {
  /** Lower-case logins. */
  members: Set<string>;
  /** False when the team has more members than the pages read: absence then proves nothing. */
  complete: boolean;
}

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';

/** The fields shiplog reads from GitHub's REST pull request review object. */
export interface GitHubReview {
  id: number;
  user: { login: string; id: number; type: string } | null;
  state: ReviewState;
  /** Null when the reviewed commit was garbage collected. */
  commit_id: string | null;
  submitted_at?: string | null;
  body?: string | null;
}

export interface ChangedFile {
  filename: string;
  previous_filename?: string;
  status?: string;
}

export interface EvaluationInput {
  pullRequest: { number: number; author: string; headSha: string; changedFiles?: number };
  files: ChangedFile[];
  /** The caller knows the file list is incomplete (pagination stopped, API cap). */
  filesTruncated?: boolean;
  reviews: GitHubReview[];
  /**
   * Who authored or committed commits in the pull request (logins). Undefined when the caller
   * cannot say (an offline snapshot without `commits`): then nobody is excluded as a contributor.
   * `complete: false` (more commits than GitHub lists) fails closed unless `allow_contributor`.
   */
  contributors?: { logins: string[]; complete: boolean };
  /**
   * When the pull request's base branch last changed (ISO time), from its timeline; null when it
   * never did. Undefined when the caller cannot say (an offline snapshot): base changes are then
   * not judged. The app always reads it, and fails the check when it cannot.
   */
  baseChangedAt?: string | null;
}

export type IgnoreReason =
  | 'stale'
  | 'base changed'
  | 'contributor'
  | 'author'
  | 'bot'
  | 'no write access'
  | 'not in team'
  | 'dismissed'
  | 'unknown user'
  | 'lookup failed';

/** A reviewer whose latest opinion did not count towards (or block) a rule. */
export interface IgnoredReview {
  login: string;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'DISMISSED';
  reason: IgnoreReason;
  reviewId: number;
}

export interface MatchedFile {
  filename: string;
  previous_filename?: string;
  status?: string;
}

export interface RuleResult {
  name: string;
  matchedFiles: MatchedFile[];
  required: number;
  validApprovers: string[];
  ignored: IgnoredReview[];
  /** Eligible reviewers whose outstanding "changes requested" fails this rule. */
  blockedBy: string[];
  /** Approvers not looked up because the rule already had enough valid approvals. */
  notNeeded: string[];
  satisfied: boolean;
  missing: number;
}

export interface Verdict {
  satisfied: boolean;
  title: string;
  pullRequest: number;
  headSha: string;
  /** Only rules that matched at least one changed file. */
  rules: RuleResult[];
  /** Reasons the verdict could not be trusted (truncated data, failed look-ups). */
  problems: string[];
}
