/**
 * Writing a whole ledger history in one go with `git fast-import`: one commit per entry, exactly
 * the trees appends make (the same index model computes them). The benchmarks build 100k- and
 * 1M-entry ledgers with it, and tests use it to make rewritten histories an attacker could push —
 * every structural part consistent, so only what the attacker could not forge is left to catch.
 */
import { spawn } from 'node:child_process';
import { ShiplogError } from '../errors.ts';
import { deployChange, entryFileBytes, indexLineOf } from './append.ts';
import { pae, entryHashOfPae, type Envelope } from './dsse.ts';
import { IndexModel, type FileChange } from './index-model.ts';
import { CHECKPOINT_FILE, ENTRY_FILE } from './layout.ts';
import { entryHashBytes } from './append.ts';
import { leafHash } from './tree/merkle.ts';
import { TileModel } from './tree/tiles.ts';
import { ledgerCommitMessage } from './ledger-commit.ts';
import { objectId } from './git-objects.ts';
import { gitEnv } from './git.ts';
import type { ChangePredicate } from './statement.ts';

export interface BulkItem {
  envelope: Envelope;
  /** The checkpoint after the entry, or a function that signs one for the tree's size and root. */
  checkpoint: string | ((tree: { size: number; root: Buffer }) => string);
  /** The commit message (default: the one an append writes, with this ledger's origin). */
  message?: string;
  /** Extra files (any path), for damaged copies in tests. */
  extraFiles?: Record<string, string>;
  /** Rewrites the index files this commit writes, for damaged copies in tests. */
  damageIndex?: (files: FileChange[]) => FileChange[];
}

/**
 * Appends `items` as commits on `branch` of the repository `gitDir` (on top of `from` when given,
 * else as a new orphan history). Entries only need to be readable JSON with a statement; they are
 * written as given, signed or not.
 */
export async function writeLedgerHistory(
  gitDir: string,
  branch: string,
  items: Iterable<BulkItem> | AsyncIterable<BulkItem>,
  opts: {
    origin: string;
    from?: string;
    index?: IndexModel;
    /** The tiles at `from` (prepared); default: an empty tree. */
    tiles?: TileModel;
    /** Committer date (seconds) of `from`: later commits are never dated before it. */
    fromTime?: number;
  },
): Promise<void> {
  const child = spawn('git', ['fast-import', '--quiet', '--done', '--force'], {
    env: gitEnv({ gitDir }),
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<void>((resolve, reject) =>
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new ShiplogError('GIT_FAILED', `git fast-import exited ${code}: ${stderr.trim()}`)),
    ),
  );
  child.stdin.on('error', () => undefined);
  const write = (chunk: string | Buffer): Promise<void> | void => {
    if (!child.stdin.write(chunk)) return new Promise((r) => child.stdin.once('drain', () => r()));
  };
  const data = (b: Buffer | string): Buffer[] => [
    Buffer.from(`data ${Buffer.byteLength(b)}\n`),
    Buffer.from(b),
    Buffer.from('\n'),
  ];
  const index = opts.index ?? IndexModel.empty();
  const tiles = opts.tiles ?? TileModel.empty();
  let lastTime = opts.fromTime ?? 0;
  let first = true;
  for await (const item of items) {
    const payload = Buffer.from(item.envelope.payload, 'base64');
    const hash = entryHashOfPae(pae(item.envelope.payloadType, payload));
    const predicate = (JSON.parse(payload.toString('utf8')) as { predicate: ChangePredicate }).predicate;
    const entry = entryFileBytes(item.envelope);
    const entryBlob = objectId('blob', entry);
    const line = indexLineOf(predicate, hash, entryBlob);
    const deploy = deployChange(predicate);
    const step = index.apply(line, deploy);
    const treeStep = tiles.apply(leafHash(entryHashBytes(hash)), entryBlob);
    const checkpoint =
      typeof item.checkpoint === 'string'
        ? item.checkpoint
        : item.checkpoint({ size: tiles.treeSize, root: treeStep.root });
    const epoch = Math.floor(Date.parse(predicate.timestamp) / 1000);
    // Commit dates never go backwards (see layout.ts); the entry keeps its own time as author date.
    const committed = Math.max(epoch, lastTime);
    lastTime = committed;
    const message =
      item.message ??
      ledgerCommitMessage({
        seq: predicate.seq,
        entry: hash,
        origin: opts.origin,
        subject: predicate.commit,
        type: predicate.type,
        environment: predicate.environment,
      });
    const parts: Buffer[] = [
      Buffer.from(`commit refs/heads/${branch}\n`),
      Buffer.from(`author shiplog <shiplog@users.noreply.github.com> ${epoch} +0000\n`),
      Buffer.from(`committer shiplog <shiplog@users.noreply.github.com> ${committed} +0000\n`),
      ...data(message),
    ];
    if (first && opts.from) parts.push(Buffer.from(`from ${opts.from}\n`));
    first = false;
    parts.push(Buffer.from(`M 100644 inline ${ENTRY_FILE}\n`), ...data(entry));
    parts.push(Buffer.from(`M 100644 inline ${CHECKPOINT_FILE}\n`), ...data(checkpoint));
    for (const f of item.damageIndex ? item.damageIndex(step.files) : step.files) {
      if (f.content) parts.push(Buffer.from(`M 100644 inline ${f.path}\n`), ...data(f.content));
      else parts.push(Buffer.from(`D ${f.path}\n`));
    }
    for (const f of treeStep.files) {
      if (f.content) parts.push(Buffer.from(`M 100644 inline ${f.path}\n`), ...data(f.content));
      else parts.push(Buffer.from(`D ${f.path}\n`));
    }
    for (const [path, text] of Object.entries(item.extraFiles ?? {}))
      parts.push(Buffer.from(`M 100644 inline ${path}\n`), ...data(text));
    parts.push(Buffer.from('\n'));
    await write(Buffer.concat(parts));
  }
  await write('done\n');
  child.stdin.end();
  await done;
}
