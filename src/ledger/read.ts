/** Reading the ledger back: a full fetch into the read cache, then tree listings and blobs. */
import { ShiplogError } from '../errors.ts';
import { decodeEntry, EntryProblem, type DecodedEntry } from './entry.ts';
import { catFileBatch, git, CatFileSession } from './git.ts';
import {
  CHECKPOINT_FILE,
  checkCommitPrefix,
  entryPath,
  indexBucket,
  parseIndexPath,
  seqOfEntryPath,
} from './layout.ts';
import { fetchTip, openRepo, type LedgerLocation, type LedgerRepo } from './store.ts';

export interface LedgerSnapshot {
  repo: LedgerRepo;
  /** The ledger branch tip that was read. */
  tip: string;
}

export async function openForRead(location: LedgerLocation): Promise<LedgerSnapshot> {
  const repo = await openRepo(location, 'read');
  const tip = await fetchTip(repo);
  if (!tip) {
    throw new ShiplogError(
      'BRANCH_NOT_FOUND',
      `the ledger branch "${location.branch}" does not exist on "${location.remote}" (nothing has been recorded yet, or the branch name is wrong)`,
    );
  }
  return { repo, tip: tip.commit };
}

export interface TreeFile {
  path: string;
  blob: string;
}

/** Lists files below a folder of the tip tree (recursively), with their blob ids. */
export async function listFiles(snap: LedgerSnapshot, dir: string): Promise<TreeFile[]> {
  const r = await git(['ls-tree', '-r', '-z', '--full-tree', snap.tip, '--', dir], {
    gitDir: snap.repo.gitDir,
  });
  const out: TreeFile[] = [];
  for (const rec of r.stdout.toString('utf8').split('\0')) {
    if (!rec) continue;
    const tab = rec.indexOf('\t');
    const [, type, blob] = rec.slice(0, tab).split(' ');
    if (type === 'blob') out.push({ path: rec.slice(tab + 1), blob: blob! });
  }
  return out;
}

export interface EntryFile extends TreeFile {
  seq: number | undefined;
}

export async function listEntryFiles(snap: LedgerSnapshot): Promise<EntryFile[]> {
  const files = await listFiles(snap, 'entries');
  return files.map((f) => ({ ...f, seq: seqOfEntryPath(f.path) }));
}

export interface LedgerEntry extends DecodedEntry {
  seq: number;
  path: string;
}

/** Reads and decodes the given entry files in order (one git process for all of them). */
export async function readEntryFiles(snap: LedgerSnapshot, files: EntryFile[]): Promise<LedgerEntry[]> {
  const out: LedgerEntry[] = [];
  await catFileBatch(
    snap.repo.gitDir,
    files.map((f) => f.blob),
    (i, obj) => {
      const f = files[i]!;
      if (!obj) throw new ShiplogError('GIT_FAILED', `entry blob for ${f.path} is missing`);
      const decoded = decodeAt(f.path, obj.data);
      out.push({ ...decoded, seq: decoded.statement.predicate.seq, path: f.path });
    },
  );
  return out;
}

function decodeAt(path: string, data: Buffer): DecodedEntry {
  try {
    return decodeEntry(data.toString('utf8'));
  } catch (e) {
    if (e instanceof EntryProblem) {
      throw new ShiplogError(
        'BAD_INPUT',
        `${path}: ${e.message} (run "shiplog verify" for the full picture)`,
      );
    }
    throw e;
  }
}

export async function readCheckpointText(snap: LedgerSnapshot): Promise<string | undefined> {
  const cat = new CatFileSession(snap.repo.gitDir);
  try {
    const [obj] = await cat.get([`${snap.tip}:${CHECKPOINT_FILE}`]);
    return obj?.type === 'blob' ? obj.data.toString('utf8') : undefined;
  } finally {
    cat.close();
  }
}

/** Index look-up: the seqs recorded for commits starting with `prefix` (no entry is opened). */
export async function seqsForCommit(
  snap: LedgerSnapshot,
  prefix: string,
): Promise<{ commit: string; seq: number }[]> {
  const p = checkCommitPrefix(prefix);
  const files = await listFiles(snap, indexBucket(p));
  return files
    .map((f) => parseIndexPath(f.path))
    .filter((x): x is { commit: string; seq: number } => !!x && x.commit.startsWith(p));
}

export async function readEntriesBySeq(snap: LedgerSnapshot, seqs: number[]): Promise<LedgerEntry[]> {
  const out: LedgerEntry[] = [];
  const missing: number[] = [];
  await catFileBatch(
    snap.repo.gitDir,
    seqs.map((s) => `${snap.tip}:${entryPath(s)}`),
    (i, obj) => {
      if (!obj) return void missing.push(seqs[i]!);
      const decoded = decodeAt(entryPath(seqs[i]!), obj.data);
      out.push({ ...decoded, seq: seqs[i]!, path: entryPath(seqs[i]!) });
    },
  );
  if (missing.length) {
    throw new ShiplogError('NOT_FOUND', `no entry file for seq ${missing.join(', ')} (run "shiplog verify")`);
  }
  return out;
}

/** The commit on the ledger branch that added the entry with this seq. */
export async function ledgerCommitOf(snap: LedgerSnapshot, seq: number): Promise<string> {
  const r = await git(['log', '-1', '--format=%H', '--diff-filter=A', snap.tip, '--', entryPath(seq)], {
    gitDir: snap.repo.gitDir,
  });
  return r.stdout.toString('utf8').trim();
}

export async function readEntryAt(
  location: LedgerLocation,
  seq: number,
): Promise<LedgerEntry & { ledgerCommit: string; checkpoint: string }> {
  const snap = await openForRead(location);
  const [entry] = await readEntriesBySeq(snap, [seq]);
  return {
    ...entry!,
    ledgerCommit: await ledgerCommitOf(snap, seq),
    checkpoint: (await readCheckpointText(snap)) ?? '',
  };
}
