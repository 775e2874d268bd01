/**
 * Which objects a cache already holds, answered from the object store's files. A partial clone's
 * git would fetch a missing object to answer that question (git 2.39 has no switch against it), and
 * one round trip per object is exactly what a cold reader must avoid: it fetches what is missing in
 * one batch instead.
 */
import { existsSync, openSync, readdirSync, readSync, closeSync, statSync } from 'node:fs';
import { join } from 'node:path';

const IDX_MAGIC = 0xff744f63; // "\377tOc", pack index version 2

/** Object ids in a pack index (v2): 8-byte header, 256 fan-out counts, then the sorted ids. */
class PackIndex {
  private constructor(
    private readonly ids: Buffer,
    private readonly fanout: Uint32Array,
  ) {}

  static read(file: string): PackIndex | undefined {
    const fd = openSync(file, 'r');
    try {
      const head = Buffer.alloc(8 + 256 * 4);
      if (readSync(fd, head, 0, head.length, 0) !== head.length) return undefined;
      if (head.readUInt32BE(0) !== IDX_MAGIC || head.readUInt32BE(4) !== 2) return undefined;
      const fanout = new Uint32Array(256);
      for (let i = 0; i < 256; i++) fanout[i] = head.readUInt32BE(8 + i * 4);
      const count = fanout[255]!;
      const ids = Buffer.alloc(count * 20);
      if (readSync(fd, ids, 0, ids.length, head.length) !== ids.length) return undefined;
      return new PackIndex(ids, fanout);
    } finally {
      closeSync(fd);
    }
  }

  has(oid: Buffer): boolean {
    let lo = oid[0] === 0 ? 0 : this.fanout[oid[0]! - 1]!;
    let hi = this.fanout[oid[0]!]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.ids.compare(oid, 0, 20, mid * 20, mid * 20 + 20);
      if (c === 0) return true;
      if (c > 0) hi = mid;
      else lo = mid + 1;
    }
    return false;
  }
}

// Pack indexes never change once written; keyed by path and size.
const indexes = new Map<string, PackIndex | undefined>();

function packIndexes(gitDir: string): PackIndex[] {
  const dir = join(gitDir, 'objects', 'pack');
  if (!existsSync(dir)) return [];
  const out: PackIndex[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.idx')) continue;
    const file = join(dir, name);
    const key = `${file}:${statSync(file).size}`;
    if (!indexes.has(key)) indexes.set(key, PackIndex.read(file));
    const idx = indexes.get(key);
    if (idx) out.push(idx);
  }
  return out;
}

/** The ids among `oids` that are neither loose objects nor in a pack of this repository. */
export function missingObjects(gitDir: string, oids: string[]): string[] {
  let packs: PackIndex[] | undefined;
  return oids.filter((oid) => {
    if (existsSync(join(gitDir, 'objects', oid.slice(0, 2), oid.slice(2)))) return false;
    packs ??= packIndexes(gitDir);
    const raw = Buffer.from(oid, 'hex');
    return !packs.some((p) => p.has(raw));
  });
}
