/**
 * The ledger's RFC 6962 Merkle tree as pure functions: hashing, roots, inclusion and consistency
 * proofs (produced and checked), and the right edge an append carries forward.
 *
 * Leaf i is the entry with seq i; its leaf input is the 32 raw bytes of the entry hash, so a prover
 * can work from commit trailers without reading entries. Proofs read stored hashes through a
 * {@link HashReader}, a port the storage implements (tiles in the ledger's tip tree and history),
 * so everything here is checkable against RFC 6962 vectors with no git at all.
 *
 * Sizes and indexes are plain numbers (exact up to 2^53); halving uses arithmetic, never `>>`,
 * which would wrap at 2^31.
 */
import { createHash } from 'node:crypto';

export const HASH_BYTES = 32;

/** SHA-256 of the empty string: the root of the empty tree (RFC 6962 §2.1). */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

/** SHA-256(0x00 ‖ leaf input). The ledger's leaf input is the entry hash's 32 raw bytes. */
export function leafHash(entryHash: Buffer): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(entryHash).digest();
}

/** SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

const LEAF_PREFIX = Buffer.from([0]);
const NODE_PREFIX = Buffer.from([1]);

/**
 * A stored complete subtree hash: level 0 holds the leaf hashes, and (level, index) is the root of
 * leaves [index·2^level, (index+1)·2^level). Only subtrees wholly inside the tree are ever asked for.
 */
export interface HashReader {
  hash(level: number, index: number): Buffer | Promise<Buffer>;
}

/** The root of a tree whose leaf hashes are all in memory (MTH of RFC 6962 §2.1, bottom-up). */
export function rootFromLeafHashes(leaves: readonly Buffer[]): Buffer {
  let edge: Buffer[] = [];
  for (let i = 0; i < leaves.length; i++) edge = appendToEdge(edge, i, leaves[i]!).edge;
  return rootFromEdge(edge, leaves.length);
}

/** A complete subtree an append finished, to be stored for later proofs. */
export interface StoredHash {
  level: number;
  index: number;
  hash: Buffer;
}

/**
 * The right edge of a tree of `size` leaves: the roots of its maximal complete subtrees, largest
 * (leftmost) first — one per set bit of `size`, so at most log2(size)+1 hashes. Appending leaf
 * `size` merges the trailing subtrees of equal height; every merge completes a subtree that proofs
 * will need, returned in `completed` (the new leaf first, level 0).
 */
export function appendToEdge(
  edge: readonly Buffer[],
  size: number,
  leaf: Buffer,
): { edge: Buffer[]; completed: StoredHash[] } {
  checkSize(size);
  if (edge.length !== popcount(size)) {
    throw new RangeError(
      `a right edge of a ${size}-leaf tree has ${popcount(size)} hashes, not ${edge.length}`,
    );
  }
  const next = edge.slice();
  let hash = leaf;
  let index = size;
  let level = 0;
  const completed: StoredHash[] = [{ level: 0, index, hash }];
  let rest = size;
  while (rest % 2 === 1) {
    hash = nodeHash(next.pop()!, hash);
    level++;
    index = Math.floor(index / 2);
    rest = Math.floor(rest / 2);
    completed.push({ level, index, hash });
  }
  next.push(hash);
  return { edge: next, completed };
}

/** The root of a tree from its right edge (see {@link appendToEdge}). */
export function rootFromEdge(edge: readonly Buffer[], size: number): Buffer {
  checkSize(size);
  if (edge.length !== popcount(size)) {
    throw new RangeError(
      `a right edge of a ${size}-leaf tree has ${popcount(size)} hashes, not ${edge.length}`,
    );
  }
  if (edge.length === 0) return EMPTY_ROOT;
  let root = edge[edge.length - 1]!;
  for (let i = edge.length - 2; i >= 0; i--) root = nodeHash(edge[i]!, root);
  return root;
}

/** The right edge of a tree of `size` leaves, read from stored complete subtrees. */
export async function edgeFromReader(size: number, reader: HashReader): Promise<Buffer[]> {
  checkSize(size);
  const edge: Buffer[] = [];
  let start = 0;
  for (let level = bitLength(size) - 1; level >= 0; level--) {
    const width = 2 ** level;
    if (Math.floor(size / width) % 2 === 1) {
      edge.push(await reader.hash(level, start / width));
      start += width;
    }
  }
  return edge;
}

/** The root of the tree of `size` leaves from stored hashes: at most log2(size)+1 reads. */
export async function rootFromReader(size: number, reader: HashReader): Promise<Buffer> {
  return rootFromEdge(await edgeFromReader(size, reader), size);
}

