/**
 * The four DORA delivery figures from the ledger alone, per environment and overall. Pure.
 *
 * - Deployment frequency: successful deploys in the window, per day and per week.
 * - Lead time for changes: for each pull request a successful deploy's change set ships, deploy
 *   time − merge time, counted once per pull request at the first deploy that shipped it to that
 *   environment (a redeploy or a deploy after a rollback ships nothing new).
 * - Change failure rate: deploys that failed or were rolled back, over all deploys. A `rolled-back`
 *   entry withdraws an earlier successful deploy of its commit: that deploy counts as failed, and the
 *   rollback is not a deploy of its own (else one bad change would count twice). A rollback with no
 *   recorded success before it is the deploy it reports on.
 * - Time to restore: from a failure (a failed deploy, or a rollback) to the next successful deploy
 *   of that repository and environment. Failures before that success belong to the same incident.
 *
 * Each figure says what it rests on, and is null, not 0, when there is nothing to compute it from.
 * The figures need enough history to mean something (MIN_HISTORY): a measured span of at least 7
 * days (a ledger a few minutes old is not "700 deploys per day") and at least 3 deploys with an
 * outcome in it. Below that every figure of the block is null with `not_enough_history: true`,
 * shown as "not enough history"; the counts stay.
 * Order within a (shard, repository, environment) is ledger order (seq): runners' clocks only give
 * the durations. Percentiles are nearest-rank (the smallest sample with at least p% at or below it),
 * so every figure is a value that was measured.
 */
import { changeSetOf, deployOutcome, type AuditEntry } from './entry.ts';
import { DAY_MS } from './window.ts';
import { sameName } from '../ledger/names.ts';

/** The least history a figure is computed from (documented in README, "Delivery metrics"). */
export const MIN_HISTORY = { days: 7, deploys: 3 } as const;

export interface StatsOptions {
  since: Date;
  until: Date;
  environment?: string;
}

export interface DeploymentFrequency {
  /** Set when the window holds deploys but less history than MIN_HISTORY asks for: the figure is null. */
  not_enough_history?: true;
  per_day: number | null;
  per_week: number | null;
  /** Successful deploys in the window. */
  deploys: number;
}

export interface LeadTime {
  /** Set when the window holds deploys but less history than MIN_HISTORY asks for: the figure is null. */
  not_enough_history?: true;
  p50_seconds: number | null;
  p90_seconds: number | null;
  /** Pull requests measured (first shipped to the environment in the window). */
  pull_requests: number;
  /** Successful deploys that shipped them. */
  deploys: number;
  /** Successful deploys in the window recorded without a change set (their pull requests are unknown). */
  deploys_without_change_set: number;
  /** Pull requests shipped with no merge time recorded. */
  pull_requests_without_merge_time: number;
}

export interface ChangeFailureRate {
  /** Set when the window holds deploys but less history than MIN_HISTORY asks for: the figure is null. */
  not_enough_history?: true;
  rate: number | null;
  failed: number;
  rolled_back: number;
  /** Deploys with an outcome (success, failure, rolled back); `started` ones are not counted. */
  deploys: number;
}

export interface TimeToRestore {
  /** Set when the window holds deploys but less history than MIN_HISTORY asks for: the figure is null. */
  not_enough_history?: true;
  p50_seconds: number | null;
  /** Incidents in the window that a later successful deploy ended. */
  restored: number;
  /** Incidents in the window still open at its end. */
  unrestored: number;
}

export interface DeliveryFigures {
  deployment_frequency: DeploymentFrequency;
  lead_time: LeadTime;
  change_failure_rate: ChangeFailureRate;
  time_to_restore: TimeToRestore;
}

export interface EnvironmentFigures extends DeliveryFigures {
  environment: string;
  repositories: string[];
}

export interface DeliveryStats {
  window: {
    since: string;
    until: string;
    /** Days the figures are per: from `since`, or from the ledger's first entry when it began later. */
    days: number;
    /** Set when the ledger began after `since`. */
    ledger_begins?: string;
  };
  overall: DeliveryFigures;
  environments: EnvironmentFigures[];
}

