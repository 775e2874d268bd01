/**
 * Appending one entry: fetch the tip commit and its small tree (depth 1, no blobs), fetch the one
 * bucket segment the entry's index line goes into, build the entry on the tip's seq and hash, sign
 * it and the checkpoint, write the few new git objects, and push without force. A lost race means
 * someone else appended first: fetch again, rebuild, re-sign, and retry with backoff and jitter.
 * Nothing here grows with the ledger's length.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ShiplogError, type ErrorCode } from '../errors.ts';
import { signCheckpoint, checkOrigin } from './checkpoint.ts';
import { CLOCK_SKEW_MS } from './clock.ts';
import { decodeEntry } from './entry.ts';
import { signEnvelope, type Envelope } from './dsse.ts';
import { GENESIS_PREV } from './encoding.ts';
import { BLOB_MODE, serializeCommit, serializeTree, TREE_MODE, writeLooseObject } from './git-objects.ts';
import { IndexModel, type DeployChange } from './index-model.ts';
import type { SigningKey } from './keys.ts';
import { TileModel, TREE_DIR } from './tree/tiles.ts';
import { leafHash } from './tree/merkle.ts';
import {
  CHECKPOINT_FILE,
  COSIGNED_FILE,
  checkIndexText,
  ENTRY_FILE,
  INDEX_DIR,
  parseSealedList,
  parseSegment,
  type IndexLine,
} from './layout.ts';
import { ledgerCommitMessage } from './ledger-commit.ts';
import { buildStatement, statementBytes, type ChangePredicate } from './statement.ts';
import {
  cachedTip,
  fetchTip,
  openRepo,
  pushCommit,
  rememberTip,
  resolveRemote,
  type LedgerLocation,
  type LedgerRepo,
} from './store.ts';
import { ledgerCommitOfSeq } from './lookup.ts';
import { checkNewEntry } from './record-input.ts';
import { readTipCommit, TipObjects, type TipCommit } from './tip.ts';

export type NewEntry = Omit<ChangePredicate, 'seq' | 'prev'>;

export interface AppendRequest {
  location: LedgerLocation;
  key: SigningKey;
  entry: NewEntry;
  /** Base URL of the git server named in the statement subject (default https://github.com). */
  serverUrl?: string;
  /** Checkpoint origin for a new ledger; an existing ledger keeps its own. */
  origin?: string;
  /**
   * A newer witness-cosigned checkpoint to publish as `cosigned` with this entry; without it the
   * tip's `cosigned` file (if any) is carried forward unchanged.
   */
  cosigned?: string;
  maxAttempts?: number;
  /** Record even when an entry with the same idempotency key exists. */
  allowDuplicate?: boolean;
  /** Called before each retry (for progress output). */
  onRetry?: (attempt: number, reason: string) => void;
}

export interface AppendResult {
  seq: number;
  hash: string;
  /** The ledger commit that added the entry (for a duplicate: when it could be found cheaply). */
  commit: string;
  envelope: Envelope;
  checkpoint: string;
  attempts: number;
  /** True when the idempotency key matched an existing entry and nothing new was written. */
  duplicate: boolean;
}

/**
 * What a deploy entry changes in `index/deploys`: a success is in force, a rollback withdraws its
 * commit, anything else (failed, started) only makes the environment known.
 */
export function deployChange(
  p: Pick<ChangePredicate, 'type' | 'environment' | 'repository' | 'details'>,
): DeployChange | undefined {
  if (p.type !== 'deploy' || !p.environment) return undefined;
  const status = p.details?.status;
  // No status: recorded by a step that runs only after the deploy succeeded.
  if (status === undefined || status === 'success')
    return { repository: p.repository, environment: p.environment, kind: 'success' };
  if (status === 'rolled-back')
    return { repository: p.repository, environment: p.environment, kind: 'rolled-back' };
  return { repository: p.repository, environment: p.environment, kind: 'other' };
}

export function indexLineOf(p: ChangePredicate, hash: string, blob: string): IndexLine {
  return {
    commit: p.commit,
    seq: p.seq,
    hash,
    blob,
    type: p.type,
    ...(p.environment ? { environment: p.environment } : {}),
    repository: p.repository,
  };
}

