/**
 * The Merkle tree's stored hashes, in the ledger commit's tree under `tree/`, C2SP tlog-tiles
 * style (tiles of height 8: a tile at tile level L holds up to 256 consecutive hashes of tree level
 * 8L, raw 32-byte hashes concatenated):
 *
 *   tree/<L>/<T>          the partial tile of tile level L (T its tile index, 1–255 hashes)
 *   tree/<L>/<T-1>        the newest full tile of level L (256 hashes), until the next one fills
 *   tree/<L>/sealed       full tiles of level L, by blob id ("<T>\t<T>\t<blob>" lines), and
 *   tree/<L>/sealed-2…    full `sealed` lists one level up — the index's sealed-list format
 *   tree/entries/…        the entries by seq, like tlog-tiles' entry bundles but by reference: tile
 *                         T holds the 20-byte git blob ids of entries 256T… (their entry.json),
 *                         partial, newest full and sealed lists exactly as a hash level's
 *
 * The entry tiles let a prover go from a seq to its entry in two or three small reads, where the
 * index (by subject commit) would read one segment of every bucket (~1 MB at 100k entries).
 *
 * A tile that fills up is immutable: its blob id goes into `sealed`, and its root — a level-8(L+1)
 * hash — is appended to the partial tile one level up. It stays in the tip tree until the next
 * tile of its level fills: the commits that hold it are what makes its blob reachable, so a push
 * sends it and a prover can fetch it by id (git serves only reachable objects). So an append writes one partial tile (≤ 8160 bytes) and, one time in
 * 256, a list line or two; the tip tree holds two or three names per tile level (four levels at
 * 1M entries) whatever the ledger's length. The right edge an append needs (≤ log2 n + 1 hashes)
 * folds out of the partial tiles, which are all a cold append reads.
 *
 * `TileModel` is the model of that folder, used like the index's: appends apply one leaf on the
 * tip's tiles, verify applies every leaf and compares tree ids, proofs read stored hashes from it.
 */
import { hash as cryptoHash } from 'node:crypto';
import { ShiplogError } from '../../errors.ts';
import { BLOB_MODE, objectId, parseTree, TREE_MODE, type TreeEntry } from '../git-objects.ts';
import type { FileChange, NewObject, ObjectReader } from '../index-model.ts';
import {
  formatSealedRef,
  LIST_CAP,
  parseSealedList,
  sealedLevel,
  sealedName,
  type SealedRef,
} from '../layout.ts';
import { TreeBytes } from '../tree-bytes.ts';
import { EMPTY_ROOT, HASH_BYTES, nodeHash, rootFromEdge, type HashReader } from './merkle.ts';

export const TREE_DIR = 'tree';
/** The folder under tree/ that lists entry blobs by seq. */
export const ENTRIES_DIR = 'entries';
/** Bytes of one record of an entry tile: a raw SHA-1 git object id. */
const OID_BYTES = 20;
export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 2 ** TILE_HEIGHT;

interface Blob {
  oid: string;
  content?: Buffer;
  /** Growable buffer for a partial tile: the git blob header is written just before the content. */
  backing?: Buffer;
}

interface Level {
  /** The partial tile: its index and blob (absent when the level's hash count is a multiple of 256). */
  partial?: { index: number; blob: Blob };
  /** The newest full tile, held in the tree until the next one fills (absent below 256 hashes). */
  full?: { index: number; blob: Blob };
  /** Sealed lists by list level (1 lists tiles, 2 lists level-1 lists, …). */
  lists: Map<number, Blob>;
  tree?: TreeBytes;
  oid?: string;
}

function bad(what: string): never {
  throw new ShiplogError('BAD_INPUT', `ledger tree tiles: ${what} (run "shiplog verify")`);
}

/** Hashes of tree level 8L that exist in a tree of `size` leaves. */
function countAt(size: number, level: number): number {
  return Math.floor(size / TILE_WIDTH ** level);
}

/** The root of 2^k consecutive hashes of one level (an aligned complete subtree). */
function foldHashes(tile: Buffer, from: number, count: number): Buffer {
  let layer: Buffer[] = [];
  for (let i = 0; i < count; i++)
    layer.push(tile.subarray((from + i) * HASH_BYTES, (from + i + 1) * HASH_BYTES));
  while (layer.length > 1) {
    const up: Buffer[] = [];
    for (let i = 0; i < layer.length; i += 2) up.push(nodeHash(layer[i]!, layer[i + 1]!));
    layer = up;
  }
  return Buffer.from(layer[0]!);
}

