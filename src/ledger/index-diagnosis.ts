/**
 * Saying what is wrong with a commit whose index tree is not the one its entry implies. Verify
 * only compares tree ids on the fast path; for the rare commit that differs, this diffs it against
 * its parent and compares the changed index files line by line with the expected change.
 */
import { git } from './git.ts';
import type { ObjectReader } from './index-model.ts';
import {
  bucketDir,
  DEPLOYS_PATH,
  formatIndexLine,
  INDEX_DIR,
  parseIndexLine,
  parseSealedList,
  sealedLevel,
  segmentSeq,
  type IndexLine,
} from './layout.ts';
import type { Problem } from './verify.ts';

interface Change {
  status: string;
  path: string;
  oldBlob: string;
  newBlob: string;
}

const NULL_OID = '0'.repeat(40);

async function indexChanges(gitDir: string, parent: string | undefined, commit: string): Promise<Change[]> {
  const args = ['diff-tree', '-r', '--no-renames', '--no-abbrev', '-z', '--raw'];
  args.push(...(parent ? [parent, commit] : ['--root', commit]), '--', INDEX_DIR);
  const out = (await git(args, { gitDir })).stdout.toString('utf8').split('\0');
  const changes: Change[] = [];
  for (let i = 0; i + 1 < out.length; i += 2) {
    const meta = out[i]!.replace(/^[^:]*:/, '').split(' ');
    if (meta.length < 5) continue;
    changes.push({ oldBlob: meta[2]!, newBlob: meta[3]!, status: meta[4]!, path: out[i + 1]! });
  }
  return changes;
}

/** Is this a name the index format has at that place? */
function knownIndexPath(path: string): boolean {
  if (path === DEPLOYS_PATH) return true;
  const m = /^index\/[0-9a-f]\/[0-9a-f]\/([^/]+)$/.exec(path);
  return !!m && (segmentSeq(m[1]!) !== undefined || sealedLevel(m[1]!) !== undefined);
}

async function lines(reader: ObjectReader, oid: string): Promise<string[]> {
  if (oid === NULL_OID) return [];
  return (await reader.blob(oid)).toString('utf8').split('\n').filter(Boolean);
}

/** Differences between the line an entry implies and the line found, field by field. */
function lineDifferences(found: IndexLine | undefined, want: IndexLine): string {
  if (!found) return 'it does not parse as an index line';
  const fields: (keyof IndexLine)[] = ['commit', 'seq', 'hash', 'blob', 'type', 'environment', 'repository'];
  return fields
    .filter((f) => (found[f] ?? '') !== (want[f] ?? ''))
    .map(
      (f) =>
        `${f} is ${found[f] ?? '(none)'} but ${f === 'blob' ? "the entry's entry.json is" : 'the entry says'} ${want[f] ?? '(none)'}`,
    )
    .join('; ');
}

export async function diagnoseIndex(
  gitDir: string,
  m: { parent?: string; commit: string; line?: IndexLine },
  reader: ObjectReader,
): Promise<Problem[]> {
  const where = { commit: m.commit, seq: m.line?.seq };
  const short = m.commit.slice(0, 12);
  const problems: Problem[] = [];
  let changes: Change[];
  try {
    changes = await indexChanges(gitDir, m.parent, m.commit);
  } catch (e) {
    return [
      {
        check: 'index',
        ...where,
        message: `commit ${short}: its index could not be compared: ${(e as Error).message}`,
      },
    ];
  }
  if (!m.line) {
    return [
      {
        check: 'index',
        ...where,
        message: `commit ${short}: its index could not be checked (its entry is unreadable)`,
      },
    ];
  }
  const dir = `${bucketDir(m.line.commit)}/`;
  const want = formatIndexLine(m.line).trimEnd();
  const added: string[] = [];
  const removed: string[] = [];
  const sealedRefs = new Set<string>();
  for (const c of changes) {
    if (!knownIndexPath(c.path)) {
      problems.push({
        check: 'tree',
        ...where,
        file: c.path,
        message: `commit ${short} ${c.status === 'D' ? 'removes' : 'holds'} ${c.path}, which is no part of the ledger's index`,
      });
      continue;
    }
    if (c.path === DEPLOYS_PATH) continue;
    const name = c.path.slice(c.path.lastIndexOf('/') + 1);
    if (!c.path.startsWith(dir)) {
      problems.push({
        check: 'index',
        ...where,
        file: c.path,
        message: `commit ${short} changes ${c.path}, but its entry (seq ${m.line.seq}, commit ${m.line.commit.slice(0, 12)}) belongs in ${dir}`,
      });
      continue;
    }
    const before = await lines(reader, c.oldBlob);
    const after = await lines(reader, c.newBlob);
    if (sealedLevel(name) !== undefined) {
      const old = new Set(before);
      for (const l of after)
        if (!old.has(l)) for (const r of parseSealedList(l) ?? []) sealedRefs.add(r.blob);
      continue;
    }
    const count = new Map<string, number>();
    for (const l of before) count.set(l, (count.get(l) ?? 0) + 1);
    for (const l of after) {
      const n = count.get(l) ?? 0;
      if (n > 0) count.set(l, n - 1);
      else added.push(l);
    }
    // A segment that left the tree because it was sealed keeps its lines (in the sealed list).
    if (c.status === 'D' && sealedRefs.has(c.oldBlob)) continue;
    if (c.status === 'D') {
      const sealedLater = changes.some(
        (x) => sealedLevel(x.path.slice(x.path.lastIndexOf('/') + 1)) !== undefined,
      );
      if (sealedLater) continue;
    }
    for (const [l, n] of count) for (let i = 0; i < n; i++) removed.push(l);
  }
  if (removed.length) {
    const seqs = removed.map((l) => parseIndexLine(l)?.seq ?? '?').join(', ');
    problems.push({
      check: 'index',
      ...where,
      message: `commit ${short} changes or removes index lines recorded before it (seq ${seqs})`,
    });
  }
  const extra = added.filter((l) => l !== want);
  if (added.length !== 1 || extra.length) {
    if (added.length === 1) {
      problems.push({
        check: 'index',
        ...where,
        message: `commit ${short}: the index line for seq ${m.line.seq} is wrong: ${lineDifferences(parseIndexLine(extra[0]!), m.line)}`,
      });
    } else if (added.length !== 1 || !removed.length) {
      problems.push({
        check: 'index',
        ...where,
        message: `commit ${short} adds ${added.length} index lines; one entry adds exactly one${extra.length ? ` (also: seq ${extra.map((l) => parseIndexLine(l)?.seq ?? '?').join(', ')})` : ''}`,
      });
    }
  }
  if (problems.length === 0) {
    problems.push({
      check: 'index',
      ...where,
      message: `commit ${short}: the index is not its parent's index plus the line of seq ${m.line.seq}${changes.some((c) => c.path === DEPLOYS_PATH) || m.line.type === 'deploy' ? ` (${DEPLOYS_PATH} does not summarise the deploys the entries record)` : ''}`,
    });
  }
  return problems;
}
