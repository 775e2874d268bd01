/**
 * `shiplog export` end to end through the CLI on real ledgers: every format, verification first
 * (a damaged ledger exports nothing), `--since` with the checkpoint the last run printed, and
 * several shards with the labelled checkpoints.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OcsfEvent } from '../../src/export/ocsf.ts';
import { ocsfErrors } from '../support/ocsf-validate.ts';
import { EXPORT_CSV_COLUMNS } from '../../src/export/csv.ts';
import { appendEntry, type NewEntry } from '../../src/ledger/append.ts';
import { parseCheckpoint } from '../../src/ledger/checkpoint.ts';
import { CHANGE_TYPES } from '../../src/ledger/statement.ts';
import {
  createLedgerFixture,
  newKey,
  sampleEntry,
  sh,
  type LedgerFixture,
} from '../support/ledger-fixture.ts';
import { runCli } from '../support/run-cli.ts';

/** Appends after the fixture's history: verify refuses an entry timestamped before the one it follows. */
const LATER = { timestamp: '2026-06-01T00:00:00.000Z' };

/** The read-only tests share one ledger of every type; the others get a fresh one each. */
let shared: LedgerFixture;
let fx: LedgerFixture;
const fresh: LedgerFixture[] = [];
async function freshLedger(): Promise<void> {
  fx = await createLedgerFixture();
  fresh.push(fx);
}
beforeAll(async () => {
  shared = await createLedgerFixture();
  fx = shared;
  await appendEveryType();
});
afterAll(() => shared.cleanup());
afterEach(() => {
  for (const f of fresh.splice(0)) f.cleanup();
  fx = shared;
});

/** One entry of every type the ledger knows, with the details each type's mapping reads. */
const DETAILS: Record<string, Record<string, unknown>> = {
  deploy: { version: '1.2.3', status: 'success' },
  migration: { database: 'orders', tool: 'flyway' },
  'config-override': { keys: ['FEATURE_X'], reason: 'incident 42', expires: '2026-02-01T00:00:00Z' },
  override: { reason: 'hotfix' },
  'override-review': { override: 'sha256:' + 'ab'.repeat(32), comment: 'fine' },
  merge: { base: 'main' },
  reconciliation: { status: 'drift' },
};
const CLASS: Record<string, number> = {
  deploy: 6002,
  migration: 6005,
  'config-override': 3004,
  override: 3004,
  'override-review': 3004,
  merge: 3004,
  reconciliation: 2003,
};

async function appendEveryType(): Promise<void> {
  for (const type of CHANGE_TYPES) await fx.append(1, { type, details: DETAILS[type] });
}

const exp = (...extra: string[]) =>
  runCli([
    'export',
    '--remote',
    fx.remote,
    '--cache-dir',
    fx.cacheDir,
    '--trusted-key',
    fx.pubFile,
    '--ledger-branch',
    'shiplog',
    ...extra,
  ]);

const lines = (text: string): unknown[] =>
  text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as unknown);