export class TileModel {
  private readonly levels: Level[] = [];
  /** The entry tiles: one level of blob ids, kept like a hash level. */
  private entries: Level = { lists: new Map() };
  private dir?: TreeBytes;
  private dirOid?: string;
  private edge?: Buffer[];

  private constructor(
    /** Leaves in the tree. */
    private size: number,
    private readonly reader?: ObjectReader,
  ) {}

  static empty(): TileModel {
    const m = new TileModel(0);
    m.edge = [];
    return m;
  }

  /**
   * The tiles held by the folder `dirTree` for a tree of `size` leaves (undefined: an empty tree).
   * The folder's shape must be exactly what `size` implies; blobs are read when needed.
   */
  static async at(dirTree: string | undefined, size: number, reader: ObjectReader): Promise<TileModel> {
    const m = new TileModel(size, reader);
    if (size === 0) {
      if (dirTree) bad(`an empty ledger has no ${TREE_DIR}/ folder`);
      m.edge = [];
      return m;
    }
    if (!dirTree) bad(`no ${TREE_DIR}/ folder`);
    const names = parseTree(await reader.tree(dirTree));
    const folder = async (name: string, count: number): Promise<Level> => {
      const e = names.find((n) => n.name === name);
      if (!e || e.mode !== TREE_MODE) bad(`no ${TREE_DIR}/${name}/ folder for a tree of ${size}`);
      return readLevel(reader, e.sha, count, `${TREE_DIR}/${name}`);
    };
    for (let L = 0; countAt(size, L) > 0; L++) m.levels.push(await folder(String(L), countAt(size, L)));
    m.entries = await folder(ENTRIES_DIR, size);
    if (names.length !== m.levels.length + 1) bad(`unexpected names in ${TREE_DIR}/`);
    m.dirOid = dirTree;
    return m;
  }

  get treeSize(): number {
    return this.size;
  }

  /** The folder's tree id (undefined for an empty tree). */
  get treeId(): string | undefined {
    return this.dirOid;
  }

  /**
   * Blob ids the next `apply` (and `root`) may read, to fetch them in one round trip; with `every`,
   * what any number of later applies may read (the sealed lists too).
   */
  wantedBlobs(opts: { every?: boolean } = {}): string[] {
    const out: string[] = [];
    const want = (level: Level, count: number): void => {
      if (level.partial && !level.partial.blob.content) out.push(level.partial.blob.oid);
      if (opts.every || count % TILE_WIDTH === TILE_WIDTH - 1) {
        const list = level.lists.get(1);
        if (list && !list.content) out.push(list.oid);
      }
    };
    for (const [L, level] of this.levels.entries()) want(level, countAt(this.size, L));
    want(this.entries, this.size);
    return out;
  }

  /**
   * Every blob the folder names (partial and newest full tiles, sealed lists): what a proof about
   * recent entries reads, so a caller can fetch it with other objects in one round trip.
   */
  heldBlobs(which: 'all' | 'entries' = 'all'): string[] {
    const out: string[] = [];
    for (const level of which === 'all' ? [...this.levels, this.entries] : [this.entries]) {
      if (level.partial) out.push(level.partial.blob.oid);
      if (level.full) out.push(level.full.blob.oid);
      for (const list of level.lists.values()) out.push(list.oid);
    }
    return out;
  }

  /** Reads everything `apply` and `root` will touch; with `every`, for any number of applies. */
  async prepare(opts: { every?: boolean } = {}): Promise<void> {
    const read = async (level: Level, count: number): Promise<void> => {
      if (level.partial) await this.content(level.partial.blob);
      if (opts.every || count % TILE_WIDTH === TILE_WIDTH - 1)
        for (const list of level.lists.values()) await this.content(list);
    };
    for (const [L, level] of this.levels.entries()) await read(level, countAt(this.size, L));
    await read(this.entries, this.size);
    const partial = this.entries.partial?.blob.content;
    if (partial && partial.length !== (this.size % TILE_WIDTH) * OID_BYTES)
      bad(`${TREE_DIR}/${ENTRIES_DIR}/${this.entries.partial!.index} holds ${partial.length} bytes`);
    this.edge ??= this.edgeFromTiles();
  }

