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
  // "no" for an entry a verification problem names, or every entry when a problem names none.
  'verified',
] as const;

/** Oldest first, like the ledger itself; lines end in CRLF as RFC 4180 asks. */
export function renderCsv(
  entries: readonly ReportEntry[],
  damaged: { all: boolean; seqs: ReadonlySet<number> } = { all: false, seqs: new Set() },
): string {
  const rows = entries
    .map(toRow)
    .sort((a, b) => a.seq - b.seq)
    .map((r) => [
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
      damaged.all || damaged.seqs.has(r.seq) ? 'no' : 'yes',
    ]);
  return [[...CSV_COLUMNS], ...rows].map((cells) => cells.map(csvCell).join(',') + '\r\n').join('');
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
