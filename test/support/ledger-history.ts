/**
 * Whole ledger histories for tests: read one back as bulk items, and write a (damaged) copy with
 * the same bulk writer the benchmarks use — every structural part consistent, as an attacker who
 * rewrites the branch with care would leave it, so each test sees only the damage it made.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { writeLedgerHistory, type BulkItem } from '../../src/ledger/bulk.ts';
import { parseCheckpoint, signCheckpoint } from '../../src/ledger/checkpoint.ts';
import { parseEnvelope, signEnvelope, type Envelope } from '../../src/ledger/dsse.ts';
import type { SigningKey } from '../../src/ledger/keys.ts';
import { buildStatement, statementBytes, type ChangePredicate } from '../../src/ledger/statement.ts';
import type { LedgerLocation } from '../../src/ledger/store.ts';

export interface HistoryItem extends BulkItem {
  /** The ledger commit it was read from. */
  commit: string;
  checkpoint: string;
}

function git(gitDir: string, args: string[]): string {
  return execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
}

/** Every commit of `branch`, oldest first, as the entry, checkpoint and message it holds. */
export function historyItems(gitDir: string, branch = 'shiplog'): HistoryItem[] {
  const commits = git(gitDir, ['rev-list', '--reverse', '--first-parent', branch]).trim().split('\n');
  return commits.map((commit) => ({
    commit,
    envelope: parseEnvelope(git(gitDir, ['cat-file', 'blob', `${commit}:entry.json`])),
    checkpoint: git(gitDir, ['cat-file', 'blob', `${commit}:checkpoint`]),
    message: git(gitDir, ['log', '-1', '--format=%B', commit]).replace(/\n+$/, '\n'),
  }));
}

/** A new bare repository `<dir>/<name>.git` whose `branch` (default `shiplog`) is exactly these items. */
export async function writeCopy(
  dir: string,
  name: string,
  items: BulkItem[],
  origin = originOf(items) ?? 'shiplog/shiplog',
  branch = 'shiplog',
): Promise<LedgerLocation> {
  const remote = join(dir, `${name}.git`);
  execFileSync('git', ['init', '--bare', '--quiet', remote]);
  execFileSync('git', ['config', 'uploadpack.allowFilter', 'true'], { cwd: remote });
  await writeLedgerHistory(remote, branch, items, { origin });
  return { remote, branch, cacheDir: join(dir, `cache-${name}`) };
}

/** The origin the first readable checkpoint among the items names. */
function originOf(items: BulkItem[]): string | undefined {
  for (const it of items) {
    if (typeof it.checkpoint !== 'string') continue;
    try {
      return parseCheckpoint(it.checkpoint).origin;
    } catch {
      // a damaged checkpoint says nothing
    }
  }
  return undefined;
}

/** A signed entry and checkpoint for `predicate`, as a writer holding `key` would make them. */
export function signedItem(
  key: SigningKey,
  predicate: ChangePredicate,
  origin = 'shiplog/shiplog',
): BulkItem & { hash: string } {
  const { envelope, hash } = signEnvelope(statementBytes(buildStatement(predicate)), key);
  return { envelope, hash, checkpoint: ({ size, root }) => signCheckpoint({ origin, size, root }, key) };
}

/** The predicate an envelope carries. */
export function predicateOf(envelope: Envelope): ChangePredicate {
  return (
    JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as { predicate: ChangePredicate }
  ).predicate;
}

/** Drops the message a test must not keep (so the bulk writer makes the append's own). */
export function withoutMessage(items: HistoryItem[]): BulkItem[] {
  return items.map(({ envelope, checkpoint }) => ({ envelope, checkpoint }));
}

/** The checkpoint origin a ledger's commits name (its tip's Shiplog-Origin trailer). */
export function historyOrigin(gitDir: string, branch = 'shiplog'): string {
  const message = git(gitDir, ['log', '-1', '--format=%B', branch]);
  return /^Shiplog-Origin: (.+)$/m.exec(message)?.[1]?.trim() ?? 'shiplog/shiplog';
}
