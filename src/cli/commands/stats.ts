import type { Command } from 'commander';
import { ShiplogError } from '../../errors.ts';
import { renderStats } from '../../audit/render.ts';
import { deliveryStats } from '../../audit/stats.ts';
import { parsePointInTime } from '../../audit/window.ts';
import {
  addLocationOptions,
  checkEnvironmentKnown,
  addShardsOption,
  collect,
  jsonOption,
  trustedKeysFrom,
  type LocationFlags,
} from '../common.ts';
import { printJson } from '../output.ts';
import { jobsOption, readVerifiedLedger } from '../verified-ledger.ts';

interface StatsFlags extends LocationFlags {
  trustedKey?: string[];
  environment?: string;
  since: string;
  until?: string;
  jobs?: number;
  json?: boolean;
}

/** `shiplog stats` (issue 12): delivery metrics from the ledger alone. */
export function registerStatsCommand(program: Command): void {
  addShardsOption(
    addLocationOptions(
      program
        .command('stats')
        .description(
          'the four DORA figures from the ledger: deployment frequency, lead time, change failure rate, time to restore',
        )
        .option('--trusted-key <file>', 'trusted PEM public key (repeatable)', collect)
        .option('--environment <name>', 'only this environment')
        .option('--since <date-or-duration>', 'start of the window: 2026-03-01, or back from now: 30d', '30d')
        .option('--until <date-or-duration>', 'end of the window (default: now)')
        .addOption(jobsOption())
        .addOption(jsonOption()),
    ),
  ).action(async (o: StatsFlags) => {
    const now = new Date();
    const since = parsePointInTime(o.since, '--since', now);
    const until = o.until === undefined ? now : parsePointInTime(o.until, '--until', now);
    if (since >= until) throw new ShiplogError('USAGE', '--since must be before --until (default: now)');
    const trusted = trustedKeysFrom(o.trustedKey);
    const data = await readVerifiedLedger(o, trusted, 'no figures');
    if (!data) return;
    checkEnvironmentKnown(
      o.environment,
      data.entries.map((e) => e.statement.predicate.environment),
    );
    const stats = deliveryStats(data.entries, { since, until, environment: o.environment });
    if (o.json) printJson({ ok: true, verified: true, entries: data.entries.length, ...stats });
    else process.stdout.write(renderStats(stats));
  });
}
