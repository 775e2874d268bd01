import type { Command } from 'commander';
import { currentDeploys } from '../../ledger/deployed.ts';
import {
  openCheckout,
  sortDeploys,
  whereIsCommit,
  type WhereAnswer,
  type WhereRow,
} from '../../ledger/where.ts';
import {
  addLocationOptions,
  addShardsOption,
  forEachLedger,
  jsonOption,
  type LocationFlags,
} from '../common.ts';
import { printJson, table } from '../output.ts';

interface WhereFlags extends LocationFlags {
  repoDir: string;
  repo?: string;
  json?: boolean;
}

export function registerWhereCommand(program: Command): void {
  addShardsOption(
    addLocationOptions(
      program
        .command('where')
        .description(
          'which environments contain a commit (the deploy in force per environment + git ancestry)',
        )
        .argument('<commit>', 'a commit sha (short is fine) or any rev of the code checkout')
        .option('--repo-dir <dir>', 'the code checkout used for ancestry', '.')
        .option('--repo <owner/name>', 'only deploys of this repository (its shard, in a central ledger)')
        .addOption(jsonOption()),
    ),
    'read every shiplog and shiplog/* branch: the deploy in force per environment of every shard, together',
  ).action(async (rev: string, o: WhereFlags) => {
    // Resolve first: a typo should fail fast, before the ledger is fetched.
    const checkout = await openCheckout(o.repoDir);
    const commit = await checkout.resolve(rev);
    // The tip's deploy summary answers this: no history is read.
    const deploys = (
      await forEachLedger(o, { repository: o.repo }, (location) =>
        currentDeploys(location, { repository: o.repo }),
      )
    ).flat();
    const answer = await whereIsCommit(commit, sortDeploys(deploys), checkout.isAncestor);
    if (o.json) printJson(answer);
    else process.stdout.write(renderWhere(answer));
  });
}

function renderWhere(a: WhereAnswer): string {
  if (a.environments.length === 0) return `commit ${a.commit}\nno deploys recorded in the ledger\n`;
  const manyRepos = new Set(a.environments.map((e) => e.repository)).size > 1;
  const rows = table(a.environments, [
    { header: 'ENVIRONMENT', value: (e) => e.environment },
    ...(manyRepos ? [{ header: 'REPOSITORY', value: (e: WhereRow) => e.repository }] : []),
    { header: 'CONTAINS', value: containsText },
    { header: 'DEPLOYED', value: (e) => e.deployed_commit?.slice(0, 12) ?? 'not deployed' },
    { header: 'WHEN', value: (e) => e.deployed_at?.replace(/\.\d+Z$/, 'Z') ?? '-' },
    { header: 'BY', value: (e) => e.deployed_by ?? '-' },
    { header: 'APPROVERS', value: approversText },
    { header: 'SEQ', value: (e) => (e.seq === null ? '-' : String(e.seq)) },
  ]);
  const unknown = a.environments.some((e) => e.contains === null)
    ? '\nunknown: the deployed commit is not in this checkout; fetch it and ask again\n'
    : '';
  return `commit ${a.commit}\n${rows}\n${unknown}`;
}

function containsText(e: WhereRow): string {
  if (e.deployed_commit === null) return 'not deployed';
  if (e.contains === null) return 'unknown';
  return e.contains ? 'yes' : 'no';
}

function approversText(e: WhereRow): string {
  if (e.approvers.length) return e.approvers.join(',');
  if (e.approval_status && e.approval_status !== 'approved') return `(${e.approval_status})`;
  return '-';
}
