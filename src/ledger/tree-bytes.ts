/**
 * A tree object kept serialized with its header, so a step that only changes a child's id patches
 * 20 bytes and hashes, instead of sorting and writing the whole tree again. Verify does this three
 * times per ledger entry.
 */
import { hash } from 'node:crypto';
import { serializeTree, type TreeEntry } from './git-objects.ts';

export class TreeBytes {
  private bytes: Buffer;
  private readonly headerLength: number;
  private readonly offsets = new Map<string, number>();

  constructor(entries: TreeEntry[]) {
    const content = serializeTree(entries);
    const header = Buffer.from(`tree ${content.length}\0`);
    this.headerLength = header.length;
    this.bytes = Buffer.concat([header, content]);
    // Each entry is "<mode> <name>\0<20-byte id>": find where every id sits.
    let pos = this.headerLength;
    while (pos < this.bytes.length) {
      const nul = this.bytes.indexOf(0, pos);
      const space = this.bytes.indexOf(0x20, pos);
      this.offsets.set(this.bytes.toString('utf8', space + 1, nul), nul + 1);
      pos = nul + 21;
    }
  }

  /** Sets the id of an existing entry; false when there is no entry of that name. */
  patch(name: string, oid: string): boolean {
    const at = this.offsets.get(name);
    if (at === undefined) return false;
    this.bytes.write(oid, at, 20, 'hex');
    return true;
  }

  oid(): string {
    return hash('sha1', this.bytes, 'hex');
  }

  /** A copy of the tree's content (the bytes are patched in place later). */
  content(): Buffer {
    return Buffer.from(this.bytes.subarray(this.headerLength));
  }
}
