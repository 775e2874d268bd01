import { readFileSync, rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { consistencyProof } from '../../src/ledger/tree/merkle.ts';
import {
  parseWitnessTarget,
  parseWitnessTargets,
  requestCosignature,
  type WitnessTarget,
} from '../../src/witness/client.ts';
import { mergeCosigned, parseCosignedFile } from '../../src/witness/cosigned-file.ts';
import { checkWitnessQuorum } from '../../src/witness/quorum.ts';
import { startWitness, type RunningWitness } from '../../src/witness/server.ts';
import { WitnessState } from '../../src/witness/state.ts';
import { keyFiles, tempDir, ToyLog, type KeyFiles } from './log-fixture.ts';

const ORIGIN = 'example.test/ledger';
let dir: string;
let logKey: KeyFiles;
let log: ToyLog;
const running: { w: RunningWitness; state: WitnessState }[] = [];

async function witness(name: string): Promise<{ target: WitnessTarget; keys: KeyFiles; w: RunningWitness }> {
  const keys = keyFiles(dir, name);
  const state = await WitnessState.open(`${dir}/${name}-state`);
  const w = await startWitness(
    { key: keys.key, name: `witness.test/${name}`, logs: new Map([[ORIGIN, [logKey.trusted]]]), state },
    { host: '127.0.0.1', port: 0 },
  );
  running.push({ w, state });
  return { target: parseWitnessTarget(`${w.url}=${keys.pubFile}`), keys, w };
}

const proofs = (l: ToyLog, size: number) => (old: number) => consistencyProof(old, size, l.reader(size));

beforeEach(() => {
  dir = tempDir();
  logKey = keyFiles(dir, 'log');
  log = new ToyLog(ORIGIN, logKey.key);
});
afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.w.close();
    await r.state.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('writer side: requestCosignature', () => {
  it('gets a cosignature, and after a 409 retries once from the size the witness holds', async () => {
    const { target } = await witness('a');
    const first = await requestCosignature(target, log.checkpoint(3), 0, proofs(log, 3));
    expect(first).toMatchObject({ ok: true, oldSize: 0 });
    // The writer guesses wrong (0): the witness answers 409 with 3, the retry from 3 is cosigned.
    const next = await requestCosignature(target, log.checkpoint(10), 0, proofs(log, 10));
    expect(next).toMatchObject({ ok: true, oldSize: 3 });
  });

  it('reports (never throws) a witness that is down, refuses, or answers with another key', async () => {
    const { target, w } = await witness('a');
    const other = keyFiles(dir, 'other');
    const wrongKey = { ...target, key: other.trusted };
    expect(await requestCosignature(wrongKey, log.checkpoint(3), 0, proofs(log, 3))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/without a cosignature by its key/),
    });
    expect((await requestCosignature(target, log.checkpoint(8), 0, proofs(log, 8))).ok).toBe(true);
    const back = await requestCosignature(target, log.checkpoint(5), 5, proofs(log, 5));
    expect(back).toMatchObject({
      ok: false,
      storedSize: 8,
      reason: expect.stringMatching(/rolled back or forked/),
    });
    const fork = new ToyLog(ORIGIN, logKey.key, 'evil', 2);
    expect(await requestCosignature(target, fork.checkpoint(9), 8, proofs(fork, 9))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^answered 422/),
    });
    await w.close();
    expect(await requestCosignature(target, log.checkpoint(9), 8, proofs(log, 9))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^unreachable/),
    });
  });
});

describe('the cosigned file', () => {
  it('keeps the newest note first and an older one only while it holds a witness the newer lack', async () => {
    const a = await witness('a');
    const b = await witness('b');
    const cosig = async (t: WitnessTarget, size: number) => {
      const r = await requestCosignature(t, log.checkpoint(size), 0, proofs(log, size));
      if (!r.ok) throw new Error(r.reason);
      return r.line;
    };
    let file = mergeCosigned(undefined, log.checkpoint(4), [
      await cosig(a.target, 4),
      await cosig(b.target, 4),
    ]);
    expect(parseCosignedFile(file).notes).toHaveLength(1);
    expect(parseCosignedFile(file).notes[0]!.lines).toHaveLength(3);
    // b is down at 6: the size-4 note stays for b's sake.
    file = mergeCosigned(file, log.checkpoint(6), [await cosig(a.target, 6)]);
    let notes = parseCosignedFile(file).notes;
    expect(notes.map((n) => n.checkpoint.size)).toEqual([6, 4]);
    // Both cosign 9: the older notes hold nobody new and go.
    file = mergeCosigned(file, log.checkpoint(9), [await cosig(a.target, 9), await cosig(b.target, 9)]);
    notes = parseCosignedFile(file).notes;
    expect(notes.map((n) => n.checkpoint.size)).toEqual([9]);
    // Each note is a complete signed note a C2SP verifier reads: body, blank line, signature lines.
    expect(file).toBe(
      `${log.checkpoint(9)}${notes[0]!.lines
        .slice(1)
        .map((l) => `${l}\n`)
        .join('')}`,
    );
  });
});

