import { describe, expect, it } from 'vitest';
import { groupProblems, renderProblems } from '../../src/ledger/problem-groups.ts';
import type { Problem } from '../../src/ledger/verify.ts';

const sha = (i: number): string => i.toString(16).padStart(40, '0');
const wrongKey = (seq: number): Problem => ({
  check: 'signature',
  seq,
  commit: sha(seq + 1),
  file: 'entry.json',
  message: 'no signature by a trusted key (signed with keyid ec3c1f0a9b8d7e6f)',
});

describe('verify problems, grouped', () => {
  const many = Array.from({ length: 100_027 }, (_, i) => wrongKey(i));

  it('one group for 100,027 entries signed by an untrusted key, with the first five and the count', () => {
    const groups = groupProblems(many);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.count).toBe(100_027);
    expect(groups[0]!.first.map((p) => p.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(groups[0]!.summary).toBe(
      '100,027 entries are signed by keyid ec3c1f0a9b8d7e6f…, which is not among the trusted keys — did you pass the right --trusted-key?',
    );
  });

  it('the text says it in a few lines, and that --json lists every one', () => {
    const text = renderProblems(many, (rows) => rows.map((p) => `seq ${p.seq}`).join('\n'));
    const lines = text.split('\n');
    expect(lines).toHaveLength(1 + 5 + 1);
    expect(lines[0]).toMatch(/^100,027 entries are signed by keyid ec3c1f0a9b8d7e6f…/);
    expect(lines.at(-1)).toBe('  … and 100,022 more like these (--json lists every one)');
  });

  it('different keys, and different checks, are different groups; a lone problem reads as itself', () => {
    const other = {
      ...wrongKey(7),
      message: 'no signature by a trusted key (signed with keyid 0123456789abcdef)',
    };
    const prev: Problem = {
      check: 'prev',
      seq: 9,
      commit: sha(9),
      message: `prev is sha256:${'1'.repeat(64)} but the entry before it hashes to sha256:${'2'.repeat(64)}`,
    };
    const groups = groupProblems([...many.slice(0, 10), other, prev]);
    expect(groups.map((g) => [g.check, g.count])).toEqual([
      ['signature', 10],
      ['signature', 1],
      ['prev', 1],
    ]);
    expect(groups[2]!.summary).toBe(prev.message);
  });

  it('problems that differ only in seq, commit or hash are one group; a few of them stay a plain list', () => {
    const prevs: Problem[] = [3, 4, 5, 6, 7, 8].map((seq) => ({
      check: 'prev',
      seq,
      commit: sha(seq),
      message: `prev is sha256:${String(seq).repeat(64).slice(0, 64)} but the entry before it hashes to sha256:${'f'.repeat(64)}`,
    }));
    const groups = groupProblems(prevs);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.summary).toMatch(/^6 entries fail the prev check the same way, e\.g\. prev is/);
    const table = (rows: Problem[]) => rows.map((p) => `seq ${p.seq}`).join('\n');
    expect(renderProblems(prevs.slice(0, 3), table)).toBe('seq 3\nseq 4\nseq 5');
  });
});
