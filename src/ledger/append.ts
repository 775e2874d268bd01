/**
 * Appending one entry: fetch the tip (shallow, no blobs), build the entry on the tip's seq and
 * hash, sign, write the few new git objects, push without force. A lost race means someone else
 * appended first: fetch again, rebuild, re-sign, and retry with backoff and jitter.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ShiplogError } from '../errors.ts';
import { signCheckpoint, checkOrigin } from './checkpoint.ts';
import { signEnvelope, type Envelope } from './dsse.ts';
import { GENESIS_PREV, HASH_PATTERN, sha256Hex } from './encoding.ts';
import { CatFileSession } from './git.ts';
import {
  BLOB_MODE,
  parseCommit,
  parseTree,
  serializeCommit,
  serializeTree,
  TREE_MODE,
  writeLooseObject,
  type TreeEntry,
} from './git-objects.ts';
import type { SigningKey } from './keys.ts';
import {
  CHECKPOINT_FILE,
  entryPath,
  indexPath,
  indexRecord,
  runIndexBucket,
  runIndexPath,
} from './layout.ts';
import { buildStatement, statementBytes, type ChangePredicate } from './statement.ts';
import {
  cachedTip,
  fetchTip,
  openRepo,
  pushCommit,
  rememberTip,
  type LedgerLocation,
  type LedgerRepo,
} from './store.ts';

export type NewEntry = Omit<ChangePredicate, 'seq' | 'prev'>;

export interface AppendRequest {
  location: LedgerLocation;
  key: SigningKey;
  entry: NewEntry;
  /** Base URL of the git server named in the statement subject (default https://github.com). */
  serverUrl?: string;
  /** Checkpoint origin for a new ledger; an existing ledger keeps its own. */
  origin?: string;
  maxAttempts?: number;
  /** Record even when an entry with the same idempotency key exists. */
  allowDuplicate?: boolean;
  /** Called before each retry (for progress output). */
  onRetry?: (attempt: number, reason: string) => void;
}

export interface AppendResult {
  seq: number;
  hash: string;
  /** The ledger commit that added the entry. */
  commit: string;
  envelope: Envelope;
  checkpoint: string;
  attempts: number;
  /** True when the idempotency key matched an existing entry and nothing new was written. */
  duplicate: boolean;
}

interface TipInfo {
  commit: string;
  tree: string;
  seq: number;
  hash: string;
  origin: string;
}

function trailer(message: string, name: string): string | undefined {
  return new RegExp(`^${name}: (.+)$`, 'm').exec(message)?.[1]?.trim();
}

export function parseTipCommit(commit: string, data: Buffer): TipInfo {
  const c = parseCommit(data);
  const seqText = trailer(c.message, 'Shiplog-Seq');
  const hash = trailer(c.message, 'Shiplog-Entry');
  const origin = trailer(c.message, 'Shiplog-Origin');
  if (!seqText || !/^\d+$/.test(seqText) || !hash || !HASH_PATTERN.test(hash) || !origin) {
    throw new ShiplogError(
      'BAD_INPUT',
      `the ledger branch tip ${commit} is not a shiplog commit (missing Shiplog-Seq/Shiplog-Entry/Shiplog-Origin trailers); run "shiplog verify" and check the branch name`,
    );
  }
  return { commit, tree: c.tree, seq: Number(seqText), hash, origin };
}

/** Mutable view of the handful of trees an append touches. */
class TreeEditor {
  private dirs = new Map<string, Map<string, TreeEntry>>();
  private dirty = new Set<string>();

  load(dir: string, entries: TreeEntry[] | undefined): void {
    this.dirs.set(dir, new Map((entries ?? []).map((e) => [e.name, e])));
  }

  has(dir: string): boolean {
    return this.dirs.has(dir);
  }

  list(dir: string): TreeEntry[] {
    return [...(this.dirs.get(dir)?.values() ?? [])];
  }

  put(path: string, sha: string): void {
    const parts = path.split('/');
    const name = parts.pop()!;
    const dir = parts.join('/');
    if (!this.dirs.has(dir)) this.load(dir, undefined);
    this.dirs.get(dir)!.set(name, { mode: BLOB_MODE, name, sha });
    for (let i = parts.length; i >= 0; i--) this.dirty.add(parts.slice(0, i).join('/'));
  }

