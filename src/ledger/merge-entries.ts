/**
 * The `merge` entries the app recorded for these merge commits, read from the tip's index (the
 * buckets of the merge commits, in three batches however many), and kept only when a trusted key
 * signed them: whoever can push to the ledger branch could otherwise write an approval that never
 * happened. A merge recorded twice (a redelivery that raced) answers with its first entry.
 */
import { findSigner } from './dsse.ts';
import type { TrustedKey } from './keys.ts';
import { entriesForCommits, type LedgerEntry } from './lookup.ts';
import type { TipView } from './tip.ts';

export interface RecordedMerge {
  seq: number;
  hash: string;
  /** The merge entry's predicate.details (pull request, policy, verdict, reviews, overrides). */
  details: Record<string, unknown>;
  approval: Record<string, unknown>;
}

export interface MergeLookup {
  /** By merge commit sha (lowercase). */
  found: Map<string, RecordedMerge>;
  /** Merge entries present but signed by no trusted key: not used, and counted so a record can say so. */
  untrusted: number;
}

export async function recordedMerges(
  view: TipView,
  repository: string,
  mergeCommits: string[],
  trusted: TrustedKey[],
): Promise<MergeLookup> {
  const wanted = new Set(mergeCommits.map((s) => s.toLowerCase()));
  const found = new Map<string, RecordedMerge>();
  let untrusted = 0;
  if (!wanted.size) return { found, untrusted };
  const entries: LedgerEntry[] = await entriesForCommits(
    view,
    [...wanted],
    (l) =>
      l.type === 'merge' && wanted.has(l.commit) && l.repository.toLowerCase() === repository.toLowerCase(),
  );
  // oldest first, so the first record of a merge wins
  for (const e of entries.sort((a, b) => a.seq - b.seq)) {
    const p = e.statement.predicate;
    if (!findSigner(e.paeBytes, e.envelope, trusted)) {
      untrusted++;
      continue;
    }
    if (found.has(p.commit)) continue;
    found.set(p.commit, {
      seq: e.seq,
      hash: e.hash,
      details: p.details ?? {},
      approval: p.approval ?? { status: 'not-collected' },
    });
  }
  return { found, untrusted };
}
