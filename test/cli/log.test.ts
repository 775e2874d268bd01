/**
 * `log` without a commit: newest first, --limit (default 100, 0 for all), streamed page by page so
 * it works in a pipe that closes early (at 100k entries it used to fail with spawn E2BIG).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLedger } from '../../bench/build-ledger.ts';
import { createLedgerFixture, type LedgerFixture } from '../support/ledger-fixture.ts';
import { runCli } from '../support/run-cli.ts';

const CLI = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');
const COUNT = 240;

let fx: LedgerFixture;
beforeAll(async () => {
  fx = await createLedgerFixture();
  await buildLedger(fx.remote, fx.key, COUNT, 'shiplog/shiplog');
});
afterAll(() => fx?.cleanup());

const log = (...extra: string[]) =>
  runCli(['log', '--remote', fx.remote, '--cache-dir', fx.cacheDir, ...extra]);
const seqs = (table: string): number[] =>
  table
    .split('\n')
    .slice(2)
    .filter(Boolean)
    .map((l) => Number(l.split(/\s+/)[0]));

describe('shiplog log without --commit', () => {
  it('the newest 100 by default, newest first', async () => {
    const r = await log();
    expect(r.code).toBe(0);
    const got = seqs(r.stdout);
    expect(got).toHaveLength(100);
    expect(got[0]).toBe(COUNT - 1);
    expect(got.at(-1)).toBe(COUNT - 100);
  });

  it('--limit 0: every entry, in one table (pages share the column widths)', async () => {
    const r = await log('--limit', '0');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(seqs(r.stdout)).toEqual(Array.from({ length: COUNT }, (_, i) => COUNT - 1 - i));
    // The SEQ column is as wide on the last page as on the first.
    expect(lines.at(-1)!.indexOf('20')).toBe(lines[2]!.indexOf('20'));
  });

  it('--json --limit 0: one JSON array of every entry', async () => {
    const r = await log('--limit', '0', '--json');
    const all = JSON.parse(r.stdout) as { seq: number }[];
    expect(all.map((e) => e.seq)).toEqual(Array.from({ length: COUNT }, (_, i) => COUNT - 1 - i));
    expect(JSON.parse((await log('--limit', '0', '--json', '--type', 'override')).stdout)).toEqual([]);
  });

  it('--limit must be a whole number (exit 2)', async () => {
    const r = await log('--limit', '-1');
    expect(r.code).toBe(2);
  });

  it('in a pipe that closes early: exits 0 and says nothing on stderr', async () => {
    const cmd = `"${process.execPath}" --import tsx "${CLI}" log --remote "${fx.remote}" --cache-dir "${fx.cacheDir}" --limit 0 | head -3; exit \${PIPESTATUS[0]}`;
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile('bash', ['-c', cmd], (err, stdout, stderr) =>
        resolve({ code: (err as { code?: number } | null)?.code ?? 0, stdout, stderr }),
      ),
    );
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(3);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
