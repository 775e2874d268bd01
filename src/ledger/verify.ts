/**
 * Verification of a whole ledger: every entry (shape, canonical payload, statement, trusted
 * signature), the chain (seq, prev), the git history (one added entry per commit, nothing modified
 * or deleted, trailers), the checkpoint, an older checkpoint's consistency, and the commit index.
 * Every problem is reported with its check, seq and file — not only the first.
 */
import { availableParallelism } from 'node:os';
import { checkpointSigner, parseCheckpoint, type ParsedCheckpoint } from './checkpoint.ts';
import {
  applySigner,
  checkEntryText,
  decodeForVerify,
  type EntryFacts,
  type SignatureJob,
} from './check-entry.ts';
import { GENESIS_PREV, HASH_PATTERN, sha256Hex } from './encoding.ts';
import { catFileBatch } from './git.ts';
import { readHistory, type HistoryCommit } from './history.ts';
import type { TrustedKey } from './keys.ts';
import {
  CHECKPOINT_FILE,
  ENTRIES_DIR,
  entryPath,
  indexPath,
  INDEX_DIR,
  parseIndexPath,
  RUN_INDEX_DIR,
  runIndexPath,
  seqOfEntryPath,
} from './layout.ts';
import { listFiles, openForRead, readCheckpointText, type LedgerSnapshot, type TreeFile } from './read.ts';
import { SignaturePool } from './signature-pool.ts';
import type { LedgerLocation } from './store.ts';

export type CheckName =
  | 'envelope'
  | 'payload'
  | 'statement'
  | 'signature'
  | 'file-name'
  | 'seq'
  | 'prev'
  | 'history'
  | 'trailer'
  | 'checkpoint'
  | 'consistency'
  | 'index';

export interface Problem {
  check: CheckName;
  seq?: number;
  file?: string;
  commit?: string;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  remote: string;
  branch: string;
  tip: string;
  entries: number;
  head?: string;
  checkpoint?: { origin: string; size: number; head: string };
  olderCheckpoint?: { origin: string; size: number; head: string; consistent: boolean };
  keys: string[];
  problems: Problem[];
}

export interface VerifyOptions {
  location: LedgerLocation;
  trusted: TrustedKey[];
  /** Text of an older checkpoint the ledger must extend. */
  olderCheckpoint?: string;
  /** Signature-checking worker threads (for ledgers of at least `workersFrom` entries). */
  jobs?: number;
  /** Below this many entries everything runs on this thread: starting workers would cost more. */
  workersFrom?: number;
}

export async function verifyLedger(opts: VerifyOptions): Promise<VerifyReport> {
  const snap = await openForRead(opts.location);
  const problems: Problem[] = [];
  const workersFrom = opts.workersFrom ?? 2000;
  const startPool = (): SignaturePool => new SignaturePool(Math.min(opts.jobs ?? 1, 64), opts.trusted);
  const checkpointText = await readCheckpointText(snap);
  // Workers take a moment to start: when the checkpoint (only a hint until it is checked) says the
  // ledger is big, they start while git lists the tree.
  let pool = checkpointSize(checkpointText) >= workersFrom ? startPool() : undefined;
  let facts: EntryFacts[];
  let history: HistoryCommit[];
  let tipFiles: TreeFile[];
  let files: TreeFile[];
  try {
    tipFiles = await listFiles(snap, '.');
    files = tipFiles.filter((f) => f.path.startsWith(`${ENTRIES_DIR}/`));
    if (files.length < workersFrom) {
      await pool?.close();
      pool = undefined;
    } else pool ??= startPool();
    // History (a second git process) is read while entries are checked.
    const historyPromise = readHistory(snap.repo.gitDir, snap.tip);
    historyPromise.catch(() => undefined); // awaited below; if entries fail first, theirs is the error
    facts = await checkEntries(snap, files, opts.trusted, pool);
    history = await historyPromise;
  } finally {
    await pool?.close();
  }

  const bySeq = checkChain(facts, problems);
  checkHistory(history, facts, files, problems);
  const head = bySeq.length ? bySeq[bySeq.length - 1]?.hash : undefined;
  const origin = history[history.length - 1]?.origin;
  const checkpoint = checkCheckpoint(checkpointText, opts.trusted, bySeq.length, head, origin, problems);
  const older = opts.olderCheckpoint
    ? checkOlderCheckpoint(opts.olderCheckpoint, opts.trusted, bySeq, origin, problems)
    : undefined;
  checkIndex(tipFiles, facts, problems);

  problems.sort((a, b) => (a.seq ?? -1) - (b.seq ?? -1));
  return {
    ok: problems.length === 0,
    remote: opts.location.remote,
    branch: opts.location.branch,
    tip: snap.tip,
    entries: files.length,
    head,
    checkpoint,
    olderCheckpoint: older,
    keys: [...new Set(facts.map((f) => f.keyid).filter((k): k is string => !!k))],
    problems,
  };
}