/** What one (shard, repository, environment) contributes; summed per environment and overall. */
interface Tally {
  environment: string;
  repository: string;
  /** Deploy entries in the window, whatever their outcome (decides null vs 0 frequency). */
  entries: number;
  successes: number;
  outcomes: number;
  failed: number;
  rolledBack: number;
  leadMs: number[];
  leadDeploys: number;
  withoutChangeSet: number;
  withoutMergeTime: number;
  restoreMs: number[];
  unrestored: number;
}

export function deliveryStats(entries: readonly AuditEntry[], opts: StatsOptions): DeliveryStats {
  const since = opts.since.getTime();
  const first = Math.min(...entries.map((e) => Date.parse(e.statement.predicate.timestamp)));
  const start = Number.isFinite(first) && first > since ? first : since;
  const days = Math.max(0, opts.until.getTime() - start) / DAY_MS;

  const byEnv = new Map<string, Tally[]>();
  for (const t of tallies(entries, opts)) byEnv.set(t.environment, [...(byEnv.get(t.environment) ?? []), t]);
  const environments = [...byEnv.keys()].sort().map((environment) => ({
    environment,
    repositories: [...new Set(byEnv.get(environment)!.map((t) => t.repository))].sort(),
    ...figures(byEnv.get(environment)!, days),
  }));
  return {
    window: {
      since: opts.since.toISOString(),
      until: opts.until.toISOString(),
      days,
      ...(start > since ? { ledger_begins: new Date(start).toISOString() } : {}),
    },
    overall: figures([...byEnv.values()].flat(), days),
    environments,
  };
}

/** Every lead time the figures rest on, in seconds, ascending (for a distribution chart). */
export function leadTimeSamples(entries: readonly AuditEntry[], opts: StatsOptions): number[] {
  return tallies(entries, opts)
    .flatMap((t) => t.leadMs)
    .map((ms) => Math.round(ms / 1000))
    .sort((a, b) => a - b);
}

/** Successful deploys per week, the last `weeks` weeks up to `until`, oldest first. */
export function weeklyDeploys(
  entries: readonly AuditEntry[],
  opts: { until: Date; weeks: number; environment?: string },
): { start: string; deploys: number }[] {
  const end = opts.until.getTime();
  const weeks = Array.from({ length: opts.weeks }, (_, i) => ({
    start: new Date(end - (opts.weeks - i) * 7 * DAY_MS).toISOString(),
    deploys: 0,
  }));
  for (const e of entries) {
    const p = e.statement.predicate;
    if (deployOutcome(p) !== 'success' || !p.environment) continue;
    if (opts.environment !== undefined && !sameName(p.environment, opts.environment)) continue;
    const back = Math.floor((end - Date.parse(p.timestamp)) / (7 * DAY_MS));
    if (back >= 0 && back < opts.weeks) weeks[opts.weeks - 1 - back]!.deploys++;
  }
  return weeks;
}

