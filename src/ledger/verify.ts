/**
 * Verification of a ledger (format v2): every entry (shape, canonical payload, statement, trusted
 * signature), the chain (seq, prev), the history (linear, one entry per commit, every tree of the
 * fixed shape, trailers that match the entry), each commit's index (its parent's plus exactly that
 * entry's line), the checkpoint, and consistency with an older checkpoint. Every problem is
 * reported with its check, seq and ledger commit — not only the first.
 *
 * The history is read in one streaming pass: `git log` for commits and trailers, one
 * `cat-file --batch` for each commit's root tree and entry. Index trees are not diffed: the index
 * each commit must have is computed from its entry and compared by tree id; only a commit whose id
 * differs is looked at closely to say what is wrong. `since` verifies only what came after an
 * already verified checkpoint, fetching just those commits.
 */
import { availableParallelism } from 'node:os';
import { ShiplogError } from '../errors.ts';
import { deployChange, entryHashBytes, indexLineOf } from './append.ts';
import { CLOCK_SKEW_MS } from './clock.ts';
import { checkpointSigner, parseCheckpoint, type ParsedCheckpoint } from './checkpoint.ts';
import { applySigner, decodeForVerify, type EntryFacts, type SignatureJob } from './check-entry.ts';
import { signerIndex, type Envelope } from './dsse.ts';
import { decodeEntry, type DecodedEntry } from './entry.ts';
import { GENESIS_PREV } from './encoding.ts';
import { catFileFeed, CatFileSession, git, type BatchObject } from './git.ts';
import { BLOB_MODE, parseTree, TREE_MODE } from './git-objects.ts';
import { readHistory, streamHistory, type HistoryCommit } from './history.ts';
import { IndexModel, type ObjectReader } from './index-model.ts';
import { diagnoseIndex } from './index-diagnosis.ts';
import type { TrustedKey } from './keys.ts';
import { CHECKPOINT_FILE, COSIGNED_FILE, ENTRY_FILE, INDEX_DIR } from './layout.ts';
import { readTrailers, validTrailers } from './ledger-commit.ts';
import { SignaturePool } from './signature-pool.ts';
import type { Statement } from './statement.ts';
import {
  fetchAncestry,
  fetchObjects,
  fetchTip,
  openRepo,
  type LedgerLocation,
  type LedgerRepo,
} from './store.ts';
import { missingObjects } from './object-presence.ts';
import { readTipCommit, TipObjects, type TipCommit } from './tip.ts';
import { appendToEdge, consistencyProof, leafHash, rootFromEdge, verifyConsistency } from './tree/merkle.ts';
import { proveFromTiles } from './tree/proofs.ts';
import { TileModel, TREE_DIR } from './tree/tiles.ts';

export type CheckName =
  | 'envelope'
  | 'payload'
  | 'statement'
  | 'signature'
  | 'seq'
  | 'prev'
  | 'history'
  | 'tree'
  | 'trailer'
  | 'index'
  | 'checkpoint'
  | 'consistency'
  | 'tiles'
  | 'repository'
  | 'origin'
  | 'timestamp';

export { CLOCK_SKEW_MS } from './clock.ts';

export interface Problem {
  check: CheckName;
  seq?: number;
  /** The ledger commit the problem is in. */
  commit?: string;
  /** A path in that commit's tree, when the problem is about one file. */
  file?: string;
  message: string;
}

export interface CheckpointSummary {
  origin: string;
  size: number;
  /** Base64 RFC 6962 Merkle root, as in the note. */
  root: string;
}

export interface VerifyReport {
  ok: boolean;
  remote: string;
  branch: string;
  tip: string;
  /** Entries in the ledger (the tip's seq + 1). */
  entries: number;
  /** Entries whose every check ran here (all of them, or those after `since`). */
  checked: number;
  head?: string;
  checkpoint?: CheckpointSummary;
  /** The tip's signed checkpoint note, for `--since` next time. */
  checkpointText?: string;
  olderCheckpoint?: CheckpointSummary & { consistent: boolean };
  /** The checkpoint verification started from (incremental verify). */
  since?: CheckpointSummary;
  keys: string[];
  problems: Problem[];
}

/** An entry that verify read, with what it learned (returned when `collect` is set). */
export interface VerifiedEntry {
  seq: number;
  hash: string;
  ledgerCommit: string;
  /** Git blob id of its entry.json. */
  blob: string;
  /** Git blob id of the checkpoint after it (in the same commit): see readLedgerBlob. */
  checkpointBlob?: string;
  /** Base64 Merkle root of the tree that ends with this entry (what its checkpoint must say). */
  root?: string;
  keyid?: string;
  statement: Statement;
  envelope: Envelope;
}

export interface VerifyOptions {
  location: LedgerLocation;
  trusted: TrustedKey[];
  /** Text of an older checkpoint the ledger must extend (every entry is still checked). */
  olderCheckpoint?: string;
  /** Text of a checkpoint verified before: only entries after it are checked. */
  since?: string;
  /**
   * The ledger commit `since` was verified at (a report's `tip`): it pins the whole history at and
   * below the checkpoint, so only the new entries are read. Without it, `since` checks every
   * entry's hash below the checkpoint too (O(n)), since nothing else proves they are unchanged.
   */
  sinceCommit?: string;
  /** Signature-checking worker threads (for ledgers of at least `workersFrom` entries). */
  jobs?: number;
  /** Below this many entries everything runs on this thread: starting workers would cost more. */
  workersFrom?: number;
  /** Keep every decoded entry for the caller: they are in `verified` of the result. */
  collect?: boolean;
  /**
   * Streams instead of `collect`: each entry whose own checks passed (shape, statement, trusted
   * signature), in seq order, as verification goes. Whether the whole ledger verified is known only
   * from the result, so a consumer must not let anything out before it has that.
   */
  onEntry?: (entry: VerifiedEntry) => void;
  /** How many commits of how many have been checked so far (for a progress line). */
  onProgress?: (done: number, total: number) => void;
}

export interface VerifyResult extends VerifyReport {
  verified?: VerifiedEntry[];
}

/** One commit as the checker sees it. */
interface CommitItem {
  commit: HistoryCommit;
  root?: BatchObject;
  entry?: BatchObject;
  checkpoint?: BatchObject;
}

interface Position {
  seq?: number;
  hash?: string;
  commit: string;
  facts?: EntryFacts;
  /** Holds the next seq in order, so its prev link is to be checked. */
  linked?: boolean;
}

