/**
 * `shiplog policy snapshot`: capture one pull request's policy inputs from the live API, in GitHub's
 * own REST shapes, so `shiplog policy evaluate` can try a policy offline on exactly what GitHub said.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ShiplogError } from '../../errors.ts';
import { readTextFile, repoFrom } from '../common.ts';
import { policyCommand } from './policy.ts';

interface SnapshotFlags {
  repo: string;
  pr: string;
  teams?: string;
  policy?: string;
  out?: string;
}

function prFrom(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n <= 0) {
    throw new ShiplogError('USAGE', `--pr must be a pull request number, got "${value}"`);
  }
  return n;
}

/** Teams named on the command line plus, with --policy, every team its rules and override name. */
async function teamsFrom(flags: SnapshotFlags): Promise<string[]> {
  const teams = new Set(
    (flags.teams ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
  );
  if (flags.policy) {
    const { parsePolicy } = await import('./policy-room.ts');
    const policy = parsePolicy(readTextFile(flags.policy, 'policy file'), flags.policy);
    for (const rule of policy.rules) for (const t of rule.teams) teams.add(t);
    for (const t of policy.settings.override.teams) teams.add(t);
  }
  return [...teams].sort();
}

export function registerPolicySnapshotCommand(program: Command): void {
  policyCommand(program)
    .command('snapshot')
    .description(
      'write a pull request snapshot for `policy evaluate` from the GitHub API (token from GITHUB_TOKEN, API from GITHUB_API_URL)',
    )
    .requiredOption('--repo <owner/name>', 'repository')
    .requiredOption('--pr <number>', 'pull request number')
    .option('--teams <slugs>', 'comma-separated team slugs whose membership to record (e.g. dba,sre)')
    .option('--policy <file>', 'also record every team this policy file names')
    .option('--out <file>', 'write the snapshot here instead of standard output')
    .action(async (flags: SnapshotFlags) => {
      const { owner, repo } = repoFrom(flags.repo);
      const number = prFrom(flags.pr);
      const teams = await teamsFrom(flags);
      const token = process.env.GITHUB_TOKEN;
      if (!token) throw new ShiplogError('USAGE', 'set GITHUB_TOKEN to a token that can read the repository');
      const { createGitHubClient, fetchPolicySnapshot } = await import('./policy-room.ts');
      const api = createGitHubClient({ token, onRateLimit: (m) => process.stderr.write(`shiplog: ${m}\n`) });
      const snapshot = await fetchPolicySnapshot(api, { owner, repo, number, teams });
      const json = `${JSON.stringify(snapshot, null, 2)}\n`;
      if (flags.out) {
        writeFileSync(flags.out, json);
        process.stderr.write(
          `shiplog: wrote ${flags.out} (${snapshot.files.length} files, ${snapshot.reviews.length} reviews)\n`,
        );
      } else {
        process.stdout.write(json);
      }
    });
}
