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
import { deployChange, indexLineOf } from './append.ts';
import { checkpointSigner, parseCheckpoint, type ParsedCheckpoint } from './checkpoint.ts';
import { applySigner, decodeForVerify, type EntryFacts, type SignatureJob } from './check-entry.ts';
import { signerIndex, type Envelope } from './dsse.ts';
import { decodeEntry, type DecodedEntry } from './entry.ts';
import { GENESIS_PREV } from './encoding.ts';
import { catFileBatch, CatFileSession, type BatchObject } from './git.ts';
import { BLOB_MODE, parseTree, TREE_MODE } from './git-objects.ts';
import { readHistory, type HistoryCommit } from './history.ts';
import { IndexModel, type ObjectReader } from './index-model.ts';
import { diagnoseIndex } from './index-diagnosis.ts';
import type { TrustedKey } from './keys.ts';
import { CHECKPOINT_FILE, ENTRY_FILE, INDEX_DIR } from './layout.ts';
import { validTrailers } from './ledger-commit.ts';
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
import { readTipCommit, TipObjects } from './tip.ts';

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
  | 'consistency';

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
  head: string;
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
}

interface Position {
  seq?: number;
  hash?: string;
  commit: string;
  facts?: EntryFacts;
  /** Holds the next seq in order, so its prev link is to be checked. */
  linked?: boolean;
}

