/** The ledger as a spreadsheet: one row per entry, RFC 4180, safe to open in Excel or Sheets. */
import { toRow, type ReportEntry } from './model.ts';

export const CSV_COLUMNS = [
  'seq',
  'hash',
  'timestamp',
  'type',
  'environment',
  'repository',
  'commit',
  'actor',
  'approval_status',
  'approvers',
  'pr_number',
  'details_json',
] as const;

/** Oldest first, like the ledger itself; lines end in CRLF as RFC 4180 asks. */
export function renderCsv(entries: readonly ReportEntry[]): string {
  const sorted = [...entries].sort((a, b) => a.seq - b.seq);
  return csvHeaderLine() + sorted.map(csvRowLine).join('');
}

export function csvHeaderLine(): string {
  return CSV_COLUMNS.map(csvCell).join(',') + '\r\n';
}

/** One entry's row (streamed: the report's CSV is written as verify passes the entries). */
export function csvRowLine(e: ReportEntry): string {
  const r = toRow(e);
  return (
    [
      String(r.seq),
      r.hash,
      r.timestamp,
      r.type,
      r.environment ?? '',
      r.repository,
      r.commit,
      r.actor ?? '',
      r.badge.status,
      r.approvers.join(' '),
      r.pullRequest?.number === undefined ? '' : String(r.pullRequest.number),
      r.details === undefined ? '' : JSON.stringify(r.details),
    ]
      .map(csvCell)
      .join(',') + '\r\n'
  );
}

export function csvCell(value: string): string {
  const safe = neutraliseFormula(value);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * Spreadsheets run a cell starting with = + - @ as a formula (and some treat a leading tab or
 * CR the same way), so a branch name like `=HYPERLINK(...)` could act when an auditor opens the
 * file. A leading single quote makes the cell plain text.
 */
export function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
