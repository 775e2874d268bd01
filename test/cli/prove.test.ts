/** `shiplog prove` / `verify-proof`: bundles checked offline, and every kind of tampering refused. */
import { generateKeyPairSync } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEntry } from '../../src/ledger/append.ts';
import { writeLedgerHistory } from '../../src/ledger/bulk.ts';
import { GENESIS_PREV } from '../../src/ledger/encoding.ts';
import { createLedgerFixture, sampleEntry, sh, type LedgerFixture } from '../support/ledger-fixture.ts';
import { signedItem } from '../support/ledger-history.ts';
import { runCli } from '../support/run-cli.ts';

let fx: LedgerFixture;
beforeAll(async () => {
  fx = await createLedgerFixture();
  await fx.append(19);
}, 120_000);
afterAll(() => fx.cleanup());

const at = (): string[] => ['--remote', fx.remote, '--ledger-branch', 'shiplog', '--cache-dir', fx.cacheDir];

describe('shiplog prove / verify-proof', () => {
  it('an inclusion proof checks offline; a changed path, entry or key does not', async () => {
    const file = join(fx.dir, 'p7.json');
    const p = await runCli(['prove', '7', ...at(), '--out', file]);
    expect(p).toMatchObject({ code: 0 });
    const bundle = JSON.parse(readFileSync(file, 'utf8'));
    expect(bundle).toMatchObject({ shiplogProof: 1, kind: 'inclusion', seq: 7, treeSize: 19 });
    expect(bundle.auditPath.length).toBe(5);
    const ok = await runCli(['verify-proof', file, '--trusted-key', fx.pubFile]);
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.stdout).toMatch(/ok: entry 7 is in the signed checkpoint of 19 entries/);

    const bad = async (
      name: string,
      edit: (b: typeof bundle) => void,
      key = fx.pubFile,
    ): Promise<string[]> => {
      const copy = JSON.parse(JSON.stringify(bundle));
      edit(copy);
      const f = join(fx.dir, `${name}.json`);
      writeFileSync(f, JSON.stringify(copy));
      const r = await runCli(['verify-proof', f, '--trusted-key', key, '--json']);
      expect(r.code).toBe(1);
      return [...new Set((JSON.parse(r.stdout).problems as { check: string }[]).map((x) => x.check))].sort();
    };
    expect(
      await bad('path', (b) => {
        const h = Buffer.from(b.auditPath[1], 'base64');
        h[0]! ^= 1;
        b.auditPath[1] = h.toString('base64');
      }),
    ).toEqual(['inclusion']);
    expect(await bad('seq', (b) => (b.seq = 6))).toEqual(['entry', 'inclusion']);
    expect(
      await bad('payload', (b) => {
        const payload = Buffer.from(b.envelope.payload, 'base64').toString().replace('production', 'staging');
        b.envelope.payload = Buffer.from(payload).toString('base64');
      }),
    ).toEqual(['entry', 'inclusion', 'signature']);
    const other = join(fx.dir, 'other.pub');
    writeFileSync(
      other,
      generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    );
    expect(await bad('key', () => undefined, other)).toEqual(['checkpoint', 'signature']);
  });

  it('by entry hash, and a consistency proof from an older checkpoint (the saved verify report works too)', async () => {
    const before = await runCli(['verify', ...at(), '--trusted-key', fx.pubFile, '--json']);
    expect(before.code).toBe(0);
    const report = join(fx.dir, 'verified.json');
    writeFileSync(report, before.stdout);
    const head = JSON.parse(before.stdout).head as string;
    const byHash = await runCli(['prove', head.slice(0, 20), ...at()]);
    expect(JSON.parse(byHash.stdout)).toMatchObject({ seq: 18, entryHash: head });

    await fx.append(14);
    const file = join(fx.dir, 'cons.json');
    expect((await runCli(['prove', '--from', report, ...at(), '--out', file])).code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      kind: 'consistency',
      oldSize: 19,
      treeSize: 33,
    });
    const ok = await runCli(['verify-proof', file, '--trusted-key', fx.pubFile]);
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.stdout).toMatch(/extends the older one/);
    // verify --since with the saved report: only the new entries are read, pinned by its commit.
    const inc = await runCli(['verify', ...at(), '--trusted-key', fx.pubFile, '--since', report, '--json']);
    expect(inc.code).toBe(0);
    expect(JSON.parse(inc.stdout)).toMatchObject({ ok: true, checked: 14, entries: 33 });
    // From an empty cache (a CI job's), in two fetches: the tip with the 32 commits below it and
    // their trees, then every blob the checks read (entries, checkpoints, both ends' tiles, index
    // buckets) at once.
    const coldSince = (name: string) => {
      const trace = join(fx.dir, `${name}.trace`);
      const args = ['verify', '--remote', fx.remote, '--ledger-branch', 'shiplog', '--trusted-key'];
      return runCli([...args, fx.pubFile, '--since', report, '--cache-dir', join(fx.dir, name), '--json'], {
        GIT_TRACE2: trace,
      }).then((r) => ({ ...r, fetches: readFileSync(trace, 'utf8').match(/ cmd_name fetch /g)!.length }));
    };
    const cold = await coldSince('cold-since');
    expect(JSON.parse(cold.stdout)).toMatchObject({ ok: true, checked: 14, entries: 33 });
    expect(cold.fetches).toBe(2);
    // A checkpoint further back: the history after it takes one more fetch.
    await fx.append(30);
    const far = await coldSince('cold-since-far');
    expect(JSON.parse(far.stdout)).toMatchObject({ ok: true, checked: 44, entries: 63 });
    expect(far.fetches).toBe(3);
    // A consistency proof between two different logs' checkpoints fails.
    const b = JSON.parse(readFileSync(file, 'utf8'));
    b.consistencyPath = b.consistencyPath.slice(1);
    writeFileSync(file, JSON.stringify(b));
    expect((await runCli(['verify-proof', file, '--trusted-key', fx.pubFile])).code).toBe(1);
  });

  it('show links an entry to its proof', async () => {
    const r = await runCli(['show', '3', ...at()]);
    expect(r.stdout).toContain(`proof      shiplog prove 3 --remote ${fx.remote} --ledger-branch shiplog`);
    const j = await runCli(['show', '3', ...at(), '--json']);
    expect(JSON.parse(j.stdout).proveCommand).toMatch(/^shiplog prove 3 /);
  });

  it('refuses a file that is no bundle (exit 1) and a missing argument (exit 2)', async () => {
    const f = join(fx.dir, 'junk.json');
    writeFileSync(f, '{"hello":1}');
    expect((await runCli(['verify-proof', f, '--trusted-key', fx.pubFile])).code).toBe(1);
    expect((await runCli(['prove', ...at()])).code).toBe(2);
  });
});

