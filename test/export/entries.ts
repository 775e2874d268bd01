/** Signed, hash-chained export entries built with the ledger's own builders, for the export tests. */
import { signCheckpoint } from '../../src/ledger/checkpoint.ts';
import { signEnvelope } from '../../src/ledger/dsse.ts';
import { generateSigningKeyPem, loadSigningKey, type SigningKey } from '../../src/ledger/keys.ts';
import { buildStatement, statementBytes, type ChangePredicate } from '../../src/ledger/statement.ts';
import type { ExportEntry } from '../../src/export/entry.ts';

export const GENESIS = `sha256:${'0'.repeat(64)}`;

export function testKey(): SigningKey {
  return loadSigningKey(generateSigningKeyPem().privatePem, 'test key');
}

export function commitOf(i: number): string {
  return `c${i.toString(16).padStart(39, '0')}`;
}

type Predicate = Omit<ChangePredicate, 'seq' | 'prev' | 'type'> & { type: string };

/** The predicate of entry i unless `over` says otherwise: a production deploy by alice, approved. */
export function predicateOf(i: number, over: Partial<Predicate> = {}): Predicate {
  return {
    type: 'deploy',
    timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, 0) + i * 1000).toISOString(),
    repository: 'acme/web',
    commit: commitOf(i),
    environment: 'production',
    branch: 'main',
    actor: { login: 'alice', id: 1 },
    run: {
      workflow: 'deploy',
      id: 1000 + i,
      url: `https://github.com/acme/web/actions/runs/${1000 + i}`,
      server_url: 'https://github.com',
    },
    approval: { status: 'approved', approvers: [{ login: 'bob', id: 2, stale: false }] },
    details: { version: `1.0.${i}`, status: 'success' },
    ...over,
  };
}

/** n entries from `start`, each linked to the one before; `shape(i)` overrides entry i's predicate. */
export function chain(
  key: SigningKey,
  n: number,
  options: { start?: number; prev?: string; shard?: string; shape?: (i: number) => Partial<Predicate> } = {},
): ExportEntry[] {
  const out: ExportEntry[] = [];
  let prev = options.prev ?? GENESIS;
  const start = options.start ?? 0;
  for (let seq = start; seq < start + n; seq++) {
    const p = { ...predicateOf(seq, options.shape?.(seq)), seq, prev } as ChangePredicate;
    const statement = buildStatement(p);
    const { envelope, hash } = signEnvelope(statementBytes(statement), key);
    out.push({
      seq,
      hash,
      ledgerCommit: seq.toString(16).padStart(40, 'a'),
      keyid: key.keyid,
      statement,
      envelope,
      ...(options.shard !== undefined ? { shard: options.shard } : {}),
    });
    prev = hash;
  }
  return out;
}

/** The checkpoint the ledger would have signed right after `entry`. */
export function checkpoints(key: SigningKey, origin = 'example.com/acme/web') {
  return (entry: ExportEntry): string =>
    signCheckpoint(
      {
        origin: entry.shard ? `${origin}/${entry.shard}` : origin,
        size: entry.seq + 1,
        root: Buffer.from(entry.hash.slice(7), 'hex'),
      },
      key,
    );
}
