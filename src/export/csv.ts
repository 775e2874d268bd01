/**
 * The export as a spreadsheet: one row per entry, RFC 4180 (CRLF, quoted where needed), every cell
 * passed through the report's formula neutralisation so a branch named `=HYPERLINK(...)` stays text.
 * The last column is the whole statement, so the sheet drops nothing the ledger signed.
 */
import { actorLogin, currentApprovers } from '../ledger/where.ts';
import { csvCell } from '../report/csv.ts';
import { entryType, type ExportEntry } from './entry.ts';

export const EXPORT_CSV_COLUMNS = [
  'seq',
  'entry_hash',
  'ledger_commit',
  'signer_keyid',
  'shard',
  'timestamp',
  'type',
  'repository',
  'commit',
  'environment',
  'branch',
  'actor',
  'approval_status',
  'approvers',
  'statement_json',
] as const;

export function exportCsvRow(e: ExportEntry): string[] {
  const p = e.statement.predicate;
  return [
    String(e.seq),
    e.hash,
    e.ledgerCommit ?? '',
    e.keyid,
    e.shard ?? '',
    p.timestamp,
    entryType(e),
    p.repository,
    p.commit,
    p.environment ?? '',
    p.branch ?? '',
    actorLogin(e.statement) ?? '',
    p.approval?.status ?? '',
    currentApprovers(e.statement).join(' '),
    JSON.stringify(e.statement),
  ];
}

export function csvLine(cells: readonly string[]): string {
  return cells.map(csvCell).join(',') + '\r\n';
}

export function csvHeader(): string {
  return csvLine(EXPORT_CSV_COLUMNS);
}

/** In the order given (the ledger's order); the header row first. */
export function renderExportCsv(entries: Iterable<ExportEntry>): string {
  let out = csvHeader();
  for (const e of entries) out += csvLine(exportCsvRow(e));
  return out;
}
