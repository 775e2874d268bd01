/**
 * What audit and stats read of a ledger entry. Entries are signed, but their shapes come from
 * writers of different versions, so every field beyond the checked core (seq, type, timestamp,
 * repository, commit) is read defensively here, once: a change set that cannot be read is
 * incomplete evidence, never an approval and never a crash.
 */
import type { ChangeSetRecord, UncoveredReason } from '../policy/change-set.ts';
import type { ChangePredicate, Statement } from '../ledger/statement.ts';

/** An entry as audit needs it; `branch` is the shard it came from when several were read. */
export interface AuditEntry {
  seq: number;
  hash: string;
  statement: Statement;
  branch?: string;
}

export type DeployOutcome = 'success' | 'failure' | 'started' | 'rolled-back' | 'unknown';

/** A deploy's own outcome; no status means a step that runs only after the deploy succeeded. */
export function deployOutcome(p: ChangePredicate): DeployOutcome | undefined {
  if (p.type !== 'deploy') return undefined;
  const status = p.details?.status;
  if (status === undefined || status === 'success') return 'success';
  if (status === 'failure' || status === 'started' || status === 'rolled-back') return status;
  return 'unknown';
}

/** One reviewer in approval evidence (the Action's and the change set's share the shape). */
export interface Reviewer {
  login: string;
  stale?: boolean;
  reason?: string;
}

export interface ApprovalView {
  status: string;
  approvers: Reviewer[];
  changes_requested: Reviewer[];
  not_counted: Reviewer[];
}

export interface PullRequestView {
  number: number;
  title?: string;
  author?: string;
  merged_at?: string;
  approval: ApprovalView;
}

/** A change set as read back: the record's fields, or `unreadable` saying why it could not be. */
export type ChangeSetView =
  | {
      readable: true;
      base: string | null;
      relation: string;
      commits: { count: number; list: { sha: string; pull_request: number | null }[] };
      pull_requests: PullRequestView[];
      uncovered_commits: { sha: string; author: string; message: string; reason: UncoveredReason }[];
      removed_commits: { count: number };
      complete: boolean;
      truncated: string[];
    }
  | { readable: false; problem: string };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function reviewers(v: unknown): Reviewer[] {
  return list(v)
    .filter(isObject)
    .filter((r) => typeof r.login === 'string')
    .map((r) => ({
      login: r.login as string,
      ...(r.stale === true ? { stale: true } : {}),
      ...(typeof r.reason === 'string' ? { reason: r.reason } : {}),
    }));
}

export function approvalView(v: unknown): ApprovalView | undefined {
  if (!isObject(v) || typeof v.status !== 'string') return undefined;
  return {
    status: v.status,
    approvers: reviewers(v.approvers),
    changes_requested: reviewers(v.changes_requested),
    not_counted: reviewers(v.not_counted),
  };
}

/** A login from `{login}` (GitHub's shape) or a plain string (the override's). */
export function loginOf(v: unknown): string | undefined {
  return str(v) ?? (isObject(v) ? str(v.login) : undefined);
}

/** The deploy's change set, undefined for entries written before change sets were recorded. */
export function changeSetOf(p: ChangePredicate): ChangeSetView | undefined {
  const raw = p.change_set as Partial<Record<keyof ChangeSetRecord, unknown>> | undefined;
  if (raw === undefined) return undefined;
  if (!isObject(raw)) return { readable: false, problem: 'predicate.change_set is not an object' };
  const commits = raw.commits;
  if (!isObject(commits) || !Number.isSafeInteger(commits.count))
    return { readable: false, problem: 'predicate.change_set.commits has no count' };
  if (typeof raw.complete !== 'boolean')
    return { readable: false, problem: 'predicate.change_set.complete is missing' };
  const prs: PullRequestView[] = [];
  for (const pr of list(raw.pull_requests)) {
    if (!isObject(pr) || !Number.isSafeInteger(pr.number)) continue;
    prs.push({
      number: pr.number as number,
      title: str(pr.title),
      author: loginOf(pr.author),
      merged_at: str(pr.merged_at),
      // Evidence missing from a PR is no approval: an unknown status never reads as approved.
      approval: approvalView(pr.approval) ?? {
        status: 'unknown',
        approvers: [],
        changes_requested: [],
        not_counted: [],
      },
    });
  }
  const removed = raw.removed_commits;
  return {
    readable: true,
    base: str(raw.base) ?? null,
    relation: str(raw.relation) ?? 'unknown',
    commits: {
      count: commits.count as number,
      list: list(commits.list)
        .filter(isObject)
        .filter((c) => typeof c.sha === 'string')
        .map((c) => ({
          sha: c.sha as string,
          pull_request: Number.isSafeInteger(c.pull_request) ? (c.pull_request as number) : null,
        })),
    },
    pull_requests: prs,
    uncovered_commits: list(raw.uncovered_commits)
      .filter(isObject)
      .filter((c) => typeof c.sha === 'string')
      .map((c) => ({
        sha: c.sha as string,
        author: str(c.author) ?? 'unknown',
        message: str(c.message) ?? '',
        reason: (['no-pull-request', 'unapproved-pull-request'].includes(c.reason as string)
          ? c.reason
          : 'unknown') as UncoveredReason,
      })),
    removed_commits: {
      count: isObject(removed) && Number.isSafeInteger(removed.count) ? (removed.count as number) : 0,
    },
    complete: raw.complete,
    truncated: list(raw.truncated).filter((t): t is string => typeof t === 'string'),
  };
}

/** The pull request an entry's approval names (`approval.pull_request`, or an override's `details.pull_request`). */
export function pullRequestOf(
  p: ChangePredicate,
): { number: number; title?: string; author?: string } | undefined {
  const raw = isObject(p.details?.pull_request) ? p.details.pull_request : p.approval?.pull_request;
  if (!isObject(raw) || !Number.isSafeInteger(raw.number)) return undefined;
  return { number: raw.number as number, title: str(raw.title), author: loginOf(raw.author) };
}

/** Which override an `override-review` entry reviews: its hash (preferred) and seq, and when it was made. */
export function reviewedOverride(p: ChangePredicate): { hash?: string; seq?: number; at?: string } {
  const o = p.details?.override;
  if (!isObject(o)) return {};
  return {
    hash: str(o.hash),
    seq: Number.isSafeInteger(o.seq) ? (o.seq as number) : undefined,
    at: str(o.at),
  };
}

/**
 * When an override-review's review was made: the app records the entry when it hears of the
 * review, which a delayed webhook can put hours later, so the review's own time comes first.
 */
export function reviewedAt(p: ChangePredicate): string {
  const review = p.details?.review;
  const candidates = [p.details?.reviewed_at, isObject(review) ? review.submitted_at : undefined];
  return (
    candidates.find((t): t is string => typeof t === 'string' && !Number.isNaN(Date.parse(t))) ?? p.timestamp
  );
}

export function actorOf(p: ChangePredicate): string | undefined {
  return loginOf(p.actor);
}

export function detailString(p: ChangePredicate, key: string): string | undefined {
  return str(p.details?.[key]);
}

export const shortSha = (sha: string): string => sha.slice(0, 7);

/** Text from the ledger in a sentence: one line, bounded, so a hostile title cannot take over a row. */
export function quoted(text: string, max = 80): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is being removed
  const one = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return `"${one.length > max ? `${one.slice(0, max - 1)}…` : one}"`;
}
