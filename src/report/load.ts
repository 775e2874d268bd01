/**
 * What a report is made of: a verification of the ledger and the entries that very pass read, so
 * the page never shows an entry the verdict at its top did not cover, and the ledger is read once.
 * Several shards are verified each as its own chain and shown together.
 *
 * `readVerified` streams: each entry goes to the caller as verify passes it (only entries whose
 * signature a trusted key made), so nothing holds the whole ledger unless the caller does.
 */
import type { TrustedKey } from '../ledger/keys.ts';
import type { LedgerLocation } from '../ledger/store.ts';
import { verifyLedger, type VerifiedEntry, type VerifyReport } from '../ledger/verify.ts';

export type LoadedEntry = VerifiedEntry & { branch?: string };

export interface ReportData {
  /** The verification (for several shards: all of them in one, problems named by shard). */
  verify: VerifyReport;
  /** Each shard's own verification, when there are several. */
  shards?: VerifyReport[];
  /** Every readable entry, oldest first (a damaged one is named by verify, not shown). */
  entries: LoadedEntry[];
  checkpointText?: string;
}

export type Verification = Omit<ReportData, 'entries'>;

export interface ReadOptions {
  locations: LedgerLocation[];
  trusted: TrustedKey[];
  jobs?: number;
  /** Each verified entry, in seq order within its shard (shards one after the other). */
  onEntry: (e: LoadedEntry) => void;
  /** Commits checked of how many, per shard (its branch is named when there are several). */
  onProgress?: (done: number, total: number, branch?: string) => void;
}

export async function readVerified(opts: ReadOptions): Promise<Verification> {
  const reports: VerifyReport[] = [];
  const many = opts.locations.length > 1;
  for (const location of opts.locations) {
    const { verified: _none, ...verify } = await verifyLedger({
      location,
      trusted: opts.trusted,
      jobs: opts.jobs,
      onEntry: many ? (e) => opts.onEntry({ ...e, branch: location.branch }) : opts.onEntry,
      ...(opts.onProgress
        ? { onProgress: (done, total) => opts.onProgress!(done, total, many ? location.branch : undefined) }
        : {}),
    });
    reports.push(verify);
  }
  return combine(reports);
}

/** Several shards' verifications as one (each stays in `shards`). */
export function combine(reports: VerifyReport[]): Verification {
  if (reports.length === 1) return { verify: reports[0]!, checkpointText: reports[0]!.checkpointText };
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
  return { verify, shards: reports, checkpointText };
}

/** Every entry in memory (small ledgers, and callers that need them all): ordered by time across shards. */
export async function loadReportData(opts: Omit<ReadOptions, 'onEntry'>): Promise<ReportData> {
  const entries: LoadedEntry[] = [];
  const v = await readVerified({ ...opts, onEntry: (e) => entries.push(e) });
  if (opts.locations.length > 1)
    entries.sort((a, b) => a.statement.predicate.timestamp.localeCompare(b.statement.predicate.timestamp));
  return { ...v, entries };
}
