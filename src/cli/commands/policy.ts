/**
 * `shiplog policy evaluate`: try a policy against a pull request snapshot before merging it.
 * Exit 0 satisfied, 1 not satisfied, 2 the policy or the snapshot is invalid (a ShiplogError).
 */
import type { Command } from 'commander';
import { jsonOption, readTextFile } from '../common.ts';
import { printJson } from '../output.ts';
import { registerPolicySnapshotCommand } from './policy-snapshot.ts';

export function registerPolicyCommands(program: Command): void {
  policyCommand(program)
    .command('evaluate')
    .description(
      'evaluate an approval policy against a pull request snapshot (exit 0 satisfied, 1 not, 2 invalid input)',
    )
    .requiredOption('--policy <file>', 'policy file, e.g. .github/shiplog.yml')
    .requiredOption(
      '--pr <snapshot.json>',
      'pull request snapshot: { pull_request, files, reviews, teams, permissions }',
    )
    .addOption(jsonOption())
    .action(async (o: { policy: string; pr: string; json?: boolean }) => {
      // The policy room (YAML, JSON Schema) loads only for policy commands: ledger commands start faster.
      const { evaluatePolicy, parsePolicy, parseSnapshot, renderText, snapshotDirectory } =
        await import('./policy-room.ts');
      // Both inputs are read and validated before anything is evaluated, so exit 2 never hides a verdict.
      const policy = parsePolicy(readTextFile(o.policy, 'policy file'), o.policy);
      const snapshot = parseSnapshot(readTextFile(o.pr, 'pull request snapshot'), o.pr);
      const verdict = await evaluatePolicy(policy, snapshot.input, snapshotDirectory(snapshot));
      if (o.json) printJson(verdict);
      else process.stdout.write(renderText(verdict));
      if (!verdict.satisfied) process.exitCode = 1;
    });
  registerPolicySnapshotCommand(program);
}

/** The `policy` command group, created once; other policy subcommands attach to it. */
export function policyCommand(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'policy') ??
    program.command('policy').description('approval policies: evaluate offline, capture snapshots')
  );
}
