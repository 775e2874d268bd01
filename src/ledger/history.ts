/**
 * Reads the ledger branch's commits oldest first along first parents (one git call): id, parents,
 * root tree and trailers. Trees are not diffed here: verify computes what each commit's index tree
 * must be and compares ids, which costs far less than asking git for per-commit diffs.
 */
import { StringDecoder } from 'node:string_decoder';
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

/** The first-parent history (the newest `max` commits when given), oldest first. */
export async function readHistory(
  gitDir: string,
  tip: string,
  opts: { max?: number } = {},
): Promise<HistoryCommit[]> {
  const commits: HistoryCommit[] = [];
  await streamHistory(gitDir, tip, (c) => commits.push(c), opts);
  return commits;
}

/**
 * The first-parent history oldest first, handed to `onCommit` as git prints it (`--reverse`: git
 * walks the history before the first line, in its own memory), so the caller need not hold it
 * all; parsed as it arrives, so the parse runs while git is still walking. Resolves with the
 * number of commits.
 */
export async function streamHistory(
  gitDir: string,
  tip: string,
  onCommit: (c: HistoryCommit) => void,
  opts: {
    /** Only the newest `max` commits (still oldest first). */
    max?: number;
    /** Asked after each piece of output: a promise holds git back until the caller caught up. */
    backPressure?: () => Promise<void> | undefined;
  } = {},
): Promise<number> {
  let count = 0;
  const parser = new HistoryParser((c) => {
    count++;
    onCommit(c);
  });
  const decoder = new StringDecoder('utf8');
  const args = ['log', '--first-parent', '--reverse', `--format=${FORMAT}`];
  if (opts.max !== undefined) args.push(`--max-count=${opts.max}`);
  await git([...args, tip, '--'], {
    gitDir,
    bulkOutput: true,
    onStdout: (chunk) => {
      parser.push(decoder.write(chunk));
      return opts.backPressure?.();
    },
  });
  parser.push(decoder.end());
  return count;
}

/** `git log` output in FORMAT, fed in pieces that may split a record anywhere. */
export class HistoryParser {
  readonly commits: HistoryCommit[] = [];
  private pending: string[] = [];
  private readonly sink: (c: HistoryCommit) => void;

  /** Each commit goes to `sink` as it is parsed; without one, into `commits`. */
  constructor(sink?: (c: HistoryCommit) => void) {
    this.sink = sink ?? ((c) => this.commits.push(c));
  }

  push(text: string): void {
    // A piece that ends no record is only kept: a huge commit message costs one join, not one
    // rescan per piece.
    if (!text.includes('\x03')) {
      if (text) this.pending.push(text);
      return;
    }
    const out = this.pending.join('') + text;
    this.pending = [out.slice(parseRecords(out, this.sink))];
  }
}

/**
 * A copy of `s` that holds its own characters. V8 makes a substring of a long string a view into
 * it, so one commit id kept per entry (verify keeps each) would keep its whole piece of `git log`
 * output alive: at 100k entries, all of it.
 */
function own(s: string): string {
  return Buffer.from(s, 'latin1').toString('latin1');
}

/** Hands every complete record in `out` to `sink`; returns where the unparsed rest starts. */
function parseRecords(out: string, sink: (c: HistoryCommit) => void): number {
  let pos = 0;
  // Every step moves `pos` forward, so malformed output can end the parse early but never loop.
  while (pos < out.length) {
    const start = out.indexOf('\x01', pos);
    if (start < 0) return out.length;
    const end = out.indexOf('\x03', start);
    if (end < 0) return start;
    const [head = '', tree = '', ...body] = out.slice(start + 1, end).split('\x02');
    const [sha = '', ...parents] = head.trim().split(' ').filter(Boolean).map(own);
    sink({ sha, parents, tree: own(tree.trim()), trailers: readTrailers(body.join('\x02')) });
    pos = end + 1;
  }
  return pos;
}

export function parseHistory(out: string): HistoryCommit[] {
  const commits: HistoryCommit[] = [];
  parseRecords(out, (c) => commits.push(c));
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
