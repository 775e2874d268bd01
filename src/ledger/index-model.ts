/**
 * The ledger's index as a pure function of its entries: given the index before an entry, the
 * index after it. Appends use it for one step (building on the tip), verify for every step (it
 * compares the tree ids it computes with the ones each commit really has), and the benchmark's bulk
 * builder to write a ledger of any size. Parts of the index are read from git only when a step
 * touches them, so a step costs the same at any ledger length.
 */
import { hash } from 'node:crypto';
import { ShiplogError } from '../errors.ts';
import { BLOB_MODE, objectId, parseTree, TREE_MODE, type TreeEntry } from './git-objects.ts';
import { TreeBytes } from './tree-bytes.ts';
import {
  DEPLOY_STACK,
  DEPLOYS_FILE,
  formatDeploys,
  formatIndexLine,
  formatSealedRef,
  INDEX_DIR,
  LIST_CAP,
  parseDeploys,
  parseIndexLine,
  parseSealedList,
  SEGMENT_CAP,
  sealedLevel,
  sealedName,
  segmentSeq,
  type DeployState,
  type IndexLine,
} from './layout.ts';

/** Reads git objects the model has not seen yet (the trees and blobs of the commit it starts on). */
export interface ObjectReader {
  tree(oid: string): Promise<Buffer>;
  blob(oid: string): Promise<Buffer>;
}

/** Where one bucket's lines are: its open segment and its sealed lists, highest level first. */
export interface BucketFiles {
  prefix: string;
  open?: { first: number; oid: string };
  lists: { level: number; oid: string }[];
}

/** A file a step wrote (content) or removed (no content), for writers that work by path. */
export interface FileChange {
  path: string;
  content?: Buffer;
}

export interface IndexStep {
  /** The new index tree id. */
  tree: string;
  objects: NewObject[];
  files: FileChange[];
}

/** A new git object a step produced. */
export interface NewObject {
  type: 'blob' | 'tree';
  oid: string;
  content: Buffer;
}

/** What an entry changes in the deploy summary (only successful and rolled-back deploys do). */
export interface DeployChange {
  repository: string;
  environment: string;
  /** `success` makes the commit the one in force; `rolled-back` withdraws it; `other` (a failed
   *  or started deploy) only makes the environment known. */
  kind: 'success' | 'rolled-back' | 'other';
}

interface Blob {
  oid: string;
  content?: Buffer;
  /**
   * For an open segment being appended to: a buffer with room to grow, the content at HEAD and the
   * git blob header written just before it, so each step appends a line and hashes without
   * copying the segment. Older `content` views stay valid: bytes already written never change.
   */
  backing?: Buffer;
}

const HEAD = 16;

/** A folder of the index: its tree id when known, its content once read (or built). */
interface Bucket {
  oid?: string;
  read: boolean;
  tree?: TreeBytes;
  /** The open segment: file name (the first seq it holds) and blob. */
  open?: { name: string; blob: Blob };
  /** Sealed lists by level (1 lists segments, 2 lists level-1 lists, …). */
  lists: Map<number, Blob>;
  /** Names that are no part of the format, kept as found (only when read tolerantly). */
  extras: TreeEntry[];
}

interface Shelf {
  oid?: string;
  read: boolean;
  tree?: TreeBytes;
  /** Buckets by the subject commit's second hex digit. */
  buckets: Map<string, Bucket>;
  extras: TreeEntry[];
}

const HEX = '0123456789abcdef';

function blobObject(content: Buffer): NewObject {
  return { type: 'blob', oid: objectId('blob', content), content };
}

function bad(path: string, why: string): never {
  throw new ShiplogError('BAD_INPUT', `ledger index ${path}: ${why} (run "shiplog verify")`);
}

export class IndexModel {
  private readonly shelves = new Map<string, Shelf>();
  private deploys?: Blob;
  private deployStates?: DeployState[];
  private extras: TreeEntry[] = [];
  private tree?: TreeBytes;