const ROOT_NAMES = new Set([ENTRY_FILE, CHECKPOINT_FILE, INDEX_DIR, TREE_DIR]);
/** Names a ledger commit may hold besides the required ones. */
const OPTIONAL_NAMES = new Set([COSIGNED_FILE]);

/** The per-commit checks, fed commits oldest first. */
class Checker {
  readonly problems: Problem[] = [];
  readonly positions: Position[] = [];
  readonly mismatches: {
    at: number;
    parent?: string;
    commit: string;
    line?: ReturnType<typeof indexLineOf>;
  }[] = [];
  readonly verified: VerifiedEntry[] = [];
  origin?: string;
  tipCheckpointBlob?: string;
  /** Incremental verify: the entry the earlier checkpoint ends with (stands in when nothing is new). */
  anchor?: Position;
  /** The highest seq seen so far, and every readable entry by seq (for repeats and prev links). */
  private highest: number;
  private readonly bySeq = new Map<number, Position>();
  private readonly start: { seq: number; prev: string };
  private prevRootExtras = new Set<string>();
  private pending: Promise<void>[] = [];
  private batch: { pos: number; job: SignatureJob }[] = [];
  /** Entries for onEntry, waiting (with their batch) for the signature check. */
  private outbox: { pos: number; entry: VerifiedEntry }[] = [];
  /** The last hand-out to onEntry: batches may finish out of order, entries go out in order. */
  private handedOut: Promise<void> = Promise.resolve();
  onEntry?: (entry: VerifiedEntry) => void;
  /** The Merkle tree's right edge, from the entries' own hashes (never from stored tiles). */
  private edge: Buffer[];
  private size: number;
  private tiles: TileModel | undefined;
  /** Roots wanted for an older checkpoint's size, by size. */
  readonly roots = new Map<number, Buffer>();
  /** The repository every entry must be for (lower case); the first entry's on a `shiplog` branch. */
  repository?: string;
  private lastTime?: { t: number; seq?: number };

  constructor(
    private index: IndexModel,
    private readonly reader: ObjectReader,
    private readonly trusted: TrustedKey[],
    private readonly pool: SignaturePool | undefined,
    private readonly collect: boolean,
    /** The seq the first commit must hold, and the hash it must follow. */
    start: { seq: number; prev: string },
    tree: { tiles: TileModel; edge: Buffer[]; wantRootAt?: number; lastTimestamp?: string },
    readonly branch: string,
  ) {
    this.highest = start.seq - 1;
    this.start = start;
    this.edge = tree.edge;
    this.size = start.seq;
    this.tiles = tree.tiles;
    this.wantRootAt = tree.wantRootAt;
    if (tree.lastTimestamp) this.lastTime = { t: Date.parse(tree.lastTimestamp), seq: start.seq - 1 };
    this.repository = shardRepository(branch);
  }

  private readonly wantRootAt?: number;

  /** Index work still running for an earlier commit: later commits wait their turn behind it. */
  private busy?: Promise<void>;

  /**
   * Checks the next commit. Returns a promise when the caller should wait (index reads, busy
   * workers); commits handed over meanwhile are queued, so they are always checked in order.
   */
  step(item: CommitItem): Promise<void> | undefined {
    const wait = this.busy ? this.busy.then(() => this.stepNow(item)) : this.stepNow(item);
    if (!wait) return undefined;
    const tracked: Promise<void> = wait.finally(() => {
      if (this.busy === tracked) this.busy = undefined;
    });
    this.busy = tracked;
    return tracked;
  }

  private stepNow(item: CommitItem): Promise<void> | undefined {
    const { commit: c } = item;
    const at = this.positions.length;
    const where = { commit: c.sha };
    if (c.parents.length > 1) {
      this.problems.push({
        check: 'history',
        ...where,
        message: `commit ${short(c.sha)} is a merge (${c.parents.length} parents); the ledger must be linear`,
      });
    }
    const root = this.rootTree(item);
    const pos: Position = { commit: c.sha };
    this.positions.push(pos);
    let facts: EntryFacts | undefined;
    let job: SignatureJob | undefined;
    let decoded: DecodedEntry | undefined;
    if (item.entry) {
      ({
        facts,
        job,
        entry: decoded,
      } = decodeForVerify({ path: ENTRY_FILE, text: item.entry.data.toString('utf8') }, this.trusted));
      pos.facts = facts;
      pos.seq = facts.seq;
      pos.hash = facts.hash;
      if (facts.problem) {
        this.problems.push({
          check: facts.problem.kind as CheckName,
          seq: facts.seq,
          ...where,
          file: ENTRY_FILE,
          message: facts.problem.message,
        });
      }
    }
    this.chain(pos, c);
    this.trailers(pos, c);
    const treeRootOf = (): string => treeRoot.toString('base64');
    // The Merkle tree grows by this entry's hash (the trailer's when the entry is unreadable).
    const leafInput = pos.hash ?? validTrailers(c.trailers)?.entry;
    const leaf = leafHash(leafInput ? entryHashBytes(leafInput) : Buffer.alloc(32));
    this.edge = appendToEdge(this.edge, this.size, leaf).edge;
    this.size += 1;
    const treeRoot = rootFromEdge(this.edge, this.size);
    if (this.wantRootAt === this.size) this.roots.set(this.size, treeRoot);
    this.checkpointFile(item, pos, treeRoot);
    if (decoded) {
      this.bound(decoded, pos, c.sha);
      this.inTime(decoded, pos, c.sha);
    }
    if (job) {
      if (this.onEntry && decoded && item.entry)
        this.outbox.push({
          pos: at,
          entry: this.verifiedOf(pos, decoded, item.entry.sha, root?.checkpoint, treeRootOf()),
        });
      this.queueSignature(at, job);
      if (!this.pool) this.handOut(this.takeOutbox());
    }
    if (this.collect && decoded && item.entry)
      this.keep(pos, decoded, item.entry.sha, root?.checkpoint, treeRootOf());
    const indexWait = this.indexStep(item, at, root?.index, decoded);
    const tileWait = this.tileStep(c.sha, pos, root?.tree, leaf, root?.entry);
    const wait =
      indexWait && tileWait
        ? Promise.all([indexWait, tileWait]).then(() => undefined)
        : (indexWait ?? tileWait);
    const room = job && this.batch.length === 0 ? this.pool?.room() : undefined;
    if (wait && room) return Promise.all([wait, room]).then(() => undefined);
    return wait ?? room;
  }

