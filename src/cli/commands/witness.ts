/** `shiplog witness serve`: run a C2SP tlog-witness for known shiplog ledgers (see src/witness/). */
import type { Command } from 'commander';
import { ShiplogError } from '../../errors.ts';
import { checkNoteName, witnessVkey } from '../../witness/cosignature.ts';
import { knownLogsFrom } from '../../witness/known-logs.ts';
import { WitnessState } from '../../witness/state.ts';
import type { TrustedKey } from '../../ledger/keys.ts';
import type { WitnessCheck } from '../../witness/quorum.ts';
import { collect, signingKeyFrom, readTextFile } from '../common.ts';
import { loadTrustedKey } from '../../ledger/keys.ts';
import { colour } from '../output.ts';
import { inert } from '../../text/inert.ts';

interface ServeFlags {
  key: string;
  state: string;
  listen: string;
  name?: string;
  log?: string[];
  logs?: string;
}

export function parseListen(value: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new ShiplogError('USAGE', `--listen takes HOST:PORT (got "${value}")`);
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

export function registerWitnessCommands(program: Command): void {
  const witness = program
    .command('witness')
    .description('an independent witness that cosigns ledger checkpoints');
  witness
    .command('serve')
    .description('serve POST /add-checkpoint (C2SP tlog-witness) with an Ed25519 cosignature/v1 key')
    .requiredOption('--key <file>', 'the witness private key (PEM, as made by "shiplog keygen")')
    .requiredOption(
      '--state <dir>',
      'folder for the latest cosigned checkpoint per origin (keep it; never share it)',
    )
    .option('--listen <host:port>', 'address to listen on', '127.0.0.1:7380')
    .option(
      '--name <name>',
      'the witness name in its cosignature lines (default: witness-<first 16 hex of the keyid>)',
    )
    .option(
      '--log <origin=keyfile>',
      'a known log: its checkpoint origin and public key (repeatable)',
      collect,
    )
    .option('--logs <file>', 'known logs, one "ORIGIN KEYFILE" per line')
    .action(async (o: ServeFlags) => {
      const key = signingKeyFrom(o.key);
      const name = checkNoteName(o.name ?? `witness-${key.keyid.slice(0, 16)}`);
      const logs = knownLogsFrom(o.log, o.logs);
      const listen = parseListen(o.listen);
      const state = await WitnessState.open(o.state);
      // node:http (and the fetch machinery Node loads with it) only for the command that serves.
      const { startWitness } = await import('../../witness/server.ts');
      const running = await startWitness(
        { key, name, logs, state, log: (line) => process.stderr.write(`shiplog witness: ${line}\n`) },
        listen,
      );
      process.stdout.write(`witness ${name} listening on ${running.url}\n`);
      process.stdout.write(`vkey ${witnessVkey(name, key.publicKey)}\n`);
      process.stdout.write(`logs ${[...logs.keys()].join(' ')}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGTERM', stop);
          process.off('SIGINT', stop);
          void running
            .close()
            .then(() => state.close())
            .then(resolve, resolve);
        };
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
      });
    });
}

/** `verify --witness-key … --witness-quorum N`, checked at the edge. */
export function witnessOptions(
  files: string[] | undefined,
  quorum: number | undefined,
  checkpointFiles: string[] = [],
): { keys: TrustedKey[]; quorum: number; kept: string[] } | undefined {
  if (!files?.length) {
    if (quorum !== undefined || checkpointFiles.length)
      throw new ShiplogError('USAGE', '--witness-quorum and --witness-checkpoint need --witness-key');
    return undefined;
  }
  const keys = files.map((f) => loadTrustedKey(readTextFile(f, 'witness key'), `witness key "${f}"`));
  if (new Set(keys.map((k) => k.keyid)).size !== keys.length)
    throw new ShiplogError('USAGE', 'the same witness key is given twice: each key counts once in a quorum');
  const n = quorum ?? keys.length;
  if (n > keys.length)
    throw new ShiplogError(
      'USAGE',
      `--witness-quorum ${n} is more than the ${keys.length} witness key(s) given`,
    );
  const kept = checkpointFiles.map((f) => readTextFile(f, 'cosigned checkpoint'));
  return { keys, quorum: n, kept };
}

export function renderWitnesses(w: WitnessCheck): string {
  const lines = [w.ok ? colour.green(inert(w.message)) : colour.red(inert(w.message))];
  for (const s of w.witnesses)
    lines.push(
      `  witness ${s.name ? inert(s.name) : '-'} (${s.key}): ${s.size === undefined ? 'no cosigned checkpoint of this ledger' : `cosigned size ${s.size} at ${s.time}`}`,
    );
  for (const p of w.problems) if (!w.message.includes(p)) lines.push(`  ${inert(p)}`);
  return lines.join('\n') + '\n';
}