  private constructor(
    private readonly reader?: ObjectReader,
    /** Keep names that are no part of the format instead of refusing them (verify resyncs so). */
    private readonly tolerant = false,
  ) {}

  /** The index of an empty ledger. */
  static empty(): IndexModel {
    const m = new IndexModel();
    m.deployStates = [];
    return m;
  }

  /** The index held by the tree `indexTree` (undefined: none yet); parts are read when needed. */
  static async at(
    indexTree: string | undefined,
    reader: ObjectReader,
    opts: { tolerant?: boolean } = {},
  ): Promise<IndexModel> {
    const m = new IndexModel(reader, opts.tolerant);
    if (!indexTree) {
      m.deployStates = [];
      return m;
    }
    for (const e of parseTree(await reader.tree(indexTree))) {
      if (e.name === DEPLOYS_FILE && e.mode === BLOB_MODE) m.deploys = { oid: e.sha };
      else if (e.mode === TREE_MODE && e.name.length === 1 && HEX.includes(e.name))
        m.shelves.set(e.name, { oid: e.sha, read: false, buckets: new Map(), extras: [] });
      else m.extra(m.extras, `${INDEX_DIR}/${e.name}`, e, 'is not part of a shiplog index');
    }
    return m;
  }

  /** True when `apply(line, deploy)` can run without reading anything first. */
  ready(line: IndexLine, deploy?: DeployChange): boolean {
    const shelf = this.shelves.get(line.commit[0]!);
    if (shelf && !shelf.read) return false;
    const bucket = shelf?.buckets.get(line.commit[1]!);
    if (bucket && !bucket.read) return false;
    if (deploy && !this.deployStates) return false;
    const open = bucket?.open;
    if (!open) return true;
    if (!open.blob.content) return false;
    if (open.blob.content.length + Buffer.byteLength(formatIndexLine(line)) <= SEGMENT_CAP) return true;
    return [...bucket!.lists.values()].every((l) => l.content !== undefined);
  }

  private extra(into: TreeEntry[], path: string, e: TreeEntry, why: string): void {
    if (!this.tolerant) bad(path, why);
    into.push(e);
  }

  /** Blob ids a step for this commit (and deploy) may read, to fetch them in one round trip. */
  async wantedBlobs(commit: string, deploy?: DeployChange): Promise<string[]> {
    const bucket = await this.bucket(commit);
    const out: string[] = [];
    if (bucket.open && !bucket.open.blob.content) out.push(bucket.open.blob.oid);
    const list = bucket.lists.get(1);
    if (list && !list.content) out.push(list.oid);
    if (deploy && this.deploys && !this.deployStates) out.push(this.deploys.oid);
    return out;
  }

  /** The `index/deploys` blob, when the index has one (for prefetching with other objects). */
  deploysBlob(): string | undefined {
    return this.deploys?.oid;
  }

  /** Reads everything `apply(line, deploy)` will touch. */
  async prepare(line: IndexLine, deploy?: DeployChange): Promise<void> {
    const bucket = await this.bucket(line.commit);
    if (deploy) await this.deployState();
    if (!bucket.open) return;
    const open = await this.content(bucket.open.blob, `${bucketPath(line.commit)}/${bucket.open.name}`);
    if (open.length + Buffer.byteLength(formatIndexLine(line)) <= SEGMENT_CAP) return;
    // The step seals the open segment into the lists (a cascade reaches a level only past ~1.6M
    // entries, so reading every level there is cheap).
    for (const [level, list] of bucket.lists)
      await this.content(list, `${bucketPath(line.commit)}/${sealedName(level)}`);
  }