  /** No trusted tiles to start from: tile checks resume from the first commit's own tiles. */
  disableTiles(): void {
    this.tiles = undefined;
  }

  /**
   * Checkpoints that disagree with the tree the entries make. Reported at the end, and only those
   * not explained by a damaged entry before them (a deleted entry makes every later checkpoint
   * disagree; that is the seq check's to name).
   */
  readonly checkpointMismatches: Problem[] = [];

  checkpointProblems(): void {
    const entryLevel = new Set<CheckName>([
      'envelope',
      'payload',
      'statement',
      'signature',
      'seq',
      'prev',
      'trailer',
    ]);
    let first = Infinity;
    for (const p of this.problems) if (entryLevel.has(p.check)) first = Math.min(first, p.seq ?? -1);
    this.problems.push(...this.checkpointMismatches.filter((p) => (p.seq ?? -1) < first));
  }

  /** This commit's checkpoint: this ledger's origin, the tree's size and root after the entry. */
  private checkpointFile(item: CommitItem, pos: Position, root: Buffer): void {
    if (!item.checkpoint || item.checkpoint.type !== 'blob') return; // the tree check names it
    const where = {
      check: 'checkpoint' as const,
      seq: pos.seq,
      commit: item.commit.sha,
      file: CHECKPOINT_FILE,
    };
    let cp: ParsedCheckpoint;
    try {
      cp = parseCheckpoint(item.checkpoint.data.toString('utf8'));
    } catch (e) {
      this.checkpointMismatches.push({ ...where, message: (e as Error).message });
      return;
    }
    if (cp.size !== this.size) {
      this.checkpointMismatches.push({
        ...where,
        message: `checkpoint says the tree has ${cp.size} entries, but this commit's entry makes it ${this.size}`,
      });
    } else if (!cp.root.equals(root)) {
      this.checkpointMismatches.push({
        ...where,
        message: `checkpoint root ${cp.root.toString('base64')} is not the Merkle root of the entries (${root.toString('base64')})`,
      });
    }
    if (this.origin && cp.origin !== this.origin) {
      this.checkpointMismatches.push({
        ...where,
        message: `checkpoint origin "${cp.origin}" differs from the ledger's "${this.origin}"`,
      });
    }
  }

  /** Every entry is for the repository whose ledger this branch is. */
  private bound(d: DecodedEntry, pos: Position, commit: string): void {
    const repo = d.statement.predicate.repository.toLowerCase();
    this.repository ??= repo;
    if (repo !== this.repository) {
      this.problems.push({
        check: 'repository',
        seq: pos.seq,
        commit,
        file: ENTRY_FILE,
        message: `entry ${pos.seq} is for repository "${d.statement.predicate.repository}", but branch "${this.branch}" holds the ledger of "${this.repository}"`,
      });
    }
  }

  /** Timestamps never go back by more than the clock skew. */
  private inTime(d: DecodedEntry, pos: Position, commit: string): void {
    const t = Date.parse(d.statement.predicate.timestamp);
    if (Number.isNaN(t)) return;
    const before = this.lastTime;
    this.lastTime = { t, seq: pos.seq };
    if (before && t < before.t - CLOCK_SKEW_MS) {
      this.problems.push({
        check: 'timestamp',
        seq: pos.seq,
        commit,
        file: ENTRY_FILE,
        message: `entry ${pos.seq} is timestamped ${d.statement.predicate.timestamp}, ${Math.round((before.t - t) / 1000)} s before entry ${before.seq} (more than the ${CLOCK_SKEW_MS / 60_000}-minute clock skew allowed)`,
      });
    }
  }

  /**
   * This commit's tiles must be its parent's plus this entry's leaf (and its entry.json's blob id in
   * the entry tiles). A mismatch is named once; the model then takes the commit's tiles as they
   * are, so later commits are judged on their own step.
   */
  private tileStep(
    commit: string,
    pos: Position,
    actual: string | undefined,
    leaf: Buffer,
    entryBlob: string | undefined,
  ): Promise<void> | undefined {
    if (this.tiles) {
      let expected: string | undefined;
      try {
        expected = this.tiles.apply(leaf, entryBlob ?? '0'.repeat(40), { objects: false }).tree;
      } catch {
        expected = undefined;
      }
      if (expected !== undefined && expected === actual) return undefined;
      if (actual !== undefined)
        this.problems.push({
          check: 'tiles',
          seq: pos.seq,
          commit,
          file: TREE_DIR,
          message: `commit ${short(commit)}'s Merkle tiles (${TREE_DIR}/) are not its parent's plus this entry's leaf and blob id`,
        });
    }
    this.tiles = undefined;
    if (actual === undefined) return undefined;
    const size = this.size;
    return TileModel.at(actual, size, this.reader).then(
      async (m) => {
        await m.prepare({ every: true });
        this.tiles = m;
      },
      () => undefined,
    );
  }

  private rootTree(
    item: CommitItem,
  ): { index?: string; checkpoint?: string; tree?: string; entry?: string } | undefined {
    const c = item.commit;
    if (!item.root || item.root.type !== 'tree') {
      this.problems.push({
        check: 'tree',
        commit: c.sha,
        message: `commit ${short(c.sha)} has no readable tree`,
      });
      return undefined;
    }
    let index: string | undefined;
    let checkpoint: string | undefined;
    let tree: string | undefined;
    let entry: string | undefined;
    const extras = new Set<string>();
    const seen = new Set<string>();
    for (const e of parseTree(item.root.data)) {
      seen.add(e.name);
      const expected = e.name === INDEX_DIR || e.name === TREE_DIR ? TREE_MODE : BLOB_MODE;
      if (!(ROOT_NAMES.has(e.name) || OPTIONAL_NAMES.has(e.name)) || e.mode !== expected)
        extras.add(`${e.name} (${e.mode})`);
      else if (e.name === INDEX_DIR) index = e.sha;
      else if (e.name === TREE_DIR) tree = e.sha;
      else if (e.name === CHECKPOINT_FILE) checkpoint = e.sha;
      else if (e.name === ENTRY_FILE) entry = e.sha;
    }
    // An extra file is reported in the commit that brings it, not again in every commit after.
    const added = [...extras].filter((x) => !this.prevRootExtras.has(x));
    if (added.length) {
      this.problems.push({
        check: 'tree',
        commit: c.sha,
        file: added[0]!.split(' ')[0],
        message: `commit ${short(c.sha)} holds ${added.join(', ')} at the top of its tree; a ledger commit holds only ${ENTRY_FILE}, ${CHECKPOINT_FILE}, ${INDEX_DIR}/, ${TREE_DIR}/ and optionally ${COSIGNED_FILE}`,
      });
    }
    this.prevRootExtras = extras;
    const missing = [...ROOT_NAMES].filter((n) => !seen.has(n));
    if (missing.length) {
      this.problems.push({
        check: 'tree',
        commit: c.sha,
        message: `commit ${short(c.sha)} has no ${missing.join(', ')}`,
      });
    }
    this.tipCheckpointBlob = checkpoint;
    return { index, checkpoint, tree, entry };
  }

