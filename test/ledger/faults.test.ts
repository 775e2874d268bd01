/**
 * Faults: a remote that rejects a random third of pushes, a remote that hangs, writers killed with
 * SIGKILL mid-append, an unusable cache folder. Each append either lands exactly once or its
 * process exits non-zero and prints the signed envelope; the ledger verifies afterwards.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendEntry } from '../../src/ledger/append.ts';
import { decodeEntry } from '../../src/ledger/entry.ts';
import { findEntries } from '../../src/ledger/query.ts';
import { verifyLedger } from '../../src/ledger/verify.ts';
import {
  commitOf,
  createLedgerFixture,
  recordProcessArgs,
  sampleEntry,
  type LedgerFixture,
} from '../support/ledger-fixture.ts';

let fx: LedgerFixture;
beforeEach(async () => {
  fx = await createLedgerFixture();
});
afterEach(() => fx.cleanup());

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function record(i: number, env: Record<string, string> = {}, killAfterMs?: number): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, recordProcessArgs(fx, commitOf(i), 'production'), {
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    if (killAfterMs !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

async function ledgerCommits(): Promise<string[]> {
  return (await findEntries(fx.location, {})).map((e) => e.statement.predicate.commit);
}

describe('append under faults', () => {
  it('a pre-receive hook rejecting a random third of pushes: each append lands exactly once or fails with its envelope', async () => {
    writeFileSync(
      join(fx.remote, 'hooks', 'pre-receive'),
      '#!/bin/sh\ncat >/dev/null\nif [ $(od -An -N1 -tu1 /dev/urandom) -lt 85 ]; then echo "random rejection" >&2; exit 1; fi\n',
      { mode: 0o755 },
    );
    const runs = await Promise.all(
      Array.from({ length: 12 }, (_, i) => record(i, { SHIPLOG_APPEND_ATTEMPTS: '4' })),
    );
    const landed = await ledgerCommits();
    runs.forEach((r, i) => {
      const times = landed.filter((c) => c === commitOf(i)).length;
      if (r.code === 0) expect(times).toBe(1);
      else {
        expect(r.code).toBe(1);
        expect(times).toBe(0);
        const envelope = r.stdout.trim().split('\n').pop()!;
        expect(decodeEntry(envelope).statement.predicate.commit).toBe(commitOf(i));
      }
    });
    const report = await verifyLedger({ location: fx.location, trusted: [fx.trusted], jobs: 1 });
    expect(report.problems).toEqual([]);
    expect(report.entries).toBe(landed.length);
  });

  it('a hung remote times out instead of waiting forever, and prints the envelope', async () => {
    await fx.append(1);
    writeFileSync(join(fx.remote, 'hooks', 'pre-receive'), '#!/bin/sh\nsleep 600\n', { mode: 0o755 });
    const started = Date.now();
    const r = await record(5, { SHIPLOG_GIT_TIMEOUT_MS: '1500', SHIPLOG_APPEND_ATTEMPTS: '2' });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/did not finish within 1500 ms/);
    expect(decodeEntry(r.stdout.trim().split('\n').pop()!).statement.predicate.commit).toBe(commitOf(5));
    writeFileSync(join(fx.remote, 'hooks', 'pre-receive'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    expect(await ledgerCommits()).toEqual([commitOf(0)]);
  });

  it('writers killed with SIGKILL mid-append leave no half-written entry, and later appends work', async () => {
    await fx.append(2);
    const runs = await Promise.all(Array.from({ length: 6 }, (_, i) => record(10 + i, {}, 250 + i * 200)));
    const report = await verifyLedger({ location: fx.location, trusted: [fx.trusted], jobs: 1 });
    expect(report.problems).toEqual([]);
    const landed = await ledgerCommits();
    runs.forEach((r, i) => {
      const times = landed.filter((c) => c === commitOf(10 + i)).length;
      expect(times).toBeLessThanOrEqual(1);
      if (r.code === 0) expect(times).toBe(1);
    });
    // The killed writers that landed dated their entries now: so is this one.
    const entry = sampleEntry(99, { timestamp: new Date().toISOString() });
    const after = await appendEntry({ location: fx.location, key: fx.key, entry });
    expect(after.seq).toBe(landed.length);
    expect((await verifyLedger({ location: fx.location, trusted: [fx.trusted], jobs: 1 })).ok).toBe(true);
  });

  it('an unusable cache folder falls back to a temporary one, and an impossible one is a clear error', async () => {
    const file = join(fx.dir, 'not-a-folder');
    writeFileSync(file, '');
    const r = await appendEntry({
      location: { ...fx.location, cacheDir: join(file, 'cache') },
      key: fx.key,
      entry: sampleEntry(0),
    });
    expect(r.seq).toBe(0);
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = join(file, 'tmp');
    try {
      const err = await appendEntry({
        location: { ...fx.location, cacheDir: join(file, 'cache') },
        key: fx.key,
        entry: sampleEntry(1),
      }).catch((e) => e);
      expect(err).toMatchObject({
        code: 'BAD_INPUT',
        exitCode: 2,
        message: expect.stringMatching(/cannot write a ledger cache .* \(set SHIPLOG_CACHE_DIR\)/),
      });
    } finally {
      process.env.TMPDIR = saved;
    }
    expect(await ledgerCommits()).toEqual([commitOf(0)]);
  });
});
