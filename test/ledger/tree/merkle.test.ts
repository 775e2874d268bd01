/**
 * The Merkle tree against RFC 6962 test vectors (Certificate Transparency's, as kept in
 * transparency-dev/merkle) and against a second implementation written below straight from
 * RFC 6962 §2.1's recursive definitions (MTH, PATH, PROOF), sharing nothing with the project's.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  appendToEdge,
  consistencyProof,
  EMPTY_ROOT,
  inclusionProof,
  leafHash,
  nodeHash,
  rootFromEdge,
  rootFromLeafHashes,
  rootFromReader,
  verifyConsistency,
  verifyInclusion,
  type HashReader,
} from '../../../src/ledger/tree/merkle.ts';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');

// --- The vectors -------------------------------------------------------------------------------

const LEAF_INPUTS = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(hex);

/** Root of the tree of the first n leaf inputs, n = 1..8. */
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
].map(hex);

/** Complete subtree hashes of the 8-leaf tree, by level then index. */
const NODES = [
  [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
    '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
    '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
    'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
    'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
    '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
  ],
  [
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
    'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
  ],
  [
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
  ],
  ['5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'],
].map((level) => level.map(hex));

/** (0-based leaf, tree size, audit path). */
const INCLUSION: [number, number, string[]][] = [
  [0, 1, []],
  [
    0,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    5,
    8,
    [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [
    1,
    5,
    [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
];

/** (old size, new size, proof). */
const CONSISTENCY: [number, number, string[]][] = [
  [1, 1, []],
  [
    1,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    6,
    8,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [
    2,
    5,
    [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
  [
    6,
    7,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
];

// --- A second implementation, from RFC 6962 §2.1 alone -----------------------------------------

const sha = (...parts: Buffer[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
/** k: the largest power of two smaller than n. */
const splitOf = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};
/** MTH(D[n]). */
const mth = (d: Buffer[]): Buffer => {
  if (d.length === 0) return sha();
  if (d.length === 1) return sha(Buffer.from([0]), d[0]!);
  const k = splitOf(d.length);
  return sha(Buffer.from([1]), mth(d.slice(0, k)), mth(d.slice(k)));
};
/** PATH(m, D[n]). */
const path = (m: number, d: Buffer[]): Buffer[] => {
  if (d.length === 1) return [];
  const k = splitOf(d.length);
  return m < k
    ? [...path(m, d.slice(0, k)), mth(d.slice(k))]
    : [...path(m - k, d.slice(k)), mth(d.slice(0, k))];
};
/** SUBPROOF(m, D[n], b). */
const subproof = (m: number, d: Buffer[], b: boolean): Buffer[] => {
  if (m === d.length) return b ? [] : [mth(d)];
  const k = splitOf(d.length);
  return m <= k
    ? [...subproof(m, d.slice(0, k), b), mth(d.slice(k))]
    : [...subproof(m - k, d.slice(k), false), mth(d.slice(0, k))];
};
const proof = (m: number, d: Buffer[]): Buffer[] => subproof(m, d, true);

// --- Storage stand-in: every complete subtree of the given leaves ------------------------------

function readerOver(leafInputs: Buffer[]): HashReader & { reads: number } {
  const levels: Buffer[][] = [leafInputs.map(leafHash)];
  while (levels[levels.length - 1]!.length > 1) {
    const below = levels[levels.length - 1]!;
    const above: Buffer[] = [];
    for (let i = 0; i + 1 < below.length; i += 2) above.push(nodeHash(below[i]!, below[i + 1]!));
    levels.push(above);
  }
  const reader = {
    reads: 0,
    hash(level: number, index: number): Buffer {
      reader.reads++;
      const h = levels[level]?.[index];
      if (!h) throw new Error(`no complete subtree at level ${level} index ${index}`);
      return h;
    },
  };
  return reader;
}

const entries = (n: number, seed: number): Buffer[] =>
  Array.from({ length: n }, (_, i) => sha(Buffer.from(`entry ${seed} ${i}`)));

describe('RFC 6962 vectors', () => {
  it('hashes leaves and nodes as the RFC does', () => {
    NODES[0]!.forEach((h, i) => expect(leafHash(LEAF_INPUTS[i]!).equals(h)).toBe(true));
    expect(nodeHash(NODES[0]![0]!, NODES[0]![1]!).equals(NODES[1]![0]!)).toBe(true);
  });

  it('computes every root, including the empty tree', () => {
    expect(rootFromLeafHashes([]).toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(EMPTY_ROOT.equals(rootFromLeafHashes([]))).toBe(true);
    for (let n = 1; n <= 8; n++) {
      expect(rootFromLeafHashes(LEAF_INPUTS.slice(0, n).map(leafHash)).equals(ROOTS[n - 1]!)).toBe(true);
    }
  });

  it('keeps the right edge the vectors name, and the root follows from it', async () => {
    let edge: Buffer[] = [];
    for (let n = 0; n < 8; n++) {
      const step = appendToEdge(edge, n, leafHash(LEAF_INPUTS[n]!));
      edge = step.edge;
      for (const c of step.completed) expect(c.hash.equals(NODES[c.level]![c.index]!)).toBe(true);
      expect(rootFromEdge(edge, n + 1).equals(ROOTS[n]!)).toBe(true);
      expect((await rootFromReader(n + 1, readerOver(LEAF_INPUTS))).equals(ROOTS[n]!)).toBe(true);
    }
    expect(edge).toEqual([NODES[3]![0]]);
  });

  it('produces and checks the inclusion proofs', async () => {
    const reader = readerOver(LEAF_INPUTS);
    for (const [index, size, want] of INCLUSION) {
      const got = await inclusionProof(index, size, reader);
      expect(got.map((h) => h.toString('hex'))).toEqual(want);
      expect(verifyInclusion(index, size, leafHash(LEAF_INPUTS[index]!), got, ROOTS[size - 1]!)).toBe(true);
    }
  });

  it('produces and checks the consistency proofs', async () => {
    const reader = readerOver(LEAF_INPUTS);
    for (const [m, n, want] of CONSISTENCY) {
      const got = await consistencyProof(m, n, reader);
      expect(got.map((h) => h.toString('hex'))).toEqual(want);
      expect(verifyConsistency(m, n, ROOTS[m - 1]!, ROOTS[n - 1]!, got)).toBe(true);
    }
  });

  it('refuses corrupted inclusion proofs', () => {
    for (const [index, size, want] of INCLUSION.filter(([, , p]) => p.length > 0)) {
      const p = want.map(hex);
      const leaf = leafHash(LEAF_INPUTS[index]!);
      const root = ROOTS[size - 1]!;
      const bad: [number, number, Buffer, Buffer[], Buffer][] = [
        [index - 1, size, leaf, p, root],
        [index + 1, size, leaf, p, root],
        [index ^ 2, size, leaf, p, root],
        [index, size * 2, leaf, p, root],
        [index, Math.floor(size / 2), leaf, p, root],
        [index, size, leafHash(Buffer.from('WrongLeaf')), p, root],
        [index, size, leaf, p, EMPTY_ROOT],
        [index, size, leaf, [...p, Buffer.alloc(0)], root],
        [index, size, leaf, [...p, root], root],
        [index, size, leaf, [root, ...p], root],
        [index, size, leaf, p.slice(0, -1), root],
        ...p.map((_, i): [number, number, Buffer, Buffer[], Buffer] => {
          const flipped = p.map((h) => Buffer.from(h));
          flipped[i]![0]! ^= 8;
          return [index, size, leaf, flipped, root];
        }),
      ];
      for (const [i, s, l, q, r] of bad) expect(verifyInclusion(i, s, l, q, r)).toBe(false);
    }
  });

  it('refuses corrupted consistency proofs and the edge cases the RFC rules out', () => {
    for (const [m, n, want] of CONSISTENCY.filter(([, , p]) => p.length > 0)) {
      const p = want.map(hex);
      const r1 = ROOTS[m - 1]!;
      const r2 = ROOTS[n - 1]!;
      const bad: [number, number, Buffer, Buffer, Buffer[]][] = [
        [m - 1, n, r1, r2, p],
        [m + 1, n, r1, r2, p],
        [m ^ 2, n, r1, r2, p],
        [m, n * 2, r1, r2, p],
        [m, Math.floor(n / 2), r1, r2, p],
        [m, n, Buffer.from('WrongRoot'), r2, p],
        [m, n, r1, Buffer.from('WrongRoot'), p],
        [m, n, r2, r1, p],
        [m, n, r1, r2, []],
        [m, n, r1, r2, [...p, r1]],
        [m, n, r1, r2, [...p, r2]],
        [m, n, r1, r2, [r1, ...p]],
        [m, n, r1, r2, [p[0]!, ...p]],
        [m, n, r1, r2, p.slice(0, -1)],
      ];
      for (const [a, b, x, y, q] of bad) expect(verifyConsistency(a, b, x, y, q)).toBe(false);
    }
    const some = sha(Buffer.from('x'));
    expect(verifyConsistency(0, 0, some, some, [])).toBe(true);
    expect(verifyConsistency(0, 1, some, EMPTY_ROOT, [])).toBe(true);
    expect(verifyConsistency(1, 1, some, some, [])).toBe(true);
    expect(verifyConsistency(1, 1, some, EMPTY_ROOT, [])).toBe(false);
    expect(verifyConsistency(1, 0, some, some, [])).toBe(false);
    expect(verifyConsistency(2, 1, some, some, [])).toBe(false);
    expect(verifyConsistency(1, 2, some, some, [])).toBe(false);
    expect(verifyConsistency(1, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT])).toBe(false);
  });
});

describe('against the RFC 6962 §2.1 definitions on random trees', () => {
  it('roots, audit paths and consistency proofs agree with MTH, PATH and PROOF', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        async (n, seed, a, b) => {
          const d = entries(n, seed);
          const reader = readerOver(d);
          const root = mth(d);
          expect(rootFromLeafHashes(d.map(leafHash)).equals(root)).toBe(true);

          const m = a % n;
          const audit = await inclusionProof(m, n, reader);
          expect(audit).toEqual(path(m, d));
          expect(verifyInclusion(m, n, leafHash(d[m]!), audit, root)).toBe(true);
          expect(verifyInclusion(m, n, leafHash(d[(m + 1) % n]!), audit, root)).toBe(n === 1);

          const old = 1 + (b % n);
          const cons = await consistencyProof(old, n, reader);
          expect(cons).toEqual(old === n ? [] : proof(old, d));
          const oldRoot = mth(d.slice(0, old));
          expect(verifyConsistency(old, n, oldRoot, root, cons)).toBe(true);
          if (old < n) {
            const forked = d.slice(0, old);
            forked[forked.length - 1] = sha(Buffer.from('forked'));
            expect(verifyConsistency(old, n, mth(forked), root, cons)).toBe(false);
          }
        },
      ),
      { numRuns: 120 },
    );
  });

  it('reads O(log n) stored hashes per proof', async () => {
    const d = entries(5000, 1);
    const reader = readerOver(d);
    await inclusionProof(4999, 5000, reader);
    await consistencyProof(3333, 5000, reader);
    expect(reader.reads).toBeLessThanOrEqual(4 * 13 * 2);
  });

  it('handles sizes past 2^31 without wrapping', () => {
    // Only the shape is checked here: verifyInclusion's arithmetic on a huge index.
    const big = 2 ** 33 + 5;
    expect(verifyInclusion(big - 1, big, sha(), [], sha())).toBe(false);
    expect(() => appendToEdge([], 2 ** 32, sha())).toThrow(RangeError);
  });
});