  /**
   * Sequence: each entry must hold the seq after the highest so far. A gap, a repeat and an entry
   * out of order are each named once; the `prev` link is checked at the end (prevProblems), when
   * it is known which entries are trusted.
   */
  private chain(pos: Position, c: HistoryCommit): void {
    if (pos.seq === undefined) {
      // Unreadable: it takes the next seq's place, so what follows is not reported as a gap.
      this.highest += 1;
      return;
    }
    const seq = pos.seq;
    const where = { seq, commit: c.sha };
    const earlier = this.bySeq.get(seq);
    if (earlier) {
      this.problems.push({
        check: 'seq',
        ...where,
        message: `commit ${short(c.sha)} holds seq ${seq} again (first in commit ${short(earlier.commit)}): an entry was repeated`,
      });
      return;
    }
    this.bySeq.set(seq, pos);
    if (seq < this.highest) {
      this.problems.push({
        check: 'seq',
        ...where,
        message: `commit ${short(c.sha)} holds seq ${seq} after seq ${this.highest}: entries are out of order`,
      });
      return;
    }
    if (seq > this.highest + 1) {
      const from = this.highest + 1;
      this.problems.push({
        check: 'seq',
        ...where,
        message: `commit ${short(c.sha)} holds seq ${seq} where seq ${from} belongs: ${seq - from === 1 ? `entry ${from} is` : `entries ${from}..${seq - 1} are`} missing before it`,
      });
    }
    this.highest = seq;
    pos.linked = true;
  }

  private trailers(pos: Position, c: HistoryCommit): void {
    const t = validTrailers(c.trailers);
    const where = { seq: pos.seq, commit: c.sha };
    if (!t) {
      this.problems.push({
        check: 'trailer',
        ...where,
        message: `commit ${short(c.sha)} lacks well-formed Shiplog-Seq, -Entry, -Origin and -Subject trailers`,
      });
      return;
    }
    this.origin ??= t.origin;
    const f = pos.facts;
    const wrong: string[] = [];
    if (pos.seq !== undefined && t.seq !== pos.seq) wrong.push(`Shiplog-Seq ${t.seq} (entry: ${pos.seq})`);
    if (f?.hash && t.entry !== f.hash) wrong.push(`Shiplog-Entry ${t.entry} (entry hashes to ${f.hash})`);
    if (f?.commit && t.subject !== f.commit) wrong.push(`Shiplog-Subject ${t.subject} (entry: ${f.commit})`);
    if (t.origin !== this.origin) wrong.push(`Shiplog-Origin "${t.origin}" (the ledger's: "${this.origin}")`);
    if (wrong.length)
      this.problems.push({
        check: 'trailer',
        ...where,
        message: `commit ${short(c.sha)} trailers disagree with its entry: ${wrong.join('; ')}`,
      });
  }

  private queueSignature(at: number, job: SignatureJob): void {
    if (!this.pool) {
      const signer = signerIndex(
        job.paeBytes,
        job.candidates,
        this.trusted.map((k) => k.publicKey),
      );
      applySigner(this.positions[at]!.facts!, job, signer, this.trusted);
      return;
    }
    this.batch.push({ pos: at, job });
    if (this.batch.length >= 256) this.flush();
  }

  flush(): void {
    if (!this.pool || !this.batch.length) return;
    const items = this.batch;
    const out = this.takeOutbox();
    this.batch = [];
    const checked = this.pool
      .run(items.map((b) => b.job))
      .then((signers) =>
        items.forEach((b, k) => applySigner(this.positions[b.pos]!.facts!, b.job, signers[k]!, this.trusted)),
      );
    const done = out.length
      ? (this.handedOut = Promise.all([this.handedOut, checked]).then(() => this.handOut(out)))
      : checked;
    // awaited in signatures(); until then a failed worker must not count as an unhandled rejection
    done.catch(() => undefined);
    this.pending.push(done);
  }

  private takeOutbox(): { pos: number; entry: VerifiedEntry }[] {
    const out = this.outbox;
    this.outbox = [];
    return out;
  }

  /** Hands entries whose signature a trusted key made to onEntry (the others are problems). */
  private handOut(out: { pos: number; entry: VerifiedEntry }[]): void {
    for (const { pos, entry } of out) {
      const facts = this.positions[pos]!.facts;
      if (!facts || facts.problem || !facts.keyid) continue;
      entry.keyid = facts.keyid;
      this.onEntry!(entry);
    }
  }

  async signatures(): Promise<void> {
    this.flush();
    await Promise.all(this.pending);
  }

  private keep(
    pos: Position,
    d: DecodedEntry,
    blob: string,
    checkpointBlob: string | undefined,
    root: string,
  ): void {
    this.verified.push(this.verifiedOf(pos, d, blob, checkpointBlob, root));
  }

  private verifiedOf(
    pos: Position,
    d: DecodedEntry,
    blob: string,
    checkpointBlob: string | undefined,
    root: string,
  ): VerifiedEntry {
    return {
      seq: pos.seq!,
      hash: d.hash,
      ledgerCommit: pos.commit,
      blob,
      ...(checkpointBlob ? { checkpointBlob } : {}),
      root,
      statement: d.statement,
      envelope: d.envelope,
    };
  }