  /**
   * Adds one entry's line (and deploy change); returns the new index tree id and every object the
   * step created. Synchronous: what it touches must have been read first (`prepare`).
   */
  apply(line: IndexLine, deploy?: DeployChange, opts: { objects?: boolean } = {}): IndexStep {
    const record = opts.objects !== false;
    const objects: NewObject[] = [];
    const files: FileChange[] = [];
    const dir = bucketPath(line.commit);
    const h1 = line.commit[0]!;
    const h2 = line.commit[1]!;
    const newShelf = !this.shelves.has(h1);
    const shelf = this.shelfNow(h1);
    const newBucket = !shelf.buckets.has(h2) || !shelf.buckets.get(h2)!.oid;
    const bucket = this.bucketNow(shelf, h2);
    const text = Buffer.from(formatIndexLine(line));
    const open = bucket.open;
    let sameNames = !!open && !!bucket.tree;
    if (open && need(open.blob.content, 'open segment').length + text.length <= SEGMENT_CAP) {
      appendTo(open.blob, text);
      if (record) objects.push({ type: 'blob', oid: open.blob.oid, content: open.blob.content! });
      if (record) files.push({ path: `${dir}/${open.name}`, content: open.blob.content! });
    } else {
      sameNames = false;
      if (open) {
        for (const level of this.seal(bucket, open, objects))
          files.push({ path: `${dir}/${sealedName(level)}`, content: bucket.lists.get(level)!.content! });
        files.push({ path: `${dir}/${open.name}` });
      }
      const blob: Blob = { oid: '' };
      appendTo(blob, text);
      if (record) objects.push({ type: 'blob', oid: blob.oid, content: blob.content! });
      bucket.open = { name: String(line.seq), blob };
      files.push({ path: `${dir}/${line.seq}`, content: blob.content });
    }
    const hadDeploys = !!this.deploys;
    const deploysChanged = !!deploy && this.applyDeploy(line, deploy, objects);
    if (deploysChanged) files.push({ path: `${INDEX_DIR}/${DEPLOYS_FILE}`, content: this.deploys!.content });

    // Trees: patch the one changed id where the names stayed the same, else serialize anew.
    let bucketTree = bucket.tree;
    if (!(sameNames && bucketTree?.patch(bucket.open!.name, bucket.open!.blob.oid)))
      bucketTree = bucket.tree = new TreeBytes([...bucketEntries(bucket), ...bucket.extras]);
    bucket.oid = bucketTree!.oid();
    let shelfTree = shelf.tree;
    if (newBucket || !shelfTree?.patch(h2, bucket.oid)) {
      // Folders a read-only look created empty are not part of the tree.
      shelfTree = shelf.tree = new TreeBytes([
        ...[...shelf.buckets]
          .filter(([, b]) => !b.read || b.open || b.lists.size || b.extras.length)
          .map(([name, b]) => ({ mode: TREE_MODE, name, sha: b.oid! })),
        ...shelf.extras,
      ]);
    }
    shelf.oid = shelfTree.oid();
    let indexTree = this.tree;
    const patched =
      !newShelf &&
      !!indexTree?.patch(h1, shelf.oid) &&
      (!deploysChanged || (hadDeploys && indexTree.patch(DEPLOYS_FILE, this.deploys!.oid)));
    if (!patched) indexTree = this.tree = new TreeBytes(this.indexEntries());
    const tree = indexTree!.oid();
    if (record) {
      objects.push(
        { type: 'tree', oid: bucket.oid, content: bucketTree!.content() },
        { type: 'tree', oid: shelf.oid, content: shelfTree.content() },
        { type: 'tree', oid: tree, content: indexTree!.content() },
      );
    }
    return { tree, objects, files };
  }

  /** The deploys in force per (repository, environment), newest first. */
  async deployStatesNow(): Promise<DeployState[]> {
    return this.deployState();
  }

  /** The files of the bucket for subject commits starting with `prefix` (at least 2 hex digits). */
  async bucketFiles(prefix: string): Promise<BucketFiles> {
    const b = await this.bucket(prefix);
    return {
      prefix: prefix.slice(0, 2),
      open: b.open ? { first: Number(b.open.name), oid: b.open.blob.oid } : undefined,
      lists: [...b.lists]
        .map(([level, list]) => ({ level, oid: list.oid }))
        .sort((x, y) => y.level - x.level),
    };
  }

