/**
 * One report row per ledger entry: the fields both the HTML page and the CSV show, derived once
 * so the two never disagree about who approved what.
 */
import type { ApprovalStatus, Statement } from '../ledger/statement.ts';
import { actorLogin, currentApprovers } from '../ledger/where.ts';

/** What a report needs of an entry; query results and raw reads both fit. */
export interface ReportEntry {
  seq: number;
  hash: string;
  statement: Statement;
  /** The shard it came from, when several were read. */
  branch?: string;
}

export type BadgeTone = 'good' | 'bad' | 'warn' | 'neutral';

export interface Badge {
  /** The approval status as recorded, or `not-collected` when the entry has none. */
  status: ApprovalStatus;
  label: string;
  tone: BadgeTone;
}

export interface ReportRow {
  seq: number;
  hash: string;
  timestamp: string;
  type: string;
  environment?: string;
  repository: string;
  commit: string;
  branch?: string;
  /** The ledger shard it came from, when several were read. */
  shard?: string;
  actor?: string;
  approvers: string[];
  /** Reviewers whose approval was of an older head, so it did not count. */
  staleApprovers: string[];
  badge: Badge;
  pullRequest?: { number?: number; title?: string };
  /** A deploy's own outcome (success, failure, started, rolled-back), when recorded. */
  deployStatus?: string;
  version?: string;
  details?: Record<string, unknown>;
  statement: Statement;
}

const BADGES: Record<ApprovalStatus, Omit<Badge, 'status'>> = {
  approved: { label: 'approved', tone: 'good' },
  unapproved: { label: 'unapproved', tone: 'bad' },
  overridden: { label: 'overridden', tone: 'warn' },
  // A direct push skipped review altogether: an auditor should notice it, not a failure though.
  'no-pull-request': { label: 'no pull request', tone: 'warn' },
  'not-collected': { label: 'not collected', tone: 'neutral' },
};

export function badgeOf(statement: Statement): Badge {
  const raw = statement.predicate.approval?.status;
  // Unknown values come from newer writers or damaged entries: never show them as approved.
  const status: ApprovalStatus = raw && raw in BADGES ? raw : 'not-collected';
  return { status, ...BADGES[status] };
}

/** The badge of an approval status. */
export function badgeFor(status: ApprovalStatus): Badge {
  return { status, ...BADGES[status] };
}

export function toRow(e: ReportEntry): ReportRow {
  const p = e.statement.predicate;
  const pr = p.approval?.pull_request as { number?: unknown; title?: unknown } | undefined;
  const status = p.details?.status;
  return {
    seq: e.seq,
    hash: e.hash,
    timestamp: p.timestamp,
    type: p.type,
    environment: p.environment,
    repository: p.repository,
    commit: p.commit,
    branch: p.branch,
    ...(e.branch ? { shard: e.branch } : {}),
    actor: actorLogin(e.statement),
    approvers: currentApprovers(e.statement),
    staleApprovers: staleApprovers(e.statement),
    badge: badgeOf(e.statement),
    pullRequest:
      pr && typeof pr === 'object'
        ? {
            number: typeof pr.number === 'number' ? pr.number : undefined,
            title: typeof pr.title === 'string' ? pr.title : undefined,
          }
        : undefined,
    deployStatus: p.type === 'deploy' && typeof status === 'string' ? status : undefined,
    version: typeof p.details?.version === 'string' ? p.details.version : undefined,
    details: p.details,
    statement: e.statement,
  };
}

function staleApprovers(s: Statement): string[] {
  const list = s.predicate.approval?.approvers;
  if (!Array.isArray(list)) return [];
  return list
    .filter((a): a is { login: string; stale: true } => typeof a?.login === 'string' && a.stale === true)
    .map((a) => a.login);
}

/** Badge order for summaries: the good news first, then what needs an auditor's attention. */
export const BADGE_ORDER: readonly ApprovalStatus[] = Object.keys(BADGES) as ApprovalStatus[];

/** Rows newest first (by seq: the order the ledger accepted them). */
export function toRows(entries: readonly ReportEntry[]): ReportRow[] {
  return entries.map(toRow).sort((a, b) => b.seq - a.seq);
}
