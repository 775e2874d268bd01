import { mkdirSync, readFileSync, writeFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendEntry } from '../../src/ledger/append.ts';
import { signCheckpoint } from '../../src/ledger/checkpoint.ts';
import { signEnvelope } from '../../src/ledger/dsse.ts';
import { entryPath, indexPath, indexRecord } from '../../src/ledger/layout.ts';
import { buildStatement, statementBytes } from '../../src/ledger/statement.ts';
import { verifyLedger, type VerifyReport } from '../../src/ledger/verify.ts';
import {
  createLedgerFixture,
  newKey,
  sampleEntry,
  sh,
  workClone,
  type LedgerFixture,
} from '../support/ledger-fixture.ts';

let fx: LedgerFixture;

beforeEach(async () => {
  fx = await createLedgerFixture();
  await fx.append(5);
});
afterEach(() => fx.cleanup());

const checks = (r: VerifyReport): string[] => [...new Set(r.problems.map((p) => p.check))].sort();

async function damage(name: string, edit: (work: string) => void): Promise<VerifyReport> {
  const loc = fx.copyRemote(name);
  const work = workClone(loc.remote, fx.dir);
  edit(work);
  sh(work, 'push', '--quiet', '--force', 'origin', 'shiplog');
  const inline = await verifyLedger({ location: loc, trusted: [fx.trusted], jobs: 1 });
  // Worker threads must find exactly what this thread finds.
  const pooled = await verifyLedger({ location: loc, trusted: [fx.trusted], jobs: 2, workersFrom: 0 });
  expect(pooled).toEqual(inline);
  return inline;
}

