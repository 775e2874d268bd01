/**
 * What the report shows, gathered in one pass as verify hands entries over, so a 100k-entry ledger
 * costs the figures it needs, not the ledger in memory: counts, exceptions and delivery metrics for
 * the whole ledger; the timeline and details for a window (default the last 90 days) and at most
 * `maxRows` of its newest entries, so the page stays small enough for a browser to open; every
 * entry goes to the CSV beside it (`onRow`) as it passes.
 */
import { ExceptionFinder, type AuditFindings } from '../audit/exceptions.ts';
import { DeliveryStatsBuilder, WeeklyDeploys, type DeliveryStats } from '../audit/stats.ts';
import { DAY_MS } from '../audit/window.ts';
import type { ApprovalStatus } from '../ledger/statement.ts';
import { badgeOf, type ReportEntry } from './model.ts';

export const METRICS_DAYS = 30;
export const CHART_WEEKS = 12;
/** The timeline's default window. */
export const WINDOW_DAYS = 90;
/** Entries the timeline details at most (the newest in the window): ~3 KB of page each, so a page Chromium opens in seconds. */
export const MAX_ROWS = 500;

export interface CollectOptions {
  now: Date;
  reviewWithinMs: number;
  /** The timeline's window; undefined ends: open. */
  window?: { since?: Date; until?: Date };
  maxRows?: number;
}

export interface CollectedReport {
  /** Entries read (all verified ones). */
  total: number;
  /** Count per approval status, over the whole ledger. */
  badges: Map<ApprovalStatus, number>;
  types: string[];
  environments: string[];
  findings: AuditFindings;
  delivery: { stats: DeliveryStats; weeks: { start: string; deploys: number }[]; leads: number[] };
  /** The window's entries shown, newest last (at most maxRows). */
  rows: ReportEntry[];
  window: { since?: string; until?: string };
  /** Entries in the window; before and after it. */
  inWindow: number;
  before: number;
  after: number;
}

export class ReportCollector {
  private total = 0;
  private readonly badges = new Map<ApprovalStatus, number>();
  private readonly types = new Set<string>();
  private readonly environments = new Set<string>();
  private readonly finder = new ExceptionFinder();
  private readonly stats: DeliveryStatsBuilder;
  private readonly weeks: WeeklyDeploys;
  private rows: ReportEntry[] = [];
  private inWindow = 0;
  private before = 0;
  private after = 0;
  private readonly since: number;
  private readonly until: number;
  private readonly max: number;

  constructor(private readonly opts: CollectOptions) {
    const now = opts.now;
    this.stats = new DeliveryStatsBuilder({
      since: new Date(now.getTime() - METRICS_DAYS * DAY_MS),
      until: now,
    });
    this.weeks = new WeeklyDeploys({ until: now, weeks: CHART_WEEKS });
    this.since = opts.window?.since?.getTime() ?? -Infinity;
    this.until = opts.window?.until?.getTime() ?? Infinity;
    this.max = opts.maxRows ?? MAX_ROWS;
  }

  add(e: ReportEntry): void {
    const p = e.statement.predicate;
    this.total++;
    const status = badgeOf(e.statement).status;
    this.badges.set(status, (this.badges.get(status) ?? 0) + 1);
    this.types.add(p.type);
    if (p.environment) this.environments.add(p.environment);
    this.finder.add(e);
    this.stats.add(e);
    this.weeks.add(e);
    const at = Date.parse(p.timestamp);
    if (at < this.since) this.before++;
    else if (at > this.until) this.after++;
    else {
      this.inWindow++;
      // Only what the report keeps: not the envelope (verify has checked it).
      this.rows.push({
        seq: e.seq,
        hash: e.hash,
        statement: e.statement,
        ...(e.branch ? { branch: e.branch } : {}),
      });
      // Trimmed in steps, not per entry: a window of 100k entries costs ~2 × maxRows at most.
      if (this.rows.length >= 2 * this.max) this.rows = this.newest(this.rows);
    }
  }

  private newest(rows: ReportEntry[]): ReportEntry[] {
    if (rows.length <= this.max) return rows;
    // Shards arrive one after another: the newest by time, not the last handed over.
    return [...rows]
      .sort(
        (a, b) =>
          a.statement.predicate.timestamp.localeCompare(b.statement.predicate.timestamp) || a.seq - b.seq,
      )
      .slice(-this.max);
  }

  result(): CollectedReport {
    const w = this.opts.window;
    return {
      total: this.total,
      badges: this.badges,
      types: [...this.types].sort(),
      environments: [...this.environments].sort(),
      findings: this.finder.result({ now: this.opts.now, reviewWithinMs: this.opts.reviewWithinMs }),
      delivery: { stats: this.stats.result(), weeks: this.weeks.weeks, leads: this.stats.leadTimeSamples() },
      rows: this.newest(this.rows),
      window: {
        ...(w?.since ? { since: w.since.toISOString() } : {}),
        ...(w?.until ? { until: w.until.toISOString() } : {}),
      },
      inWindow: this.inWindow,
      before: this.before,
      after: this.after,
    };
  }
}

export function collectReport(entries: readonly ReportEntry[], opts: CollectOptions): CollectedReport {
  const c = new ReportCollector(opts);
  for (const e of [...entries].sort((a, b) => a.seq - b.seq)) c.add(e);
  return c.result();
}