  /** A copy of the tree's right edge (after `prepare`). */
  rightEdge(): Buffer[] {
    if (!this.edge) this.edge = this.edgeFromTiles();
    return this.edge.slice();
  }

  /** The Merkle root of the tree as it stands (after `prepare`). */
  root(): Buffer {
    if (!this.edge) this.edge = this.edgeFromTiles();
    return rootFromEdge(this.edge, this.size);
  }

  /** The right edge: for each tile level from the top, the complete subtrees of its partial tile. */
  private edgeFromTiles(): Buffer[] {
    const edge: Buffer[] = [];
    for (let L = this.levels.length - 1; L >= 0; L--) {
      const partial = this.levels[L]!.partial;
      if (!partial) continue;
      const tile = need(partial.blob.content, `${TREE_DIR}/${L}/${partial.index}`);
      const width = tile.length / HASH_BYTES;
      if (width !== countAt(this.size, L) % TILE_WIDTH)
        bad(`${TREE_DIR}/${L}/${partial.index} holds ${width} hashes`);
      let at = 0;
      for (let b = TILE_HEIGHT - 1; b >= 0; b--) {
        if (width & (1 << b)) {
          edge.push(foldHashes(tile, at, 1 << b));
          at += 1 << b;
        }
      }
    }
    return edge;
  }

  /**
   * Adds leaf `size`; returns the new folder's tree id and the objects the step made (unless
   * `objects: false`, for verify, which only compares ids). Synchronous: `prepare` first.
   */
  apply(
    leaf: Buffer,
    /** The git blob id of the entry's entry.json, for the entry tiles. */
    entryBlob: string,
    opts: { objects?: boolean } = {},
  ): { tree: string; objects: NewObject[]; files: FileChange[]; root: Buffer } {
    const record = opts.objects !== false;
    const objects: NewObject[] = [];
    const files: FileChange[] = [];
    const edge = this.edge ?? (this.edge = this.edgeFromTiles());
    // The edge first: the new root never depends on the stored tiles being right.
    let carry = leaf;
    let rest = this.size;
    while (rest % 2 === 1) {
      carry = nodeHash(edge.pop()!, carry);
      rest = Math.floor(rest / 2);
    }
    edge.push(carry);

    let hash = leaf;
    let sameNames = true;
    const changed: number[] = [];
    for (let L = 0; ; L++) {
      const count = countAt(this.size, L);
      let level = this.levels[L];
      if (!level) {
        level = { lists: new Map() };
        this.levels.push(level);
        sameNames = false;
      }
      changed.push(L);
      const step = this.pushRecord(level, count, hash, TILE_WIDTH * HASH_BYTES, `${TREE_DIR}/${L}`, {
        record,
        objects,
        files,
      });
      if (step.renamed) sameNames = false;
      if (!step.filled) break;
      // A full tile's root goes one level up.
      hash = foldHashes(step.filled, 0, TILE_WIDTH);
    }
    const entriesRenamed = this.stepEntries(entryBlob, record, objects, files);
    this.size += 1;

    for (const L of changed) this.retree(this.levels[L]!, sameNames, record, objects);
    if (!(
      sameNames &&
      !entriesRenamed &&
      this.dir?.patch('0', this.levels[0]!.oid!) &&
      this.dir.patch(ENTRIES_DIR, this.entries.oid!)
    ))
      this.dir = new TreeBytes([
        ...this.levels.map((l, L) => ({ mode: TREE_MODE, name: String(L), sha: l.oid! })),
        { mode: TREE_MODE, name: ENTRIES_DIR, sha: this.entries.oid! },
      ]);
    this.dirOid = this.dir.oid();
    if (record) objects.push({ type: 'tree', oid: this.dirOid, content: this.dir.content() });
    return { tree: this.dirOid, objects, files, root: rootFromEdge(edge, this.size) };
  }

  /**
   * Adds entry `size`'s blob id to the entry tiles (sealing a full tile as a hash level does);
   * returns whether a name in tree/entries/ changed (so the folder is rebuilt, not patched).
   */
  private stepEntries(
    entryBlob: string,
    record: boolean,
    objects: NewObject[],
    files: FileChange[],
  ): boolean {
    if (!/^[0-9a-f]{40}$/.test(entryBlob)) bad(`"${entryBlob}" is not an entry blob id`);
    const dir = `${TREE_DIR}/${ENTRIES_DIR}`;
    const { renamed } = this.pushRecord(
      this.entries,
      this.size,
      Buffer.from(entryBlob, 'hex'),
      TILE_WIDTH * OID_BYTES,
      dir,
      {
        record,
        objects,
        files,
      },
    );
    this.retree(this.entries, !renamed, record, objects);
    return renamed;
  }

