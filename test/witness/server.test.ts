import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  findCosignature,
  cosignatureKeyId,
  parseCosignatureLine,
  signatureLines,
} from '../../src/witness/cosignature.ts';
import { parseCheckpoint } from '../../src/ledger/checkpoint.ts';
import { startWitness, type RunningWitness } from '../../src/witness/server.ts';
import { originHash, WitnessState } from '../../src/witness/state.ts';
import { keyFiles, post, type Answer, tempDir, ToyLog, type KeyFiles } from './log-fixture.ts';

const ORIGIN = 'example.test/ledger';
let dir: string;
let logKey: KeyFiles;
let witnessKey: KeyFiles;
let state: WitnessState;
let w: RunningWitness;
let log: ToyLog;

beforeEach(async () => {
  dir = tempDir();
  logKey = keyFiles(dir, 'log');
  witnessKey = keyFiles(dir, 'witness');
  state = await WitnessState.open(`${dir}/state`);
  w = await startWitness(
    { key: witnessKey.key, name: 'witness.test/w1', logs: new Map([[ORIGIN, [logKey.trusted]]]), state },
    { host: '127.0.0.1', port: 0 },
  );
  log = new ToyLog(ORIGIN, logKey.key);
});
afterEach(async () => {
  await w.close();
  await state.close();
  rmSync(dir, { recursive: true, force: true });
});

function bodyOf(cp: string): string {
  return parseCheckpoint(cp).body;
}

