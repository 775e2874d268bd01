/**
 * Audit exceptions: every place where the ledger itself shows a change that did not go through
 * review as the policy means it to. Pure: entries in (already verified), exceptions out; `now`
 * comes from the caller so an override's review deadline is judged the same way in a test and
 * in CI.
 *
 * Findings are computed over the whole ledger and filtered afterwards, so a review is still
 * linked to its override when only one of them falls inside `--since`.
 */
import type { ChangePredicate } from '../ledger/statement.ts';
import {
  actorOf,
  approvalView,
  changeSetOf,
  deployOutcome,
  detailString,
  pullRequestOf,
  quoted,
  reviewedAt,
  reviewedOverride,
  shortSha,
  type ApprovalView,
  type AuditEntry,
} from './entry.ts';
import { formatDuration, formatTime, formatWindow, HOUR_MS } from './window.ts';
import { sameName } from '../ledger/names.ts';

export const EXCEPTION_KINDS = [
  'uncovered-commits',
  'unapproved-pr',
  'direct-push-deploy',
  'incomplete-evidence',
  'approval-not-collected',
  'override-not-reviewed',
  'override-reviewed-late',
  // Written by the reconciliation sweep against GitHub's deployments (issue 14); listed so the
  // kinds a consumer must expect stay one list.
  'unrecorded-deploy',
] as const;
export type ExceptionKind = (typeof EXCEPTION_KINDS)[number];

export interface AuditException {
  kind: ExceptionKind;
  /** The entry the exception is about (for a late review: the review). */
  seq: number;
  hash: string;
  timestamp: string;
  environment?: string;
  repository: string;
  commit: string;
  /** One sentence naming the commits, pull requests and people involved. */
  why: string;
  /** The ledger branch, when several shards were read. */
  shard?: string;
  /** Pull requests the exception names, for machines (the sentence is for people). */
  pull_requests?: number[];
  /** Full shas of the commits the exception names. */
  commits?: string[];
}

/** An override whose review window is still open: not an exception yet, but an auditor should see it. */
export interface AwaitingReview {
  seq: number;
  hash: string;
  timestamp: string;
  due: string;
  by?: string;
  environment?: string;
  repository: string;
  commit: string;
  pull_request?: number;
  shard?: string;
}

export interface AuditOptions {
  now: Date;
  /** How soon an override must be reviewed (default 72h, the policy's default `review_within`). */
  reviewWithinMs?: number;
  environment?: string;
  since?: Date;
  until?: Date;
}

export interface AuditFindings {
  exceptions: AuditException[];
  awaitingReview: AwaitingReview[];
}

export const DEFAULT_REVIEW_WITHIN_MS = 72 * HOUR_MS;
/** Commits a sentence names before "and N more" (the JSON `commits` list has them all). */
const NAMED = 10;

export function findExceptions(entries: readonly AuditEntry[], opts: AuditOptions): AuditFindings {
  const window = opts.reviewWithinMs ?? DEFAULT_REVIEW_WITHIN_MS;
  const exceptions: AuditException[] = [];
  const superseded = supersededStarts(entries);
  for (const e of entries) {
    const p = e.statement.predicate;
    if (p.type === 'deploy' && !superseded.has(e)) exceptions.push(...deployExceptions(e));
  }
  exceptions.push(...unrecordedDeploys(entries));
  const overrides = linkReviews(entries);
  const awaitingReview: AwaitingReview[] = [];
  for (const { override: o, reviews } of overrides) {
    const p = o.statement.predicate;
    const due = Date.parse(p.timestamp) + window;
    const first = reviews[0];
    if (!first) {
      if (opts.now.getTime() > due) exceptions.push(notReviewed(o, window, opts.now));
      else awaitingReview.push(awaiting(o, due));
      continue;
    }
    const late = lateReview(o, first, window);
    if (late) exceptions.push(late);
  }
  return {
    exceptions: exceptions.filter((x) => inScope(x, opts)).sort(byTime),
    awaitingReview: awaitingReview.filter((x) => inScope(x, opts)).sort(byTime),
  };
}

/**
 * Deployments GitHub shows and no deploy entry accounts for, as the app's reconciliation sweeps
 * recorded them; a deployment named by several sweeps (each looks back two intervals) is listed
 * once, at the first reconciliation that found it, and timed by when it succeeded.
 */