  /** Checks this commit's index tree; returns a promise when parts of the index must be read. */
  private indexStep(
    item: CommitItem,
    at: number,
    actual: string | undefined,
    d: DecodedEntry | undefined,
  ): Promise<void> | undefined {
    if (!d || !item.entry || !actual) {
      // Nothing to compute the index from: take the commit's index as it is and go on.
      return this.resync(actual);
    }
    const line = indexLineOf(d.statement.predicate, d.hash, item.entry.sha);
    const deploy = deployChange(d.statement.predicate);
    const run = (): Promise<void> | undefined => {
      const { tree } = this.index.apply(line, deploy, { objects: false });
      if (tree === actual) return undefined;
      this.mismatches.push({ at, parent: item.commit.parents[0], commit: item.commit.sha, line });
      return this.resync(actual);
    };
    if (this.index.ready(line, deploy)) return run();
    return this.index.prepare(line, deploy).then(
      () => run(),
      () => {
        this.mismatches.push({ at, parent: item.commit.parents[0], commit: item.commit.sha, line });
        return this.resync(actual);
      },
    );
  }

  private resync(actual: string | undefined): Promise<void> {
    return IndexModel.at(actual, this.reader, { tolerant: true }).then((m) => {
      this.index = m;
    });
  }

  /**
   * `prev` links, reported only where the entry before is readable and trusted: a link into an
   * entry that is itself forged or unreadable says nothing new (that entry is already named).
   */
  prevProblems(): void {
    for (const p of this.positions) {
      if (!p.linked || p.seq === undefined || !p.facts || p.facts.prev === undefined) continue;
      let expected: string | undefined;
      if (p.seq === this.start.seq) expected = this.start.prev;
      else {
        const before = this.bySeq.get(p.seq - 1);
        if (before?.facts && !before.facts.problem) expected = before.hash;
      }
      if (expected !== undefined && p.facts.prev !== expected) {
        this.problems.push({
          check: 'prev',
          seq: p.seq,
          commit: p.commit,
          message: `prev is ${p.facts.prev} but the entry before it hashes to ${expected}`,
        });
      }
    }
  }

  signatureProblems(): void {
    for (const p of this.positions) {
      const prob = p.facts?.problem;
      if (prob?.kind === 'signature')
        this.problems.push({
          check: 'signature',
          seq: p.seq,
          commit: p.commit,
          file: ENTRY_FILE,
          message: prob.message,
        });
    }
  }
}

function short(sha: string): string {
  return sha.slice(0, 12);
}

/** A git object reader over a local repository (the history cache holds every object). */
class LocalObjects implements ObjectReader {
  private readonly cat: CatFileSession;
  constructor(gitDir: string) {
    this.cat = new CatFileSession(gitDir);
  }
  async tree(oid: string): Promise<Buffer> {
    return this.get(oid, 'tree');
  }
  async blob(oid: string): Promise<Buffer> {
    return this.get(oid, 'blob');
  }
  private async get(oid: string, type: string): Promise<Buffer> {
    const [o] = await this.cat.get([oid]);
    if (!o || o.type !== type) throw new Error(`${type} ${oid} is missing`);
    return o.data;
  }
  close(): void {
    this.cat.close();
  }
}

export async function verifyLedger(opts: VerifyOptions): Promise<VerifyResult> {
  if (opts.since !== undefined) return verifySince(opts);
  const repo = await openRepo(opts.location, 'history');
  const tip = await fetchTip(repo);
  if (!tip) throw branchNotFound(opts.location);
  // The entry count (worker pool, progress) from the tip's trailer: only an estimate, every seq is
  // checked on its own.
  const expected = await tipSeq(repo.gitDir, tip.commit).then((seq) => seq + 1);
  const reader = new LocalObjects(repo.gitDir);
  const pool = startPool(opts, expected);
  try {
    const checker = new Checker(
      IndexModel.empty(),
      reader,
      opts.trusted,
      pool,
      !!opts.collect,
      { seq: 0, prev: GENESIS_PREV },
      { tiles: TileModel.empty(), edge: [], wantRootAt: quietSize(opts.olderCheckpoint) },
      opts.location.branch,
    );
    checker.onEntry = opts.onEntry;
    const count = await streamChecks(repo.gitDir, tip.commit, checker, expected, opts.onProgress);
    return await finish(opts, repo, reader, checker, count, { tip: tip.commit, firstSeq: 0 });
  } finally {
    reader.close();
    await pool?.close();
  }
}

/** The size an older checkpoint names, when it parses (its problems are reported later). */
function quietSize(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  try {
    return parseCheckpoint(text).size;
  } catch {
    return undefined;
  }
}

function startPool(opts: VerifyOptions, count: number): SignaturePool | undefined {
  const workersFrom = opts.workersFrom ?? 2000;
  if (count < workersFrom || (opts.jobs ?? 1) < 1) return undefined;
  return new SignaturePool(Math.min(opts.jobs ?? 1, 64), opts.trusted);
}

/** The Shiplog-Seq trailer of a commit in the cache (0 when it has none that reads). */
async function tipSeq(gitDir: string, commit: string): Promise<number> {
  const r = await git(['cat-file', 'commit', commit], { gitDir, allowFail: true });
  const seq = Number(readTrailers(r.stdout.toString('utf8')).seq);
  return Number.isSafeInteger(seq) && seq >= 0 ? seq : 0;
}

/** Commits parsed ahead of the checks at most: git waits beyond that (flat memory at any length). */
const AHEAD = 2000;

/**
 * The whole history through the checker, oldest first, without ever holding it: `git log
 * --reverse` is parsed as it arrives, each commit's root tree, entry and checkpoint requested from
 * one cat-file as it is parsed, and git held back while the checks are AHEAD commits behind.
 * Returns the number of commits.
 */
async function streamChecks(
  gitDir: string,
  tip: string,
  checker: Checker,
  expected: number,
  onProgress?: VerifyOptions['onProgress'],
): Promise<number> {
  const queue: HistoryCommit[] = [];
  let head = 0;
  let at = 0;
  let root: BatchObject | undefined;
  let entry: BatchObject | undefined;
  let caughtUp: (() => void) | undefined;
  const feed = catFileFeed(gitDir, (i, obj) => {
    if (i % 3 === 0) root = obj;
    else if (i % 3 === 1) entry = obj;
    else {
      const commit = queue[head]!;
      head++;
      if (head >= 4096) {
        queue.splice(0, head);
        head = 0;
      }
      if (caughtUp && queue.length - head <= AHEAD / 2) {
        caughtUp();
        caughtUp = undefined;
      }
      if (onProgress && at % PROGRESS_EVERY === 0) onProgress(at, Math.max(expected, at));
      at++;
      return checker.step({ commit, root, entry, checkpoint: obj });
    }
  });
  let count: number;
  try {
    let first = true;
    count = await streamHistory(
      gitDir,
      tip,
      (c) => {
        if (first && c.parents.length > 0)
          checker.problems.push({
            check: 'history',
            commit: c.sha,
            message: `the first ledger commit ${short(c.sha)} has a parent: the branch is not an orphan`,
          });
        first = false;
        queue.push(c);
        feed.request(c.tree);
        feed.request(`${c.tree}:${ENTRY_FILE}`);
        feed.request(`${c.tree}:${CHECKPOINT_FILE}`);
      },
      {
        backPressure: () =>
          queue.length - head > AHEAD
            ? new Promise<void>((resolve, reject) => {
                caughtUp = resolve;
                // cat-file failing stops the checks: git must not wait for them for ever.
                feed.done.catch(reject);
              })
            : undefined,
      },
    );
  } finally {
    feed.end();
  }
  await feed.done;
  await checker.signatures();
  onProgress?.(count, count);
  return count;
}