describe('proofs past a full tile (256 entries)', () => {
  let big: LedgerFixture;
  beforeAll(async () => {
    big = await createLedgerFixture();
    // 255 entries with the bulk writer, then real appends: the 256th fills tile 0, and its push is
    // all the remote learns of it
    const items = [];
    let prev = GENESIS_PREV;
    for (let seq = 0; seq < 255; seq++) {
      const e = sampleEntry(seq, { timestamp: new Date(Date.UTC(2026, 0, 1) + seq * 1000).toISOString() });
      const item = signedItem(big.key, { seq, prev, ...e }, 'localhost/ledger/shiplog');
      items.push(item);
      prev = item.hash;
    }
    await writeLedgerHistory(big.remote, 'shiplog', items, { origin: 'localhost/ledger/shiplog' });
    for (const seq of [255, 256])
      await appendEntry({
        location: big.location,
        key: big.key,
        entry: sampleEntry(seq, { timestamp: new Date().toISOString() }),
      });
  }, 120_000);
  afterAll(() => big.cleanup());

  it('proves the oldest entry from a cold cache: the sealed tile was pushed with the append that filled it', async () => {
    const file = join(big.dir, 'p0.json');
    const p = await runCli([
      'prove',
      '0',
      '--remote',
      big.remote,
      '--ledger-branch',
      'shiplog',
      '--cache-dir',
      join(big.dir, 'cold'),
      '--out',
      file,
    ]);
    expect(p.code, p.stderr).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ seq: 0, treeSize: 257 });
    // By seq through the entry tiles: the tip, its tile folders, the proof's tiles with the entry
    // tile, the entry — never one segment of every index bucket.
    const trace = join(big.dir, 'prove.trace');
    const again = await runCli(
      [
        'prove',
        '1',
        '--remote',
        big.remote,
        '--ledger-branch',
        'shiplog',
        '--cache-dir',
        join(big.dir, 'cold-2'),
      ],
      { GIT_TRACE2: trace },
    );
    expect(JSON.parse(again.stdout)).toMatchObject({ seq: 1, treeSize: 257 });
    expect(readFileSync(trace, 'utf8').match(/ cmd_name fetch /g)!.length).toBeLessThanOrEqual(4);
    const shown = await runCli([
      'show',
      '2',
      '--remote',
      big.remote,
      '--ledger-branch',
      'shiplog',
      '--cache-dir',
      join(big.dir, 'cold-3'),
    ]);
    expect(shown.stdout).toMatch(/seq\s+2\b/);
    const ok = await runCli(['verify-proof', file, '--trusted-key', big.pubFile]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    const v = await runCli([
      'verify',
      '--remote',
      big.remote,
      '--trusted-key',
      big.pubFile,
      '--cache-dir',
      join(big.dir, 'v'),
    ]);
    expect(v.code, v.stdout + v.stderr).toBe(0);
  });
});

