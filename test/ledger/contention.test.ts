import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendEntry } from '../../src/ledger/append.ts';
import { findEntries } from '../../src/ledger/query.ts';
import { verifyLedger } from '../../src/ledger/verify.ts';
import { createLedgerFixture, sampleEntry, type LedgerFixture } from '../support/ledger-fixture.ts';

let fx: LedgerFixture;
beforeEach(async () => {
  fx = await createLedgerFixture();
});
afterEach(() => fx.cleanup());

// 16 writers contend as hard as in the bench's 16 x 10 (contention_landed), with fewer appends
// each so the suite stays short on 2 cores.
describe('16 concurrent writers x 2 appends to one remote', () => {
  it('lands 32/32 entries with a valid chain and no duplicate seq', async () => {
    const writer = async (w: number): Promise<number[]> => {
      // Each writer has its own cache, like separate CI runners.
      const location = { ...fx.location, cacheDir: join(fx.dir, `cache-${w}`) };
      const seqs: number[] = [];
      for (let i = 0; i < 2; i++) {
        const r = await appendEntry({
          location,
          key: fx.key,
          // Dated when signed, as a runner does: writers land in another order than they sign.
          entry: sampleEntry(w * 100 + i, { timestamp: new Date().toISOString() }),
          maxAttempts: 200,
        });
        seqs.push(r.seq);
      }
      return seqs;
    };
    const seqs = (await Promise.all(Array.from({ length: 16 }, (_, w) => writer(w)))).flat();
    expect(new Set(seqs).size).toBe(32);
    const report = await verifyLedger({ location: fx.location, trusted: [fx.trusted], jobs: 2 });
    expect(report.problems).toEqual([]);
    expect(report.entries).toBe(32);
    const entries = await findEntries(fx.location, {});
    expect(entries.map((e) => e.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 32 }, (_, i) => i));
    expect(new Set(entries.map((e) => e.statement.predicate.commit)).size).toBe(32);
    // 32 appends contending on 2 shared cores: a budget, not a timing assertion
  }, 240_000);
});