/** Commits between two progress calls. */
const PROGRESS_EVERY = 500;

/** The shard's repository a `shiplog/<owner>/<repo>` branch holds (lower case). */
function shardRepository(branch: string): string | undefined {
  return /^shiplog\/([^/]+\/[^/]+)$/i.exec(branch)?.[1]?.toLowerCase();
}

/** Does a checkpoint origin name this branch (it ends with "/<branch>", as every writer makes it)? */
export function originNamesBranch(origin: string, branch: string): boolean {
  const o = origin.toLowerCase();
  const b = branch.toLowerCase();
  return o === b || o.endsWith(`/${b}`);
}

async function finish(
  opts: VerifyOptions,
  repo: LedgerRepo,
  reader: ObjectReader,
  checker: Checker,
  /** Commits checked. */
  count: number,
  at: { tip: string; firstSeq: number; since?: CheckpointSummary },
): Promise<VerifyResult> {
  checker.signatureProblems();
  checker.prevProblems();
  checker.checkpointProblems();
  for (const m of checker.mismatches) {
    checker.problems.push(...(await diagnoseIndex(repo.gitDir, m, reader)));
  }
  const last = checker.positions[checker.positions.length - 1] ?? checker.anchor;
  const checkpointText = checker.tipCheckpointBlob
    ? (await reader.blob(checker.tipCheckpointBlob)).toString('utf8')
    : undefined;
  const checkpoint = checkCheckpoint(checkpointText, opts.trusted, checker.problems, at.tip);
  const origin = checker.origin ?? checkpoint?.origin;
  if (origin !== undefined && !originNamesBranch(origin, opts.location.branch)) {
    checker.problems.push({
      check: 'origin',
      commit: at.tip,
      file: CHECKPOINT_FILE,
      message: `the ledger's origin "${origin}" is not that of branch "${opts.location.branch}": a ledger copied from another branch or repository`,
    });
  }
  const entries = last?.seq !== undefined ? last.seq + 1 : count;
  const older = opts.olderCheckpoint
    ? checkOlder(opts.olderCheckpoint, opts.trusted, entries, checker.roots, checker.origin, checker.problems)
    : undefined;
  const problems = checker.problems.sort((a, b) => (a.seq ?? -1) - (b.seq ?? -1));
  const keys = new Set<string>();
  for (const p of checker.positions) if (p.facts?.keyid) keys.add(p.facts.keyid);
  if (opts.collect) {
    const keyOf = new Map(checker.positions.map((p) => [p.commit, p.facts?.keyid]));
    for (const v of checker.verified) v.keyid = keyOf.get(v.ledgerCommit);
  }
  return {
    ok: problems.length === 0,
    remote: opts.location.remote,
    branch: opts.location.branch,
    tip: at.tip,
    entries,
    checked: checker.positions.length,
    head: last?.hash,
    checkpoint,
    ...(checkpointText !== undefined ? { checkpointText } : {}),
    olderCheckpoint: older,
    ...(at.since ? { since: at.since } : {}),
    keys: [...keys],
    problems,
    ...(opts.collect ? { verified: checker.verified.filter((v) => v.seq >= at.firstSeq) } : {}),
  };
}

/** The tip's checkpoint: readable and signed by a trusted key (its size and root: every commit's check). */
function checkCheckpoint(
  text: string | undefined,
  trusted: TrustedKey[],
  problems: Problem[],
  tip: string,
): CheckpointSummary | undefined {
  const where = { commit: tip, file: CHECKPOINT_FILE };
  if (text === undefined) {
    problems.push({ check: 'checkpoint', ...where, message: 'the ledger tip has no checkpoint file' });
    return undefined;
  }
  let cp: ParsedCheckpoint;
  try {
    cp = parseCheckpoint(text);
  } catch (e) {
    problems.push({ check: 'checkpoint', ...where, message: (e as Error).message });
    return undefined;
  }
  if (!checkpointSigner(cp, trusted)) {
    problems.push({
      check: 'checkpoint',
      ...where,
      message: 'checkpoint signature is not valid for any trusted key',
    });
  }
  return summary(cp);
}

function summary(cp: ParsedCheckpoint): CheckpointSummary {
  return { origin: cp.origin, size: cp.size, root: cp.root.toString('base64') };
}

function checkOlder(
  text: string,
  trusted: TrustedKey[],
  entries: number,
  roots: Map<number, Buffer>,
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
  checkOlderSignature(cp, trusted, origin, problems);
  if (cp.size > entries) {
    problems.push({
      check: 'consistency',
      message: `the ledger has ${entries} entries but an earlier checkpoint saw ${cp.size}: entries were removed (truncation or rewrite)`,
    });
  } else if (cp.size > 0 && !roots.get(cp.size)?.equals(cp.root)) {
    problems.push({
      check: 'consistency',
      seq: cp.size - 1,
      message: `the first ${cp.size} entries have Merkle root ${roots.get(cp.size)?.toString('base64') ?? '(unknown)'} but the earlier checkpoint recorded ${cp.root.toString('base64')}: history was rewritten (fork)`,
    });
  }
  return { ...summary(cp), consistent: problems.length === before };
}

function checkOlderSignature(
  cp: ParsedCheckpoint,
  trusted: TrustedKey[],
  origin: string | undefined,
  problems: Problem[],
): void {
  if (!checkpointSigner(cp, trusted))
    problems.push({ check: 'consistency', message: 'the older checkpoint is not signed by a trusted key' });
  if (origin && cp.origin !== origin) {
    problems.push({
      check: 'consistency',
      message: `the older checkpoint is for "${cp.origin}", not this ledger ("${origin}")`,
    });
  }
}