/**
 * MTH of leaves [lo, hi), where lo is a multiple of the largest power of two below hi − lo (true
 * of every range the RFC's recursion visits): complete aligned ranges are one read, the ragged
 * right edge of the tree is folded from its complete parts.
 */
export async function rangeHash(lo: number, hi: number, reader: HashReader): Promise<Buffer> {
  const n = hi - lo;
  if (n <= 0) throw new RangeError(`empty range [${lo}, ${hi})`);
  if (isPowerOfTwo(n) && lo % n === 0) return reader.hash(Math.log2(n), lo / n);
  const k = largestPowerOfTwoBelow(n);
  return nodeHash(await rangeHash(lo, lo + k, reader), await rangeHash(lo + k, hi, reader));
}

/** The audit path for leaf `index` in the tree of `size` leaves (PATH of RFC 6962 §2.1.1). */
export async function inclusionProof(index: number, size: number, reader: HashReader): Promise<Buffer[]> {
  checkSize(size);
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
    throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
  }
  const proof: Buffer[] = [];
  let lo = 0;
  let hi = size;
  // Walk down from the root; siblings are collected top-down and returned bottom-up.
  while (hi - lo > 1) {
    const k = largestPowerOfTwoBelow(hi - lo);
    if (index < lo + k) {
      proof.push(await rangeHash(lo + k, hi, reader));
      hi = lo + k;
    } else {
      proof.push(await rangeHash(lo, lo + k, reader));
      lo += k;
    }
  }
  return proof.reverse();
}

/**
 * The proof that the tree of `newSize` leaves extends the one of `oldSize` (PROOF of RFC 6962
 * §2.1.2). Empty when oldSize is 0 or equals newSize.
 */
export async function consistencyProof(
  oldSize: number,
  newSize: number,
  reader: HashReader,
): Promise<Buffer[]> {
  checkSize(oldSize);
  checkSize(newSize);
  if (oldSize > newSize) throw new RangeError(`a tree of ${newSize} cannot extend one of ${oldSize}`);
  if (oldSize === 0 || oldSize === newSize) return [];
  const proof: Buffer[] = [];
  let lo = 0;
  let hi = newSize;
  let m = oldSize;
  let whole = true; // SUBPROOF's b: is [lo, hi)'s left part the old tree itself?
  while (m !== hi - lo) {
    const k = largestPowerOfTwoBelow(hi - lo);
    if (m <= k) {
      proof.push(await rangeHash(lo + k, hi, reader));
      hi = lo + k;
    } else {
      proof.push(await rangeHash(lo, lo + k, reader));
      lo += k;
      m -= k;
      whole = false;
    }
  }
  if (!whole) proof.push(await rangeHash(lo, hi, reader));
  return proof.reverse();
}

/** Checks an audit path (RFC 9162 §2.1.3.2). */
export function verifyInclusion(
  index: number,
  size: number,
  leaf: Buffer,
  proof: readonly Buffer[],
  root: Buffer,
): boolean {
  if (!validSize(size) || !Number.isSafeInteger(index) || index < 0 || index >= size) return false;
  if (!proof.every(isHash) || !isHash(root)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = fn / 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/** Checks a consistency proof (RFC 9162 §2.1.4.2); any tree extends the empty one. */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Buffer,
  newRoot: Buffer,
  proof: readonly Buffer[],
): boolean {
  if (!validSize(oldSize) || !validSize(newSize) || oldSize > newSize) return false;
  if (oldSize === 0) return proof.length === 0;
  if (oldSize === newSize) return proof.length === 0 && oldRoot.equals(newRoot);
  if (proof.length === 0 || !proof.every(isHash)) return false;
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : proof.slice();
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = fn / 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(oldRoot) && sr.equals(newRoot);
}

function isHash(b: Buffer): boolean {
  return b.length === HASH_BYTES;
}

function validSize(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

function checkSize(n: number): void {
  if (!validSize(n)) throw new RangeError(`not a tree size: ${n}`);
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && 2 ** Math.round(Math.log2(n)) === n;
}

/** The largest power of two strictly below n (n ≥ 2). */
export function largestPowerOfTwoBelow(n: number): number {
  let k = 2 ** (bitLength(n) - 1);
  if (k === n) k /= 2;
  return k;
}

function bitLength(n: number): number {
  let bits = 0;
  while (n >= 1) {
    n = Math.floor(n / 2);
    bits++;
  }
  return bits;
}

function popcount(n: number): number {
  let count = 0;
  while (n >= 1) {
    count += n % 2;
    n = Math.floor(n / 2);
  }
  return count;
}