  /**
   * Appends one record to a level's partial tile (opening one when none is open). A tile that
   * fills is immutable: it becomes the level's newest full tile, kept in the tree (so its blob is
   * reachable) in place of the previous one, and is listed by blob id in the sealed lists. Returns
   * whether the level's names changed, and the full tile's content when one filled.
   */
  private pushRecord(
    level: Level,
    count: number,
    rec: Buffer,
    capacity: number,
    dir: string,
    out: { record: boolean; objects: NewObject[]; files: FileChange[] },
  ): { renamed: boolean; filled?: Buffer } {
    let renamed = false;
    if (!level.partial) {
      level.partial = { index: Math.floor(count / TILE_WIDTH), blob: { oid: '' } };
      renamed = true;
    }
    const { index, blob } = level.partial;
    need(blob.content ?? (count % TILE_WIDTH === 0 ? Buffer.alloc(0) : undefined), dir);
    appendRecord(blob, rec, capacity);
    if (out.record) {
      const content = Buffer.from(blob.content!);
      out.objects.push({ type: 'blob', oid: blob.oid, content });
      out.files.push({ path: `${dir}/${index}`, content });
    }
    if (blob.content!.length < capacity) return { renamed };
    if (out.record && level.full) out.files.push({ path: `${dir}/${level.full.index}` });
    level.full = { index, blob: { oid: blob.oid } };
    for (const n of this.seal(level, { first: index, last: index, blob: blob.oid }, out.objects))
      if (out.record)
        out.files.push({ path: `${dir}/${sealedName(n)}`, content: level.lists.get(n)!.content! });
    level.partial = undefined;
    return { renamed: true, filled: blob.content! };
  }

  /** A changed level's tree: its partial tile's id patched in place when no name changed. */
  private retree(level: Level, sameNames: boolean, record: boolean, objects: NewObject[]): void {
    const name = level.partial ? String(level.partial.index) : undefined;
    if (!(sameNames && name && level.tree?.patch(name, level.partial!.blob.oid)))
      level.tree = new TreeBytes(levelEntries(level));
    level.oid = level.tree.oid();
    if (record) objects.push({ type: 'tree', oid: level.oid, content: level.tree.content() });
  }

  /** The git blob id of entry `seq`'s entry.json, from the entry tiles (reading sealed lists as needed). */
  async entryBlob(seq: number): Promise<string> {
    if (!Number.isSafeInteger(seq) || seq < 0 || seq >= this.size)
      bad(`no entry ${seq} in a tree of ${this.size}`);
    const T = Math.floor(seq / TILE_WIDTH);
    const path = `${TREE_DIR}/${ENTRIES_DIR}/${T}`;
    const tile =
      this.entries.partial?.index === T
        ? await this.content(this.entries.partial.blob)
        : await this.reader!.blob(await this.entryTileOid(seq));
    if (this.entries.partial?.index !== T && tile.length !== TILE_WIDTH * OID_BYTES)
      bad(`full tile ${path} holds ${tile.length} bytes`);
    const at = (seq % TILE_WIDTH) * OID_BYTES;
    if (tile.length < at + OID_BYTES) bad(`${path} is short`);
    return tile.subarray(at, at + OID_BYTES).toString('hex');
  }

  /** The blob id of the entry tile holding `seq`. */
  private entryTileOid(seq: number): Promise<string> {
    return this.findTile(this.entries, Math.floor(seq / TILE_WIDTH), `${TREE_DIR}/${ENTRIES_DIR}`);
  }

  /** Appends a ref to the level's sealed lists, sealing full lists one level up; returns the lists changed. */
  private seal(level: Level, ref: SealedRef, objects: NewObject[]): number[] {
    const changed: number[] = [];
    let line = Buffer.from(formatSealedRef(ref));
    for (let n = 1; ; n++) {
      const list = level.lists.get(n);
      const content = list ? need(list.content, sealedName(n)) : Buffer.alloc(0);
      if (content.length === 0 || content.length + line.length <= LIST_CAP) {
        const data = Buffer.concat([content, line]);
        const oid = objectId('blob', data);
        objects.push({ type: 'blob', oid, content: data });
        level.lists.set(n, { oid, content: data });
        changed.push(n);
        return changed;
      }
      const refs = parseSealedList(content.toString('utf8'));
      if (!refs?.length) bad(`${sealedName(n)} does not parse`);
      const oid = objectId('blob', line);
      objects.push({ type: 'blob', oid, content: line });
      level.lists.set(n, { oid, content: line });
      changed.push(n);
      line = Buffer.from(
        formatSealedRef({ first: refs[0]!.first, last: refs[refs.length - 1]!.last, blob: list!.oid }),
      );
    }
  }