function branchNotFound(location: LedgerLocation): ShiplogError {
  return new ShiplogError(
    'BRANCH_NOT_FOUND',
    `the ledger branch "${location.branch}" does not exist on "${location.remote}" (nothing has been recorded yet, or the branch name is wrong)`,
  );
}

/**
 * Commits `verify --since` fetches with the tip, trees included: a checkpoint this close needs no
 * second round trip for the history after it (~1 KB a commit; the tip's own trees are ~50 KB).
 */
const SINCE_PREFETCH = 32;

/**
 * Incremental verify: everything after a checkpoint that was verified before. With the ledger
 * commit it was verified at (`sinceCommit`), only the commits from the checkpoint's last entry on
 * are fetched (with their trees; blobs by id): that commit must still hold the checkpoint's last
 * entry (its id pins the whole history below), its tiles must give the checkpoint's root, the new
 * entries get every check, and the tip's tiles must prove (RFC 6962 consistency proof) that the tip
 * checkpoint extends the old one. Without `sinceCommit` nothing short of reading every older entry
 * proves the history below is unchanged, so the whole ledger is verified against the checkpoint.
 */
async function verifySince(opts: VerifyOptions): Promise<VerifyResult> {
  let cp: ParsedCheckpoint;
  try {
    cp = parseCheckpoint(opts.since!);
  } catch (e) {
    throw new ShiplogError('BAD_INPUT', `--since: ${(e as Error).message}`);
  }
  const since = summary(cp);
  if (cp.size === 0 || !opts.sinceCommit) {
    const whole = await verifyLedger({ ...opts, since: undefined, olderCheckpoint: opts.since });
    return { ...whole, since };
  }
  const repo = await openRepo(opts.location, 'tip');
  const remote = await fetchTip(repo, { depth: SINCE_PREFETCH });
  if (!remote) throw branchNotFound(opts.location);
  const objects = new TipObjects(repo);
  let pool: SignaturePool | undefined;
  try {
    const tip = await readTipCommit(objects, remote.commit);
    const problems: Problem[] = [];
    checkOlderSignature(cp, opts.trusted, tip.origin, problems);
    const count = tip.seq - (cp.size - 1) + 1;
    if (count < 1) {
      problems.push({
        check: 'consistency',
        message: `the ledger has ${tip.seq + 1} entries but the checkpoint given to --since saw ${cp.size}: entries were removed (truncation or rewrite)`,
      });
      return {
        ok: false,
        remote: opts.location.remote,
        branch: opts.location.branch,
        tip: tip.commit,
        entries: tip.seq + 1,
        checked: 0,
        head: tip.entry,
        since,
        keys: [],
        problems,
      };
    }
    if (count > SINCE_PREFETCH) await fetchAncestry(repo, tip.commit, count, { trees: true });
    const commits = await readHistory(repo.gitDir, tip.commit, { max: count });
    const anchor = commits[0]!;
    if (anchor.sha !== opts.sinceCommit) {
      problems.push({
        check: 'consistency',
        seq: cp.size - 1,
        commit: anchor.sha,
        message: `entry ${cp.size - 1} is now in ledger commit ${short(anchor.sha)}, but the checkpoint was verified at ${short(opts.sinceCommit)}: the history at or below the checkpoint was rewritten`,
      });
    }
    // Each commit's root tree is here (blob-less fetch); entries and checkpoints are fetched by id.
    const roots = await Promise.all(commits.map((c) => objects.tree(c.tree)));
    const fileOf = (r: Buffer, name: string): string | undefined =>
      parseTree(r).find((e) => e.name === name)?.sha;
    const entryBlobs = roots.map((r) => fileOf(r, ENTRY_FILE));
    const checkpointBlobs = roots.map((r) => fileOf(r, CHECKPOINT_FILE));
    const anchorIndex = parseTree(roots[0]!).find((e) => e.name === INDEX_DIR && e.mode === TREE_MODE)?.sha;
    const index = await IndexModel.at(anchorIndex, objects, { tolerant: true });
    const anchorDir = fileOf(roots[0]!, TREE_DIR);
    await fetchObjects(repo, [
      ...[...entryBlobs, ...checkpointBlobs].filter((b): b is string => !!b),
      ...(await sinceReads(objects, index, commits.slice(1), { dir: anchorDir, size: cp.size }, tip)),
    ]);
    const anchorTiles = await tilesAt(objects, anchorDir, cp.size);
    if (!anchorTiles || !anchorTiles.root().equals(cp.root)) {
      problems.push({
        check: 'consistency',
        seq: cp.size - 1,
        commit: anchor.sha,
        file: TREE_DIR,
        message: `the Merkle tiles of ledger commit ${short(anchor.sha)} ${anchorTiles ? `give root ${anchorTiles.root().toString('base64')}` : 'are unreadable'}, not the checkpoint's ${cp.root.toString('base64')}`,
      });
    }
    const anchorEntry = entryBlobs[0] ? (await objects.blobs([entryBlobs[0]]))[0] : undefined;
    let anchorDecoded: DecodedEntry | undefined;
    try {
      anchorDecoded = anchorEntry ? decodeEntry(anchorEntry.toString('utf8')) : undefined;
    } catch {
      anchorDecoded = undefined;
    }
    if (anchorDecoded?.statement.predicate.seq !== cp.size - 1) {
      problems.push({
        check: 'consistency',
        seq: cp.size - 1,
        commit: anchor.sha,
        message: `ledger commit ${short(anchor.sha)} does not hold entry ${cp.size - 1}, the checkpoint's last`,
      });
    }
    pool = startPool(opts, count);
    const checker = new Checker(
      index,
      objects,
      opts.trusted,
      pool,
      !!opts.collect,
      { seq: cp.size, prev: anchorDecoded?.hash ?? '' },
      {
        tiles: anchorTiles ?? TileModel.empty(),
        edge: anchorTiles ? anchorTiles.rightEdge() : [],
        lastTimestamp: anchorDecoded?.statement.predicate.timestamp,
      },
      opts.location.branch,
    );
    if (!anchorTiles) checker.disableTiles();
    checker.problems.push(...problems);
    checker.origin = tip.origin;
    checker.onEntry = opts.onEntry;
    checker.repository ??= anchorDecoded?.statement.predicate.repository.toLowerCase();
    checker.anchor = { seq: cp.size - 1, hash: anchorDecoded?.hash, commit: anchor.sha };
    checker.tipCheckpointBlob = checkpointBlobs[0];
    await prefetchIndex(index, objects, entryBlobs.slice(1));
    await runSinceChecks(
      repo,
      commits.slice(1),
      roots.slice(1),
      entryBlobs.slice(1),
      checkpointBlobs.slice(1),
      checker,
      opts.onProgress,
    );
    await checkConsistencyProof(objects, tip, cp, checker.problems);
    return await finish(opts, repo, objects, checker, commits.length - 1, {
      tip: tip.commit,
      firstSeq: cp.size,
      since,
    });
  } finally {
    objects.close();
    await pool?.close();
  }
}