async function checkEntries(
  snap: LedgerSnapshot,
  files: { path: string; blob: string }[],
  trusted: TrustedKey[],
  pool: SignaturePool | undefined,
): Promise<EntryFacts[]> {
  const facts: EntryFacts[] = new Array(files.length);
  if (!pool) {
    await catFileBatch(
      snap.repo.gitDir,
      files.map((f) => f.blob),
      (i, obj) => {
        facts[i] = checkEntryText(
          { path: files[i]!.path, text: obj ? obj.data.toString('utf8') : '' },
          trusted,
        );
      },
    );
    return facts;
  }
  // This thread reads and decodes; the workers only check signatures.
  const pending: Promise<void>[] = [];
  let batch: { index: number; job: SignatureJob }[] = [];
  const flush = (): void => {
    if (!batch.length) return;
    const items = batch;
    batch = [];
    pending.push(
      pool
        .run(items.map((b) => b.job))
        .then((signers) =>
          items.forEach((b, k) => applySigner(facts[b.index]!, b.job, signers[k]!, trusted)),
        ),
    );
  };
  await catFileBatch(
    snap.repo.gitDir,
    files.map((f) => f.blob),
    (i, obj) => {
      const { facts: f, job } = decodeForVerify(
        { path: files[i]!.path, text: obj ? obj.data.toString('utf8') : '' },
        trusted,
      );
      facts[i] = f;
      if (!job) return;
      batch.push({ index: i, job });
      if (batch.length < 256) return;
      flush();
      return pool.room();
    },
  );
  flush();
  await Promise.all(pending);
  return facts;
}

function checkChain(facts: EntryFacts[], problems: Problem[]): EntryFacts[] {
  const good: EntryFacts[] = [];
  const seen = new Map<number, EntryFacts>();
  for (const f of facts) {
    const fileSeq = seqOfEntryPath(f.path);
    if (fileSeq === undefined) {
      problems.push({
        check: 'file-name',
        file: f.path,
        seq: f.seq,
        message: `"${f.path}" is not a valid entry file name`,
      });
    }
    if (f.problem) {
      problems.push({
        check: f.problem.kind as CheckName,
        file: f.path,
        seq: fileSeq,
        message: f.problem.message,
      });
      // An untrusted but readable entry still has a hash: keep it so the next link is checked too.
      if (f.hash === undefined) continue;
    }
    if (fileSeq !== undefined && f.seq !== fileSeq) {
      problems.push({
        check: 'seq',
        file: f.path,
        seq: fileSeq,
        message: `entry says seq ${f.seq} but its file is named for seq ${fileSeq}`,
      });
    }
    const key = fileSeq ?? f.seq!;
    if (seen.has(key)) {
      problems.push({ check: 'seq', file: f.path, seq: key, message: `seq ${key} appears twice` });
      continue;
    }
    seen.set(key, f);
  }
  const count = Math.max(facts.length, seen.size ? Math.max(...seen.keys()) + 1 : 0);
  let prevHash: string | undefined = GENESIS_PREV;
  for (let seq = 0; seq < count; seq++) {
    const f = seen.get(seq);
    if (!f) {
      if (!facts.some((x) => seqOfEntryPath(x.path) === seq)) {
        problems.push({
          check: 'seq',
          seq,
          file: entryPath(seq),
          message: `entry ${seq} is missing (gap in the sequence)`,
        });
      }
      prevHash = undefined;
      continue;
    }
    if (prevHash !== undefined && f.prev !== prevHash) {
      problems.push({
        check: 'prev',
        seq,
        file: f.path,
        message: `prev is ${f.prev} but the entry before it hashes to ${prevHash}`,
      });
    }
    prevHash = f.hash;
    good[seq] = f;
  }
  return Array.from({ length: count }, (_, i) => good[i] ?? { path: entryPath(i) });
}

