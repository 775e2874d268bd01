/**
 * The last checkpoint the app verified, per ledger: where the deployment protection rule's next
 * verification starts (only the entries after it are checked), and the history every later tip
 * must extend — a ledger that is gone or rewritten below it is refused, not taken for a first
 * deploy. Kept behind this small interface so the state can live outside one process (Redis, for
 * several replicas); the in-memory store is the single-process default, and forgets on restart
 * (the next request then verifies the ledger from genesis).
 */
import type { VerifiedCheckpoint } from '../evidence/verified-ledger.ts';
import { parseCheckpoint } from '../ledger/checkpoint.ts';
import type { AppLedger } from './ledger.ts';

export type { VerifiedCheckpoint };

export interface VerifiedCheckpointStore {
  get(ledgerKey: string): Promise<VerifiedCheckpoint | undefined>;
  /** Keeps `checkpoint` unless a larger one is already kept (concurrent verifications). */
  set(ledgerKey: string, checkpoint: VerifiedCheckpoint): Promise<void>;
}

/** One ledger: its remote and branch (a central repository holds one shard per source repository). */
export function ledgerKey(ledger: AppLedger): string {
  return `${ledger.location.remote}#${ledger.branch}`;
}

export class InMemoryVerifiedCheckpoints implements VerifiedCheckpointStore {
  private readonly kept = new Map<string, VerifiedCheckpoint>();

  get(key: string): Promise<VerifiedCheckpoint | undefined> {
    return Promise.resolve(this.kept.get(key));
  }

  set(key: string, checkpoint: VerifiedCheckpoint): Promise<void> {
    const old = this.kept.get(key);
    if (!old || parseCheckpoint(checkpoint.checkpoint).size >= parseCheckpoint(old.checkpoint).size)
      this.kept.set(key, checkpoint);
    return Promise.resolve();
  }
}