describe('witness add-checkpoint', () => {
  it('cosigns a first checkpoint with a cosignature/v1 line that verifies, and serves it back', async () => {
    const r = await post(w.url, await log.request(0, 5));
    expect(r.status).toBe(200);
    const lines = signatureLines(r.body);
    expect(lines).toHaveLength(1);
    expect(r.body).toBe(`${lines[0]}\n`);
    const c = parseCosignatureLine(lines[0]!)!;
    expect(c.name).toBe('witness.test/w1');
    expect(c.keyId).toEqual(cosignatureKeyId('witness.test/w1', witnessKey.trusted.raw));
    expect(c.time).toBeGreaterThan(1_700_000_000);
    expect(findCosignature(bodyOf(log.checkpoint(5)), lines, witnessKey.trusted)).toBeDefined();
    // Not a cosignature of another body, nor by another key.
    expect(findCosignature(bodyOf(log.checkpoint(4)), lines, witnessKey.trusted)).toBeUndefined();
    expect(findCosignature(bodyOf(log.checkpoint(5)), lines, logKey.trusted)).toBeUndefined();

    const served = await fetch(`${w.url}/${originHash(ORIGIN)}/checkpoint`);
    expect(served.status).toBe(200);
    const note = await served.text();
    expect(note.startsWith(bodyOf(log.checkpoint(5)))).toBe(true);
    expect(note).toContain(lines[0]);
    expect((await fetch(`${w.url}/${originHash('other')}/checkpoint`)).status).toBe(404);
  });

  it('grows with a valid consistency proof, and cosigns the same checkpoint again', async () => {
    expect((await post(w.url, await log.request(0, 5))).status).toBe(200);
    for (const size of [6, 8, 13, 64, 100]) {
      const prev = state.read(ORIGIN)!.size;
      expect((await post(w.url, await log.request(prev, size))).status).toBe(200);
    }
    expect((await post(w.url, await log.request(100, 100))).status).toBe(200);
    expect(state.read(ORIGIN)!.size).toBe(100);
  });

  it('refuses a rolled-back checkpoint with 409 and the stored size', async () => {
    expect((await post(w.url, await log.request(0, 10))).status).toBe(200);
    const back = await post(w.url, await log.request(0, 7));
    expect(back).toMatchObject({ status: 409, type: 'text/x.tlog.size', body: '10\n' });
    // Claiming an old size of 7 (what the log would like the witness to have) is a conflict too.
    expect(await post(w.url, await log.request(7, 9))).toMatchObject({ status: 409, body: '10\n' });
    // An old size above the checkpoint's own size is malformed.
    const shrink = (await log.request(7, 7)).replace(/^old 7/, 'old 10');
    expect((await post(w.url, shrink)).status).toBe(400);
    expect(state.read(ORIGIN)!.size).toBe(10);
  });

  it('refuses a forked checkpoint with 422: a proof that does not verify, or another root at the same size', async () => {
    expect((await post(w.url, await log.request(0, 10))).status).toBe(200);
    const fork = new ToyLog(ORIGIN, logKey.key, 'evil', 6);
    const r = await post(w.url, await fork.request(10, 12));
    expect(r.status).toBe(422);
    expect(r.body).toMatch(/does not verify/);
    // The forked checkpoint with the honest log's proof does not pass either.
    const honestProof = (await log.request(10, 12)).split('\n\n')[0]!;
    expect((await post(w.url, `${honestProof}\n\n${fork.checkpoint(12)}`)).status).toBe(422);
    expect(await post(w.url, await fork.request(10, 10))).toMatchObject({ status: 422 });
    expect(state.read(ORIGIN)!.size).toBe(10);
  });

  it('answers 403 for a checkpoint not signed by a known key, 404 for an unknown origin, 400 when malformed', async () => {
    const stranger = keyFiles(dir, 'stranger');
    const r = await post(w.url, await log.request(0, 3, stranger.key));
    expect(r.status).toBe(403);
    // A line with the known key's name and key ID but a broken signature spoils the note.
    const good = await log.request(0, 3);
    const sig = good.trimEnd().split(' ').pop()!;
    const blob = Buffer.from(sig, 'base64');
    blob[10]! ^= 1;
    expect((await post(w.url, good.replace(sig, blob.toString('base64')))).status).toBe(403);
    // A valid log signature plus an unknown key's line is fine (unknown keys are ignored).
    const extra = `${good}\u2014 someone.else ${Buffer.alloc(68, 7).toString('base64')}\n`;
    expect((await post(w.url, extra)).status).toBe(200);

    const unknown = new ToyLog('example.test/other', logKey.key);
    expect((await post(w.url, await unknown.request(0, 3))).status).toBe(404);

    for (const body of [
      '',
      'old 01\n\n' + log.checkpoint(3),
      'old 0\nnot-base64\n\n' + log.checkpoint(3),
      'old 0\n' + log.checkpoint(3),
      'old 0\n\nx\n',
    ]) {
      expect((await post(w.url, body)).status, JSON.stringify(body.slice(0, 20))).toBe(400);
    }
    const tooLong = `old 0\n${`${log.root(1).toString('base64')}\n`.repeat(64)}\n${log.checkpoint(3)}`;
    expect((await post(w.url, tooLong)).status).toBe(400);
  });

  it('a proof from size 0 must be empty; a zero-size checkpoint must carry the empty tree root', async () => {
    const withProof = (await log.request(0, 12)).replace(
      'old 0\n',
      `old 0\n${log.root(3).toString('base64')}\n`,
    );
    expect((await post(w.url, withProof)).status).toBe(422);
    expect((await post(w.url, await log.request(0, 0))).status).toBe(200);
    const lie = log.checkpoint(0).replace(log.root(0).toString('base64'), log.root(1).toString('base64'));
    expect((await post(w.url, `old 0\n\n${lie}`)).status).toBe(403); // the body changed: the signature breaks first
  });

  it('two writers racing: of two consistent or forked checkpoints from the same old size, exactly one is cosigned', async () => {
    expect((await post(w.url, await log.request(0, 4))).status).toBe(200);
    let size = 4;
    for (let round = 0; round < 10; round++) {
      const fork = new ToyLog(ORIGIN, logKey.key, `fork${round}`, size);
      const bodies = [await log.request(size, size + 2), await fork.request(size, size + 2)];
      if (round % 2) bodies.reverse();
      const answers = await Promise.all(bodies.map((b) => post(w.url, b)));
      const [a, b] = (round % 2 ? answers.reverse() : answers) as [Answer, Answer];
      const statuses = [a.status, b.status].sort();
      expect(statuses).toEqual([200, 409]);
      const winner = a.status === 200 ? log : fork;
      const loser = a.status === 200 ? fork : log;
      // The loser retries from the stored size: its checkpoint is inconsistent with the winner's.
      expect((await post(w.url, await loser.request(size + 2, size + 2))).status).toBe(422);
      expect(state.read(ORIGIN)!.root).toEqual(winner.root(size + 2));
      if (winner !== log) break;
      size += 2;
    }
  });
});