/** One tally per (shard, repository, environment) deployed to in the window. */
function tallies(entries: readonly AuditEntry[], opts: StatsOptions): Tally[] {
  const groups = new Map<string, AuditEntry[]>();
  for (const e of entries) {
    const p = e.statement.predicate;
    if (p.type !== 'deploy' || !p.environment) continue;
    if (opts.environment !== undefined && !sameName(p.environment, opts.environment)) continue;
    // One repository and one environment however a writer spelled them (GitHub ignores case).
    const key = JSON.stringify([e.branch ?? '', p.repository.toLowerCase(), p.environment.toLowerCase()]);
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  return [...groups.values()]
    .map((list) =>
      tally(
        [...list].sort((a, b) => a.seq - b.seq),
        opts.since.getTime(),
        opts.until.getTime(),
      ),
    )
    .filter((t) => t.entries > 0); // deployed there before the window only
}

/** One environment of one repository (one shard), in ledger order, from its first deploy on. */
function tally(list: readonly AuditEntry[], since: number, until: number): Tally {
  const p0 = list[0]!.statement.predicate;
  const t: Tally = {
    environment: p0.environment!,
    repository: p0.repository,
    entries: 0,
    successes: 0,
    outcomes: 0,
    failed: 0,
    rolledBack: 0,
    leadMs: [],
    leadDeploys: 0,
    withoutChangeSet: 0,
    withoutMergeTime: 0,
    restoreMs: [],
    unrestored: 0,
  };
  // Earlier history counts for what was shipped before and which successes a rollback withdraws.
  const shipped = new Set<number>();
  const successes: { commit: string; inWindow: boolean; withdrawn: boolean }[] = [];
  let incident: number | undefined;
  for (const e of list) {
    const p = e.statement.predicate;
    const at = Date.parse(p.timestamp);
    if (at > until) break;
    const inWindow = at >= since;
    if (inWindow) t.entries++;
    const outcome = deployOutcome(p);
    if (outcome === 'success') {
      if (inWindow) {
        t.successes++;
        t.outcomes++;
      }
      successes.push({ commit: p.commit, inWindow, withdrawn: false });
      if (incident !== undefined) {
        if (incident >= since) t.restoreMs.push(at - incident);
        incident = undefined;
      }
      const cs = changeSetOf(p);
      if (cs?.readable) {
        let measured = 0;
        for (const pr of cs.pull_requests) {
          if (shipped.has(pr.number)) continue;
          shipped.add(pr.number);
          if (!inWindow) continue;
          const merged = pr.merged_at === undefined ? NaN : Date.parse(pr.merged_at);
          if (Number.isNaN(merged)) {
            t.withoutMergeTime++;
            continue;
          }
          // A runner's clock behind GitHub's can put a deploy "before" the merge: that is no lead time.
          t.leadMs.push(Math.max(0, at - merged));
          measured++;
        }
        if (measured) t.leadDeploys++;
      } else if (inWindow) {
        t.withoutChangeSet++;
      }
    } else if (outcome === 'failure') {
      if (inWindow) {
        t.outcomes++;
        t.failed++;
      }
      incident ??= at;
    } else if (outcome === 'rolled-back') {
      const withdrawn = [...successes].reverse().find((s) => s.commit === p.commit && !s.withdrawn);
      if (withdrawn) {
        withdrawn.withdrawn = true;
        if (withdrawn.inWindow) t.rolledBack++;
      } else if (inWindow) {
        t.outcomes++;
        t.rolledBack++;
      }
      incident ??= at;
    }
  }
  if (incident !== undefined && incident >= since) t.unrestored++;
  return t;
}

function figures(tallies: readonly Tally[], days: number): DeliveryFigures {
  const sum = (f: (t: Tally) => number): number => tallies.reduce((n, t) => n + f(t), 0);
  const entries = sum((t) => t.entries);
  const successes = sum((t) => t.successes);
  const outcomes = sum((t) => t.outcomes);
  const failed = sum((t) => t.failed);
  const rolledBack = sum((t) => t.rolledBack);
  const lead = tallies.flatMap((t) => t.leadMs);
  const restore = tallies.flatMap((t) => t.restoreMs);
  const measured = entries > 0 && days > 0;
  const enough = days >= MIN_HISTORY.days && outcomes >= MIN_HISTORY.deploys;
  const short = entries > 0 && !enough ? { not_enough_history: true as const } : {};
  const figure = <T>(value: T): T | null => (enough ? value : null);
  return {
    deployment_frequency: {
      per_day: measured ? figure(successes / days) : null,
      per_week: measured ? figure((successes * 7) / days) : null,
      deploys: successes,
      ...short,
    },
    lead_time: {
      p50_seconds: figure(seconds(percentile(lead, 0.5))),
      p90_seconds: figure(seconds(percentile(lead, 0.9))),
      pull_requests: lead.length,
      deploys: sum((t) => t.leadDeploys),
      deploys_without_change_set: sum((t) => t.withoutChangeSet),
      pull_requests_without_merge_time: sum((t) => t.withoutMergeTime),
      ...short,
    },
    change_failure_rate: {
      rate: outcomes > 0 ? figure((failed + rolledBack) / outcomes) : null,
      failed,
      rolled_back: rolledBack,
      deploys: outcomes,
      ...short,
    },
    time_to_restore: {
      p50_seconds: figure(seconds(percentile(restore, 0.5))),
      restored: restore.length,
      unrestored: sum((t) => t.unrestored),
      ...short,
    },
  };
}

/** Nearest rank: the ceil(p·n)-th smallest sample. */
export function percentile(samples: readonly number[], p: number): number | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

const seconds = (ms: number | null): number | null => (ms === null ? null : Math.round(ms / 1000));
