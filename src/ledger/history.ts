/**
 * Reads the ledger branch's commits oldest first along first parents (one git call): id, parents,
 * root tree and trailers. Trees are not diffed here: verify computes what each commit's index tree
 * must be and compares ids, which costs far less than asking git for per-commit diffs.
 */
import { ShiplogError } from '../errors.ts';
import { git } from './git.ts';
import { fetchObjects, fetchTip, openRepo, type LedgerLocation } from './store.ts';
import { readTrailers, type RawTrailers } from './ledger-commit.ts';

export interface HistoryCommit {
  sha: string;
  parents: string[];
  tree: string;
  trailers: RawTrailers;
}

// Messages are attacker-controlled text in a damaged ledger: the field separators are control
// bytes, and every parsed value is validated by the caller.
const FORMAT = '%x01%H %P%x02%T%x02%B%x03';

export async function readHistory(
  gitDir: string,
  tip: string,
  opts: { max?: number } = {},
): Promise<HistoryCommit[]> {
  const args = ['log', '--first-parent', `--format=${FORMAT}`];
  if (opts.max !== undefined) args.push(`--max-count=${opts.max}`);
  args.push(tip, '--');
  const r = await git(args, { gitDir, bulkOutput: true });
  return parseHistory(r.stdout.toString('utf8')).reverse();
}

export function parseHistory(out: string): HistoryCommit[] {
  const commits: HistoryCommit[] = [];
  let pos = 0;
  // Every step moves `pos` forward, so malformed output can end the parse early but never loop.
  while (pos < out.length) {
    const start = out.indexOf('\x01', pos);
    if (start < 0) break;
    const end = out.indexOf('\x03', start);
    if (end < 0) break;
    const [head = '', tree = '', ...body] = out.slice(start + 1, end).split('\x02');
    const [sha = '', ...parents] = head.trim().split(' ').filter(Boolean);
    commits.push({ sha, parents, tree: tree.trim(), trailers: readTrailers(body.join('\x02')) });
    pos = end + 1;
  }
  return commits;
}

/**
 * The commits in `before..after` of a ledger remote with their parent counts, read from a history
 * cache (for a mirror the app reads with git; on GitHub the compare API answers the same).
 */
export async function commitsBetween(
  location: LedgerLocation,
  before: string,
  after: string,
): Promise<{ sha: string; parents: number }[]> {
  if (![before, after].every((s) => /^[0-9a-f]{40}$/.test(s)))
    throw new ShiplogError('BAD_INPUT', 'commits must be 40-hex shas');
  const repo = await openRepo(location, 'history');
  await fetchTip(repo);
  // The tip may have moved on since the push: ask for exactly the pushed commit too.
  await fetchObjects(repo, [after]).catch(() => undefined);
  const r = await git(['rev-list', '--parents', `${before}..${after}`, '--'], { gitDir: repo.gitDir });
  return r.stdout
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [sha, ...parents] = l.split(' ');
      return { sha: sha!, parents: parents.length };
    });
}
