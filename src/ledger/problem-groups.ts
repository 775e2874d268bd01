/**
 * Verify's problems summarised for people: identical problems (the same check saying the same thing
 * about different entries) become one group with a count and its first few instances. A wrong
 * trusted key makes every entry fail the same way; 100,000 identical lines hide that in noise.
 * Pure; `--json` output keeps every problem and does not use this.
 */
import type { Problem } from './verify.ts';

export interface ProblemGroup {
  check: Problem['check'];
  /** How many problems the group holds. */
  count: number;
  /** One sentence for the whole group (the problem's own message when it stands alone). */
  summary: string;
  /** The first few problems of the group, in the order verify reported them. */
  first: Problem[];
}

/** What makes two problems "the same": the check and its message without the per-entry details. */
function shapeOf(p: Problem): string {
  const message = p.message
    .replace(/sha256:[0-9a-f]{64}/g, 'sha256:#')
    .replace(/\b[0-9a-f]{40}\b/g, '#')
    .replace(/\bcommit [0-9a-f]{12}\b/g, 'commit #')
    .replace(/\b\d+\b/g, 'N');
  return `${p.check}\u0000${message}`;
}

const count = (n: number): string => n.toLocaleString('en-US');

function summarise(check: Problem['check'], problems: Problem[]): string {
  const first = problems[0]!;
  const n = problems.length;
  if (n === 1) return first.message;
  if (check === 'signature') {
    const keyids = /signed with keyid ([^)]*)\)/.exec(first.message)?.[1];
    if (keyids && keyids !== 'none')
      return `${count(n)} entries are signed by keyid ${keyids}…, which is not among the trusted keys — did you pass the right --trusted-key?`;
    return `${count(n)} entries carry no signature at all`;
  }
  const what = problems.every((p) => p.seq !== undefined) ? 'entries' : 'problems';
  return `${count(n)} ${what} fail the ${check} check the same way, e.g. ${first.message}`;
}

/** Groups `problems` (largest group first, ties in report order), keeping `keep` instances of each. */
export function groupProblems(problems: readonly Problem[], keep = 5): ProblemGroup[] {
  const groups = new Map<string, { check: Problem['check']; all: Problem[]; order: number }>();
  problems.forEach((p, i) => {
    const key = shapeOf(p);
    const g = groups.get(key);
    if (g) g.all.push(p);
    else groups.set(key, { check: p.check, all: [p], order: i });
  });
  return [...groups.values()]
    .sort((a, b) => b.all.length - a.all.length || a.order - b.order)
    .map((g) => ({
      check: g.check,
      count: g.all.length,
      summary: summarise(g.check, g.all),
      first: g.all.slice(0, keep),
    }));
}

/**
 * Text for a terminal: each group larger than `keep` as its summary line, its first `keep`
 * problems (as `table` lays them out) and how many more there are; every other problem as before,
 * in one table after them. A handful of problems therefore reads exactly as a plain list.
 */
export function renderProblems(
  problems: readonly Problem[],
  table: (rows: Problem[]) => string,
  keep = 5,
): string {
  const groups = groupProblems(problems, keep).filter((g) => g.count > keep);
  if (groups.length === 0) return table([...problems]);
  const big = new Set(groups.map((g) => shapeOf(g.first[0]!)));
  const rest = problems.filter((p) => !big.has(shapeOf(p)));
  const out: string[] = [];
  for (const g of groups) {
    out.push(g.summary);
    out.push(indent(table(g.first)));
    out.push(`  … and ${count(g.count - g.first.length)} more like these (--json lists every one)`);
  }
  if (rest.length)
    out.push(`${count(rest.length)} other ${rest.length === 1 ? 'problem' : 'problems'}:`, table(rest));
  return out.join('\n');
}

const indent = (text: string): string =>
  text
    .split('\n')
    .map((l) => (l ? `  ${l}` : l))
    .join('\n');