describe('verify: checkWitnessQuorum', () => {
  it('quorum met, not met, the witnessed prefix, a fork and a rollback', async () => {
    const a = await witness('a');
    const b = await witness('b');
    const c = keyFiles(dir, 'c');
    const line = async (t: WitnessTarget, l: ToyLog, size: number) => {
      const r = await requestCosignature(t, l.checkpoint(size), 0, proofs(l, size));
      if (!r.ok) throw new Error(r.reason);
      return r.line;
    };
    let file = mergeCosigned(undefined, log.checkpoint(5), [
      await line(a.target, log, 5),
      await line(b.target, log, 5),
    ]);
    file = mergeCosigned(file, log.checkpoint(7), [await line(a.target, log, 7)]);
    const keys = [a.keys.trusted, b.keys.trusted, c.trusted];
    const check = (quorum: number, ledger: ToyLog, size: number, text = file) =>
      checkWitnessQuorum({
        cosigned: text,
        origin: ORIGIN,
        ledgerSize: size,
        rootAt: (n) => ledger.root(n),
        keys,
        quorum,
      });

    const two = await check(2, log, 9);
    expect(two).toMatchObject({ ok: true, witnessedSize: 5 });
    expect(two.message).toMatch(/entries 0\.\.4 \(5 of 9\); the newest 4 are not yet cosigned/);
    expect(await check(1, log, 9)).toMatchObject({ ok: true, witnessedSize: 7 });
    const three = await check(3, log, 9);
    expect(three).toMatchObject({ ok: false });
    expect(three.message).toMatch(/quorum not met: 2 of the 3 witness keys/);
    expect(await check(1, log, 9, '')).toMatchObject({ ok: false });

    // The ledger was rewritten from entry 6: a witness cosigned size 7 of the old history.
    const forked = new ToyLog(ORIGIN, logKey.key, 'rewrite', 6);
    const f = await check(1, forked, 9);
    expect(f.ok).toBe(false);
    expect(f.problems.join('\n')).toMatch(/fork: witness witness\.test\/a .* cosigned size 7/);
    // The ledger was cut back to 6 entries.
    const r = await check(1, log, 6);
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/rollback: .*cosigned size 7.*only 6 entries/);
    // Cosignatures by a key not given, or over another body, count for nothing.
    const tampered = file.replaceAll(log.root(7).toString('base64'), forked.root(7).toString('base64'));
    expect(await check(1, forked, 9, tampered)).toMatchObject({ ok: true, witnessedSize: 5 });
  });
});

describe('witness targets (URL=KEYFILE)', () => {
  it('reads lines or commas, skips comments, and refuses what is not URL=KEYFILE', () => {
    const k = keyFiles(tempDir(), 'w');
    const read = (p: string) => (p === 'keys/w.pub' ? readFileSync(k.pubFile, 'utf8') : '');
    const ts = parseWitnessTargets(
      `# witnesses\nhttps://w1.example/=keys/w.pub\n\nhttp://w2.example:7380=keys/w.pub, https://w3.example=keys/w.pub`,
      read,
    );
    expect(ts.map((t) => t.url)).toEqual([
      'https://w1.example',
      'http://w2.example:7380',
      'https://w3.example',
    ]);
    expect(ts[0]!.key.keyid).toBe(k.trusted.keyid);
    expect(() => parseWitnessTarget('w1.example=keys/w.pub', read)).toThrow(/URL=KEYFILE/);
    expect(() => parseWitnessTarget('https://w1.example', read)).toThrow(/URL=KEYFILE/);
    expect(() =>
      parseWitnessTarget('https://w1.example=missing.pub', () => {
        throw new Error('ENOENT');
      }),
    ).toThrow(/cannot read the witness key/);
  });
});
