/** The index model: segments seal at their cap, lists seal one level up, and tree ids are git's own. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IndexModel, type DeployChange, type ObjectReader } from '../../src/ledger/index-model.ts';
import {
  formatIndexLine,
  LIST_CAP,
  parseSealedList,
  SEGMENT_CAP,
  type IndexLine,
} from '../../src/ledger/layout.ts';

const line = (seq: number, commit = `ab${String(seq).padStart(38, '0')}`): IndexLine => ({
  commit,
  seq,
  hash: `sha256:${'1'.repeat(64)}`,
  blob: '2'.repeat(40),
  type: 'deploy',
  environment: 'production',
  repository: 'acme/web',
});

/** The files of a model's index after the steps, read from the objects the steps produced. */
function run(lines: IndexLine[], deploys?: (l: IndexLine) => DeployChange | undefined) {
  const m = IndexModel.empty();
  const objects = new Map<string, Buffer>();
  let tree = '';
  for (const l of lines) {
    const step = m.apply(l, deploys?.(l));
    for (const o of step.objects) objects.set(o.oid, o.content);
    tree = step.tree;
  }
  return { m, objects, tree };
}

describe('index model', () => {
  it('seals a segment when the next line would pass SEGMENT_CAP, keeping every line reachable', async () => {
    const perSegment = Math.floor(SEGMENT_CAP / Buffer.byteLength(formatIndexLine(line(0))));
    const count = perSegment * 3 + 5;
    const { m, objects } = run(Array.from({ length: count }, (_, i) => line(i)));
    const files = await m.bucketFiles('ab');
    expect(files.open?.first).toBe(perSegment * 3);
    const sealed = parseSealedList(objects.get(files.lists[0]!.oid)!.toString())!;
    expect(sealed.map((r) => [r.first, r.last])).toEqual([
      [0, perSegment - 1],
      [perSegment, 2 * perSegment - 1],
      [2 * perSegment, 3 * perSegment - 1],
    ]);
    for (const r of sealed) expect(objects.get(r.blob)!.length).toBeLessThanOrEqual(SEGMENT_CAP);
    const all = [
      ...sealed.map((r) => objects.get(r.blob)!.toString()),
      objects.get(files.open!.oid)!.toString(),
    ]
      .join('')
      .trimEnd()
      .split('\n');
    expect(all).toHaveLength(count);
  });

  it('seals a full list one level up instead of letting it grow', async () => {
    const perSegment = Math.floor(SEGMENT_CAP / Buffer.byteLength(formatIndexLine(line(0))));
    const refBytes = 40 + 3 + 2 * String(perSegment * 200).length;
    const segmentsPerList = Math.floor(LIST_CAP / refBytes);
    const count = perSegment * (segmentsPerList + 3);
    const { m, objects } = run(Array.from({ length: count }, (_, i) => line(i)));
    const files = await m.bucketFiles('ab');
    expect(files.lists.map((l) => l.level)).toEqual([2, 1]);
    for (const l of files.lists) expect(objects.get(l.oid)!.length).toBeLessThanOrEqual(LIST_CAP);
  });

  it('keeps the deploy in force per environment: success, rollback, failure', async () => {
    const change = (kind: DeployChange['kind']): DeployChange => ({
      repository: 'acme/web',
      environment: 'production',
      kind,
    });
    const kinds: DeployChange['kind'][] = ['success', 'success', 'other', 'rolled-back', 'success'];
    const lines = [
      line(0, 'a'.repeat(40)),
      line(1, 'b'.repeat(40)),
      line(2, 'c'.repeat(40)),
      line(3, 'b'.repeat(40)),
      line(4, 'a'.repeat(40)),
    ];
    const m = IndexModel.empty();
    const seen: string[][] = [];
    for (const [i, l] of lines.entries()) {
      m.apply(l, change(kinds[i]!));
      const [state] = await m.deployStatesNow();
      seen.push(state!.deploys.map((d) => d.commit[0]!));
    }
    expect(seen).toEqual([['a'], ['b', 'a'], ['b', 'a'], ['a'], ['a']]);
  });

  it('computes the tree ids git computes for the same files', async () => {
    const lines = Array.from({ length: 40 }, (_, i) =>
      line(i, `${((i * 37) % 256).toString(16).padStart(2, '0')}${'0'.repeat(38)}`),
    );
    const { tree, objects } = run(lines, (l) => ({
      repository: l.repository,
      environment: 'production',
      kind: 'success',
    }));
    const dir = mkdtempSync(join(tmpdir(), 'shiplog-tree-'));
    try {
      execFileSync('git', ['init', '--bare', '--quiet', dir]);
      const write = (type: string, content: Buffer): string =>
        execFileSync('git', ['hash-object', '-w', '-t', type, '--stdin', '--literally'], {
          cwd: dir,
          input: content,
        })
          .toString()
          .trim();
      for (const [oid, content] of objects) {
        const type = content.includes(0) ? 'tree' : 'blob';
        expect(write(type, content)).toBe(oid);
      }
      // git reads back what the model wrote and lists the tree it names.
      const listing = execFileSync('git', ['ls-tree', '-r', tree], { cwd: dir }).toString();
      expect(listing).toMatch(/100644 blob [0-9a-f]{40}\tdeploys\n/);
      expect(execFileSync('git', ['fsck', '--no-dangling'], { cwd: dir }).toString()).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads only what a step touches from an existing index', async () => {
    const { tree, objects } = run(Array.from({ length: 10 }, (_, i) => line(i, `${i}${i}${'0'.repeat(38)}`)));
    const read: string[] = [];
    const reader: ObjectReader = {
      tree: async (oid) => (read.push(oid), objects.get(oid)!),
      blob: async (oid) => (read.push(oid), objects.get(oid)!),
    };
    const m = await IndexModel.at(tree, reader);
    const next = line(10, `33${'1'.repeat(38)}`);
    await m.prepare(next);
    // the index tree, one shelf, one bucket and its open segment
    expect(read).toHaveLength(4);
    const fresh = run([...Array.from({ length: 10 }, (_, i) => line(i, `${i}${i}${'0'.repeat(38)}`)), next]);
    expect(m.apply(next).tree).toBe(fresh.tree);
  });
});
