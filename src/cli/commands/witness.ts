/** `shiplog witness serve`: run a C2SP tlog-witness for known shiplog ledgers (see src/witness/). */
import type { Command } from 'commander';
import { ShiplogError } from '../../errors.ts';
import { checkNoteName, witnessVkey } from '../../witness/cosignature.ts';
import { knownLogsFrom } from '../../witness/known-logs.ts';
import { startWitness } from '../../witness/server.ts';
import { WitnessState } from '../../witness/state.ts';
import { collect, signingKeyFrom } from '../common.ts';

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
