/**
 * `verify --witness-key … --witness-quorum N`: does the verified ledger extend checkpoints that N
 * of the given witnesses cosigned?
 *
 * Each witness counts with the largest checkpoint of this ledger's origin it validly cosigned in
 * the `cosigned` file. Every cosigned checkpoint must lie on the verified tree — same root at its
 * size — else the witnesses saw a history this ledger no longer is: a rollback (the ledger is
 * shorter than a cosigned size) or a fork (another root at that size). Either fails, quorum or
 * not. The witnessed prefix is the largest size that N witnesses cosigned (or a larger size of
 * the same tree did); entries past it are signed by the log but not yet witnessed.
 */
import type { TrustedKey } from '../ledger/keys.ts';
import { findCosignature } from './cosignature.ts';
import { parseCosignedFile } from './cosigned-file.ts';
import { checkpointRoot } from './note.ts';

export interface WitnessCheckInput {
  /** The `cosigned` file of the verified tip (undefined: there is none). */
  cosigned: string | undefined;
  origin: string;
  /** Entries in the verified ledger. */
  ledgerSize: number;
  /** The verified tree's root at a size ≤ ledgerSize. */
  rootAt: (size: number) => Buffer | Promise<Buffer>;
  keys: readonly TrustedKey[];
  quorum: number;
}

export interface WitnessSeen {
  key: string;
  name?: string;
  /** The largest size this witness cosigned (on this tree), if any. */
  size?: number;
  /** When it cosigned it (ISO time). */
  time?: string;
}

export interface WitnessCheck {
  ok: boolean;
  quorum: number;
  ledgerSize: number;
  /** Entries 0..witnessedSize-1 are covered by the quorum; undefined when it is not met. */
  witnessedSize?: number;
  witnesses: WitnessSeen[];
  /** Rollbacks and forks the witnesses saw past, and unreadable notes. */
  problems: string[];
  message: string;
}

export async function checkWitnessQuorum(input: WitnessCheckInput): Promise<WitnessCheck> {
  const { keys, quorum, ledgerSize, origin } = input;
  const parsed = input.cosigned ? parseCosignedFile(input.cosigned) : { notes: [], problems: [] };
  const problems = [...parsed.problems];
  const forks: string[] = [];
  const seen: WitnessSeen[] = keys.map((k) => ({ key: k.source }));
  for (const note of parsed.notes) {
    const cp = note.checkpoint;
    if (cp.origin !== origin) {
      problems.push(
        `a cosigned checkpoint is for origin "${cp.origin}", not this ledger's "${origin}" (ignored)`,
      );
      continue;
    }
    for (const [i, key] of keys.entries()) {
      const c = findCosignature(cp.body, note.lines, key);
      if (!c) continue;
      const who = `witness ${c.name} (${key.source})`;
      if (cp.size > ledgerSize) {
        forks.push(
          `rollback: ${who} cosigned size ${cp.size} at ${iso(c.time)}, but the ledger has only ${ledgerSize} entries`,
        );
        continue;
      }
      const root = await input.rootAt(cp.size);
      if (!root.equals(checkpointRoot(cp))) {
        forks.push(
          `fork: ${who} cosigned size ${cp.size} with root ${checkpointRoot(cp).toString('base64')} at ${iso(c.time)}; the ledger's root at that size is ${root.toString('base64')}`,
        );
        continue;
      }
      const s = seen[i]!;
      if (s.size === undefined || cp.size > s.size)
        Object.assign(s, { name: c.name, size: cp.size, time: iso(c.time) });
    }
  }
  problems.push(...forks);
  const sizes = seen
    .map((s) => s.size)
    .filter((n): n is number => n !== undefined)
    .sort((a, b) => b - a);
  const witnessedSize = sizes.length >= quorum ? sizes[quorum - 1] : undefined;
  const ok = forks.length === 0 && witnessedSize !== undefined;
  let message: string;
  if (forks.length) message = `the witnesses saw another history: ${forks.join('; ')}`;
  else if (witnessedSize === undefined)
    message = `witness quorum not met: ${sizes.length} of the ${keys.length} witness keys cosigned a checkpoint of this ledger, ${quorum} needed`;
  else if (witnessedSize < ledgerSize)
    message = `witnessed by ${quorum} of ${keys.length}: entries 0..${witnessedSize - 1} (${witnessedSize} of ${ledgerSize}); the newest ${ledgerSize - witnessedSize} are not yet cosigned`;
  else message = `witnessed by ${quorum} of ${keys.length}: all ${ledgerSize} entries`;
  return {
    ok,
    quorum,
    ledgerSize,
    ...(witnessedSize !== undefined ? { witnessedSize } : {}),
    witnesses: seen,
    problems,
    message,
  };
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