  /**
   * Stored hashes for proofs over the tree as it stands: a complete subtree is folded out of the one
   * tile that holds its level's hashes, found by blob id through the sealed lists.
   */
  hashReader(): HashReader {
    return {
      hash: async (level, index) => {
        const L = Math.floor(level / TILE_HEIGHT);
        const width = 2 ** (level - L * TILE_HEIGHT);
        const first = index * width;
        const tile = await this.tile(L, Math.floor(first / TILE_WIDTH));
        const at = first % TILE_WIDTH;
        if ((at + width) * HASH_BYTES > tile.length)
          bad(`tile ${L}/${Math.floor(first / TILE_WIDTH)} is short`);
        return foldHashes(tile, at, width);
      },
    };
  }

  /** The blob id of tile T of level L (reading sealed lists as needed). */
  private async tileOid(L: number, T: number): Promise<string> {
    const level = this.levels[L];
    if (!level) bad(`no tile level ${L}`);
    return this.findTile(level, T, `${TREE_DIR}/${L}`);
  }

  private async findTile(level: Level, T: number, path: string): Promise<string> {
    return (await this.findTiles([{ level, T, path }]))[0]!;
  }

  /**
   * Blob ids of tiles, found through the sealed lists. Lists nest (the newest refs are in level 1;
   * each higher list holds full lower lists), so a tile in a list of level n takes n - 1 more list
   * reads; with `fetch`, the lists every wanted tile needs at one depth come in one round trip.
   */
  private async findTiles(
    wants: { level: Level; T: number; path: string }[],
    fetch?: (oids: string[]) => Promise<void>,
  ): Promise<string[]> {
    const out: string[] = [];
    let pending: { at: number; blob: string; down: number; T: number; path: string }[] = [];
    for (const [at, { level, T, path }] of wants.entries()) {
      if (level.partial?.index === T) out[at] = level.partial.blob.oid;
      else if (level.full?.index === T) out[at] = level.full.blob.oid;
      else {
        const hit = await this.listed(level, T, path);
        if (hit.down === 0) out[at] = hit.blob;
        else pending.push({ at, T, path, ...hit });
      }
    }
    while (pending.length) {
      await fetch?.(pending.map((p) => p.blob));
      const next: typeof pending = [];
      for (const p of pending) {
        const inner = parseSealedList((await this.reader!.blob(p.blob)).toString('utf8'));
        const ref = inner?.find((r) => r.first <= p.T && p.T <= r.last);
        if (!ref) bad(`tile ${p.path}/${p.T} is not in its sealed list`);
        if (p.down === 1) out[p.at] = ref.blob;
        else next.push({ ...p, blob: ref.blob, down: p.down - 1 });
      }
      pending = next;
    }
    return out;
  }

  /** The ref of the top-level list entry covering tile T, and how many list levels lie below it. */
  private async listed(level: Level, T: number, path: string): Promise<{ blob: string; down: number }> {
    const top = Math.max(0, ...level.lists.keys());
    for (let n = 1; n <= top; n++) {
      const list = level.lists.get(n);
      if (!list) continue;
      const refs = parseSealedList((await this.content(list)).toString('utf8'));
      if (!refs) bad(`${path}/${sealedName(n)} does not parse`);
      const hit = refs.find((r) => r.first <= T && T <= r.last);
      if (hit) return { blob: hit.blob, down: n - 1 };
    }
    bad(`tile ${path}/${T} is not listed`);
  }