describe('verify', () => {
  it('passes an honest ledger, with one worker and with several', async () => {
    for (const jobs of [1, 2]) {
      const r = await verifyLedger({ location: fx.location, trusted: [fx.trusted], jobs, workersFrom: 0 });
      expect(r.problems).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.entries).toBe(5);
      expect(r.checkpoint?.size).toBe(5);
      expect(r.checkpoint?.head).toBe(r.head);
    }
  });

  it('catches an edited payload byte, naming the seq and file', async () => {
    const r = await damage('edit', (work) => {
      const file = join(work, entryPath(2));
      const env = JSON.parse(readFileSync(file, 'utf8'));
      const payload = Buffer.from(env.payload, 'base64').toString('utf8').replace('production', 'productioN');
      env.payload = Buffer.from(payload).toString('base64');
      writeFileSync(file, JSON.stringify(env) + '\n');
      sh(work, 'commit', '--quiet', '-am', 'tweak');
    });
    expect(r.ok).toBe(false);
    const sig = r.problems.find((p) => p.check === 'signature');
    expect(sig).toMatchObject({ seq: 2, file: entryPath(2) });
    expect(r.problems.some((p) => p.check === 'prev' && p.seq === 3)).toBe(true);
    expect(r.problems.some((p) => p.check === 'history' && /modifies existing entry/.test(p.message))).toBe(
      true,
    );
  });

  it('catches a deleted entry', async () => {
    const r = await damage('delete', (work) => {
      sh(work, 'rm', '--quiet', entryPath(1));
      sh(work, 'commit', '--quiet', '-m', 'drop');
    });
    expect(checks(r)).toEqual(expect.arrayContaining(['seq', 'history']));
    expect(r.problems.find((p) => p.check === 'seq')?.message).toMatch(/entry 1 is missing/);
    expect(r.problems.some((p) => /deletes entry/.test(p.message))).toBe(true);
  });

  it('catches two swapped entries', async () => {
    const r = await damage('swap', (work) => {
      const a = join(work, entryPath(1));
      const b = join(work, entryPath(2));
      const ta = readFileSync(a);
      writeFileSync(a, readFileSync(b));
      writeFileSync(b, ta);
      sh(work, 'commit', '--quiet', '-am', 'swap');
    });
    const seqProblems = r.problems.filter((p) => p.check === 'seq');
    expect(seqProblems.map((p) => p.seq).sort()).toEqual([1, 2]);
    expect(seqProblems[0]!.message).toMatch(/file is named for seq/);
  });

  it('catches an entry signed by a foreign key', async () => {
    const loc = fx.copyRemote('foreign');
    const foreign = newKey();
    await appendEntry({ location: loc, key: foreign.key, entry: sampleEntry(99) });
    const r = await verifyLedger({ location: loc, trusted: [fx.trusted], jobs: 1 });
    // Worker threads agree, and with both keys trusted they name the foreign signer.
    expect(await verifyLedger({ location: loc, trusted: [fx.trusted], jobs: 2, workersFrom: 0 })).toEqual(r);
    const both = await verifyLedger({
      location: loc,
      trusted: [fx.trusted, foreign.trusted],
      jobs: 1,
      workersFrom: 0,
    });
    expect(both.ok).toBe(true);
    expect(both.keys.sort()).toEqual([fx.trusted.keyid, foreign.trusted.keyid].sort());
    expect(r.problems.filter((p) => p.check === 'signature')).toEqual([
      expect.objectContaining({
        seq: 5,
        file: entryPath(5),
        message: expect.stringMatching(/no signature by a trusted key/),
      }),
    ]);
    // The foreign key also signed the new checkpoint.
    expect(checks(r)).toContain('checkpoint');
  });

  it('catches a commit that rewrites an old entry with a validly re-signed one', async () => {
    const r = await damage('modify', (work) => {
      // Same key, same seq/prev: only the history shows the entry changed after the fact.
      const st = buildStatement({
        seq: 0,
        prev: `sha256:${'0'.repeat(64)}`,
        ...sampleEntry(0, { environment: 'staging' }),
      });
      const { envelope } = signEnvelope(statementBytes(st), fx.key);
      writeFileSync(join(work, entryPath(0)), JSON.stringify(envelope) + '\n');
      sh(work, 'commit', '--quiet', '-am', 'rewrite');
    });
    expect(
      r.problems.some((p) => p.check === 'history' && p.file === entryPath(0) && /modifies/.test(p.message)),
    ).toBe(true);
    expect(r.problems.some((p) => p.check === 'prev' && p.seq === 1)).toBe(true);
  });

  it('catches two entries added in one commit even when both are well signed', async () => {
    const r = await damage('two', (work) => {
      const head = JSON.parse(readFileSync(join(work, entryPath(4)), 'utf8'));
      let prev = signEnvelope(Buffer.from(head.payload, 'base64'), fx.key).hash;
      for (const seq of [5, 6]) {
        const e = sampleEntry(seq);
        const st = buildStatement({ seq, prev, ...e });
        const { envelope, hash } = signEnvelope(statementBytes(st), fx.key);
        writeFileSync(join(work, entryPath(seq)), JSON.stringify(envelope) + '\n');
        const ip = join(work, indexPath(e.commit, seq));
        sh(work, 'rev-parse', 'HEAD');
        mkdirSync(join(ip, '..'), { recursive: true });
        writeFileSync(ip, indexRecord({ seq, hash, type: e.type, environment: e.environment }));
        prev = hash;
      }
      writeFileSync(
        join(work, 'checkpoint'),
        signCheckpoint({ origin: 'shiplog/shiplog', size: 7, head: prev }, fx.key),
      );
      sh(work, 'add', '-A');
      sh(
        work,
        'commit',
        '--quiet',
        '-m',
        'shiplog: two\n\nShiplog-Seq: 5\nShiplog-Entry: ' + prev + '\nShiplog-Origin: shiplog/shiplog',
      );
    });
    expect(r.problems.some((p) => p.check === 'history' && /adds 2 entries/.test(p.message))).toBe(true);
    expect(r.problems.filter((p) => ['signature', 'prev', 'seq'].includes(p.check))).toEqual([]);
  });

  it('catches truncation only when given an older checkpoint', async () => {
    const older = readFileSync(join(workClone(fx.remote, fx.dir), 'checkpoint'), 'utf8');
    const loc = fx.copyRemote('trunc');
    const work = workClone(loc.remote, fx.dir);
    sh(work, 'reset', '--quiet', '--hard', 'HEAD~2');
    sh(work, 'push', '--quiet', '--force', 'origin', 'shiplog');
    const plain = await verifyLedger({ location: loc, trusted: [fx.trusted], jobs: 1 });
    expect(plain.ok).toBe(true);
    expect(plain.entries).toBe(3);
    const r = await verifyLedger({ location: loc, trusted: [fx.trusted], olderCheckpoint: older, jobs: 1 });
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([
      expect.objectContaining({
        check: 'consistency',
        message: expect.stringMatching(/3 entries but an earlier checkpoint saw 5/),
      }),
    ]);
    expect(r.olderCheckpoint?.consistent).toBe(false);
  });

  it('accepts an older checkpoint the ledger extends', async () => {
    const older = readFileSync(join(workClone(fx.remote, fx.dir), 'checkpoint'), 'utf8');
    await fx.append(2);
    const r = await verifyLedger({
      location: fx.location,
      trusted: [fx.trusted],
      olderCheckpoint: older,
      jobs: 1,
    });
    expect(r.problems).toEqual([]);
    expect(r.olderCheckpoint).toMatchObject({ size: 5, consistent: true });
  });

  it('catches a corrupted checkpoint signature', async () => {
    const r = await damage('cpsig', (work) => {
      const file = join(work, 'checkpoint');
      const text = readFileSync(file, 'utf8');
      const lines = text.split('\n');
      const sigLine = lines.findIndex((l) => l.startsWith('\u2014'));
      const parts = lines[sigLine]!.split(' ');
      const blob = Buffer.from(parts[2]!, 'base64');
      blob[10] = blob[10]! ^ 0xff;
      parts[2] = blob.toString('base64');
      lines[sigLine] = parts.join(' ');
      writeFileSync(file, lines.join('\n'));
      sh(work, 'commit', '--quiet', '-am', 'cp');
    });
    expect(r.problems.some((p) => p.check === 'checkpoint' && /signature is not valid/.test(p.message))).toBe(
      true,
    );
    // The stray commit added no entry: the history check says so as well.
    expect(r.problems.some((p) => p.check === 'history' && /adds 0 entries/.test(p.message))).toBe(true);
  });

  it('catches an index that disagrees with the entries', async () => {
    const r = await damage('index', (work) => {
      const e = sampleEntry(3);
      unlinkSync(join(work, indexPath(e.commit, 3)));
      sh(work, 'commit', '--quiet', '-am', 'unindex');
    });
    expect(r.problems.some((p) => p.check === 'index' && p.seq === 3)).toBe(true);
  });
});
