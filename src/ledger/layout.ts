/**
 * Where things live on the ledger branch. Entry files are bucketed by groups of three digits so
 * no folder holds more than 1000 names; the commit index is bucketed by the first two bytes.
 */
import { ShiplogError } from '../errors.ts';

export const ENTRIES_DIR = 'entries';
export const INDEX_DIR = 'index/commit';
export const CHECKPOINT_FILE = 'checkpoint';
const SEQ_DIGITS = 12;

export function padSeq(seq: number): string {
  return String(seq).padStart(SEQ_DIGITS, '0');
}

/** entries/000/000/001/000000001234.json */
export function entryPath(seq: number): string {
  const p = padSeq(seq);
  return `${ENTRIES_DIR}/${p.slice(0, 3)}/${p.slice(3, 6)}/${p.slice(6, 9)}/${p}.json`;
}

const ENTRY_PATH = /^entries\/(\d{3})\/(\d{3})\/(\d{3})\/(\d{12})\.json$/;

/** The seq a path names, or undefined when the path is not a well-formed entry path. */
export function seqOfEntryPath(path: string): number | undefined {
  const m = ENTRY_PATH.exec(path);
  if (!m) return undefined;
  const full = m[4]!;
  if (full.slice(0, 3) !== m[1] || full.slice(3, 6) !== m[2] || full.slice(6, 9) !== m[3]) return undefined;
  return Number(full);
}

/**
 * index/commit/ab/c/<40 hex>-000000001234.json — one small file per (commit, seq), bucketed by the
 * commit's first three hex digits. The name alone answers a look-up, and few, flat trees keep git's
 * own object walks (fetch, push, connectivity checks) cheap on large ledgers.
 */
export function indexBucket(commit: string): string {
  return `${INDEX_DIR}/${commit.slice(0, 2)}/${commit.slice(2, 3)}`;
}

export function indexPath(commit: string, seq: number): string {
  return `${indexBucket(commit)}/${commit}-${padSeq(seq)}.json`;
}

const INDEX_PATH = /^index\/commit\/([0-9a-f]{2})\/([0-9a-f])\/([0-9a-f]{40})-(\d{12})\.json$/;

export function parseIndexPath(path: string): { commit: string; seq: number } | undefined {
  const m = INDEX_PATH.exec(path);
  if (!m || !m[3]!.startsWith(m[1]! + m[2]!)) return undefined;
  return { commit: m[3]!, seq: Number(m[4]) };
}

export const RUN_INDEX_DIR = 'index/run';

/** Where the idempotency key of a workflow attempt is recorded: index/run/ab/c/<sha256(key)>-<seq>.json */
export function runIndexBucket(keyHash: string): string {
  return `${RUN_INDEX_DIR}/${keyHash.slice(0, 2)}/${keyHash.slice(2, 3)}`;
}

export function runIndexPath(keyHash: string, seq: number): string {
  return `${runIndexBucket(keyHash)}/${keyHash}-${padSeq(seq)}.json`;
}

/** The index file's content: enough to list a commit's history without opening entries. */
export function indexRecord(r: { seq: number; hash: string; type: string; environment?: string }): string {
  return JSON.stringify({ seq: r.seq, hash: r.hash, type: r.type, environment: r.environment ?? null }) + '\n';
}

export function checkCommitPrefix(prefix: string): string {
  const p = prefix.toLowerCase();
  if (!/^[0-9a-f]{4,40}$/.test(p)) {
    throw new ShiplogError('USAGE', `commit "${prefix}" must be 4 to 40 hex characters`);
  }
  return p;
}