/** The tiles of a commit, read and prepared; undefined when they do not read. */
async function tilesAt(
  objects: TipObjects,
  dir: string | undefined,
  size: number,
): Promise<TileModel | undefined> {
  try {
    const tiles = await TileModel.at(dir, size, objects);
    await objects.fetch(tiles.wantedBlobs({ every: true }));
    await tiles.prepare({ every: true });
    return tiles;
  } catch {
    return undefined;
  }
}

/**
 * The tip's checkpoint extends the old one: an RFC 6962 consistency proof built from the tip's
 * tiles, checked against both signed roots — what any outside verifier would check.
 */
async function checkConsistencyProof(
  objects: TipObjects,
  tip: TipCommit,
  old: ParsedCheckpoint,
  problems: Problem[],
): Promise<void> {
  const size = tip.seq + 1;
  if (size === old.size) return;
  let message: string | undefined;
  try {
    const cp = parseCheckpoint((await objects.blob(tip.checkpointBlob)).toString('utf8'));
    const tiles = await tilesAt(objects, tip.treeDir, size);
    if (!tiles) message = "the tip commit's Merkle tiles do not read";
    else {
      const proof = await proveFromTiles(tiles, objects, (r) => consistencyProof(old.size, size, r));
      if (!verifyConsistency(old.size, cp.size, old.root, cp.root, proof))
        message = `the tip checkpoint (size ${cp.size}) does not extend the checkpoint of size ${old.size}: the consistency proof fails`;
    }
  } catch (e) {
    message = `no consistency proof from size ${old.size} to ${size}: ${(e as Error).message}`;
  }
  if (message) problems.push({ check: 'consistency', commit: tip.commit, file: CHECKPOINT_FILE, message });
}

/**
 * What the checks of an incremental verify will read besides entries and checkpoints, to fetch it
 * all in one round trip (each fetch is a git process here and an HTTPS request on GitHub): the
 * anchor's and the tip's tiles, and the index buckets the new commits' Shiplog-Subject trailers
 * name. Trailers are only a hint: whatever they miss is fetched when it is read.
 */
async function sinceReads(
  objects: TipObjects,
  index: IndexModel,
  commits: HistoryCommit[],
  anchor: { dir: string | undefined; size: number },
  tip: TipCommit,
): Promise<string[]> {
  const out: string[] = [];
  const held = async (dir: string | undefined, size: number): Promise<void> => {
    try {
      out.push(...(await TileModel.at(dir, size, objects)).heldBlobs());
    } catch {
      // Unreadable tiles are reported by the checks that read them.
    }
  };
  await held(anchor.dir, anchor.size);
  if (tip.treeDir !== anchor.dir) await held(tip.treeDir, tip.seq + 1);
  const subjects = new Set(
    commits.map((c) => c.trailers.subject).filter((s): s is string => !!s && /^[0-9a-f]{40}$/.test(s)),
  );
  for (const subject of subjects) out.push(...(await index.wantedBlobs(subject)));
  const deploys = index.deploysBlob();
  if (deploys) out.push(deploys);
  return out;
}

async function prefetchIndex(
  index: IndexModel,
  objects: TipObjects,
  entryBlobs: (string | undefined)[],
): Promise<void> {
  const texts = await objects.blobs(entryBlobs.filter((b): b is string => !!b));
  const wanted = new Set<string>();
  for (const t of texts) {
    try {
      const p = decodeEntry(t.toString('utf8')).statement.predicate;
      for (const oid of await index.wantedBlobs(p.commit, deployChange(p))) wanted.add(oid);
    } catch {
      // An unreadable entry is reported by the checks themselves.
    }
  }
  await objects.fetch([...wanted]);
}

async function runSinceChecks(
  repo: LedgerRepo,
  commits: HistoryCommit[],
  roots: Buffer[],
  entryBlobs: (string | undefined)[],
  checkpointBlobs: (string | undefined)[],
  checker: Checker,
  onProgress?: VerifyOptions['onProgress'],
): Promise<void> {
  const cat = new CatFileSession(repo.gitDir);
  const none = '0'.repeat(40);
  try {
    const entries = await cat.get(entryBlobs.map((b) => b ?? none));
    const checkpoints = await cat.get(checkpointBlobs.map((b) => b ?? none));
    for (let i = 0; i < commits.length; i++) {
      if (onProgress && i % PROGRESS_EVERY === 0) onProgress(i, commits.length);
      const c = commits[i]!;
      const root: BatchObject = { sha: c.tree, type: 'tree', data: roots[i]! };
      const entry = entryBlobs[i] ? entries[i] : undefined;
      const checkpoint = checkpointBlobs[i] ? checkpoints[i] : undefined;
      const wait = checker.step({ commit: c, root, entry, checkpoint });
      if (wait) await wait;
    }
    await checker.signatures();
    onProgress?.(commits.length, commits.length);
  } finally {
    cat.close();
  }
}

/**
 * A blob of a ledger the caller verified (a checkpoint after some entry, for a stream's cursor),
 * read from the cache verify filled, fetched by id if this cache does not hold it.
 */
export async function readLedgerBlob(location: LedgerLocation, oid: string): Promise<string> {
  for (const mode of ['history', 'tip'] as const) {
    const repo = await openRepo(location, mode);
    if (missingObjects(repo.gitDir, [oid]).length === 0 || mode === 'tip') {
      const objects = new TipObjects(repo);
      try {
        return (await objects.blob(oid)).toString('utf8');
      } finally {
        objects.close();
      }
    }
  }
  throw new ShiplogError('NOT_FOUND', `ledger blob ${oid} not found`);
}

export function defaultJobs(): number {
  return availableParallelism();
}
