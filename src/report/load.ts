/**
 * What a report is made of: a verification of the ledger and the entries that very pass read, so
 * the page never shows an entry the verdict at its top did not cover, and the ledger is read once.
 * Several shards are verified each as its own chain and shown together, ordered by time.
 */
import type { TrustedKey } from '../ledger/keys.ts';
import type { LedgerLocation } from '../ledger/store.ts';
import { verifyLedger, type VerifiedEntry, type VerifyReport } from '../ledger/verify.ts';

export interface ReportData {
  /** The verification (for several shards: all of them in one, problems named by shard). */
  verify: VerifyReport;
  /** Each shard's own verification, when there are several. */
  shards?: VerifyReport[];
  /** Every readable entry, oldest first (a damaged one is named by verify, not shown). */
  entries: (VerifiedEntry & { branch?: string })[];
  checkpointText?: string;
}

export async function loadReportData(opts: {
  locations: LedgerLocation[];
  trusted: TrustedKey[];
  jobs?: number;
}): Promise<ReportData> {
  const reports: VerifyReport[] = [];
  const entries: ReportData['entries'] = [];
  for (const location of opts.locations) {
    const { verified, ...verify } = await verifyLedger({
      location,
      trusted: opts.trusted,
      jobs: opts.jobs,
      collect: true,
    });
    reports.push(verify);
    const many = opts.locations.length > 1;
    for (const e of verified ?? []) entries.push(many ? { ...e, branch: location.branch } : e);
  }
  if (reports.length === 1)
    return { verify: reports[0]!, entries, checkpointText: reports[0]!.checkpointText };
  entries.sort((a, b) => a.statement.predicate.timestamp.localeCompare(b.statement.predicate.timestamp));
  const first = reports[0]!;
  const verify: VerifyReport = {
    ...first,
    ok: reports.every((r) => r.ok),
    branch: `${reports.length} shards`,
    entries: reports.reduce((n, r) => n + r.entries, 0),
    checked: reports.reduce((n, r) => n + r.checked, 0),
    keys: [...new Set(reports.flatMap((r) => r.keys))],
    problems: reports.flatMap((r) => r.problems.map((p) => ({ ...p, message: `${r.branch}: ${p.message}` }))),
  };
  const checkpointText = reports
    .map((r) => `# ${r.branch}\n${r.checkpointText ?? '(no checkpoint)\n'}`)
    .join('\n');
  return { verify, shards: reports, entries, checkpointText };
}