  /** The two-hex-digit prefixes that have a bucket. */
  async prefixes(): Promise<string[]> {
    const out: string[] = [];
    for (const h1 of [...this.shelves.keys()].sort()) {
      await this.bucket(`${h1}0`);
      // A folder read from git exists because it holds files; one made here may still be empty.
      for (const [h2, b] of this.shelves.get(h1)!.buckets)
        if (!b.read || b.open || b.lists.size) out.push(h1 + h2);
    }
    return out.sort();
  }

  /** Seals the open segment into the lists; returns the levels whose list changed. */
  private seal(bucket: Bucket, open: { name: string; blob: Blob }, objects: NewObject[]): number[] {
    const changed: number[] = [];
    const first = Number(open.name);
    const lines = open.blob.content!.toString('utf8').trimEnd().split('\n');
    const last = parseIndexLine(lines[lines.length - 1]!)?.seq ?? first;
    let ref = Buffer.from(formatSealedRef({ first, last, blob: open.blob.oid }));
    for (let level = 1; ; level++) {
      const list = bucket.lists.get(level);
      const content = list ? need(list.content, sealedName(level)) : Buffer.alloc(0);
      if (content.length === 0 || content.length + ref.length <= LIST_CAP) {
        const o = blobObject(Buffer.concat([content, ref]));
        objects.push(o);
        bucket.lists.set(level, { oid: o.oid, content: o.content });
        changed.push(level);
        return changed;
      }
      // This list is full: a new one starts with the reference, and the full one goes a level up.
      const refs = parseSealedList(content.toString('utf8'));
      if (!refs?.length) bad(sealedName(level), 'does not parse');
      const o = blobObject(ref);
      objects.push(o);
      bucket.lists.set(level, { oid: o.oid, content: o.content });
      changed.push(level);
      ref = Buffer.from(
        formatSealedRef({ first: refs[0]!.first, last: refs[refs.length - 1]!.last, blob: list!.oid }),
      );
    }
  }

  /** Updates index/deploys; false when the entry changes nothing there. */
  private applyDeploy(line: IndexLine, change: DeployChange, objects: NewObject[]): boolean {
    const states = need(this.deployStates, DEPLOYS_FILE);
    let state = states.find(
      (s) => s.repository === change.repository && s.environment === change.environment,
    );
    if (!state) {
      state = { repository: change.repository, environment: change.environment, deploys: [] };
      states.push(state);
    } else if (change.kind === 'other') return false;
    if (change.kind !== 'other') state.deploys = state.deploys.filter((d) => d.commit !== line.commit);
    if (change.kind === 'success') {
      state.deploys.unshift({ seq: line.seq, commit: line.commit, blob: line.blob });
      state.deploys.length = Math.min(state.deploys.length, DEPLOY_STACK);
    }
    const o = blobObject(Buffer.from(formatDeploys(states)));
    if (o.oid === this.deploys?.oid) return false;
    objects.push(o);
    this.deploys = { oid: o.oid, content: o.content };
    return true;
  }

  private indexEntries(): TreeEntry[] {
    const entries: TreeEntry[] = [...this.shelves]
      .filter(([, s]) => s.oid !== undefined)
      .map(([name, s]) => ({ mode: TREE_MODE, name, sha: s.oid! }));
    if (this.deploys) entries.push({ mode: BLOB_MODE, name: DEPLOYS_FILE, sha: this.deploys.oid });
    return [...entries, ...this.extras];
  }

  private shelfNow(h1: string): Shelf {
    let shelf = this.shelves.get(h1);
    if (!shelf) {
      shelf = { read: true, buckets: new Map(), extras: [] };
      this.shelves.set(h1, shelf);
    }
    if (!shelf.read) bad(`${INDEX_DIR}/${h1}`, 'was not read before the step');
    return shelf;
  }