const ALLOWED_EXTRA = (path: string): boolean =>
  path === CHECKPOINT_FILE || path.startsWith(`${INDEX_DIR}/`) || path.startsWith(`${RUN_INDEX_DIR}/`);

function checkHistory(
  history: HistoryCommit[],
  facts: EntryFacts[],
  files: { path: string; blob: string }[],
  problems: Problem[],
): void {
  // Hashes are known for the blobs at the tip; a blob replaced later is reported as a modification.
  const blobAtTip = new Map(files.map((f) => [f.path, f.blob]));
  const hashByPath = new Map(facts.map((f) => [f.path, f.hash]));
  history.forEach((c, i) => {
    const where = { commit: c.sha };
    if (i === 0 && c.parents.length !== 0) {
      problems.push({
        check: 'history',
        ...where,
        message: 'the first ledger commit has a parent (branch is not orphan)',
      });
    }
    if (c.parents.length > 1) {
      problems.push({
        check: 'history',
        ...where,
        message: `commit ${c.sha.slice(0, 12)} is a merge; the ledger must be linear`,
      });
    }
    const entryChanges = c.changes.filter((ch) => ch.path.startsWith('entries/'));
    for (const ch of entryChanges) {
      const seq = seqOfEntryPath(ch.path);
      if (ch.status === 'M') {
        problems.push({
          check: 'history',
          ...where,
          seq,
          file: ch.path,
          message: `commit ${c.sha.slice(0, 12)} modifies existing entry ${ch.path}`,
        });
      } else if (ch.status === 'D') {
        problems.push({
          check: 'history',
          ...where,
          seq,
          file: ch.path,
          message: `commit ${c.sha.slice(0, 12)} deletes entry ${ch.path}`,
        });
      } else if (ch.status !== 'A') {
        problems.push({
          check: 'history',
          ...where,
          seq,
          file: ch.path,
          message: `commit ${c.sha.slice(0, 12)} changes ${ch.path} (${ch.status})`,
        });
      }
    }
    const added = entryChanges.filter((ch) => ch.status === 'A');
    if (added.length !== 1) {
      problems.push({
        check: 'history',
        ...where,
        message: `commit ${c.sha.slice(0, 12)} adds ${added.length} entries; each ledger commit must add exactly one`,
      });
    }
    for (const ch of c.changes) {
      if (ch.path.startsWith('entries/')) continue;
      if (!ALLOWED_EXTRA(ch.path)) {
        problems.push({
          check: 'history',
          ...where,
          file: ch.path,
          message: `commit ${c.sha.slice(0, 12)} touches ${ch.path}, which is not part of the ledger`,
        });
      } else if (ch.path !== CHECKPOINT_FILE && ch.status !== 'A') {
        problems.push({
          check: 'history',
          ...where,
          file: ch.path,
          message: `commit ${c.sha.slice(0, 12)} changes index file ${ch.path} (${ch.status})`,
        });
      }
    }
    if (added.length === 1) {
      const ch = added[0]!;
      const seq = seqOfEntryPath(ch.path);
      if (seq !== undefined && seq !== i) {
        problems.push({
          check: 'history',
          ...where,
          seq,
          file: ch.path,
          message: `commit #${i} of the branch adds entry ${seq}; entries must be added in order`,
        });
      }
      if (c.seq !== String(seq)) {
        problems.push({
          check: 'trailer',
          ...where,
          seq,
          file: ch.path,
          message: `Shiplog-Seq trailer "${c.seq ?? ''}" does not match the added entry ${seq}`,
        });
      }
      const hash = blobAtTip.get(ch.path) === ch.newBlob ? hashByPath.get(ch.path) : undefined;
      if (!c.entry || !HASH_PATTERN.test(c.entry) || (hash && c.entry !== hash)) {
        problems.push({
          check: 'trailer',
          ...where,
          seq,
          file: ch.path,
          message: `Shiplog-Entry trailer "${c.entry ?? ''}" does not match the entry hash ${hash ?? '(unknown)'}`,
        });
      }
    }
  });
}