  /** Writes changed trees deepest first and returns the new root tree id. */
  write(gitDir: string): string {
    const order = [...this.dirty].sort((a, b) => depth(b) - depth(a));
    let root = '';
    for (const dir of order) {
      const sha = writeLooseObject(gitDir, 'tree', serializeTree(this.dirs.get(dir)!.values()));
      if (dir === '') root = sha;
      else {
        const parts = dir.split('/');
        const name = parts.pop()!;
        const parent = parts.join('/');
        if (!this.dirs.has(parent)) this.load(parent, undefined);
        this.dirs.get(parent)!.set(name, { mode: TREE_MODE, name, sha });
      }
    }
    return root;
  }
}

function depth(dir: string): number {
  return dir === '' ? 0 : dir.split('/').length;
}

function parentDirs(path: string): string[] {
  const parts = path.split('/').slice(0, -1);
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}

async function loadTrees(
  cat: CatFileSession,
  tip: TipInfo | undefined,
  dirs: string[],
  editor: TreeEditor,
): Promise<void> {
  const wanted = ['', ...dirs].filter((d, i, a) => a.indexOf(d) === i && !editor.has(d));
  if (!tip) {
    for (const d of wanted) editor.load(d, undefined);
    return;
  }
  const objs = await cat.get(wanted.map((d) => (d === '' ? `${tip.tree}` : `${tip.tree}:${d}`)));
  objs.forEach((o, i) => {
    if (o && o.type !== 'tree')
      throw new ShiplogError('BAD_INPUT', `ledger path "${wanted[i]}" is not a folder`);
    editor.load(wanted[i]!, o ? parseTree(o.data) : undefined);
  });
}

function commitMessage(seq: number, entry: NewEntry, hash: string, origin: string): string {
  const title = ['shiplog:', `#${seq}`, entry.type, entry.environment, entry.commit.slice(0, 7)]
    .filter(Boolean)
    .join(' ')
    .replace(/[\r\n]+/g, ' ');
  return `${title}\n\nShiplog-Seq: ${seq}\nShiplog-Entry: ${hash}\nShiplog-Origin: ${origin}\n`;
}

interface Built {
  seq: number;
  hash: string;
  commit: string;
  envelope: Envelope;
  checkpoint: string;
}

async function buildOn(
  repo: LedgerRepo,
  cat: CatFileSession,
  tip: TipInfo | undefined,
  req: AppendRequest,
): Promise<Built> {
  const seq = tip ? tip.seq + 1 : 0;
  const prev = tip ? tip.hash : GENESIS_PREV;
  const origin = tip ? tip.origin : checkOrigin(req.origin ?? `shiplog/${repo.location.branch}`);
  const statement = buildStatement({ seq, prev, ...req.entry }, req.serverUrl);
  const { envelope, hash } = signEnvelope(statementBytes(statement), req.key);
  const checkpoint = signCheckpoint({ origin, size: seq + 1, head: hash }, req.key);

  const ePath = entryPath(seq);
  const iPath = indexPath(req.entry.commit, seq);
  const files: [string, Buffer][] = [
    [ePath, Buffer.from(JSON.stringify(envelope) + '\n')],
    [
      iPath,
      Buffer.from(indexRecord({ seq, hash, type: req.entry.type, environment: req.entry.environment })),
    ],
    [CHECKPOINT_FILE, Buffer.from(checkpoint)],
  ];
  if (req.entry.idempotency_key) {
    files.push([
      runIndexPath(sha256Hex(req.entry.idempotency_key), seq),
      Buffer.from(indexRecord({ seq, hash, type: req.entry.type, environment: req.entry.environment })),
    ]);
  }
  const editor = new TreeEditor();
  await loadTrees(
    cat,
    tip,
    files.flatMap(([p]) => parentDirs(p)),
    editor,
  );
  for (const [path, content] of files) editor.put(path, writeLooseObject(repo.gitDir, 'blob', content));
  const tree = editor.write(repo.gitDir);
  const commit = writeLooseObject(
    repo.gitDir,
    'commit',
    serializeCommit({
      tree,
      parents: tip ? [tip.commit] : [],
      author: {
        name: 'shiplog',
        email: 'shiplog@users.noreply.github.com',
        date: new Date(req.entry.timestamp),
      },
      message: commitMessage(seq, req.entry, hash, origin),
    }),
  );
  return { seq, hash, commit, envelope, checkpoint };
}

