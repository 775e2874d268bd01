/**
 * A deploy's change set as the ledger records it (`predicate.change_set`) and the verdict on it,
 * from the raw evidence src/github/change-set.ts collects. Pure: no I/O.
 *
 * The deploy is `approved` only when coverage of every shipped commit was established (`complete`)
 * and every one came in through an approved pull request. A deploy that ships nothing (a redeploy,
 * a rollback) is approved on that rule: nothing uncovered ships. Lists are bounded so an entry stays
 * small: `commits.list` and `removed_commits.list` hold at most `cap` commits while their `count` is
 * true; `uncovered_commits` lists every uncovered commit that was read, which the GitHub side bounds
 * (`maxCommits`).
 *
 * `complete` means the pull request of every shipped commit was established. `truncated` says what
 * was cut, whenever anything was: a gap in the evidence (then `complete` is false), or only a list
 * held to `cap` (then it says coverage was still checked for every commit, and `complete` stays true).
 */
import type { ApprovalEvidence, Person } from '../github/approvers.ts';
import type { ChangeSetEvidence, ChangeSetRelation } from '../github/change-set.ts';

export type { ChangeSetRelation };

export type ChangeSetStatus = 'approved' | 'unapproved' | 'no-pull-request';

/** Why a commit is not covered; `unknown`: its pull request could not be established (see `truncated`). */
export type UncoveredReason = 'no-pull-request' | 'unapproved-pull-request' | 'unmerged-state' | 'unknown';

export interface ChangeSetPullRequest {
  number: number;
  title: string;
  author: Person;
  merged_at: string | null;
  approval: Omit<ApprovalEvidence, 'pull_request'> & {
    source?: 'reviews-at-deploy' | 'merge-entry';
    merge_entry?: { seq: number; hash: string; verdict: string };
    policy?: { satisfied: boolean; title: string; valid_approvers: string[] };
  };
}

export interface UncoveredCommit {
  sha: string;
  /** The GitHub login GitHub links the commit to, else the git author's name. */
  author: string;
  /** The message's first line, bounded. */
  message: string;
  reason: UncoveredReason;
}

/** `predicate.change_set` of a deploy entry. */
export interface ChangeSetRecord {
  base: string | null;
  relation: ChangeSetRelation;
  commits: { count: number; list: { sha: string; pull_request: number | null }[] };
  pull_requests: ChangeSetPullRequest[];
  uncovered_commits: UncoveredCommit[];
  removed_commits: { count: number; list: { sha: string }[] };
  complete: boolean;
  truncated?: string[];
  /**
   * How many pull requests' approvals come from signed `merge` entries (the decision as it stood
   * at merge) and how many from reading their reviews at deploy time.
   */
  approval_sources?: { merge_entries: number; reviews_at_deploy: number; untrusted_merge_entries?: number };
}

export interface ChangeSetDecision {
  status: ChangeSetStatus;
  /** For gate comments and check output: what ships and what no approved pull request covers. */
  summary: string;
}

/** Reasons kept in a record; a pathological range cannot fill an entry with them. */
const MAX_REASONS = 20;
/** Uncovered commits a summary names before "and N more". */
const NAMED_IN_SUMMARY = 5;