function checkCheckpoint(
  text: string | undefined,
  trusted: TrustedKey[],
  count: number,
  head: string | undefined,
  origin: string | undefined,
  problems: Problem[],
): VerifyReport['checkpoint'] {
  if (text === undefined) {
    problems.push({
      check: 'checkpoint',
      file: CHECKPOINT_FILE,
      message: 'the ledger has no checkpoint file',
    });
    return undefined;
  }
  let cp: ParsedCheckpoint;
  try {
    cp = parseCheckpoint(text);
  } catch (e) {
    problems.push({ check: 'checkpoint', file: CHECKPOINT_FILE, message: (e as Error).message });
    return undefined;
  }
  if (!checkpointSigner(cp, trusted)) {
    problems.push({
      check: 'checkpoint',
      file: CHECKPOINT_FILE,
      message: 'checkpoint signature is not valid for any trusted key',
    });
  }
  if (cp.size !== count) {
    problems.push({
      check: 'checkpoint',
      file: CHECKPOINT_FILE,
      message: `checkpoint counts ${cp.size} entries but the ledger has ${count}`,
    });
  } else if (head && cp.head !== head) {
    problems.push({
      check: 'checkpoint',
      file: CHECKPOINT_FILE,
      message: `checkpoint head ${cp.head} is not the newest entry's hash ${head}`,
    });
  }
  if (origin && cp.origin !== origin) {
    problems.push({
      check: 'checkpoint',
      file: CHECKPOINT_FILE,
      message: `checkpoint origin "${cp.origin}" differs from the ledger's "${origin}"`,
    });
  }
  return { origin: cp.origin, size: cp.size, head: cp.head };
}

function checkOlderCheckpoint(
  text: string,
  trusted: TrustedKey[],
  bySeq: EntryFacts[],
  origin: string | undefined,
  problems: Problem[],
): VerifyReport['olderCheckpoint'] {
  let cp: ParsedCheckpoint;
  try {
    cp = parseCheckpoint(text);
  } catch (e) {
    problems.push({ check: 'consistency', message: `older checkpoint: ${(e as Error).message}` });
    return undefined;
  }
  const before = problems.length;
  if (!checkpointSigner(cp, trusted)) {
    problems.push({ check: 'consistency', message: 'the older checkpoint is not signed by a trusted key' });
  }
  if (origin && cp.origin !== origin) {
    problems.push({
      check: 'consistency',
      message: `the older checkpoint is for "${cp.origin}", not this ledger ("${origin}")`,
    });
  }
  if (cp.size > bySeq.length) {
    problems.push({
      check: 'consistency',
      message: `the ledger has ${bySeq.length} entries but an earlier checkpoint saw ${cp.size}: entries were removed (truncation or rewrite)`,
    });
  } else if (cp.size > 0 && bySeq[cp.size - 1]?.hash !== cp.head) {
    problems.push({
      check: 'consistency',
      seq: cp.size - 1,
      message: `entry ${cp.size - 1} hashes to ${bySeq[cp.size - 1]?.hash ?? '(unreadable)'} but the earlier checkpoint recorded ${cp.head}: history was rewritten (fork)`,
    });
  }
  return { origin: cp.origin, size: cp.size, head: cp.head, consistent: problems.length === before };
}

function checkIndex(tipFiles: TreeFile[], facts: EntryFacts[], problems: Problem[]): void {
  const want = new Map<string, number>();
  for (const f of facts) {
    if (f.seq === undefined || !f.commit) continue;
    want.set(indexPath(f.commit, f.seq), f.seq);
    if (f.idempotencyKey) want.set(runIndexPath(sha256Hex(f.idempotencyKey), f.seq), f.seq);
  }
  const have = tipFiles.filter(
    (f) => f.path.startsWith(`${INDEX_DIR}/`) || f.path.startsWith(`${RUN_INDEX_DIR}/`),
  );
  for (const file of have) {
    if (want.delete(file.path)) continue;
    const parsed = parseIndexPath(file.path);
    problems.push({
      check: 'index',
      file: file.path,
      seq: parsed?.seq,
      message: `index file ${file.path} names no matching entry`,
    });
  }
  for (const [path, seq] of want) {
    problems.push({
      check: 'index',
      seq,
      file: path,
      message: `entry ${seq} is missing from the index (${path})`,
    });
  }
}

/** The entry count a checkpoint claims, or 0 when there is none or it does not parse. */
function checkpointSize(text: string | undefined): number {
  try {
    return text === undefined ? 0 : parseCheckpoint(text).size;
  } catch {
    return 0;
  }
}

export function defaultJobs(): number {
  return availableParallelism();
}
