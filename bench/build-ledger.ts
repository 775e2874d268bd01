/**
 * Bulk fast path for benchmarks: a ledger of N real, signed entries written with `git fast-import`
 * through the same index model appends use, so the result passes `shiplog verify`.
 */
import { signCheckpoint } from '../src/ledger/checkpoint.ts';
import { signEnvelope } from '../src/ledger/dsse.ts';
import { GENESIS_PREV } from '../src/ledger/encoding.ts';
import type { SigningKey } from '../src/ledger/keys.ts';
import { writeLedgerHistory, type BulkItem } from '../src/ledger/bulk.ts';
import { buildStatement, statementBytes, type ChangePredicate } from '../src/ledger/statement.ts';

export function benchEntry(seq: number): Omit<ChangePredicate, 'seq' | 'prev'> {
  return {
    type: seq % 3 === 0 ? 'migration' : 'deploy',
    // Past dates whatever the size (1M minutes end in 2021): the figures never depend on the calendar.
    timestamp: new Date(Date.UTC(2020, 0, 1) + seq * 60_000).toISOString(),
    repository: 'acme/web',
    commit: ((seq * 2654435761) % 2 ** 32).toString(16).padStart(8, '0').repeat(5),
    environment: ['production', 'staging', 'dev'][seq % 3],
    actor: { login: `dev${seq % 17}`, id: 1000 + (seq % 17) },
    run: {
      id: 9_000_000 + seq,
      attempt: 1,
      workflow: 'deploy',
      url: `https://github.com/acme/web/actions/runs/${9_000_000 + seq}`,
    },
    approval: {
      status: 'approved',
      pull_request: {
        number: seq,
        url: `https://github.com/acme/web/pull/${seq}`,
        author: { login: 'carol', id: 3 },
      },
      approvers: [
        { login: 'alice', id: 1, review_id: 10_000 + seq, state: 'APPROVED', stale: false },
        { login: 'bob', id: 2, review_id: 20_000 + seq, state: 'APPROVED', stale: false },
      ],
    },
    details: { version: `v1.${seq}`, status: 'success' },
  };
}

/** Writes `count` entries to branch `shiplog` of the bare repository `remote`; returns their subject commits. */
export async function buildLedger(
  remote: string,
  key: SigningKey,
  count: number,
  origin = 'shiplog/shiplog',
  /** The entry at each seq (tests give some the same bucket, to seal its segments). */
  entryOf: (seq: number) => Omit<ChangePredicate, 'seq' | 'prev'> = benchEntry,
): Promise<string[]> {
  const commits: string[] = [];
  async function* items(): AsyncGenerator<BulkItem> {
    let prev = GENESIS_PREV;
    for (let seq = 0; seq < count; seq++) {
      const e = entryOf(seq);
      commits.push(e.commit);
      const { envelope, hash } = signEnvelope(statementBytes(buildStatement({ seq, prev, ...e })), key);
      yield { envelope, checkpoint: ({ size, root }) => signCheckpoint({ origin, size, root }, key) };
      prev = hash;
    }
  }
  await writeLedgerHistory(remote, 'shiplog', items(), { origin });
  return commits;
}