function unrecordedDeploys(entries: readonly AuditEntry[]): AuditException[] {
  const seen = new Set<string>();
  const out: AuditException[] = [];
  for (const e of [...entries].sort((a, b) => a.seq - b.seq)) {
    const p = e.statement.predicate;
    if (p.type !== 'reconciliation' || !Array.isArray(p.details?.differences)) continue;
    for (const d of p.details.differences as Record<string, unknown>[]) {
      if (d?.kind !== 'unrecorded-deploy' || typeof d.deployment_id !== 'number') continue;
      const key = `${p.repository.toLowerCase()}#${d.deployment_id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const commit = typeof d.commit === 'string' ? d.commit : p.commit;
      const when = typeof d.succeeded_at === 'string' ? d.succeeded_at : p.timestamp;
      const by = typeof d.creator === 'string' ? ` by ${d.creator}` : '';
      const environment = typeof d.environment === 'string' ? d.environment : p.environment;
      out.push({
        kind: 'unrecorded-deploy',
        seq: e.seq,
        hash: e.hash,
        timestamp: when,
        ...(environment ? { environment } : {}),
        repository: p.repository,
        commit,
        why: `GitHub deployment ${d.deployment_id} of ${commit.slice(0, 7)} to ${environment ?? 'an environment'}${by} succeeded at ${when} with no deploy entry on the ledger (found by the reconciliation at seq ${e.seq}).`,
        commits: [commit],
      });
    }
  }
  return out;
}

function inScope(x: { timestamp: string; environment?: string }, opts: AuditOptions): boolean {
  const t = Date.parse(x.timestamp);
  if (opts.environment !== undefined && !sameName(x.environment, opts.environment)) return false;
  if (opts.since && t < opts.since.getTime()) return false;
  if (opts.until && t > opts.until.getTime()) return false;
  return true;
}

const KIND_ORDER = new Map(EXCEPTION_KINDS.map((k, i) => [k, i]));

function byTime<T extends { timestamp: string; seq: number; kind?: ExceptionKind; shard?: string }>(
  a: T,
  b: T,
): number {
  return (
    Date.parse(a.timestamp) - Date.parse(b.timestamp) ||
    (a.shard ?? '').localeCompare(b.shard ?? '') ||
    a.seq - b.seq ||
    (KIND_ORDER.get(a.kind!) ?? 0) - (KIND_ORDER.get(b.kind!) ?? 0)
  );
}

function base(e: AuditEntry, kind: ExceptionKind, why: string): AuditException {
  const p = e.statement.predicate;
  return {
    kind,
    seq: e.seq,
    hash: e.hash,
    timestamp: p.timestamp,
    ...(p.environment !== undefined ? { environment: p.environment } : {}),
    repository: p.repository,
    commit: p.commit,
    why,
    ...(e.branch !== undefined ? { shard: e.branch } : {}),
  };
}

/**
 * A `started` deploy is followed by its outcome (same repository, environment and commit), which
 * carries the same change set: auditing both would list every exception twice. A start with no
 * outcome after it is audited: the deploy may well have shipped.
 */
function supersededStarts(entries: readonly AuditEntry[]): Set<AuditEntry> {
  const key = (e: AuditEntry): string => {
    const p = e.statement.predicate;
    return JSON.stringify([e.branch ?? '', p.repository, p.environment ?? '', p.commit]);
  };
  const lastOutcome = new Map<string, number>();
  for (const e of entries) {
    const outcome = deployOutcome(e.statement.predicate);
    if (outcome && outcome !== 'started')
      lastOutcome.set(key(e), Math.max(lastOutcome.get(key(e)) ?? -1, e.seq));
  }
  return new Set(
    entries.filter(
      (e) => deployOutcome(e.statement.predicate) === 'started' && (lastOutcome.get(key(e)) ?? -1) > e.seq,
    ),
  );
}

function deployLabel(p: ChangePredicate, seq: number): string {
  const env = p.environment ? ` to ${p.environment}` : '';
  const outcome = deployOutcome(p);
  const note =
    outcome === 'failure'
      ? ', which failed'
      : outcome === 'rolled-back'
        ? ', later rolled back'
        : outcome === 'started'
          ? ', started with no outcome recorded'
          : '';
  return `the deploy of ${shortSha(p.commit)}${env} (seq ${seq}${note})`;
}

function prLabel(pr: { number: number; title?: string; author?: string }): string {
  return `pull request #${pr.number}${pr.title ? ` ${quoted(pr.title)}` : ''}${pr.author ? ` by ${pr.author}` : ''}`;
}

function deployExceptions(e: AuditEntry): AuditException[] {
  const p = e.statement.predicate;
  const label = deployLabel(p, e.seq);
  const out: AuditException[] = [];
  const cs = changeSetOf(p);
  const approval = approvalView(p.approval);
  const missing = missingEvidence(p);
  if (missing.length) {
    out.push(
      base(
        e,
        'approval-not-collected',
        `${capitalise(label)} was recorded ${missing.join(' and ')}, so who let it in is not established.`,
      ),
    );
  }

  if (cs && !cs.readable) {
    out.push(
      base(
        e,
        'incomplete-evidence',
        `The change set of ${label} cannot be read (${cs.problem}), so what it shipped is not established.`,
      ),
    );
  } else if (cs) {
    const prOfCommit = new Map(cs.commits.list.map((c) => [c.sha, c.pull_request]));
    if (cs.uncovered_commits.length) {
      const n = cs.uncovered_commits.length;
      const named = cs.uncovered_commits.slice(0, NAMED).map((c) => {
        const number = prOfCommit.get(c.sha);
        const reason =
          c.reason === 'no-pull-request'
            ? 'no pull request'
            : c.reason === 'unknown'
              ? 'its pull request could not be established'
              : number
                ? `pull request #${number} is not approved`
                : 'its pull request is not approved';
        return `${shortSha(c.sha)} ${quoted(c.message, 60)} by ${c.author} (${reason})`;
      });
      const more = n > NAMED ? `; and ${n - NAMED} more` : '';
      out.push({
        ...base(
          e,
          'uncovered-commits',
          `${capitalise(label)} shipped ${n} ${n === 1 ? 'commit' : 'commits'} no approved pull request covers: ${named.join('; ')}${more}.`,
        ),
        commits: cs.uncovered_commits.map((c) => c.sha),
      });
    }
    for (const pr of cs.pull_requests) {
      if (pr.approval.status === 'approved') continue;
      out.push({
        ...base(
          e,
          'unapproved-pr',
          `${capitalise(prLabel(pr))}, shipped by ${label}, is not approved: ${notApprovedBecause(pr.approval, pr.author)}.`,
        ),
        pull_requests: [pr.number],
      });
    }
    const own = cs.uncovered_commits.find((c) => c.sha === p.commit && c.reason === 'no-pull-request');
    if (approval?.status === 'no-pull-request' || own) {
      out.push({
        ...base(
          e,
          'direct-push-deploy',
          `${capitalise(label)}: the deployed commit came in without a pull request${own ? ` (${quoted(own.message, 60)} by ${own.author})` : ''}.`,
        ),
        commits: [p.commit],
      });
    }
    if (!cs.complete) {
      const gaps = cs.truncated;
      const reason = gaps[0] ?? 'no reason recorded';
      const more = gaps.length > 1 ? ` (and ${gaps.length - 1} more)` : '';
      out.push(
        base(
          e,
          'incomplete-evidence',
          `The change set of ${label} is incomplete, so coverage of every shipped commit (${cs.commits.count}) was not established: ${reason}${more}.`,
        ),
      );
    }
  } else if (approval?.status === 'unapproved') {
    // Written before change sets: the deployed commit's own pull request is all there is.
    const pr = pullRequestOf(p);
    out.push({
      ...base(
        e,
        'unapproved-pr',
        `${pr ? capitalise(prLabel(pr)) : 'The pull request'}, shipped by ${label}, is not approved: ${notApprovedBecause(approval, pr?.author)}.`,
      ),
      ...(pr ? { pull_requests: [pr.number] } : {}),
    });
  } else if (approval?.status === 'no-pull-request') {
    out.push({
      ...base(
        e,
        'direct-push-deploy',
        `${capitalise(label)}: the deployed commit came in without a pull request.`,
      ),
      commits: [p.commit],
    });
  }
  return out;
}

/**
 * What a deploy entry lacks that an auditor needs: approval evidence (none collected — `record`
 * from the CLI, which cannot ask GitHub — or none at all) and the actor who deployed. Missing
 * evidence is never a clean bill; `approval-not-collected` lists it. Exported for the streams.
 */
export function missingEvidence(p: ChangePredicate): string[] {
  if (p.type !== 'deploy') return [];
  const out: string[] = [];
  const status = approvalView(p.approval)?.status;
  if (!changeSetOf(p) && (status === undefined || status === 'not-collected' || status === 'unknown'))
    out.push(
      status === undefined ? 'with no approval evidence' : 'without approval evidence (not collected)',
    );
  if (!actorOf(p)) out.push('without an actor');
  return out;
}

/** Why approval evidence does not amount to an approval, naming the reviewers. */
export function notApprovedBecause(a: ApprovalView, author?: string): string {
  const reasons: string[] = [];
  const names = (rs: { login: string }[]): string => rs.map((r) => r.login).join(', ');
  if (a.changes_requested.length) reasons.push(`changes requested by ${names(a.changes_requested)}`);
  const stale = a.approvers.filter((r) => r.stale);
  if (stale.length) reasons.push(`the approval by ${names(stale)} was of an older head`);
  for (const r of a.not_counted) {
    const who =
      r.reason === 'author' || r.login === author
        ? 'the author'
        : r.reason === 'bot'
          ? 'a bot'
          : 'not eligible';
    reasons.push(`${r.login}'s review does not count (${who})`);
  }
  if (a.status !== 'unapproved' && a.status !== 'approved' && a.status !== 'unknown')
    reasons.push(`its approval status is ${a.status}`);
  if (a.status === 'unknown') reasons.push('its approval evidence is missing');
  if (!reasons.length)
    reasons.push(a.approvers.some((r) => !r.stale) ? 'its approvals did not count' : 'nobody approved it');
  return reasons.join('; ');
}

interface LinkedOverride {
  override: AuditEntry;
  /** Its reviews, earliest first. */
  reviews: AuditEntry[];
}

/**
 * Each override with the reviews that name it: by entry hash (unique across shards), else by seq
 * within the same shard (seq counts per branch).
 */
function linkReviews(entries: readonly AuditEntry[]): LinkedOverride[] {
  const linked: LinkedOverride[] = [];
  const byHash = new Map<string, LinkedOverride>();
  const bySeq = new Map<string, LinkedOverride>();
  for (const e of entries) {
    if (e.statement.predicate.type !== 'override') continue;
    const l = { override: e, reviews: [] };
    linked.push(l);
    byHash.set(e.hash, l);
    bySeq.set(`${e.branch ?? ''}#${e.seq}`, l);
  }
  for (const e of entries) {
    if (e.statement.predicate.type !== 'override-review') continue;
    const ref = reviewedOverride(e.statement.predicate);
    const l =
      (ref.hash !== undefined ? byHash.get(ref.hash) : undefined) ??
      (ref.hash === undefined && ref.seq !== undefined
        ? bySeq.get(`${e.branch ?? ''}#${ref.seq}`)
        : undefined);
    l?.reviews.push(e);
  }
  for (const l of linked)
    l.reviews.sort(
      (a, b) => Date.parse(reviewedAt(a.statement.predicate)) - Date.parse(reviewedAt(b.statement.predicate)),
    );
  return linked;
}

function overrideLabel(o: AuditEntry): string {
  const p = o.statement.predicate;
  const by = actorOf(p);
  const pr = pullRequestOf(p);
  const reason = detailString(p, 'reason');
  return (
    `The break-glass override${by ? ` by ${by}` : ''} at ${formatTime(p.timestamp)} (seq ${o.seq})` +
    (pr ? ` of ${prLabel(pr)}` : ` of ${shortSha(p.commit)}`) +
    (reason ? `, reason ${quoted(reason)}` : '')
  );
}

function withOverrideScope(x: AuditException, o: AuditEntry): AuditException {
  const p = o.statement.predicate;
  const pr = pullRequestOf(p);
  return {
    ...x,
    // A review carries no environment of its own: the override's is the one it concerns.
    ...(p.environment !== undefined ? { environment: p.environment } : {}),
    ...(pr ? { pull_requests: [pr.number] } : {}),
  };
}

function notReviewed(o: AuditEntry, window: number, now: Date): AuditException {
  const overdue = now.getTime() - (Date.parse(o.statement.predicate.timestamp) + window);
  return withOverrideScope(
    base(
      o,
      'override-not-reviewed',
      `${overrideLabel(o)}, has no review recorded within ${formatWindow(window)} (overdue by ${formatDuration(overdue)}).`,
    ),
    o,
  );
}

function lateReview(o: AuditEntry, review: AuditEntry, window: number): AuditException | undefined {
  const r = review.statement.predicate;
  const overrideAt = Date.parse(o.statement.predicate.timestamp);
  const at = reviewedAt(r);
  const after = Date.parse(at) - overrideAt;
  const recordedLate = r.details?.within === false;
  if (!recordedLate && after <= window) return undefined;
  const policyWindow = detailString(r, 'review_within');
  const why =
    after > window
      ? `past the ${formatWindow(window)} window`
      : `which the app recorded as outside the policy's ${policyWindow ?? 'review'} window`;
  const reviewer = actorOf(r);
  return withOverrideScope(
    base(
      review,
      'override-reviewed-late',
      `${overrideLabel(o)}, was reviewed${reviewer ? ` by ${reviewer}` : ''} at ${formatTime(at)}, ${formatDuration(after)} later, ${why}.`,
    ),
    o,
  );
}

function awaiting(o: AuditEntry, due: number): AwaitingReview {
  const p = o.statement.predicate;
  const pr = pullRequestOf(p);
  const by = actorOf(p);
  return {
    seq: o.seq,
    hash: o.hash,
    timestamp: p.timestamp,
    due: new Date(due).toISOString(),
    ...(by !== undefined ? { by } : {}),
    ...(p.environment !== undefined ? { environment: p.environment } : {}),
    repository: p.repository,
    commit: p.commit,
    ...(pr ? { pull_request: pr.number } : {}),
    ...(o.branch !== undefined ? { shard: o.branch } : {}),
  };
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