/** The 32 raw bytes of an entry hash ("sha256:<hex>"): the entry's Merkle leaf input. */
export function entryHashBytes(hash: string): Buffer {
  return Buffer.from(hash.slice('sha256:'.length), 'hex');
}

/** The bytes of `entry.json`: the envelope as one line. */
export function entryFileBytes(envelope: Envelope): Buffer {
  return Buffer.from(JSON.stringify(envelope) + '\n');
}

interface Built {
  seq: number;
  hash: string;
  commit: string;
  envelope: Envelope;
  checkpoint: string;
}

/**
 * A ledger commit's committer date: the entry's time, but never before the parent's committer date
 * (git's connectivity check on push walks every ancestor dated after the new commit).
 */
export function ledgerCommitDate(entryTime: Date, parentSeconds: number | undefined): Date {
  const t = Math.floor(entryTime.getTime() / 1000);
  return new Date(Math.max(t, parentSeconds ?? t) * 1000);
}

/**
 * The checkpoint origin of a new ledger when none is given: the ledger's home and branch, so a
 * checkpoint says which ledger it is for (`github.com/acme/api/shiplog`, or for a local path
 * `localhost/srv/ledgers/api/shiplog`).
 */
export function defaultOrigin(location: LedgerLocation): string {
  const { url, isLocal } = resolveRemote(location.remote);
  let home: string;
  if (isLocal) home = `localhost/${url.replace(/^file:\/\//i, '')}`;
  else {
    const scp = /^[^/\\]+@([^/:]+):(.*)$/.exec(url);
    home = scp ? `${scp[1]}/${scp[2]}` : url.replace(/^[a-z]+:\/\/([^@/]*@)?/i, '');
  }
  const clean = `${home
    .replace(/\.git\/*$/i, '')
    .replace(/[\\/]+/g, '/')
    .replace(/\/$/, '')}/${location.branch}`
    .replace(/[\s+]/g, '_')
    .replace(/\/+/g, '/');
  return clean.length > 200 ? clean.slice(clean.length - 200) : clean;
}

async function buildOn(
  gitDir: string,
  objects: TipObjects,
  tip: TipCommit | undefined,
  index: IndexModel,
  tiles: TileModel,
  req: AppendRequest,
): Promise<Built> {
  const seq = tip ? tip.seq + 1 : 0;
  const prev = tip ? tip.entry : GENESIS_PREV;
  refuseClockBehind(req, tip);
  const origin = tip ? tip.origin : checkOrigin(req.origin ?? defaultOrigin(req.location));
  const predicate = { seq, prev, ...req.entry };
  const statement = buildStatement(predicate, req.serverUrl);
  const { envelope, hash } = signEnvelope(statementBytes(statement), req.key);

  const entryBytes = entryFileBytes(envelope);
  const entryBlob = writeLooseObject(gitDir, 'blob', entryBytes);
  const line = indexLineOf(statement.predicate, hash, entryBlob);
  const deploy = deployChange(statement.predicate);
  // Everything both steps read, in one round trip: the index bucket and the partial tiles.
  await objects.fetch([...(await index.wantedBlobs(line.commit, deploy)), ...tiles.wantedBlobs()]);
  await index.prepare(line, deploy);
  await tiles.prepare();
  const step = index.apply(line, deploy);
  const treeStep = tiles.apply(leafHash(entryHashBytes(hash)), entryBlob);
  const checkpoint = signCheckpoint({ origin, size: seq + 1, root: treeStep.root }, req.key);
  const checkpointBlob = writeLooseObject(gitDir, 'blob', Buffer.from(checkpoint));
  for (const o of [...step.objects, ...treeStep.objects]) writeLooseObject(gitDir, o.type, o.content);
  const cosignedBlob =
    req.cosigned !== undefined
      ? writeLooseObject(gitDir, 'blob', Buffer.from(req.cosigned))
      : tip?.cosignedBlob;
  const root = writeLooseObject(
    gitDir,
    'tree',
    serializeTree([
      { mode: BLOB_MODE, name: ENTRY_FILE, sha: entryBlob },
      { mode: BLOB_MODE, name: CHECKPOINT_FILE, sha: checkpointBlob },
      ...(cosignedBlob ? [{ mode: BLOB_MODE, name: COSIGNED_FILE, sha: cosignedBlob }] : []),
      { mode: TREE_MODE, name: INDEX_DIR, sha: step.tree },
      { mode: TREE_MODE, name: TREE_DIR, sha: treeStep.tree },
    ]),
  );
  const authorDate = new Date(req.entry.timestamp);
  const commit = writeLooseObject(
    gitDir,
    'commit',
    serializeCommit({
      tree: root,
      parents: tip ? [tip.commit] : [],
      author: { name: 'shiplog', email: 'shiplog@users.noreply.github.com', date: authorDate },
      committerDate: ledgerCommitDate(authorDate, tip?.committerTime),
      message: ledgerCommitMessage({
        seq,
        entry: hash,
        origin,
        subject: req.entry.commit,
        type: req.entry.type,
        environment: req.entry.environment,
      }),
    }),
  );
  return { seq, hash, commit, envelope, checkpoint };
}

