import { sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SignatureJob } from '../../src/ledger/check-entry.ts';
import { signerIndex } from '../../src/ledger/dsse.ts';
import { packBatch, SignaturePool, unpackBatch } from '../../src/ledger/signature-pool.ts';
import { newKey } from '../support/ledger-fixture.ts';

const a = newKey();
const b = newKey();
const stranger = newKey();
const trusted = [a.trusted, b.trusted];
const keys = trusted.map((k) => k.publicKey);

/** A mix of jobs: signed by a, by b, by a stranger, damaged, several signatures, none. */
function jobs(n: number): SignatureJob[] {
  return Array.from({ length: n }, (_, i) => {
    const paeBytes = Buffer.from(`DSSEv1 28 application/vnd.in-toto+json 9 entry-${i}`.repeat((i % 5) + 1));
    const by = (k: typeof a) => sign(null, paeBytes, k.key.privateKey);
    const damaged = Buffer.from(by(a));
    damaged[7]! ^= 1;
    const candidates = [
      [{ sig: by(a), hint: 0 }],
      [{ sig: by(b), hint: 0 }], // a wrong hint must not matter
      [{ sig: by(stranger), hint: -1 }],
      [{ sig: damaged, hint: 0 }],
      [
        { sig: by(stranger), hint: 1 },
        { sig: by(b), hint: -1 },
      ],
      [],
    ][i % 6]!;
    return { paeBytes, candidates, keyids: [] };
  });
}

describe('signature pool', () => {
  it('packs and unpacks batches without changing a byte', () => {
    const js = jobs(13);
    const back = [...unpackBatch(packBatch(7, js))];
    expect(back.map((j) => Buffer.from(j.paeBytes))).toEqual(js.map((j) => Buffer.from(j.paeBytes)));
    expect(back.map((j) => j.candidates.map((c) => [Buffer.from(c.sig).toString('hex'), c.hint]))).toEqual(
      js.map((j) => j.candidates.map((c) => [Buffer.from(c.sig).toString('hex'), c.hint])),
    );
  });

  it('finds the same signers on worker threads as on this thread', async () => {
    const js = jobs(600);
    const want = js.map((j) => signerIndex(j.paeBytes, j.candidates, keys));
    expect(new Set(want)).toEqual(new Set([0, 1, -1]));
    const pool = new SignaturePool(2, trusted);
    try {
      const parts = await Promise.all([0, 1, 2].map((k) => pool.run(js.slice(k * 200, k * 200 + 200))));
      expect(parts.flatMap((p) => [...p])).toEqual(want);
    } finally {
      await pool.close();
    }
  });

  it('asks callers to wait while too many batches are in flight', async () => {
    const pool = new SignaturePool(1, trusted);
    try {
      // One worker takes four batches in flight.
      const runs = Array.from({ length: 3 }, () => pool.run(jobs(30)));
      expect(pool.room()).toBeUndefined();
      runs.push(pool.run(jobs(30)));
      const room = pool.room();
      expect(room).toBeInstanceOf(Promise);
      await room;
      expect(pool.room()).toBeUndefined();
      await Promise.all(runs);
    } finally {
      await pool.close();
    }
  });
});
