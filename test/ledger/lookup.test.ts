/**
 * Reading the index newest first a window of seqs at a time (what `log --limit 0` streams): every
 * line once, in order, across window edges and segments that span several windows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchEntry, buildLedger } from '../../bench/build-ledger.ts';
import { newestLines, newestLinesByWindow } from '../../src/ledger/lookup.ts';
import { openTip } from '../../src/ledger/tip.ts';
import { createLedgerFixture, type LedgerFixture } from '../support/ledger-fixture.ts';

const N = 1200;
let fx: LedgerFixture;
beforeAll(async () => {
  fx = await createLedgerFixture();
  // Every other entry about a commit in bucket a/b: that bucket seals segments (and lists them),
  // each spanning many seqs; the rest spread over the other buckets.
  await buildLedger(fx.remote, fx.key, N, 'shiplog/shiplog', (seq) => ({
    ...benchEntry(seq),
    ...(seq % 2 ? {} : { commit: `ab${seq.toString(16).padStart(38, '0')}` }),
  }));
}, 120_000);
afterAll(() => fx.cleanup());

describe('newestLinesByWindow', () => {
  it('the shared bucket has sealed segments', async () => {
    const view = await openTip(fx.location);
    try {
      expect((await view.index.bucketFiles('ab')).lists.length).toBeGreaterThan(0);
    } finally {
      view.close();
    }
  });

  it.each([13, 256, 8192])('window %i: every line once, newest first', async (window) => {
    const view = await openTip(fx.location);
    try {
      const all = await newestLines(view, () => true);
      expect(all.map((l) => l.seq)).toEqual(Array.from({ length: N }, (_, i) => N - 1 - i));
      const seen: number[] = [];
      for await (const page of newestLinesByWindow(view, () => true, window))
        seen.push(...page.map((l) => l.seq));
      expect(seen).toEqual(all.map((l) => l.seq));
    } finally {
      view.close();
    }
  });

  it('a filter keeps its lines only, still newest first, and skips windows with none', async () => {
    const view = await openTip(fx.location);
    try {
      const keep = (l: { seq: number }) => l.seq % 500 === 1;
      const pages: number[][] = [];
      for await (const page of newestLinesByWindow(view, keep, 100)) pages.push(page.map((l) => l.seq));
      expect(pages).toEqual([[1001], [501], [1]]);
    } finally {
      view.close();
    }
  });
});
