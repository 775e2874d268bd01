/**
 * Where things live on the ledger branch. Folders fan out by two decimal digits (entries) or one
 * hex digit (indexes): no folder holds more than ~1000 names, and every tree an append rewrites
 * or `git log --raw` diffs stays small, so per-entry costs do not grow with the ledger.
 */
import { ShiplogError } from '../errors.ts';

export const ENTRIES_DIR = 'entries';
export const INDEX_DIR = 'index/commit';
export const RUN_INDEX_DIR = 'index/run';
export const CHECKPOINT_FILE = 'checkpoint';
const SEQ_DIGITS = 12;

export function padSeq(seq: number): string {
  return String(seq).padStart(SEQ_DIGITS, '0');
}

/** entries/00/00/00/12/34/000000001234.json — at most 100 names per folder. */
export function entryPath(seq: number): string {
  const p = padSeq(seq);
  return `${ENTRIES_DIR}/${p.slice(0, 2)}/${p.slice(2, 4)}/${p.slice(4, 6)}/${p.slice(6, 8)}/${p.slice(8, 10)}/${p}.json`;
}

const ENTRY_PATH = /^entries\/\d{2}\/\d{2}\/\d{2}\/\d{2}\/\d{2}\/(\d{12})\.json$/;

/** The seq a path names, or undefined when the path is not exactly where that seq belongs. */
export function seqOfEntryPath(path: string): number | undefined {
  const m = ENTRY_PATH.exec(path);
  if (!m) return undefined;
  const seq = Number(m[1]);
  return entryPath(seq) === path ? seq : undefined;
}

/** index/commit/a/b/c/<40 hex>-000000001234.json — one small file per (commit, seq); the name answers a look-up. */
export function indexBucket(commit: string): string {
  return `${INDEX_DIR}/${commit[0]}/${commit[1]}/${commit[2]}`;
}

export function indexPath(commit: string, seq: number): string {
  return `${indexBucket(commit)}/${commit}-${padSeq(seq)}.json`;
}

const INDEX_PATH = /^index\/commit\/([0-9a-f])\/([0-9a-f])\/([0-9a-f])\/([0-9a-f]{40})-(\d{12})\.json$/;

export function parseIndexPath(path: string): { commit: string; seq: number } | undefined {
  const m = INDEX_PATH.exec(path);
  if (!m || !m[4]!.startsWith(m[1]! + m[2]! + m[3]!)) return undefined;
  return { commit: m[4]!, seq: Number(m[5]) };
}

/** Where a workflow attempt's idempotency key is recorded: index/run/a/b/c/<sha256(key)>-<seq>.json */
export function runIndexBucket(keyHash: string): string {
  return `${RUN_INDEX_DIR}/${keyHash[0]}/${keyHash[1]}/${keyHash[2]}`;
}

export function runIndexPath(keyHash: string, seq: number): string {
  return `${runIndexBucket(keyHash)}/${keyHash}-${padSeq(seq)}.json`;
}

/** The index file's content: enough to list a commit's history without opening entries. */
export function indexRecord(r: { seq: number; hash: string; type: string; environment?: string }): string {
  return (
    JSON.stringify({ seq: r.seq, hash: r.hash, type: r.type, environment: r.environment ?? null }) + '\n'
  );
}

export function checkCommitPrefix(prefix: string): string {
  const p = prefix.toLowerCase();
  if (!/^[0-9a-f]{4,40}$/.test(p)) {
    throw new ShiplogError('USAGE', `commit "${prefix}" must be 4 to 40 hex characters`);
  }
  return p;
}
