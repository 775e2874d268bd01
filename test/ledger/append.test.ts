import { execFile, execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppendError, appendEntry } from '../../src/ledger/append.ts';
import { findSigner } from '../../src/ledger/dsse.ts';
import { decodeEntry } from '../../src/ledger/entry.ts';
import { findEntries } from '../../src/ledger/query.ts';
import { verifyLedger } from '../../src/ledger/verify.ts';
import {
  createLedgerFixture,
  recordProcessArgs,
  sampleEntry,
  type LedgerFixture,
} from '../support/ledger-fixture.ts';

const run = promisify(execFile);
let fx: LedgerFixture;

beforeEach(async () => {
  fx = await createLedgerFixture();
});
afterEach(() => fx.cleanup());

describe('append', () => {
  it('creates the orphan branch on first append and chains later entries', async () => {
    const a = await appendEntry({ location: fx.location, key: fx.key, entry: sampleEntry(0) });
    const b = await appendEntry({ location: fx.location, key: fx.key, entry: sampleEntry(1) });
    expect([a.seq, b.seq]).toEqual([0, 1]);
    const root = execFileSync('git', ['rev-list', '--max-parents=0', 'shiplog'], {
      cwd: fx.remote,
      encoding: 'utf8',
    }).trim();
    expect(root).toBe(a.commit);
    const msg = execFileSync('git', ['log', '-1', '--format=%B', 'shiplog'], {
      cwd: fx.remote,
      encoding: 'utf8',
    });
    expect(msg).toContain(`shiplog: #1 deploy production ${sampleEntry(1).commit.slice(0, 7)}`);
    expect(msg).toContain('Shiplog-Seq: 1');
    expect(msg).toContain(`Shiplog-Entry: ${b.hash}`);
    const [newest] = await findEntries(fx.location, { limit: 1 });
    expect(newest!.statement.predicate.prev).toBe(a.hash);
  });

  it('a cold append fetches the tip commit, its small trees and one segment, never the history', async () => {
    await fx.append(30);
    // A fresh cache, as on a new CI runner.
    const location = { ...fx.location, cacheDir: join(fx.dir, 'fresh-cache') };
    const r = await appendEntry({ location, key: fx.key, entry: sampleEntry(100) });
    const cache = readdirSync(join(fx.dir, 'fresh-cache'))[0]!;
    const gitDir = join(fx.dir, 'fresh-cache', cache, 'tip.git');
    const env = { ...process.env, GIT_DIR: gitDir };
    const have = execFileSync('git', ['cat-file', '--batch-all-objects', '--batch-check=%(objecttype)'], {
      env,
      encoding: 'utf8',
    })
      .trim()
      .split('\n');
    // The parent commit and this one; no old entry.json or checkpoint came down.
    expect(have.filter((t) => t === 'commit')).toHaveLength(2);
    const blobs = have.filter((t) => t === 'blob').length;
    // this commit's entry, checkpoint, segment, deploy summary, partial Merkle tile and partial entry
    // tile, plus the old segment, summary and both partial tiles fetched by id
    expect(blobs).toBeLessThanOrEqual(10);
    expect(execFileSync('git', ['cat-file', '-t', `${r.commit}^`], { env, encoding: 'utf8' }).trim()).toBe(
      'commit',
    );
    expect(readFileSync(join(gitDir, 'shallow'), 'utf8').trim()).toBe(
      execFileSync('git', ['rev-parse', `${r.commit}^`], { env, encoding: 'utf8' }).trim(),
    );
  });

  it('does not record the same workflow attempt twice unless asked', async () => {
    const entry = sampleEntry(0, { idempotency_key: 'run 42 attempt 1 job deploy type deploy' });
    const first = await appendEntry({ location: fx.location, key: fx.key, entry });
    const again = await appendEntry({
      location: fx.location,
      key: fx.key,
      entry: { ...entry, timestamp: new Date().toISOString() },
    });
    expect(again).toMatchObject({ duplicate: true, seq: first.seq, hash: first.hash });
    const forced = await appendEntry({ location: fx.location, key: fx.key, entry, allowDuplicate: true });
    expect(forced).toMatchObject({ duplicate: false, seq: 1 });
    const report = await verifyLedger({ location: fx.location, trusted: [fx.trusted], jobs: 1 });
    expect(report.problems).toEqual([]);
  });

  it('lands every append from 8 parallel record processes x 5, with a valid chain', async () => {
    const writer = async (w: number): Promise<void> => {
      for (let i = 0; i < 5; i++) {
        const commit = `${w}${i}`.padStart(40, 'e');
        await run(process.execPath, recordProcessArgs(fx, commit, `env${w}`), {
          env: { ...process.env, SHIPLOG_APPEND_ATTEMPTS: '60' },
        });
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)));
    const report = await verifyLedger({ location: fx.location, trusted: [fx.trusted], jobs: 2 });
    expect(report.problems).toEqual([]);
    expect(report.entries).toBe(40);
    const entries = await findEntries(fx.location, {});
    expect(new Set(entries.map((e) => e.seq)).size).toBe(40);
    expect(new Set(entries.map((e) => e.statement.predicate.commit)).size).toBe(40);
  });
});

describe('append that cannot land', () => {
  it('refuses an entry dated further behind the newest than verify allows, and the ledger still verifies', async () => {
    const at = (minutes: number) => new Date(Date.UTC(2026, 5, 1, 12, minutes)).toISOString();
    await appendEntry({ location: fx.location, key: fx.key, entry: sampleEntry(0, { timestamp: at(30) }) });
    // Four minutes behind: two runners signing in one order and landing in the other.
    const close = await appendEntry({
      location: fx.location,
      key: fx.key,
      entry: sampleEntry(1, { timestamp: at(26) }),
    });
    expect(close.seq).toBe(1);
    // A runner whose clock is 10 minutes slow: 6 minutes behind the newest entry.
    const err = await appendEntry({
      location: fx.location,
      key: fx.key,
      entry: sampleEntry(2, { timestamp: at(20) }),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppendError);
    expect((err as AppendError).code).toBe('BAD_INPUT');
    expect((err as AppendError).message).toMatch(
      /2026-06-01T12:20:00.000Z, 360 s before the ledger's newest entry \(seq 1, 2026-06-01T12:26:00.000Z\)/,
    );
    expect(decodeEntry(JSON.stringify((err as AppendError).envelope)).statement.predicate.commit).toBe(
      sampleEntry(2).commit,
    );
    const report = await verifyLedger({ location: fx.location, trusted: [fx.trusted], jobs: 1 });
    expect(report.problems).toEqual([]);
    expect(report.entries).toBe(2);
  });

  it('exits at once with the signed envelope when the remote refuses (a refusal is no race)', async () => {
    const hook = join(fx.remote, 'hooks', 'pre-receive');
    writeFileSync(hook, '#!/bin/sh\necho "ledger frozen" >&2\nexit 1\n', { mode: 0o755 });
    const err = await appendEntry({
      location: fx.location,
      key: fx.key,
      entry: sampleEntry(0),
      maxAttempts: 3,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(AppendError);
    expect(err.message).toMatch(/the remote refused the push \(not retried\)/);
    const decoded = decodeEntry(JSON.stringify(err.envelope));
    expect(decoded.statement.predicate.commit).toBe(sampleEntry(0).commit);
    expect(findSigner(decoded.paeBytes, decoded.envelope, [fx.trusted])).toBe(fx.trusted);
    expect(execFileSync('git', ['branch', '--list'], { cwd: fx.remote, encoding: 'utf8' })).toBe('');
  });
});
