/**
 * What the exporters work from: one verified ledger entry as the ledger hands it over. The export
 * side never reads git; whoever walks the ledger (and verified it) builds these.
 */
import type { Envelope } from '../ledger/dsse.ts';
import type { Statement } from '../ledger/statement.ts';

export interface ExportEntry {
  seq: number;
  /** "sha256:<hex>" entry hash: the stable event id every format and transport carries. */
  hash: string;
  /** The ledger git commit that added the entry, when the reader knows it. */
  ledgerCommit?: string;
  /** Hex keyid of the trusted key that signed it (found by verification, not the envelope's word). */
  keyid: string;
  statement: Statement;
  envelope: Envelope;
  /** The ledger branch, when several shards are exported together. */
  shard?: string;
}

/**
 * The entry's type as written. Typed as a string on purpose: newer writers add types (merge,
 * reconciliation, ...) before this reader knows them, and an export must not drop them.
 */
export function entryType(entry: ExportEntry): string {
  const t = (entry.statement.predicate as { type?: unknown }).type;
  return typeof t === 'string' && t !== '' ? t : 'unknown';
}

/** Milliseconds since the epoch of the entry's timestamp (the runner's clock), or undefined. */
export function entryTimeMs(entry: ExportEntry): number | undefined {
  const ms = Date.parse(entry.statement.predicate.timestamp);
  return Number.isNaN(ms) ? undefined : ms;
}
