/**
 * Bulk fast path for benchmarks: writes a ledger of N real, signed entries with `git fast-import`,
 * one commit per entry exactly as appends make them (entry, index file, checkpoint, trailers), so
 * the result passes `shiplog verify`.
 */
import { spawn } from 'node:child_process';
import { signCheckpoint } from '../src/ledger/checkpoint.ts';
import { signEnvelope } from '../src/ledger/dsse.ts';
import { GENESIS_PREV } from '../src/ledger/encoding.ts';
import type { SigningKey } from '../src/ledger/keys.ts';
import { CHECKPOINT_FILE, entryPath, indexPath, indexRecord } from '../src/ledger/layout.ts';
import { buildStatement, statementBytes, type ChangePredicate } from '../src/ledger/statement.ts';

export function benchEntry(seq: number): Omit<ChangePredicate, 'seq' | 'prev'> {
  return {
    type: seq % 3 === 0 ? 'migration' : 'deploy',
    timestamp: new Date(Date.UTC(2026, 0, 1) + seq * 60_000).toISOString(),
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

export async function buildLedger(
  remote: string,
  key: SigningKey,
  count: number,
  origin = 'shiplog/shiplog',
): Promise<string[]> {
  const child = spawn('git', ['fast-import', '--quiet', '--done'], {
    cwd: remote,
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  const done = new Promise<void>((resolve, reject) =>
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`git fast-import exited ${code}`)),
    ),
  );
  const write = (chunk: string | Buffer): Promise<void> | void => {
    if (!child.stdin.write(chunk)) return new Promise((r) => child.stdin.once('drain', () => r()));
  };
  const data = (b: Buffer | string): string => `data ${Buffer.byteLength(b)}\n${b}\n`;
  let prev = GENESIS_PREV;
  const commits: string[] = [];
  for (let seq = 0; seq < count; seq++) {
    const e = benchEntry(seq);
    commits.push(e.commit);
    const { envelope, hash } = signEnvelope(statementBytes(buildStatement({ seq, prev, ...e })), key);
    const checkpoint = signCheckpoint({ origin, size: seq + 1, head: hash }, key);
    const epoch = Math.floor(Date.parse(e.timestamp) / 1000);
    const msg = `shiplog: #${seq} ${e.type} ${e.environment} ${e.commit.slice(0, 7)}\n\nShiplog-Seq: ${seq}\nShiplog-Entry: ${hash}\nShiplog-Origin: ${origin}\n`;
    const parts = [
      'commit refs/heads/shiplog\n',
      `author shiplog <shiplog@users.noreply.github.com> ${epoch} +0000\n`,
      `committer shiplog <shiplog@users.noreply.github.com> ${epoch} +0000\n`,
      data(msg),
      `M 100644 inline ${entryPath(seq)}\n`,
      data(JSON.stringify(envelope) + '\n'),
      `M 100644 inline ${indexPath(e.commit, seq)}\n`,
      data(indexRecord({ seq, hash, type: e.type, environment: e.environment })),
      `M 100644 inline ${CHECKPOINT_FILE}\n`,
      data(checkpoint),
      '\n',
    ];
    await write(parts.join(''));
    prev = hash;
  }
  await write('done\n');
  child.stdin.end();
  await done;
  return commits;
}