  /**
   * The blobs a proof over these hash coordinates reads, and the entry tiles of these seqs, with
   * the sealed lists they need fetched on the way (one round trip per list depth for all).
   */
  async tilesFor(
    coords: [number, number][],
    entrySeqs: number[],
    fetch: (oids: string[]) => Promise<void>,
  ): Promise<string[]> {
    const wants: { level: Level; T: number; path: string }[] = [];
    for (const [level, index] of coords) {
      const L = Math.floor(level / TILE_HEIGHT);
      const T = Math.floor((index * 2 ** (level - L * TILE_HEIGHT)) / TILE_WIDTH);
      const at = this.levels[L];
      if (!at) bad(`no tile level ${L}`);
      wants.push({ level: at, T, path: `${TREE_DIR}/${L}` });
    }
    for (const seq of entrySeqs)
      wants.push({
        level: this.entries,
        T: Math.floor(seq / TILE_WIDTH),
        path: `${TREE_DIR}/${ENTRIES_DIR}`,
      });
    return [...new Set(await this.findTiles(wants, fetch))];
  }

  private async tile(L: number, T: number): Promise<Buffer> {
    const level = this.levels[L];
    if (level?.partial?.index === T) return this.content(level.partial.blob);
    const oid = await this.tileOid(L, T);
    const tile = await this.reader!.blob(oid);
    if (tile.length !== TILE_WIDTH * HASH_BYTES) bad(`full tile ${L}/${T} holds ${tile.length} bytes`);
    return tile;
  }

  private async content(blob: Blob): Promise<Buffer> {
    if (!blob.content) {
      if (!this.reader) bad(`blob ${blob.oid} was not read`);
      blob.content = await this.reader.blob(blob.oid);
    }
    return blob.content;
  }
}

/** The root of an empty tree, for callers that hold no model. */
export const EMPTY_TREE_ROOT = EMPTY_ROOT;

/** A folder of tiles (a hash level, or the entry tiles) holding `count` records, checked for shape. */
async function readLevel(reader: ObjectReader, sha: string, count: number, path: string): Promise<Level> {
  const level: Level = { lists: new Map(), oid: sha };
  const partialIndex = Math.floor(count / TILE_WIDTH);
  for (const f of parseTree(await reader.tree(sha))) {
    const list = f.mode === BLOB_MODE ? sealedLevel(f.name) : undefined;
    if (list !== undefined) level.lists.set(list, { oid: f.sha });
    else if (f.mode === BLOB_MODE && f.name === String(partialIndex) && count % TILE_WIDTH !== 0)
      level.partial = { index: partialIndex, blob: { oid: f.sha } };
    else if (f.mode === BLOB_MODE && f.name === String(partialIndex - 1))
      level.full = { index: partialIndex - 1, blob: { oid: f.sha } };
    else bad(`unexpected ${path}/${f.name}`);
  }
  if (count % TILE_WIDTH !== 0 && !level.partial) bad(`no partial tile ${path}/${partialIndex}`);
  if (count >= TILE_WIDTH && !level.full) bad(`no full tile ${path}/${partialIndex - 1}`);
  if (count >= TILE_WIDTH && !level.lists.has(1)) bad(`no ${path}/sealed`);
  return level;
}

function levelEntries(level: Level): TreeEntry[] {
  const entries: TreeEntry[] = [];
  if (level.full) entries.push({ mode: BLOB_MODE, name: String(level.full.index), sha: level.full.blob.oid });
  if (level.partial)
    entries.push({ mode: BLOB_MODE, name: String(level.partial.index), sha: level.partial.blob.oid });
  for (const [n, list] of level.lists) entries.push({ mode: BLOB_MODE, name: sealedName(n), sha: list.oid });
  return entries;
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) bad(`${what} was not read before the step`);
  return value;
}

const HEAD = 16;

/** Appends a record to a partial tile in its growable buffer and sets its content view and blob id. */
function appendRecord(blob: Blob, h: Buffer, capacity: number): void {
  const old = blob.content ?? Buffer.alloc(0);
  const length = old.length + h.length;
  if (!blob.backing || HEAD + length > blob.backing.length) {
    const backing = Buffer.allocUnsafe(HEAD + capacity);
    old.copy(backing, HEAD);
    blob.backing = backing;
  } else if (blob.content && blob.content.buffer !== blob.backing.buffer) {
    old.copy(blob.backing, HEAD);
  }
  h.copy(blob.backing, HEAD + old.length);
  const header = `blob ${length}\0`;
  blob.backing.write(header, HEAD - header.length, 'latin1');
  blob.content = blob.backing.subarray(HEAD, HEAD + length);
  blob.oid = cryptoHash('sha1', blob.backing.subarray(HEAD - header.length, HEAD + length), 'hex');
}
