/** Reads the ledger branch's commit history with the files each commit changed (one git call). */
import { git } from './git.ts';

export interface HistoryChange {
  status: string;
  path: string;
  oldBlob: string;
  newBlob: string;
}

export interface HistoryCommit {
  sha: string;
  parents: string[];
  seq?: string;
  entry?: string;
  origin?: string;
  changes: HistoryChange[];
}

// Trailer values are attacker-controlled text in a damaged ledger: the field separators are
// control bytes and every parsed value is validated by the caller.
const FORMAT =
  '%x01%H %P%x02%(trailers:key=Shiplog-Seq,valueonly,separator=%x1f)%x02' +
  '%(trailers:key=Shiplog-Entry,valueonly,separator=%x1f)%x02%(trailers:key=Shiplog-Origin,valueonly,separator=%x1f)%x03';

export async function readHistory(gitDir: string, tip: string): Promise<HistoryCommit[]> {
  const r = await git(
    [
      'log',
      '--reverse',
      '--root',
      '--raw',
      '--no-renames',
      '--no-abbrev',
      '-z',
      `--format=${FORMAT}`,
      tip,
      '--',
    ],
    { gitDir, bulkOutput: true },
  );
  return parseHistory(r.stdout.toString('utf8'));
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
    const [head = '', seq, entry, origin] = out.slice(start + 1, end).split('\x02');
    const [sha = '', ...parents] = head.trim().split(' ').filter(Boolean);
    const commit: HistoryCommit = {
      sha,
      parents,
      seq: seq?.trim() || undefined,
      entry: entry?.trim() || undefined,
      origin: origin?.trim() || undefined,
      changes: [],
    };
    // After the header: "\0\n" then raw records ":<mode> <mode> <old> <new> <status>\0<path>\0".
    pos = end + 1;
    while (pos < out.length && out[pos] !== '\x01') {
      if (out[pos] !== ':') {
        pos++;
        continue;
      }
      const nul = out.indexOf('\0', pos);
      if (nul < 0) {
        pos = out.length;
        break;
      }
      const pathEnd = out.indexOf('\0', nul + 1);
      const fields = out.slice(pos + 1, nul).split(' ');
      commit.changes.push({
        oldBlob: fields[2] ?? '',
        newBlob: fields[3] ?? '',
        status: fields[4] ?? '',
        path: out.slice(nul + 1, pathEnd < 0 ? out.length : pathEnd),
      });
      pos = pathEnd < 0 ? out.length : pathEnd + 1;
    }
    commits.push(commit);
  }
  return commits;
}
