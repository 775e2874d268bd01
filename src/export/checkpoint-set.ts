/**
 * Where an export of several shards stopped: one signed checkpoint per shard, each after a label
 * line naming its branch, so the file `shiplog export --all-shards` prints is what its `--since`
 * takes next time.
 *
 * ```
 * # shard shiplog/acme/api
 * shiplog/shiplog/acme/api
 * 12
 * <base64 head>
 *
 * — shiplog/shiplog/acme/api <signature>
 * # shard shiplog/acme/web
 * …
 * ```
 * A label can never be mistaken for a checkpoint line: it has spaces, and a checkpoint's origin,
 * size and head have none, its blank line is empty and its signature lines start with "—".
 * A file without label lines is one plain checkpoint (what `verify --since` takes).
 */
import { ShiplogError } from '../errors.ts';
import { parseCheckpoint } from '../ledger/checkpoint.ts';

const LABEL = '# shard ';

export type CheckpointSet =
  { labelled: false; text: string } | { labelled: true; shards: Map<string, string> };

function bad(source: string, why: string): never {
  throw new ShiplogError('BAD_INPUT', `${source}: ${why}`);
}

/** Parses a plain checkpoint or a labelled set; every checkpoint must parse. */
export function parseCheckpointSet(text: string, source: string): CheckpointSet {
  const lines = text.split('\n');
  if (!lines.some((l) => l.startsWith(LABEL))) {
    try {
      parseCheckpoint(text);
    } catch (e) {
      bad(source, (e as Error).message);
    }
    return { labelled: false, text };
  }
  const shards = new Map<string, string>();
  let branch: string | undefined;
  let body: string[] = [];
  const close = (): void => {
    if (branch === undefined) return;
    while (body.length && body[body.length - 1] === '') body.pop();
    const cp = body.join('\n') + '\n';
    try {
      parseCheckpoint(cp);
    } catch (e) {
      bad(source, `shard ${branch}: ${(e as Error).message}`);
    }
    shards.set(branch, cp);
  };
  for (const line of lines) {
    if (line.startsWith(LABEL)) {
      close();
      branch = line.slice(LABEL.length).trim();
      if (!branch || /\s/.test(branch)) bad(source, `label line "${line.slice(0, 80)}" names no branch`);
      if (shards.has(branch)) bad(source, `shard ${branch} is listed twice`);
      body = [];
    } else if (branch === undefined) {
      if (line.trim() !== '') bad(source, `text before the first "${LABEL.trim()}" line`);
    } else body.push(line);
  }
  close();
  return { labelled: true, shards };
}

/** The labelled set for these shards, in the order given. */
export function formatCheckpointSet(shards: Iterable<readonly [branch: string, checkpoint: string]>): string {
  let out = '';
  for (const [branch, cp] of shards) out += `${LABEL}${branch}\n${cp.endsWith('\n') ? cp : `${cp}\n`}`;
  return out;
}