describe('shiplog export', () => {
  it('OCSF: one event per entry in ledger order, each with its class and required attributes; the checkpoint on stderr', async () => {
    const r = await exp('--format', 'ocsf');
    expect(r.code).toBe(0);
    const events = lines(r.stdout) as OcsfEvent[];
    expect(events).toHaveLength(CHANGE_TYPES.length);
    events.forEach((ev, i) => {
      expect(ocsfErrors(ev), CHANGE_TYPES[i]).toEqual([]);
      expect(ev.class_uid).toBe(CLASS[CHANGE_TYPES[i]!]);
      expect(ev.metadata).toMatchObject({ sequence: i, product: { name: 'shiplog', version: '0.1.0' } });
      expect(ev.metadata.uid).toMatch(/^sha256:[0-9a-f]{64}$/);
      const shiplog = (ev.unmapped as { shiplog: Record<string, unknown> }).shiplog;
      expect(shiplog).toMatchObject({ seq: i, entry_hash: ev.metadata.uid, signer_keyid: fx.key.keyid });
      expect(shiplog.ledger_commit).toMatch(/^[0-9a-f]{40}$/);
      expect(shiplog.shard).toBeUndefined();
    });
    // stderr holds exactly the checkpoint of the last entry exported: a file --since can take.
    const cp = parseCheckpoint(r.stderr);
    expect(cp).toMatchObject({ size: CHANGE_TYPES.length });
  });

  it('JSONL and CSV to --out: written whole, the checkpoint on stdout, no temporary file left', async () => {
    const jsonl = join(fx.dir, 'out', 'entries.jsonl');
    const r1 = await exp('--format', 'jsonl', '--out', jsonl);
    expect(r1).toMatchObject({ code: 0, stderr: '' });
    const records = lines(readFileSync(jsonl, 'utf8')) as Record<string, unknown>[];
    expect(records.map((x) => x.seq)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(records.map((x) => (x.predicate as { type: string }).type)).toEqual([...CHANGE_TYPES]);
    expect(records[1]).toMatchObject({
      signer_keyid: fx.key.keyid,
      predicate: { details: DETAILS.migration },
    });
    expect(parseCheckpoint(r1.stdout)).toMatchObject({ size: 7 });

    const csv = join(fx.dir, 'out', 'entries.csv');
    const r2 = await exp('--format', 'csv', '--out', csv);
    expect(r2.code).toBe(0);
    const rows = readFileSync(csv, 'utf8').split('\r\n');
    expect(rows).toHaveLength(9); // header, 7 rows, and the empty string after the last CRLF
    expect(rows[0]).toBe(EXPORT_CSV_COLUMNS.join(','));
    expect(rows[3]).toMatch(
      /^2,sha256:[0-9a-f]{64},[0-9a-f]{40},[0-9a-f]{64},,2026-01-01T00:00:02.000Z,config-override,/,
    );
    expect(r2.stdout).toBe(r1.stdout);
    const r3 = await exp('--format', 'csv', '--out', csv, '--json');
    expect(JSON.parse(r3.stdout)).toEqual({
      format: 'csv',
      out: csv,
      entries: 7,
      shards: [{ branch: 'shiplog', entries: 7, checkpoint: r1.stdout }],
    });
    expect(readdirSync(join(fx.dir, 'out')).sort()).toEqual(['entries.csv', 'entries.jsonl']);
  });

  it('refuses a ledger that does not verify (an entry signed by another key) and writes nothing', async () => {
    await freshLedger();
    await fx.append(3, LATER);
    await appendEntry({ location: fx.location, key: newKey().key, entry: sampleEntry(3, LATER) });
    await fx.append(1, LATER);
    const out = join(fx.dir, 'entries.jsonl');
    const r = await exp('--format', 'jsonl', '--out', out);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/shiplog: ledger INVALID: \d+ problem\(s\)/);
    expect(r.stderr).toMatch(/ {2}signature \(seq 3 commit [0-9a-f]{12}\): /);
    expect(r.stderr).toMatch(/error\[VERIFY_FAILED\]: shiplog did not verify .*nothing was exported/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(fx.dir).filter((f) => f.includes('entries'))).toEqual([]);
    // To stdout as well: not one event.
    const s = await exp('--format', 'ocsf');
    expect(s).toMatchObject({ code: 1, stdout: '' });
  });

  it('--since the checkpoint the last run printed: only the entries after it, and the next checkpoint', async () => {
    await freshLedger();
    await fx.append(4, LATER);
    const first = await exp('--format', 'jsonl');
    expect(lines(first.stdout)).toHaveLength(4);
    const since = join(fx.dir, 'since');
    writeFileSync(since, first.stderr);

    const none = await exp('--format', 'jsonl', '--since', since);
    expect(none).toMatchObject({ code: 0, stdout: '', stderr: first.stderr });

    await fx.append(3, LATER);
    const next = await exp('--format', 'jsonl', '--since', since);
    expect(next.code).toBe(0);
    const records = lines(next.stdout) as { seq: number; entry_hash: string }[];
    expect(records.map((x) => x.seq)).toEqual([4, 5, 6]);
    expect(parseCheckpoint(next.stderr)).toMatchObject({ size: 7 });

    // A checkpoint no trusted key signed is no starting point.
    const stranger = join(fx.dir, 'stranger.pub');
    writeFileSync(stranger, newKey().publicPem);
    const forged = await runCli([
      'export',
      ...['--remote', fx.remote, '--cache-dir', fx.cacheDir, '--ledger-branch', 'shiplog'],
      ...['--trusted-key', stranger, '--format', 'jsonl', '--since', since],
    ]);
    expect(forged).toMatchObject({ code: 1, stdout: '' });

    writeFileSync(since, 'not a checkpoint\n');
    expect(await exp('--format', 'jsonl', '--since', since)).toMatchObject({ code: 2, stdout: '' });
  });

  it('--all-shards: shard after shard, each event naming its shard; labelled checkpoints that --since takes back', async () => {
    await freshLedger();
    const shard = (repo: string) => ({ ...fx.location, branch: `shiplog/${repo}` });
    const add = async (repo: string, i: number, over: Partial<NewEntry> = {}) =>
      appendEntry({
        location: shard(repo),
        key: fx.key,
        entry: sampleEntry(i, { repository: repo, ...over }),
      });
    for (let i = 0; i < 3; i++) await add('acme/web', i);
    for (let i = 0; i < 2; i++) await add('acme/api', i, { type: 'migration' });
    const all = (...extra: string[]) =>
      runCli([
        'export',
        ...['--remote', fx.remote, '--cache-dir', fx.cacheDir, '--trusted-key', fx.pubFile],
        ...['--all-shards', '--format', 'ocsf', ...extra],
      ]);
    const r = await all();
    expect(r.code).toBe(0);
    const events = lines(r.stdout) as OcsfEvent[];
    expect(events.map((e) => [e.metadata.log_name, e.metadata.sequence])).toEqual([
      ['shiplog/acme/api', 0],
      ['shiplog/acme/api', 1],
      ['shiplog/acme/web', 0],
      ['shiplog/acme/web', 1],
      ['shiplog/acme/web', 2],
    ]);
    for (const e of events) {
      expect(ocsfErrors(e)).toEqual([]);
      expect((e.unmapped as { shiplog: { shard: string } }).shiplog.shard).toBe(e.metadata.log_name);
    }
    const blocks = r.stderr.split(/^# shard /m).filter(Boolean);
    expect(blocks.map((b) => b.split('\n')[0])).toEqual(['shiplog/acme/api', 'shiplog/acme/web']);
    expect(parseCheckpoint(blocks[0]!.slice(blocks[0]!.indexOf('\n') + 1))).toMatchObject({ size: 2 });
    expect(parseCheckpoint(blocks[1]!.slice(blocks[1]!.indexOf('\n') + 1))).toMatchObject({ size: 3 });

    const since = join(fx.dir, 'since');
    writeFileSync(since, r.stderr);
    await add('acme/web', 3);
    // A shard that appeared after the last export is exported whole.
    await add('acme/ops', 0);
    const next = await all('--since', since);
    expect(next.code).toBe(0);
    expect(
      (lines(next.stdout) as OcsfEvent[]).map((e) => [e.metadata.log_name, e.metadata.sequence]),
    ).toEqual([
      ['shiplog/acme/ops', 0],
      ['shiplog/acme/web', 3],
    ]);
    expect(next.stderr.match(/^# shard .*$/gm)).toEqual([
      '# shard shiplog/acme/api',
      '# shard shiplog/acme/ops',
      '# shard shiplog/acme/web',
    ]);

    // One shard's checkpoint out of the labelled file, for a run on that shard alone.
    const one = await runCli([
      'export',
      ...['--remote', fx.remote, '--cache-dir', fx.cacheDir, '--trusted-key', fx.pubFile],
      ...['--ledger-branch', 'shiplog/acme/web', '--format', 'jsonl', '--since', since],
    ]);
    expect(one.code).toBe(0);
    expect((lines(one.stdout) as { seq: number; shard?: string }[]).map((x) => [x.seq, x.shard])).toEqual([
      [3, undefined],
    ]);

    // A plain checkpoint cannot say which shard it belongs to.
    writeFileSync(since, one.stderr);
    expect(await all('--since', since)).toMatchObject({ code: 2, stdout: '' });

    // A shard the last export reached is gone from the remote: that is lost history, not a fresh start.
    writeFileSync(since, next.stderr);
    sh(fx.remote, 'update-ref', '-d', 'refs/heads/shiplog/acme/ops');
    const gone = await all('--since', since);
    expect(gone).toMatchObject({ code: 1, stdout: '' });
    expect(gone.stderr).toMatch(
      /shiplog\/acme\/ops: the checkpoint file names this shard, but the remote no longer has it/,
    );
  });

  it('usage errors exit 2 and write nothing', async () => {
    const out = join(fx.dir, 'x.jsonl');
    expect(await exp('--format', 'xml', '--out', out)).toMatchObject({ code: 2, stdout: '' });
    expect(
      await runCli(['export', '--remote', fx.remote, '--cache-dir', fx.cacheDir, '--format', 'jsonl']),
    ).toMatchObject({ code: 2, stdout: '' });
    expect(await exp('--out', out)).toMatchObject({ code: 2, stdout: '' });
    expect(existsSync(out)).toBe(false);
  });
});
