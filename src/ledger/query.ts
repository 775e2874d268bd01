/**
 * Answers to "what happened to commit X?", read cold from the tip's index: by commit, one bucket's
 * segments and the matching entries; by environment or type, the newest segments of every bucket
 * until enough entries match. Queries decode but do not verify signatures: `verify` is what
 * establishes trust.
 */
import { ShiplogError } from '../errors.ts';
import type { Envelope } from './dsse.ts';
import { checkCommitPrefix, type IndexLine } from './layout.ts';
import {
  entriesForCommit,
  ledgerCommitOfSeq,
  lineForSeq,
  newestLines,
  newestLinesByWindow,
  readEntries,
  readEntryAt,
} from './lookup.ts';
import type { Statement } from './statement.ts';
import type { LedgerLocation } from './store.ts';
import { openTip } from './tip.ts';
import { sameName } from './names.ts';

export interface EntryView {
  seq: number;
  hash: string;
  /** Git blob id of the entry's entry.json (`git cat-file -p <blob>` shows it). */
  blob: string;
  statement: Statement;
  envelope: Envelope;
  ledgerCommit?: string;
}

export interface EntryFilter {
  commit?: string;
  environment?: string;
  type?: string;
  limit?: number;
}

export async function findEntries(location: LedgerLocation, filter: EntryFilter): Promise<EntryView[]> {
  const prefix = filter.commit ? checkCommitPrefix(filter.commit) : undefined;
  const view = await openTip(location);
  try {
    const keep = (l: IndexLine): boolean =>
      (!filter.environment || sameName(l.environment, filter.environment)) &&
      (!filter.type || l.type === filter.type);
    if (prefix) return await entriesForCommit(view, prefix, keep, filter.limit);
    return await readEntries(view, await newestLines(view, keep, filter.limit));
  } finally {
    view.close();
  }
}

/**
 * `log` without a commit: the newest entries that pass the filter, newest first, in pages, so the
 * whole ledger (`limit` 0) never sits in memory, neither its entries nor its index lines, and goes
 * out as it is read.
 */
export async function* streamEntries(
  location: LedgerLocation,
  filter: Omit<EntryFilter, 'commit' | 'limit'> & { limit: number },
): AsyncIterable<EntryView[]> {
  const view = await openTip(location);
  try {
    const keep = (l: IndexLine): boolean =>
      (!filter.environment || sameName(l.environment, filter.environment)) &&
      (!filter.type || l.type === filter.type);
    // Each window's entries come in one fetch; they are decoded in pages, the first small so a
    // terminal shows something at once, none over 500 entries so little is held at a time.
    let size = 100;
    const windows =
      filter.limit > 0 ? [await newestLines(view, keep, filter.limit)] : newestLinesByWindow(view, keep);
    for await (const lines of windows) {
      await view.objects.fetch(lines.map((l) => l.blob));
      for (let at = 0; at < lines.length; at += size, size = Math.min(size * 4, 500)) {
        yield await readEntries(view, lines.slice(at, at + size));
      }
    }
  } finally {
    view.close();
  }
}

export async function showEntry(location: LedgerLocation, ref: string): Promise<EntryView> {
  const bySeq = /^\d+$/.test(ref);
  const prefix = ref.toLowerCase().replace(/^sha256:/, '');
  if (!bySeq && !/^[0-9a-f]{6,64}$/.test(prefix)) {
    throw new ShiplogError(
      'USAGE',
      `"${ref}" is neither a seq number nor an entry hash (sha256:<hex>, at least 6 hex)`,
    );
  }
  const view = await openTip(location);
  try {
    let line: Pick<IndexLine, 'seq' | 'blob'> | undefined;
    if (bySeq) line = await lineForSeq(view, Number(ref));
    else {
      // A hash names no bucket: every line is read (the index only, never the history).
      const hits = (await newestLines(view, (l) => l.hash.slice('sha256:'.length).startsWith(prefix))).slice(
        0,
        2,
      );
      if (hits.length > 1)
        throw new ShiplogError('USAGE', `hash prefix "${ref}" matches several entries; give more digits`);
      line = hits[0];
    }
    if (!line) throw new ShiplogError('NOT_FOUND', `no ledger entry ${ref}`);
    const entry = await readEntryAt(view, line);
    return { ...entry, ledgerCommit: await ledgerCommitOfSeq(view.repo, view.tip, line.seq) };
  } finally {
    view.close();
  }
}