const ROOT_NAMES = new Set([ENTRY_FILE, CHECKPOINT_FILE, INDEX_DIR]);

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

  constructor(
    private index: IndexModel,
    private readonly reader: ObjectReader,
    private readonly trusted: TrustedKey[],
    private readonly pool: SignaturePool | undefined,
    private readonly collect: boolean,
    /** The seq the first commit must hold, and the hash it must follow. */
    start: { seq: number; prev: string },
  ) {
    this.highest = start.seq - 1;
    this.start = start;
  }

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
    if (job) {
      if (this.onEntry && decoded && item.entry)
        this.outbox.push({ pos: at, entry: this.verifiedOf(pos, decoded, item.entry.sha, root?.checkpoint) });
      this.queueSignature(at, job);
      if (!this.pool) this.handOut(this.takeOutbox());
    }
    if (this.collect && decoded && item.entry) this.keep(pos, decoded, item.entry.sha, root?.checkpoint);
    const wait = this.indexStep(item, at, root?.index, decoded);
    const room = job && this.batch.length === 0 ? this.pool?.room() : undefined;
    if (wait && room) return Promise.all([wait, room]).then(() => undefined);
    return wait ?? room;
  }

  private rootTree(item: CommitItem): { index?: string; checkpoint?: string } | undefined {
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
    const extras = new Set<string>();
    const seen = new Set<string>();
    for (const e of parseTree(item.root.data)) {
      seen.add(e.name);
      const expected = e.name === INDEX_DIR ? TREE_MODE : BLOB_MODE;
      if (!ROOT_NAMES.has(e.name) || e.mode !== expected) extras.add(`${e.name} (${e.mode})`);
      else if (e.name === INDEX_DIR) index = e.sha;
      else if (e.name === CHECKPOINT_FILE) checkpoint = e.sha;
    }
    // An extra file is reported in the commit that brings it, not again in every commit after.
    const added = [...extras].filter((x) => !this.prevRootExtras.has(x));
    if (added.length) {
      this.problems.push({
        check: 'tree',
        commit: c.sha,
        file: added[0]!.split(' ')[0],
        message: `commit ${short(c.sha)} holds ${added.join(', ')} at the top of its tree; a ledger commit holds only ${ENTRY_FILE}, ${CHECKPOINT_FILE} and ${INDEX_DIR}/`,
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
    return { index, checkpoint };
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

  private keep(pos: Position, d: DecodedEntry, blob: string, checkpointBlob: string | undefined): void {
    this.verified.push(this.verifiedOf(pos, d, blob, checkpointBlob));
  }

  private verifiedOf(
    pos: Position,
    d: DecodedEntry,
    blob: string,
    checkpointBlob: string | undefined,
  ): VerifiedEntry {
    return {
      seq: pos.seq!,
      hash: d.hash,
      ledgerCommit: pos.commit,
      blob,
      ...(checkpointBlob ? { checkpointBlob } : {}),
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
  const commits = await readHistory(repo.gitDir, tip.commit);
  const reader = new LocalObjects(repo.gitDir);
  const pool = startPool(opts, commits.length);
  try {
    const checker = new Checker(IndexModel.empty(), reader, opts.trusted, pool, !!opts.collect, {
      seq: 0,
      prev: GENESIS_PREV,
    });
    checker.onEntry = opts.onEntry;
    if (commits[0] && commits[0].parents.length > 0) {
      checker.problems.push({
        check: 'history',
        commit: commits[0].sha,
        message: `the first ledger commit ${short(commits[0].sha)} has a parent: the branch is not an orphan`,
      });
    }
    await runChecks(repo.gitDir, commits, checker, opts.onProgress);
    return await finish(opts, repo, reader, checker, commits, { tip: tip.commit, firstSeq: 0 });
  } finally {
    reader.close();
    await pool?.close();
  }
}

function startPool(opts: VerifyOptions, count: number): SignaturePool | undefined {
  const workersFrom = opts.workersFrom ?? 2000;
  if (count < workersFrom || (opts.jobs ?? 1) < 1) return undefined;
  return new SignaturePool(Math.min(opts.jobs ?? 1, 64), opts.trusted);
}

/** Streams each commit's root tree and entry through the checker, in order. */
async function runChecks(
  gitDir: string,
  commits: HistoryCommit[],
  checker: Checker,
  onProgress?: VerifyOptions['onProgress'],
): Promise<void> {
  const specs = commits.flatMap((c) => [c.tree, `${c.tree}:${ENTRY_FILE}`]);
  let root: BatchObject | undefined;
  await catFileBatch(gitDir, specs, (i, obj) => {
    if (i % 2 === 0) {
      root = obj;
      return;
    }
    const at = i >> 1;
    if (onProgress && at % PROGRESS_EVERY === 0) onProgress(at, commits.length);
    return checker.step({ commit: commits[at]!, root, entry: obj });
  });
  await checker.signatures();
  onProgress?.(commits.length, commits.length);
}

/** Commits between two progress calls. */
const PROGRESS_EVERY = 500;

async function finish(
  opts: VerifyOptions,
  repo: LedgerRepo,
  reader: ObjectReader,
  checker: Checker,
  commits: HistoryCommit[],
  at: { tip: string; firstSeq: number; since?: CheckpointSummary },
): Promise<VerifyResult> {
  checker.signatureProblems();
  checker.prevProblems();
  for (const m of checker.mismatches) {
    checker.problems.push(...(await diagnoseIndex(repo.gitDir, m, reader)));
  }
  const last = checker.positions[checker.positions.length - 1] ?? checker.anchor;
  const checkpointText = checker.tipCheckpointBlob
    ? (await reader.blob(checker.tipCheckpointBlob)).toString('utf8')
    : undefined;
  const checkpoint = checkCheckpoint(
    checkpointText,
    opts.trusted,
    last,
    checker.origin,
    checker.problems,
    at.tip,
  );
  const hashes = new Map(checker.positions.map((p) => [p.seq, p.hash]));
  const older = opts.olderCheckpoint
    ? checkOlder(opts.olderCheckpoint, opts.trusted, last?.seq, hashes, checker.origin, checker.problems)
    : undefined;
  const problems = checker.problems.sort((a, b) => (a.seq ?? -1) - (b.seq ?? -1));
  const keys = new Set<string>();
  for (const p of checker.positions) if (p.facts?.keyid) keys.add(p.facts.keyid);
  if (opts.collect) {
    const keyOf = new Map(checker.positions.map((p) => [p.commit, p.facts?.keyid]));
    for (const v of checker.verified) v.keyid = keyOf.get(v.ledgerCommit);
  }
  const entries = last?.seq !== undefined ? last.seq + 1 : commits.length;
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

function checkCheckpoint(
  text: string | undefined,
  trusted: TrustedKey[],
  last: Position | undefined,
  origin: string | undefined,
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
  // The checkpoint vouches for the tip entry: its count is that entry's seq + 1 (a gap in the
  // sequence is the seq check's to report, not a second problem here).
  if (last?.seq !== undefined && cp.size !== last.seq + 1) {
    problems.push({
      check: 'checkpoint',
      ...where,
      message: `checkpoint counts ${cp.size} entries but the tip entry is seq ${last.seq}`,
    });
  } else if (last?.hash && cp.head !== last.hash) {
    problems.push({
      check: 'checkpoint',
      ...where,
      message: `checkpoint head ${cp.head} is not the tip entry's hash ${last.hash}`,
    });
  }
  if (origin && cp.origin !== origin) {
    problems.push({
      check: 'checkpoint',
      ...where,
      message: `checkpoint origin "${cp.origin}" differs from the ledger's "${origin}"`,
    });
  }
  return { origin: cp.origin, size: cp.size, head: cp.head };
}

function checkOlder(
  text: string,
  trusted: TrustedKey[],
  lastSeq: number | undefined,
  hashes: Map<number | undefined, string | undefined>,
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
  const size = lastSeq === undefined ? 0 : lastSeq + 1;
  if (cp.size > size) {
    problems.push({
      check: 'consistency',
      message: `the ledger has ${size} entries but an earlier checkpoint saw ${cp.size}: entries were removed (truncation or rewrite)`,
    });
  } else if (cp.size > 0 && hashes.get(cp.size - 1) !== cp.head) {
    problems.push({
      check: 'consistency',
      seq: cp.size - 1,
      message: `entry ${cp.size - 1} hashes to ${hashes.get(cp.size - 1) ?? '(unreadable)'} but the earlier checkpoint recorded ${cp.head}: history was rewritten (fork)`,
    });
  }
  return { origin: cp.origin, size: cp.size, head: cp.head, consistent: problems.length === before };
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
 * Incremental verify: everything after a checkpoint that was verified before. Only the commits
 * from the checkpoint's last entry on are fetched (with their trees; blobs by id), the link from
 * the checkpoint's head is checked, and the tip checkpoint must extend it.
 */
async function verifySince(opts: VerifyOptions): Promise<VerifyResult> {
  let cp: ParsedCheckpoint;
  try {
    cp = parseCheckpoint(opts.since!);
  } catch (e) {
    throw new ShiplogError('BAD_INPUT', `--since: ${(e as Error).message}`);
  }
  if (cp.size === 0) return verifyLedger({ ...opts, since: undefined });
  const since = { origin: cp.origin, size: cp.size, head: cp.head };
  const repo = await openRepo(opts.location, 'tip');
  const remote = await fetchTip(repo);
  if (!remote) throw branchNotFound(opts.location);
  const objects = new TipObjects(repo);
  let pool: SignaturePool | undefined;
  try {
    const tip = await readTipCommit(objects, remote.commit);
    const problems: Problem[] = [];
    checkOlderSignature(cp, opts.trusted, tip.origin, problems);
    const count = tip.seq - (cp.size - 1) + 1;
    if (count < 1) {
      // The ledger is shorter than what the checkpoint saw.
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
    await fetchAncestry(repo, tip.commit, count, { trees: true });
    const commits = await readHistory(repo.gitDir, tip.commit, { max: count });
    // Each commit's root tree is here (blob-less fetch); entries and the tip checkpoint are fetched by id.
    const roots = await Promise.all(commits.map((c) => objects.tree(c.tree)));
    const entryBlobs = roots.map((r) => parseTree(r).find((e) => e.name === ENTRY_FILE)?.sha);
    await fetchObjects(repo, [...entryBlobs.filter((b): b is string => !!b), tip.checkpointBlob]);

    const anchor = commits[0]!;
    const anchorIndex = parseTree(roots[0]!).find((e) => e.name === INDEX_DIR && e.mode === TREE_MODE)?.sha;
    const index = await IndexModel.at(anchorIndex, objects, { tolerant: true });
    pool = startPool(opts, count);
    const checker = new Checker(index, objects, opts.trusted, pool, !!opts.collect, {
      seq: cp.size,
      prev: cp.head,
    });
    checker.problems.push(...problems);
    checker.origin = tip.origin;
    checker.onEntry = opts.onEntry;
    // The anchor: the checkpoint's last entry must be exactly where the checkpoint said.
    const anchorEntry = entryBlobs[0] ? (await objects.blobs([entryBlobs[0]]))[0] : undefined;
    let anchorHash: string | undefined;
    try {
      anchorHash = anchorEntry ? decodeEntry(anchorEntry.toString('utf8')).hash : undefined;
    } catch {
      anchorHash = undefined;
    }
    checker.anchor = { seq: cp.size - 1, hash: anchorHash, commit: anchor.sha };
    checker.tipCheckpointBlob = parseTree(roots[0]!).find((e) => e.name === CHECKPOINT_FILE)?.sha;
    if (anchorHash !== cp.head) {
      checker.problems.push({
        check: 'consistency',
        seq: cp.size - 1,
        commit: anchor.sha,
        message: `entry ${cp.size - 1} hashes to ${anchorHash ?? '(unreadable)'} but the checkpoint given to --since recorded ${cp.head}: history was rewritten (fork)`,
      });
    }
    // Read every index blob the steps will touch in one batch, then run them.
    await prefetchIndex(index, objects, entryBlobs.slice(1));
    await runSinceChecks(
      repo,
      commits.slice(1),
      roots.slice(1),
      entryBlobs.slice(1),
      checker,
      opts.onProgress,
    );
    const result = await finish(opts, repo, objects, checker, commits.slice(1), {
      tip: tip.commit,
      firstSeq: cp.size,
      since,
    });
    return { ...result, olderCheckpoint: result.olderCheckpoint };
  } finally {
    objects.close();
    await pool?.close();
  }
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
  checker: Checker,
  onProgress?: VerifyOptions['onProgress'],
): Promise<void> {
  const cat = new CatFileSession(repo.gitDir);
  try {
    const entries = await cat.get(entryBlobs.map((b) => b ?? '0'.repeat(40)));
    for (let i = 0; i < commits.length; i++) {
      if (onProgress && i % PROGRESS_EVERY === 0) onProgress(i, commits.length);
      const c = commits[i]!;
      const root: BatchObject = { sha: c.tree, type: 'tree', data: roots[i]! };
      const entry = entryBlobs[i] ? entries[i] : undefined;
      const wait = checker.step({ commit: c, root, entry });
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
