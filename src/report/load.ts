/**
 * What a report is made of: a verification of the ledger and the entries of exactly the tip that
 * was verified, so the page never shows an entry the verdict at its top did not cover.
 */
import { isShiplogError } from '../errors.ts';
import type { TrustedKey } from '../ledger/keys.ts';
import {
  listEntryFiles,
  openForRead,
  readCheckpointText,
  readEntryFiles,
  type EntryFile,
  type LedgerEntry,
  type LedgerSnapshot,
} from '../ledger/read.ts';
import type { LedgerLocation } from '../ledger/store.ts';
import { verifyLedger, type VerifyReport } from '../ledger/verify.ts';

export interface ReportData {
  verify: VerifyReport;
  entries: LedgerEntry[];
  checkpointText?: string;
}

export async function loadReportData(opts: {
  location: LedgerLocation;
  trusted: TrustedKey[];
  jobs?: number;
}): Promise<ReportData> {
  const verify = await verifyLedger({ location: opts.location, trusted: opts.trusted, jobs: opts.jobs });
  // A writer may have appended since; pin the read to the verified tip (its objects are cached).
  const snap: LedgerSnapshot = { ...(await openForRead(opts.location)), tip: verify.tip };
  const files = await listEntryFiles(snap);
  return {
    verify,
    entries: await readReadable(snap, files),
    checkpointText: await readCheckpointText(snap),
  };
}

/**
 * A damaged entry must not stop the report: verify already names it, and the auditor still needs
 * to see everything else. Entries are read in one batch, one by one only when the batch fails.
 */
async function readReadable(snap: LedgerSnapshot, files: EntryFile[]): Promise<LedgerEntry[]> {
  try {
    return await readEntryFiles(snap, files);
  } catch (e) {
    if (!isShiplogError(e, 'BAD_INPUT')) throw e;
  }
  const out: LedgerEntry[] = [];
  for (const f of files) {
    try {
      out.push(...(await readEntryFiles(snap, [f])));
    } catch (e) {
      if (!isShiplogError(e, 'BAD_INPUT')) throw e;
    }
  }
  return out;
}