  private bucketNow(shelf: Shelf, h2: string): Bucket {
    let bucket = shelf.buckets.get(h2);
    if (!bucket) {
      bucket = { read: true, lists: new Map(), extras: [] };
      shelf.buckets.set(h2, bucket);
    }
    if (!bucket.read) bad(`bucket ${h2}`, 'was not read before the step');
    return bucket;
  }

  private async bucket(commit: string): Promise<Bucket> {
    const h1 = commit[0]!;
    const h2 = commit[1]!;
    const known = this.shelves.get(h1);
    if (known && !known.read) {
      for (const e of parseTree(await this.reader!.tree(known.oid!))) {
        if (e.mode !== TREE_MODE || e.name.length !== 1 || !HEX.includes(e.name))
          this.extra(known.extras, `${INDEX_DIR}/${h1}/${e.name}`, e, 'is not a bucket folder');
        else known.buckets.set(e.name, { oid: e.sha, read: false, lists: new Map(), extras: [] });
      }
      known.read = true;
    }
    const shelf = this.shelfNow(h1);
    const b = shelf.buckets.get(h2);
    if (b && !b.read) {
      const dir = bucketPath(commit);
      for (const e of parseTree(await this.reader!.tree(b.oid!))) {
        const level = e.mode === BLOB_MODE ? sealedLevel(e.name) : undefined;
        if (level !== undefined) b.lists.set(level, { oid: e.sha });
        else if (e.mode === BLOB_MODE && segmentSeq(e.name) !== undefined && !b.open)
          b.open = { name: e.name, blob: { oid: e.sha } };
        else this.extra(b.extras, `${dir}/${e.name}`, e, 'is neither the open segment nor a sealed list');
      }
      b.read = true;
    }
    return this.bucketNow(shelf, h2);
  }

  private async content(blob: Blob, what: string): Promise<Buffer> {
    if (!blob.content) blob.content = await this.reader!.blob(blob.oid);
    if (!blob.content) bad(what, `blob ${blob.oid} is missing`);
    return blob.content;
  }

  private async deployState(): Promise<DeployState[]> {
    if (this.deployStates) return this.deployStates;
    if (!this.deploys) return (this.deployStates = []);
    const parsed = parseDeploys((await this.content(this.deploys, DEPLOYS_FILE)).toString('utf8'));
    if (!parsed) bad(DEPLOYS_FILE, 'does not parse');
    return (this.deployStates = parsed);
  }
}

/** Appends a line to a blob in its growable buffer and sets its content view and id. */
function appendTo(blob: Blob, line: Buffer): void {
  const old = blob.content ?? Buffer.alloc(0);
  const length = old.length + line.length;
  if (!blob.backing || HEAD + length > blob.backing.length) {
    const backing = Buffer.allocUnsafe(HEAD + Math.max(SEGMENT_CAP, length) + 256);
    old.copy(backing, HEAD);
    blob.backing = backing;
  }
  line.copy(blob.backing, HEAD + old.length);
  const header = `blob ${length}\0`;
  blob.backing.write(header, HEAD - header.length, 'latin1');
  blob.content = blob.backing.subarray(HEAD, HEAD + length);
  blob.oid = hash('sha1', blob.backing.subarray(HEAD - header.length, HEAD + length), 'hex');
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) bad(what, 'was not read before the step');
  return value;
}

function bucketPath(commit: string): string {
  return `${INDEX_DIR}/${commit[0]}/${commit[1]}`;
}

function bucketEntries(bucket: Bucket): TreeEntry[] {
  const entries: TreeEntry[] = [];
  if (bucket.open) entries.push({ mode: BLOB_MODE, name: bucket.open.name, sha: bucket.open.blob.oid });
  for (const [level, list] of bucket.lists)
    entries.push({ mode: BLOB_MODE, name: sealedName(level), sha: list.oid });
  return entries;
}