/**
 * An entry dated further behind the tip's than verify allows would leave a ledger that fails for
 * everyone, for good: the writer's clock is wrong, and saying so beats recording it. The
 * envelope is still printed, so the evidence is not lost.
 */
function refuseClockBehind(req: AppendRequest, tip: TipCommit | undefined): void {
  if (tip?.authorTime === undefined) return;
  const t = Date.parse(req.entry.timestamp);
  const tipMs = tip.authorTime * 1000;
  // The commit keeps whole seconds; the tip's own timestamp may be up to 999 ms later than that.
  if (t >= tipMs + 999 - CLOCK_SKEW_MS) return;
  throw new AppendError(
    `the entry is timestamped ${req.entry.timestamp}, ${Math.round((tipMs - t) / 1000)} s before the ledger's newest entry (seq ${tip.seq}, ${new Date(tipMs).toISOString()}); verify allows ${CLOCK_SKEW_MS / 60_000} minutes of clock skew. Check this machine's clock (or the timestamp given) and record again`,
    provisionalEnvelope(req),
    undefined,
    'BAD_INPUT',
  );
}

/**
 * An entry this run attempt already recorded (same idempotency key). The key names the subject
 * commit, so such an entry is in the bucket the new line would go to: its open segment, or — when
 * that is young — the segment sealed just before it.
 */
async function findDuplicate(
  objects: TipObjects,
  index: IndexModel,
  entry: NewEntry,
): Promise<{ seq: number; blob: string } | undefined> {
  const files = await index.bucketFiles(entry.commit);
  const listOid = files.lists.find((l) => l.level === 1)?.oid;
  await objects.fetch([files.open?.oid, listOid].filter((o): o is string => !!o));
  const lines = files.open ? segmentLines(await objects.blob(files.open.oid)) : [];
  if (listOid && lines.length < 16) {
    const refs = parseSealedList((await objects.blob(listOid)).toString('utf8')) ?? [];
    const last = refs[refs.length - 1];
    if (last) lines.push(...segmentLines(await objects.blob(last.blob)));
  }
  const candidates = lines.filter(
    (l) =>
      l.commit === entry.commit &&
      l.type === entry.type &&
      (l.environment ?? '') === (entry.environment ?? ''),
  );
  if (candidates.length === 0) return undefined;
  const blobs = await objects.blobs(candidates.map((c) => c.blob));
  for (let i = candidates.length - 1; i >= 0; i--) {
    try {
      if (
        decodeEntry(blobs[i]!.toString('utf8')).statement.predicate.idempotency_key === entry.idempotency_key
      )
        return { seq: candidates[i]!.seq, blob: candidates[i]!.blob };
    } catch {
      // A damaged entry is verify's business; it is not this run's earlier record.
    }
  }
  return undefined;
}

function segmentLines(b: Buffer): IndexLine[] {
  return parseSegment(b.toString('utf8')).filter((l): l is IndexLine => !!l);
}

/**
 * Time to wait before another attempt: exponential from 40 ms with full jitter, capped (default
 * 2000 ms, SHIPLOG_APPEND_BACKOFF_MAX_MS) so a writer that lost a few races is not pushed to the
 * back for seconds.
 */