describe('entry tiles an attacker rewrote', () => {
  let fx2: LedgerFixture;
  beforeAll(async () => {
    fx2 = await createLedgerFixture();
    await fx2.append(5);
  }, 60_000);
  afterAll(() => fx2.cleanup());

  it('a tip whose entry tile names another entry for the newest seq: prove and show refuse, verify names the tiles', async () => {
    // Someone with push rights swaps the last two blob ids of tree/entries/0 and re-commits the tip:
    // a prover reading the tile for seq 4 would fetch entry 3.
    const git = (...args: string[]): string => sh(fx2.remote, ...args).trim();
    const tip = git('rev-parse', 'refs/heads/shiplog');
    const parent = git('rev-parse', `${tip}^`);
    const tileOid = git('rev-parse', `${tip}:tree/entries/0`);
    const tile = execFileSync('git', ['cat-file', 'blob', tileOid], { cwd: fx2.remote });
    expect(tile.length).toBe(5 * 20);
    const swapped = Buffer.concat([tile.subarray(0, 60), tile.subarray(80, 100), tile.subarray(60, 80)]);
    const newTile = execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: fx2.remote, input: swapped })
      .toString()
      .trim();
    const mktree = (lines: string[]): string =>
      execFileSync('git', ['mktree'], { cwd: fx2.remote, input: lines.join('\n') + '\n' })
        .toString()
        .trim();
    const relist = (treeish: string, name: string, oid: string): string[] =>
      git('ls-tree', treeish)
        .split('\n')
        .map((l) => (l.endsWith(`\t${name}`) ? l.replace(/[0-9a-f]{40}/, oid) : l));
    const entries = mktree(relist(`${tip}:tree/entries`, '0', newTile));
    const treeDir = mktree(relist(`${tip}:tree`, 'entries', entries));
    const root = mktree(relist(tip, 'tree', treeDir));
    const message = git('log', '-1', '--format=%B', tip);
    const forged = execFileSync('git', ['commit-tree', root, '-p', parent], {
      cwd: fx2.remote,
      input: message,
    })
      .toString()
      .trim();
    git('update-ref', 'refs/heads/shiplog', forged);

    const where = ['--remote', fx2.remote, '--ledger-branch', 'shiplog'];
    const p = await runCli(['prove', '4', ...where, '--cache-dir', join(fx2.dir, 'p')]);
    expect(p.code).toBe(1);
    expect(p.stderr).toMatch(/tiles name entry 3 at seq 4/);
    const show = await runCli(['show', '4', ...where, '--cache-dir', join(fx2.dir, 's')]);
    expect(show.code).toBe(1);
    const v = await runCli([
      'verify',
      ...where,
      '--trusted-key',
      fx2.pubFile,
      '--json',
      '--cache-dir',
      join(fx2.dir, 'v'),
    ]);
    expect(v.code).toBe(1);
    expect(JSON.parse(v.stdout).problems).toContainEqual(
      expect.objectContaining({ check: 'tiles', seq: 4, file: 'tree' }),
    );
  });
});