/** Seqs of entries already recorded under this idempotency key at the tip. */
async function existingRun(cat: CatFileSession, tip: TipInfo | undefined, key: string): Promise<number[]> {
  if (!tip) return [];
  const keyHash = sha256Hex(key);
  const [obj] = await cat.get([`${tip.tree}:${runIndexBucket(keyHash)}`]);
  if (!obj || obj.type !== 'tree') return [];
  return parseTree(obj.data)
    .map((e) => new RegExp(`^${keyHash}-(\\d{12})\\.json$`).exec(e.name)?.[1])
    .filter((s): s is string => !!s)
    .map(Number);
}

export class AppendError extends ShiplogError {
  readonly envelope: Envelope | undefined;
  constructor(message: string, envelope: Envelope | undefined, cause?: unknown) {
    super('APPEND_EXHAUSTED', message, { cause, details: { envelope } });
    this.envelope = envelope;
  }
}

export async function appendEntry(req: AppendRequest): Promise<AppendResult> {
  const maxAttempts = req.maxAttempts ?? (Number(process.env.SHIPLOG_APPEND_ATTEMPTS) || 30);
  const repo = await openRepo(req.location, 'append');
  let lastEnvelope: Envelope | undefined;
  let lastReason = '';
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const cat = new CatFileSession(repo.gitDir);
    try {
      // Optimistic first try from the cached tip (no round trip): the push is a compare-and-swap,
      // so a stale guess only costs a rejected push, after which we fetch.
      const guess = attempt === 1 ? cachedTip(repo) : undefined;
      const remoteTip = guess ?? (await fetchTip(repo));
      let tip: TipInfo | undefined;
      if (remoteTip) {
        const [obj] = await cat.get([remoteTip.commit]);
        if (!obj)
          throw new ShiplogError('GIT_FAILED', `fetched tip ${remoteTip.commit} is missing from the cache`);
        tip = parseTipCommit(remoteTip.commit, obj.data);
      }
      if (req.entry.idempotency_key && !req.allowDuplicate) {
        const seqs = await existingRun(cat, tip, req.entry.idempotency_key);
        if (seqs.length)
          return { ...(await describeExisting(req, Math.max(...seqs))), attempts: attempt, duplicate: true };
      }
      const built = await buildOn(repo, cat, tip, req);
      lastEnvelope = built.envelope;
      const pushed = await pushCommit(repo, built.commit);
      if (pushed.outcome === 'pushed') {
        rememberTip(repo, built.commit);
        return { ...built, attempts: attempt, duplicate: false };
      }
      lastReason =
        pushed.outcome === 'lost-race'
          ? 'another writer appended first'
          : `the remote refused the push: ${pushed.message}`;
    } catch (e) {
      // Input and configuration problems will not heal by retrying; timeouts and push failures may.
      if (e instanceof ShiplogError && !['GIT_FAILED', 'GIT_TIMEOUT'].includes(e.code)) {
        throw lastEnvelope ? new AppendError(e.message, lastEnvelope, e) : e;
      }
      lastReason = (e as Error).message;
    } finally {
      cat.close();
    }
    if (attempt < maxAttempts) {
      req.onRetry?.(attempt, lastReason);
      const cap = Math.min(2000, 40 * 2 ** Math.min(attempt, 10));
      await sleep(Math.floor(cap / 2 + Math.random() * (cap / 2)));
    }
  }
  // Never reached the remote: still sign the evidence (on the last known chain position) so it survives.
  const envelope = lastEnvelope ?? provisionalEnvelope(req);
  throw new AppendError(`could not append after ${maxAttempts} attempts: ${lastReason}`, envelope);
}

function provisionalEnvelope(req: AppendRequest): Envelope {
  const statement = buildStatement({ seq: 0, prev: GENESIS_PREV, ...req.entry }, req.serverUrl);
  return signEnvelope(statementBytes(statement), req.key).envelope;
}

/** For a duplicate run: the seq and hash of the entry the earlier attempt already recorded. */
async function describeExisting(
  req: AppendRequest,
  seq: number,
): Promise<Omit<AppendResult, 'attempts' | 'duplicate'>> {
  const { readEntryAt } = await import('./read.ts');
  const found = await readEntryAt(req.location, seq);
  return {
    seq,
    hash: found.hash,
    commit: found.ledgerCommit,
    envelope: found.envelope,
    checkpoint: found.checkpoint,
  };
}