export function backoffMs(attempt: number): number {
  const max = Number(process.env.SHIPLOG_APPEND_BACKOFF_MAX_MS) || 2000;
  const cap = Math.min(max, 40 * 2 ** Math.min(attempt, 10));
  return Math.floor(cap / 2 + Math.random() * (cap / 2));
}

export class AppendError extends ShiplogError {
  readonly envelope: Envelope | undefined;
  /** `code` keeps what stopped the append (USAGE for a branch git cannot create, REMOTE_UNREACHABLE...). */
  constructor(
    message: string,
    envelope: Envelope | undefined,
    cause?: unknown,
    code: ErrorCode = 'APPEND_EXHAUSTED',
  ) {
    super(code, message, { cause, details: { envelope } });
    this.envelope = envelope;
  }
}

export async function appendEntry(req: AppendRequest): Promise<AppendResult> {
  checkNewEntry(req.entry);
  checkIndexText('environment', req.entry.environment);
  checkIndexText('repository', req.entry.repository);
  const maxAttempts = req.maxAttempts ?? (Number(process.env.SHIPLOG_APPEND_ATTEMPTS) || 30);
  const repo = await openRepo(req.location, 'tip');
  let lastEnvelope: Envelope | undefined;
  let lastReason = '';
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const objects = new TipObjects(repo);
    try {
      // Optimistic first try from the cached tip (no round trip): the push is a compare-and-swap,
      // so a stale guess only costs a rejected push, after which we fetch.
      const guess = attempt === 1 ? cachedTip(repo) : undefined;
      const remoteTip = guess ?? (await fetchTip(repo));
      const tip = remoteTip ? await readTipCommit(objects, remoteTip.commit) : undefined;
      const index = tip ? await IndexModel.at(tip.indexTree, objects) : IndexModel.empty();
      const tiles = tip ? await TileModel.at(tip.treeDir, tip.seq + 1, objects) : TileModel.empty();
      if (tip && req.entry.idempotency_key && !req.allowDuplicate) {
        const dup = await findDuplicate(objects, index, req.entry);
        if (dup)
          return { ...(await describeExisting(repo, objects, tip, dup)), attempts: attempt, duplicate: true };
      }
      const built = await buildOn(repo.gitDir, objects, tip, index, tiles, req);
      lastEnvelope = built.envelope;
      const pushed = await pushCommit(repo, built.commit);
      if (pushed.outcome === 'pushed') {
        rememberTip(repo, built.commit);
        return { ...built, attempts: attempt, duplicate: false };
      }
      // Only a moved tip is worth another attempt; any other refusal is said as it is, at once.
      if (pushed.outcome === 'rejected')
        throw new AppendError(`the remote refused the push (not retried): ${pushed.message}`, built.envelope);
      lastReason = 'another writer appended first';
    } catch (e) {
      // Input and configuration problems will not heal by retrying; timeouts and push failures may.
      if (e instanceof ShiplogError && !['GIT_FAILED', 'GIT_TIMEOUT'].includes(e.code)) {
        if (e instanceof AppendError || !lastEnvelope) throw e;
        throw new AppendError(e.message, lastEnvelope, e, e.code);
      }
      lastReason = (e as Error).message;
    } finally {
      objects.close();
    }
    if (attempt < maxAttempts) {
      req.onRetry?.(attempt, lastReason);
      await sleep(backoffMs(attempt));
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

/** For a duplicate run: the entry the earlier attempt recorded, and the tip's checkpoint. */
async function describeExisting(
  repo: LedgerRepo,
  objects: TipObjects,
  tip: TipCommit,
  dup: { seq: number; blob: string },
): Promise<Omit<AppendResult, 'attempts' | 'duplicate'>> {
  const [entryBytes, checkpoint] = await objects.blobs([dup.blob, tip.checkpointBlob]);
  const decoded = decodeEntry(entryBytes!.toString('utf8'));
  const commit = (await ledgerCommitOfSeq(repo, tip, dup.seq)) ?? '';
  return {
    seq: dup.seq,
    hash: decoded.hash,
    commit,
    envelope: decoded.envelope,
    checkpoint: checkpoint!.toString('utf8'),
  };
}
