import { describe, expect, it } from 'vitest';
import { deliveryStats, MIN_HISTORY, percentile } from '../../src/audit/stats.ts';
import { approvedPr, changeSet, inMemory, sha, STATS_LEDGER, STATS_SINCE, STATS_UNTIL } from './scenario.ts';

const HOUR = 3600; // seconds
const window = { since: STATS_SINCE, until: STATS_UNTIL };
const stats = deliveryStats(inMemory(STATS_LEDGER), window);
const env = (name: string) => stats.environments.find((e) => e.environment === name)!;

describe('deliveryStats on the fixed ledger (window 2026-03-01 → 03-31, 30 days)', () => {
  it('window: 30 days; the ledger began before it', () => {
    expect(stats.window).toEqual({
      since: '2026-03-01T00:00:00.000Z',
      until: '2026-03-31T00:00:00.000Z',
      days: 30,
    });
    expect(stats.environments.map((e) => [e.environment, e.repositories])).toEqual([
      ['production', ['acme/web']],
      ['staging', ['acme/web']],
    ]);
  });

  it('production', () => {
    expect(env('production')).toMatchObject({
      // successes in the window: p1, p4, p5, p7, p9 = 5 (p0 is before it, p10 after it,
      // p8 only started). 5 / 30 = 0.1667 per day; 5 · 7 / 30 = 1.1667 per week.
      deployment_frequency: { per_day: 5 / 30, per_week: 35 / 30, deploys: 5 },
      // first shipped in the window: p1 #2 (12:00 − 10:00 = 2h), #3 (03-02 12:00 − 03-01 12:00 = 24h);
      // p4 #4 (06:00 − 03-04 18:00 = 12h), #5 (06:00 − 05:00 = 1h); p5 #6 (03-10 − 03-09 = 24h).
      // #1 shipped in p0 already; #4 in p2 did not count (a failed deploy ships nothing).
      // sorted 1h 2h 12h 24h 24h: p50 = ceil(0.5·5) = 3rd = 12h; p90 = ceil(0.9·5) = 5th = 24h.
      lead_time: {
        p50_seconds: 12 * HOUR,
        p90_seconds: 24 * HOUR,
        pull_requests: 5,
        deploys: 3,
        deploys_without_change_set: 1, // p9
        pull_requests_without_merge_time: 0,
      },
      // deploys with an outcome: p1 p2 p3 p4 p5 p7 p9 = 7 (the rollback p6 withdraws p5: not a deploy
      // of its own). Failed: p2, p3; rolled back: p5. (2 + 1) / 7 = 0.4286.
      change_failure_rate: { rate: 3 / 7, failed: 2, rolled_back: 1, deploys: 7 },
      // incident p2 (03-05 00:00, p3 within it) → p4 (06:00) = 6h; rollback p6 (02:00) → p7 (03:00) = 1h.
      // sorted 1h 6h: p50 = ceil(0.5·2) = 1st = 1h.
      time_to_restore: { p50_seconds: 1 * HOUR, restored: 2, unrestored: 0 },
    });
  });

  it('staging: 2 deploys in 30 days is not enough history for any figure (the counts stay)', () => {
    expect(env('staging')).toEqual({
      environment: 'staging',
      repositories: ['acme/web'],
      // s0 only succeeded; s0, s1 have an outcome: fewer than MIN_HISTORY.deploys (3)
      deployment_frequency: { per_day: null, per_week: null, deploys: 1, not_enough_history: true },
      lead_time: {
        p50_seconds: null,
        p90_seconds: null,
        pull_requests: 1,
        deploys: 1,
        deploys_without_change_set: 0,
        pull_requests_without_merge_time: 1,
        not_enough_history: true,
      },
      change_failure_rate: { rate: null, failed: 1, rolled_back: 0, deploys: 2, not_enough_history: true },
      time_to_restore: { p50_seconds: null, restored: 0, unrestored: 1, not_enough_history: true },
    });
  });

  it('a ledger a few minutes old gives no rates (not "700 deploys per day")', () => {
    const drafts = [0, 1, 2, 3, 4].map((i) => ({
      type: 'deploy' as const,
      timestamp: `2026-03-30T23:5${i}:00Z`,
      environment: 'production',
      commit: sha(`f${i}`),
    }));
    const s = deliveryStats(inMemory(drafts), window);
    expect(s.overall.deployment_frequency).toEqual({
      per_day: null,
      per_week: null,
      deploys: 5,
      not_enough_history: true,
    });
    expect(s.overall.change_failure_rate).toMatchObject({ rate: null, deploys: 5, not_enough_history: true });
    expect(MIN_HISTORY).toEqual({ days: 7, deploys: 3 });
  });

  it('overall: every environment together', () => {
    expect(stats.overall).toEqual({
      // 5 + 1 = 6 successes; 6 / 30 = 0.2 per day, 6 · 7 / 30 = 1.4 per week
      deployment_frequency: { per_day: 0.2, per_week: 1.4, deploys: 6 },
      // 1h 2h 12h 14h 24h 24h: p50 = ceil(0.5·6) = 3rd = 12h; p90 = ceil(0.9·6) = 6th = 24h
      lead_time: {
        p50_seconds: 12 * HOUR,
        p90_seconds: 24 * HOUR,
        pull_requests: 6,
        deploys: 4,
        deploys_without_change_set: 1,
        pull_requests_without_merge_time: 1,
      },
      // (2 + 1 + 1 + 0) / (7 + 2) = 4 / 9
      change_failure_rate: { rate: 4 / 9, failed: 3, rolled_back: 1, deploys: 9 },
      time_to_restore: { p50_seconds: 1 * HOUR, restored: 2, unrestored: 1 },
    });
  });

  it('--environment keeps one environment (overall is then that environment)', () => {
    const s = deliveryStats(inMemory(STATS_LEDGER), { ...window, environment: 'staging' });
    expect(s.environments.map((e) => e.environment)).toEqual(['staging']);
    const { environment: _e, repositories: _r, ...staging } = env('staging');
    expect(s.overall).toEqual(staging);
  });

  it('a window with no deploys has null figures, not zeros', () => {
    const s = deliveryStats(inMemory(STATS_LEDGER), {
      since: new Date('2026-05-01T00:00:00Z'),
      until: new Date('2026-05-31T00:00:00Z'),
    });
    expect(s.environments).toEqual([]);
    expect(s.overall).toEqual({
      deployment_frequency: { per_day: null, per_week: null, deploys: 0 },
      lead_time: {
        p50_seconds: null,
        p90_seconds: null,
        pull_requests: 0,
        deploys: 0,
        deploys_without_change_set: 0,
        pull_requests_without_merge_time: 0,
      },
      change_failure_rate: { rate: null, failed: 0, rolled_back: 0, deploys: 0 },
      time_to_restore: { p50_seconds: null, restored: 0, unrestored: 0 },
    });
  });

  it('a ledger younger than the window: frequency is per day of the ledger', () => {
    const drafts = [
      {
        type: 'deploy' as const,
        timestamp: '2026-03-21T00:00:00Z',
        environment: 'production',
        commit: sha('d1'),
      },
      {
        type: 'deploy' as const,
        timestamp: '2026-03-25T00:00:00Z',
        environment: 'production',
        commit: sha('d2'),
      },
      {
        type: 'deploy' as const,
        timestamp: '2026-03-26T00:00:00Z',
        environment: 'production',
        commit: sha('d3'),
      },
    ];
    const s = deliveryStats(inMemory(drafts), window);
    // 03-21 → 03-31 = 10 days; 3 / 10 = 0.3 per day
    expect(s.window).toEqual({ ...stats.window, days: 10, ledger_begins: '2026-03-21T00:00:00.000Z' });
    expect(s.overall.deployment_frequency).toEqual({ per_day: 0.3, per_week: 2.1, deploys: 3 });
  });

  it('a rollback with no success recorded before it is the deploy it reports on', () => {
    const drafts = [
      {
        type: 'deploy' as const,
        timestamp: '2026-03-02T00:00:00Z',
        environment: 'production',
        commit: sha('e1'),
        details: { status: 'rolled-back' },
      },
      {
        type: 'deploy' as const,
        timestamp: '2026-03-02T00:45:00Z',
        environment: 'production',
        commit: sha('e0'),
        change_set: changeSet({ commits: [], pull_requests: [approvedPr(3, 'not a date')] }),
      },
      {
        type: 'deploy' as const,
        timestamp: '2026-03-20T00:00:00Z',
        environment: 'production',
        commit: sha('e2'),
      },
    ];
    const s = deliveryStats(inMemory(drafts), window);
    // 1 rolled back of 3 deploys; restored after 45 minutes
    expect(s.overall.change_failure_rate).toEqual({ rate: 1 / 3, failed: 0, rolled_back: 1, deploys: 3 });
    expect(s.overall.time_to_restore).toEqual({ p50_seconds: 45 * 60, restored: 1, unrestored: 0 });
    expect(s.overall.lead_time).toMatchObject({ p50_seconds: null, pull_requests_without_merge_time: 1 });
  });

  it('percentile is nearest rank', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([5], 0.9)).toBe(5);
    expect(percentile([4, 1, 3, 2], 0.5)).toBe(2); // ceil(2) = 2nd
    expect(percentile([4, 1, 3, 2], 0.9)).toBe(4); // ceil(3.6) = 4th
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9); // ceil(9) = 9th
  });
});
