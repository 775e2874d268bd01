/**
 * The shiplog command line. Each command lives in its own module under commands/; this file wires
 * them up and turns errors into one clear line and an exit code (0 ok, 1 check failed, 2 usage).
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Help } from 'commander';
import { isShiplogError, errorMessage } from '../errors.ts';
import { inert } from '../text/inert.ts';
import { registerAppCommands } from './commands/app-admin.ts';
import { registerAuditCommand } from './commands/audit.ts';
import { registerExportCommands } from './commands/export.ts';
import { registerLedgerCommands } from './commands/ledger.ts';
import { registerProofCommands } from './commands/proof.ts';
import { registerPolicyCommands } from './commands/policy.ts';
import { registerReconcileCommand } from './commands/reconcile.ts';
import { registerReportCommand } from './commands/report.ts';
import { registerStatsCommand } from './commands/stats.ts';
import { registerWhereCommand } from './commands/where.ts';
import { registerWitnessCommands } from './commands/witness.ts';

export function buildProgram(): Command {
  const program = new Command('shiplog')
    .description('Signed, hash-chained change ledger and approval gates for CI/CD')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride()
    // Every command's help marks the flags it cannot run without (subcommands inherit this).
    .configureHelp({
      optionDescription(option) {
        const text = Help.prototype.optionDescription.call(this, option);
        return option.mandatory ? `${text} (required)` : text;
      },
    });
  registerLedgerCommands(program);
  registerProofCommands(program);
  registerPolicyCommands(program);
  registerWhereCommand(program);
  registerReportCommand(program);
  registerAuditCommand(program);
  registerStatsCommand(program);
  registerExportCommands(program);
  registerReconcileCommand(program);
  registerAppCommands(program);
  registerWitnessCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  process.exitCode = 0;
  try {
    await program.parseAsync(argv, { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version requests end with a "success" CommanderError.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (isShiplogError(e)) {
      process.stderr.write(`shiplog: error[${e.code}]: ${inert(e.message, '\n')}\n`);
      return e.exitCode;
    }
    process.stderr.write(`shiplog: unexpected error: ${inert(errorMessage(e), '\n')}\n`);
    if (process.env.SHIPLOG_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    return 1;
  }
}

/**
 * Run when this file is the program (`node dist/cli.js`, the `shiplog` bin — which npm installs as
 * a symlink, so compare real paths, not names — or `tsx src/cli/main.ts`); stay quiet when a test
 * or another module imports it.
 */
function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  // `shiplog log | head -1`: the reader left, which is not an error worth a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
