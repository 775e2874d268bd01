/**
 * Git's object formats (tree, commit, loose object files). Appends write their few new objects
 * straight into the object store instead of starting one git process per object.
 */
import { createHash, hash as cryptoHash, randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync, existsSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

export interface TreeEntry {
  mode: string;
  name: string;
  sha: string;
}

export const TREE_MODE = '40000';
export const BLOB_MODE = '100644';

export function parseTree(data: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let pos = 0;
  while (pos < data.length) {
    const sp = data.indexOf(0x20, pos);
    const nul = data.indexOf(0, sp);
    if (sp < 0 || nul < 0 || nul + 21 > data.length) throw new Error('malformed tree object');
    entries.push({
      mode: data.subarray(pos, sp).toString('latin1'),
      name: data.subarray(sp + 1, nul).toString('utf8'),
      sha: data.subarray(nul + 1, nul + 21).toString('hex'),
    });
    pos = nul + 21;
  }
  return entries;
}

/** Git orders tree entries by name, comparing a sub-tree's name as if it ended with "/". */
function sortKey(e: TreeEntry): string {
  return e.mode === TREE_MODE ? `${e.name}/` : e.name;
}

export function serializeTree(entries: Iterable<TreeEntry>): Buffer {
  const keyed = [...entries].map((e) => ({ e, key: sortKey(e) }));
  // Names here are nearly always ASCII, where string order is byte order; otherwise compare bytes.
  // eslint-disable-next-line no-control-regex -- "any ASCII byte" is the point
  const ascii = keyed.every((k) => /^[\x00-\x7f]*$/.test(k.key));
  keyed.sort(
    ascii
      ? (a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
      : (a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)),
  );
  let size = 0;
  const heads = keyed.map(({ e }) => {
    const head = Buffer.from(`${e.mode} ${e.name}\0`, 'utf8');
    size += head.length + 20;
    return head;
  });
  const out = Buffer.allocUnsafe(size);
  let pos = 0;
  keyed.forEach(({ e }, i) => {
    pos += heads[i]!.copy(out, pos);
    pos += out.write(e.sha, pos, 'hex');
  });
  return out;
}

export interface CommitFields {
  tree: string;
  parents: string[];
  author: { name: string; email: string; date: Date };
  /** Committer date when it differs from the author's (ledger commits: never before the parent's). */
  committerDate?: Date;
  message: string;
}

export function serializeCommit(c: CommitFields): Buffer {
  const ident = (d: Date): string =>
    `${c.author.name} <${c.author.email}> ${Math.floor(d.getTime() / 1000)} +0000`;
  const lines = [
    `tree ${c.tree}`,
    ...c.parents.map((p) => `parent ${p}`),
    `author ${ident(c.author.date)}`,
    `committer ${ident(c.committerDate ?? c.author.date)}`,
  ];
  return Buffer.from(`${lines.join('\n')}\n\n${c.message}`, 'utf8');
}

export function parseCommit(data: Buffer): {
  tree: string;
  parents: string[];
  message: string;
  /** Committer date, seconds since the epoch (undefined when unreadable). */
  committerTime?: number;
  /** Author date, seconds since the epoch: on a ledger commit, its entry's timestamp. */
  authorTime?: number;
} {
  const text = data.toString('utf8');
  const split = text.indexOf('\n\n');
  const header = split < 0 ? text : text.slice(0, split);
  const message = split < 0 ? '' : text.slice(split + 2);
  const tree = /^tree ([0-9a-f]{40})$/m.exec(header)?.[1];
  if (!tree) throw new Error('commit object has no tree');
  const parents = [...header.matchAll(/^parent ([0-9a-f]{40})$/gm)].map((m) => m[1]!);
  const when = /^committer .*> (\d{1,15}) [+-]\d{4}$/m.exec(header)?.[1];
  const authored = /^author .*> (\d{1,15}) [+-]\d{4}$/m.exec(header)?.[1];
  return {
    tree,
    parents,
    message,
    ...(when ? { committerTime: Number(when) } : {}),
    ...(authored ? { authorTime: Number(authored) } : {}),
  };
}

// Verify computes several object ids per ledger entry: the one-shot hash costs far less than a
// hash object for small inputs; a large blob is not copied just to join its header.
export function objectId(type: string, content: Buffer): string {
  const header = `${type} ${content.length}\0`;
  if (content.length <= 2048) return cryptoHash('sha1', Buffer.concat([Buffer.from(header), content]), 'hex');
  return createHash('sha1').update(header).update(content).digest('hex');
}

/** Writes one loose object (atomically, by rename) and returns its id. */
export function writeLooseObject(gitDir: string, type: 'blob' | 'tree' | 'commit', content: Buffer): string {
  const sha = objectId(type, content);
  const dir = join(gitDir, 'objects', sha.slice(0, 2));
  const file = join(dir, sha.slice(2));
  if (existsSync(file)) return sha;
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  writeFileSync(tmp, deflateSync(Buffer.concat([Buffer.from(`${type} ${content.length}\0`), content])));
  try {
    renameSync(tmp, file);
  } catch (e) {
    if (!existsSync(file)) throw e;
    unlinkSync(tmp);
  }
  return sha;
}
