/**
 * What leaves the repository is only what verified: every ledger (or shard) read is verified first,
 * from a checkpoint when one is given, and its entries are handed on as the export room takes them,
 * each with the signed checkpoint right after it (a stream's cursor moves to those). Shared by the
 * CLI's `export` and `forward` and the Action's `forward`.
 */
import { ShiplogError } from '../errors.ts';
import { parseCheckpoint } from '../ledger/checkpoint.ts';
import type { TrustedKey } from '../ledger/keys.ts';
import type { LedgerLocation } from '../ledger/store.ts';
import { readLedgerBlob, verifyLedger, type VerifyResult } from '../ledger/verify.ts';
import type { Cursor } from './cursor.ts';
import type { ExportEntry } from './entry.ts';

/** Runs `read` on every ledger to export (one, or each shard), in order. */
export type EachLedger = <T>(read: (location: LedgerLocation) => Promise<T>) => Promise<T[]>;

/** One verified ledger (or shard): its entries as the export room takes them. */
export interface VerifiedShard {
  location: LedgerLocation;
  /** The shard name events and cursor positions carry: the branch when several are read, else none. */
  label: string | undefined;
  report: VerifyResult;
  entries: ExportEntry[];
  /** Entry hash → blob id of the signed checkpoint right after it. */
  checkpointBlobs: Map<string, string>;
}

/** Verifies every ledger `each` names, each from the checkpoint `since(branch)` gives (or fully). */
export async function verifyAll(
  each: EachLedger,
  opts: {
    trusted: TrustedKey[];
    jobs: number;
    labelled: boolean;
    since: (branch: string) => string | undefined;
  },
): Promise<VerifiedShard[]> {
  return each(async (location) => {
    const since = opts.since(location.branch);
    const report = await verifyLedger({
      location,
      trusted: opts.trusted,
      since,
      jobs: opts.jobs,
      collect: true,
    });
    const label = opts.labelled ? location.branch : undefined;
    // Only what comes after the checkpoint, whatever verify collected to check it (the v2 ledger's
    // verify --since may hand back entries the checkpoint already covers).
    const from = since === undefined ? 0 : parseCheckpoint(since).size;
    const verified = [...(report.verified ?? [])].filter((v) => v.seq >= from).sort((a, b) => a.seq - b.seq);
    const checkpointBlobs = new Map<string, string>();
    const entries: ExportEntry[] = [];
    if (report.ok) {
      for (const v of verified) {
        if (v.checkpointBlob) checkpointBlobs.set(v.hash, v.checkpointBlob);
        entries.push({
          seq: v.seq,
          hash: v.hash,
          ledgerCommit: v.ledgerCommit,
          // A verified entry has a trusted signer; the fallback only keeps the type honest.
          keyid: v.keyid ?? '',
          statement: v.statement,
          envelope: v.envelope,
          ...(label !== undefined ? { shard: label } : {}),
        });
      }
    }
    return { location, label, report, entries, checkpointBlobs };
  });
}

/**
 * Nothing leaves unless every ledger read verified: each problem goes to `tell`, and the error
 * (exit 1) names the ledgers. `gone` are shards a checkpoint file names that the remote lost.
 */
export function refuseUnlessVerified(
  shards: VerifiedShard[],
  gone: string[],
  what: string,
  tell: (lines: string[]) => void,
): void {
  const failed = shards.filter((s) => !s.report.ok);
  if (failed.length === 0 && gone.length === 0) return;
  const lines: string[] = [];
  for (const s of failed) {
    const r = s.report;
    lines.push(`shiplog: ${r.branch}: ledger INVALID: ${r.problems.length} problem(s)`);
    for (const p of r.problems) {
      const at = [
        p.seq !== undefined ? `seq ${p.seq}` : '',
        p.commit ? `commit ${p.commit.slice(0, 12)}` : '',
      ]
        .filter(Boolean)
        .join(' ');
      lines.push(`  ${p.check}${at ? ` (${at})` : ''}: ${p.message}`);
    }
  }
  for (const b of gone)
    lines.push(`shiplog: ${b}: the checkpoint file names this shard, but the remote no longer has it`);
  tell(lines);
  const names = [...failed.map((s) => s.report.branch), ...gone];
  throw new ShiplogError(
    'VERIFY_FAILED',
    `${names.join(', ')} did not verify (run "shiplog verify" for the full report); nothing was ${what}`,
  );
}

/** The tip's signed checkpoint of a verified ledger: what the entries handed out reach. */
export function tipCheckpoint(s: VerifiedShard): string {
  const text = s.report.checkpointText;
  if (text === undefined)
    throw new ShiplogError('VERIFY_FAILED', `${s.report.branch}: the tip has no checkpoint`);
  return text;
}

/** The signed checkpoint right after this entry: the tip's when it is the head, else its own blob. */
export async function checkpointAfter(s: VerifiedShard, e: ExportEntry): Promise<string> {
  if (e.hash === s.report.head && s.report.checkpointText !== undefined) {
    const cp = parseCheckpoint(s.report.checkpointText);
    if (cp.size === e.seq + 1) return s.report.checkpointText;
  }
  const blob = s.checkpointBlobs.get(e.hash);
  if (!blob) {
    throw new ShiplogError(
      'VERIFY_FAILED',
      `${s.location.branch}: no checkpoint after seq ${e.seq} in its ledger commit`,
    );
  }
  return readLedgerBlob(s.location, blob);
}

/**
 * A cursor belongs to one destination, one format and one way of reading (one ledger, or every
 * shard), and each position must be what its checkpoint says: anything else would resend or skip.
 */
export function checkCursor(
  cursor: Cursor | undefined,
  o: { path: string; allShards: boolean; hint: { format: string; shards: string } },
  destination: string,
  format: string,
): void {
  if (!cursor) return;
  if (cursor.destination !== destination) {
    throw new ShiplogError(
      'USAGE',
      `cursor file ${o.path} tracks ${cursor.destination}, not ${destination}: use one cursor file per destination`,
    );
  }
  if (cursor.format && cursor.format !== format) {
    throw new ShiplogError(
      'USAGE',
      `cursor file ${o.path} tracks a ${cursor.format} stream: pass ${o.hint.format} ${cursor.format}, or start a new cursor file for ${format}`,
    );
  }
  for (const p of cursor.positions) {
    if ((p.shard !== undefined) !== o.allShards) {
      throw new ShiplogError(
        'USAGE',
        o.allShards
          ? `cursor file ${o.path} was written by forward without ${o.hint.shards}: run it that way, or start a new cursor file`
          : `cursor file ${o.path} was written by forward ${o.hint.shards}: pass ${o.hint.shards}, or start a new cursor file`,
      );
    }
    let cp;
    try {
      cp = parseCheckpoint(p.checkpoint);
    } catch (e) {
      throw new ShiplogError('BAD_INPUT', `cursor file ${o.path}: ${(e as Error).message}`);
    }
    if (cp.size !== p.seq + 1) {
      throw new ShiplogError(
        'BAD_INPUT',
        `cursor file ${o.path}: the position at seq ${p.seq} does not match its checkpoint (size ${cp.size}); fix or remove it (removing sends everything again)`,
      );
    }
  }
}
