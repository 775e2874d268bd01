/**
 * Exceptions as a spreadsheet for the auditor's working papers: one row per exception, RFC 4180
 * (CRLF, quoted where needed), through the report's formula neutralisation, since PR titles and
 * commit messages in `why` are written by whoever opened the pull request.
 */
import { csvCell } from '../report/csv.ts';
import type { AuditException } from './exceptions.ts';

export const AUDIT_CSV_COLUMNS = [
  'kind',
  'seq',
  'entry_hash',
  'timestamp',
  'environment',
  'repository',
  'commit',
  'shard',
  'pull_requests',
  'commits',
  'why',
] as const;

export function renderExceptionsCsv(exceptions: readonly AuditException[]): string {
  const rows = exceptions.map((x) => [
    x.kind,
    String(x.seq),
    x.hash,
    x.timestamp,
    x.environment ?? '',
    x.repository,
    x.commit,
    x.shard ?? '',
    (x.pull_requests ?? []).join(' '),
    (x.commits ?? []).join(' '),
    x.why,
  ]);
  return [[...AUDIT_CSV_COLUMNS], ...rows].map((cells) => cells.map(csvCell).join(',') + '\r\n').join('');
}
