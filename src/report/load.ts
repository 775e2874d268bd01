/**
 * What a report is made of: a verification of the ledger and the entries that very pass read, so
 * the page never shows an entry the verdict at its top did not cover, and the ledger is read once.
 */
import type { TrustedKey } from '../ledger/keys.ts';
import type { LedgerLocation } from '../ledger/store.ts';
import { verifyLedger, type VerifiedEntry, type VerifyReport } from '../ledger/verify.ts';

export interface ReportData {
  verify: VerifyReport;
  /** Every readable entry, oldest first (a damaged one is named by verify, not shown). */
  entries: VerifiedEntry[];
  checkpointText?: string;
}

export async function loadReportData(opts: {
  location: LedgerLocation;
  trusted: TrustedKey[];
  jobs?: number;
}): Promise<ReportData> {
  const { verified, ...verify } = await verifyLedger({
    location: opts.location,
    trusted: opts.trusted,
    jobs: opts.jobs,
    collect: true,
  });
  return { verify, entries: verified ?? [], checkpointText: verify.checkpointText };
}
