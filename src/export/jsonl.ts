/**
 * JSON Lines: one object per entry, the decoded statement as signed plus where it sits in the
 * ledger. Nothing is renamed or dropped, so a consumer can re-derive anything the other formats show.
 */
import type { ExportEntry } from './entry.ts';

export interface JsonlRecord extends Record<string, unknown> {
  seq: number;
  entry_hash: string;
  /** null when the reader did not know the ledger commit: the column stays present either way. */
  ledger_commit: string | null;
  signer_keyid: string;
  shard?: string;
}

export function jsonlRecord(entry: ExportEntry): JsonlRecord {
  return {
    // The ledger's own fields come last so a statement field of the same name can never mask them.
    ...entry.statement,
    seq: entry.seq,
    entry_hash: entry.hash,
    ledger_commit: entry.ledgerCommit ?? null,
    signer_keyid: entry.keyid,
    ...(entry.shard !== undefined ? { shard: entry.shard } : {}),
  };
}

/** One line, no trailing newline: JSON.stringify escapes every control character, so it is one line. */
export function jsonlLine(entry: ExportEntry): string {
  return JSON.stringify(jsonlRecord(entry));
}

export function renderJsonl(entries: Iterable<ExportEntry>): string {
  let out = '';
  for (const e of entries) out += jsonlLine(e) + '\n';
  return out;
}
