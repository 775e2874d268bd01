import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAll, STATS_LEDGER } from '../audit/scenario.ts';
import { createLedgerFixture, newKey, type LedgerFixture } from '../support/ledger-fixture.ts';
import { runCli } from '../support/run-cli.ts';

let fx: LedgerFixture;
beforeAll(async () => {
  fx = await createLedgerFixture();
  await appendAll(fx, STATS_LEDGER);
});
afterAll(() => fx.cleanup());

const HOUR = 3600;
const stats = (...extra: string[]) =>
  runCli(['stats', '--remote', fx.remote, '--cache-dir', fx.cacheDir, '--trusted-key', fx.pubFile, ...extra]);
const MARCH = ['--since', '2026-03-01', '--until', '2026-03-31'];

describe('shiplog stats', () => {
  it('--json on the fixed ledger: the hand-computed figures (see test/audit/stats.test.ts for the arithmetic)', async () => {
    const r = await stats(...MARCH, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['ok', 'verified', 'entries', 'window', 'overall', 'environments']);
    expect(out).toMatchObject({ ok: true, verified: true, entries: 14 });
    expect(out.window).toEqual({
      since: '2026-03-01T00:00:00.000Z',
      until: '2026-03-31T00:00:00.000Z',
      days: 30,
    });
    expect(out.overall).toEqual({
      // 6 successful deploys in 30 days
      deployment_frequency: { per_day: 0.2, per_week: 1.4, deploys: 6 },
      // 1h 2h 12h 14h 24h 24h
      lead_time: {
        p50_seconds: 12 * HOUR,
        p90_seconds: 24 * HOUR,
        pull_requests: 6,
        deploys: 4,
        deploys_without_change_set: 1,
        pull_requests_without_merge_time: 1,
      },
      // (2 failed + 1 rolled back in production, 1 failed in staging) of 7 + 2 deploys
      change_failure_rate: { rate: 4 / 9, failed: 3, rolled_back: 1, deploys: 9 },
      // 6h and 1h restores; staging's failure still open
      time_to_restore: { p50_seconds: HOUR, restored: 2, unrestored: 1 },
    });
    expect(out.environments.map((e: { environment: string }) => e.environment)).toEqual([
      'production',
      'staging',
    ]);
    expect(out.environments[0]).toMatchObject({
      environment: 'production',
      repositories: ['acme/web'],
      deployment_frequency: { per_day: 5 / 30, deploys: 5 },
      change_failure_rate: { rate: 3 / 7 },
    });
  });

  it('the text says what each figure rests on', async () => {
    const all = await stats(...MARCH);
    expect(all.stdout).toMatch(
      /\n\nall environments\n {2}deployment frequency {3}0\.20 per day, 1\.40 per week {2}\(6 successful deploys\)\n/,
    );
    expect(all.stdout).toContain(
      '\n\nstaging (acme/web)\n' +
        '  deployment frequency   not enough history  (1 successful deploy)\n' +
        '  lead time for changes  not enough history  (1 pull request in 1 deploy; 1 without a merge time)\n' +
        '  change failure rate    not enough history  (1 of 2 deploys: 1 failed, 0 rolled back)\n' +
        '  time to restore        not enough history  (0 restores; 1 not restored yet)\n',
    );
    const r = await stats(...MARCH, '--environment', 'production');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'delivery metrics from 2026-03-01 00:00 UTC to 2026-03-31 00:00 UTC (30.0 days)',
        '',
        'production (acme/web)',
        '  deployment frequency   0.17 per day, 1.17 per week  (5 successful deploys)',
        '  lead time for changes  p50 12h, p90 24h             (5 pull requests in 3 deploys; 1 deploy without a change set)',
        '  change failure rate    42.9%                        (3 of 7 deploys: 2 failed, 1 rolled back)',
        '  time to restore        p50 1h                       (2 restores)',
        '',
      ].join('\n'),
    );
  });

  it('the default window is the last 30 days; with no deploys in it every figure is null', async () => {
    const r = await stats('--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Date.parse(out.window.until) - Date.parse(out.window.since)).toBe(30 * 86_400_000);
    expect(out.environments).toEqual([]);
    expect(out.overall.deployment_frequency).toEqual({ per_day: null, per_week: null, deploys: 0 });
    expect(out.overall.lead_time.p50_seconds).toBeNull();
    expect(out.overall.change_failure_rate.rate).toBeNull();
    expect(out.overall.time_to_restore.p50_seconds).toBeNull();
    const text = await stats();
    expect(text.stdout).toMatch(/deployment frequency +no data +\(0 successful deploys\)/);
    expect(text.stdout).toMatch(/\nno deploys in the window\n$/);
  });

  it('refuses a ledger that does not verify (exit 1, the problems instead of figures)', async () => {
    const stranger = join(fx.dir, 'stranger.pub');
    writeFileSync(stranger, newKey().publicPem);
    const r = await runCli([
      'stats',
      '--remote',
      fx.remote,
      '--cache-dir',
      fx.cacheDir,
      '--trusted-key',
      stranger,
      ...MARCH,
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ledger INVALID: \d+ problems; no figures for a ledger that does not verify\n/);
    expect(r.stdout).not.toContain('deployment frequency');
    const json = JSON.parse(
      (
        await runCli([
          'stats',
          '--remote',
          fx.remote,
          '--cache-dir',
          fx.cacheDir,
          '--trusted-key',
          stranger,
          '--json',
        ])
      ).stdout,
    );
    expect(json).toMatchObject({ ok: false, verified: false });
    expect(json.overall).toBeUndefined();
  });

  it('usage errors exit 2', async () => {
    const bad = await stats('--since', '30 days');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/error\[USAGE\]: --since must be a date/);
    expect((await stats('--since', '2026-03-31', '--until', '2026-03-01')).code).toBe(2);
    expect((await stats('--until', 'tomorrow')).code).toBe(2);
  });
});
