/**
 * Answers to "what happened to commit X?": look-ups by commit use the index (only the matching
 * entries are opened); other filters read the entries. Queries decode but do not verify
 * signatures: `verify` is what establishes trust.
 */
import { ShiplogError } from '../errors.ts';
import type { Envelope } from './dsse.ts';
import {
  ledgerCommitOf,
  listEntryFiles,
  openForRead,
  readEntriesBySeq,
  readEntryFiles,
  seqsForCommit,
} from './read.ts';
import type { Statement } from './statement.ts';
import type { LedgerLocation } from './store.ts';

export interface EntryView {
  seq: number;
  hash: string;
  path: string;
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
  const snap = await openForRead(location);
  let entries: EntryView[];
  if (filter.commit) {
    const hits = await seqsForCommit(snap, filter.commit);
    entries = await readEntriesBySeq(snap, [...new Set(hits.map((h) => h.seq))]);
  } else {
    let files = (await listEntryFiles(snap)).sort((a, b) => (b.seq ?? -1) - (a.seq ?? -1));
    if (filter.limit && !filter.environment && !filter.type) files = files.slice(0, filter.limit);
    entries = await readEntryFiles(snap, files);
  }
  const out = entries
    .filter((e) => !filter.environment || e.statement.predicate.environment === filter.environment)
    .filter((e) => !filter.type || e.statement.predicate.type === filter.type)
    .sort((a, b) => b.seq - a.seq);
  return filter.limit ? out.slice(0, filter.limit) : out;
}

export async function showEntry(location: LedgerLocation, ref: string): Promise<EntryView> {
  const snap = await openForRead(location);
  let entry: EntryView | undefined;
  if (/^\d+$/.test(ref)) {
    [entry] = await readEntriesBySeq(snap, [Number(ref)]);
  } else {
    const prefix = ref.toLowerCase().replace(/^sha256:/, '');
    if (!/^[0-9a-f]{6,64}$/.test(prefix)) {
      throw new ShiplogError(
        'USAGE',
        `"${ref}" is neither a seq number nor an entry hash (sha256:<hex>, at least 6 hex)`,
      );
    }
    const all = await readEntryFiles(snap, await listEntryFiles(snap));
    const hits = all.filter((e) => e.hash.slice('sha256:'.length).startsWith(prefix));
    if (hits.length > 1)
      throw new ShiplogError(
        'USAGE',
        `hash prefix "${ref}" matches ${hits.length} entries; give more digits`,
      );
    entry = hits[0];
  }
  if (!entry) throw new ShiplogError('NOT_FOUND', `no ledger entry ${ref}`);
  return { ...entry, ledgerCommit: await ledgerCommitOf(snap, entry.seq) };
}
