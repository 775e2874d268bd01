/**
 * `shiplog reconcile` (issue 14): GitHub's deployments against the ledger's deploy entries, the
 * completeness test auditors run — no change reached the environment without a record. The ledger
 * is verified first: differences read from a ledger that does not verify would mean nothing.
 */
import type { Command } from 'commander';
import { ShiplogError } from '../../errors.ts';
import { renderRefusal } from '../../audit/render.ts';
import { formatWindow, parseDuration, parsePointInTime } from '../../audit/window.ts';
import { defaultJobs } from '../../ledger/verify.ts';
import { DEFAULT_TOLERANCE_MS } from '../../reconcile/compare.ts';
import { loadReportData } from '../../report/load.ts';
import {
  addLocationOptions,
  collect,
  forEachLedger,
  jsonOption,
  positiveInt,
  repoFrom,
  trustedKeysFrom,
  type LocationFlags,
} from '../common.ts';
import { colour, printJson } from '../output.ts';

interface ReconcileFlags extends LocationFlags {
  repo: string;
  environment: string;
  since: string;
  tolerance: string;
  trustedKey?: string[];
  jobs?: number;
  json?: boolean;
}

export function registerReconcileCommand(program: Command): void {
  addLocationOptions(
    program
      .command('reconcile')
      .description(
        "compare GitHub's deployments to an environment with the ledger's deploy entries (token from GITHUB_TOKEN, API from GITHUB_API_URL); exit 1 when they differ",
      )
      .requiredOption('--repo <owner/name>', 'repository whose deployments to compare')
      .requiredOption('--environment <name>', 'deployment environment, e.g. production')
      .requiredOption(
        '--since <date-or-duration>',
        'start of the window: 2026-03-01, or back from now: 7d, 24h (ends now)',
      )
      .option(
        '--tolerance <duration>',
        "how far a record's time may be from its deployment when no run id ties them",
        formatWindow(DEFAULT_TOLERANCE_MS),
      )
      .option('--trusted-key <file>', 'trusted PEM public key (repeatable)', collect)
      .option('--jobs <n>', 'worker threads for signature checks (default: all cores)', positiveInt('--jobs'))
      .addOption(jsonOption()),
  ).action(async (o: ReconcileFlags) => {
    // Every input is checked before anything is fetched: a typo costs nothing.
    const now = new Date();
    const { owner, repo } = repoFrom(o.repo);
    const repository = `${owner}/${repo}`;
    const environment = o.environment.trim();
    if (!environment) throw new ShiplogError('USAGE', '--environment must name an environment');
    const since = parsePointInTime(o.since, '--since', now);
    if (since >= now) throw new ShiplogError('USAGE', '--since must be in the past');
    const toleranceMs = parseDuration(o.tolerance, '--tolerance');
    const trusted = trustedKeysFrom(o.trustedKey);
    const token = process.env.GITHUB_TOKEN;
    if (!token)
      throw new ShiplogError(
        'USAGE',
        "set GITHUB_TOKEN to a token that can read the repository's deployments",
      );

    const [data] = await forEachLedger(o, { repository }, (location) =>
      loadReportData({ locations: [location], trusted, jobs: o.jobs ?? defaultJobs() }),
    );
    if (!data!.verify.ok) {
      if (o.json) printJson({ ok: false, verified: false, problems: data!.verify.problems });
      else process.stdout.write(colour.red(renderRefusal([data!.verify], 'nothing is reconciled')));
      process.exitCode = 1;
      return;
    }

    const room = await import('../../reconcile/room.ts');
    const api = room.createGitHubClient({
      token,
      onRateLimit: (m) => process.stderr.write(`shiplog: ${m}\n`),
    });
    // From a tolerance earlier, so an entry just inside the window finds its deployment just outside it.
    const deployments = await room.listDeployments(api, {
      owner,
      repo,
      environment,
      since: new Date(since.getTime() - toleranceMs),
    });
    const result = room.reconcile(deployments, data!.entries, {
      repository,
      environment,
      since,
      until: now,
      toleranceMs,
    });
    if (o.json) printJson({ ok: result.differences.length === 0, verified: true, ...result });
    else {
      process.stdout.write(
        colour.green(`ledger valid: ${data!.verify.entries} entries, chain intact, signatures trusted`) +
          '\n',
      );
      process.stdout.write(room.renderReconcile(result));
    }
    if (result.differences.length) process.exitCode = 1;
  });
}