function short(sha: string): string {
  return sha.slice(0, 7);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function buildChangeSetRecord(evidence: ChangeSetEvidence): ChangeSetRecord {
  const approvals = new Map(evidence.pull_requests.map((p) => [p.pull_request.number, p]));
  const uncovered: UncoveredCommit[] = [];
  for (const c of evidence.commits) {
    const approval =
      c.pull_request === undefined || c.pull_request === null ? undefined : approvals.get(c.pull_request);
    const reason: UncoveredReason | undefined =
      c.pull_request === undefined
        ? 'unknown'
        : c.pull_request === null
          ? 'no-pull-request'
          : c.unmerged_state
            ? 'unmerged-state'
            : approval?.status === 'approved'
              ? undefined
              : // a PR number without its evidence cannot happen from the collector; if it does, it is not approved
                'unapproved-pull-request';
    if (reason) uncovered.push({ sha: c.sha, author: c.author, message: c.message, reason });
  }

  const listed = evidence.commits.slice(0, evidence.cap);
  const removed = evidence.removed.shas.slice(0, evidence.cap);
  const gaps = evidence.truncated.slice(0, MAX_REASONS);
  if (evidence.truncated.length > MAX_REASONS)
    gaps.push(`and ${evidence.truncated.length - MAX_REASONS} more reasons not listed`);
  const truncated = [...gaps];
  if (listed.length < evidence.total_commits && listed.length < evidence.commits.length) {
    truncated.push(
      evidence.complete
        ? `commits.list holds the first ${listed.length} of ${evidence.total_commits} commits; the pull request of every one of the ${evidence.total_commits} was checked`
        : `commits.list holds the first ${listed.length} of ${evidence.total_commits} commits`,
    );
  }
  if (removed.length < evidence.removed.count)
    truncated.push(`removed_commits.list holds ${removed.length} of ${evidence.removed.count} commits`);

  return {
    base: evidence.base,
    relation: evidence.relation,
    commits: {
      count: evidence.total_commits,
      list: listed.map((c) => ({ sha: c.sha, pull_request: c.pull_request ?? null })),
    },
    pull_requests: evidence.pull_requests.map(({ pull_request: pr, ...approval }) => ({
      number: pr.number,
      title: pr.title,
      author: pr.author,
      merged_at: pr.merged_at,
      approval,
    })),
    uncovered_commits: uncovered,
    removed_commits: { count: evidence.removed.count, list: removed.map((sha) => ({ sha })) },
    complete: evidence.complete,
    ...(truncated.length ? { truncated } : {}),
  };
}

function describeUncovered(record: ChangeSetRecord): string {
  const numbers = new Map(record.commits.list.map((c) => [c.sha, c.pull_request]));
  const named = record.uncovered_commits.slice(0, NAMED_IN_SUMMARY).map((c) => {
    const number = numbers.get(c.sha);
    const why =
      c.reason === 'no-pull-request'
        ? 'no pull request'
        : c.reason === 'unmerged-state'
          ? `a commit of pull request #${number} deployed without its merge commit`
          : c.reason === 'unknown'
            ? 'pull request unknown'
            : number
              ? `pull request #${number} is not approved`
              : 'its pull request is not approved';
    return `${short(c.sha)} "${c.message}" by ${c.author} (${why})`;
  });
  const more = record.uncovered_commits.length - named.length;
  return named.join('; ') + (more > 0 ? `; and ${more} more` : '');
}

/** The deploy's approval status from its change set, and a short summary naming what is uncovered. */
export function decideChangeSet(record: ChangeSetRecord): ChangeSetDecision {
  const { commits, uncovered_commits: uncovered, complete } = record;
  const gaps = complete ? [] : (record.truncated ?? []);
  const incomplete = complete
    ? ''
    : ` Evidence incomplete, so the deploy cannot count as approved: ${gaps[0] ?? 'reason not recorded'}${gaps.length > 1 ? ` (and ${plural(gaps.length - 1, 'more reason')})` : ''}.`;
  const removed = record.removed_commits.count
    ? ` It removes ${plural(record.removed_commits.count, 'commit')} deployed before.`
    : '';
  const since = record.base ? ` since ${short(record.base)}` : '';

  let status: ChangeSetStatus;
  let what: string;
  if (complete && uncovered.length === 0) {
    status = 'approved';
    const numbers = record.pull_requests.map((p) => `#${p.number}`).join(', ');
    what =
      commits.count === 0
        ? record.relation === 'behind'
          ? 'rollback: ships no new commits.'
          : `ships no new commits${since}.`
        : record.relation === 'first-deploy'
          ? `first deploy to this environment: its commit came in through approved pull request ${numbers}.`
          : `all ${plural(commits.count, 'commit')}${since} came in through approved pull requests (${numbers}).`;
  } else if (
    complete &&
    commits.count > 0 &&
    record.pull_requests.length === 0 &&
    uncovered.every((c) => c.reason === 'no-pull-request')
  ) {
    status = 'no-pull-request';
    const which =
      commits.count === 1
        ? `the commit${since} did not come in`
        : `none of the ${commits.count} commits${since} came in`;
    what = `${which} through a merged pull request: ${describeUncovered(record)}.`;
  } else {
    status = 'unapproved';
    what = uncovered.length
      ? `${uncovered.length} of ${plural(commits.count, 'commit')}${since} ${uncovered.length === 1 ? 'is' : 'are'} not covered by an approved pull request: ${describeUncovered(record)}.`
      : `the pull request of every commit read is approved.`;
  }
  return { status, summary: `${status}: ${what}${removed}${incomplete}` };
}
