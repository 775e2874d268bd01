import type { Command } from 'commander';
import { ShiplogError } from '../../errors.ts';
import { renderRefusal, renderStats } from '../../audit/render.ts';
import { deliveryStats } from '../../audit/stats.ts';
import { parsePointInTime } from '../../audit/window.ts';
import { defaultJobs } from '../../ledger/verify.ts';
import { loadReportData } from '../../report/load.ts';
import {
  addLocationOptions,
  addShardsOption,
  collect,
  forEachLedger,
  jsonOption,
  positiveInt,
  readLocation,
  trustedKeysFrom,
  type LocationFlags,
} from '../common.ts';
import { colour, printJson } from '../output.ts';

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
        .option(
          '--jobs <n>',
          'worker threads for signature checks (default: all cores)',
          positiveInt('--jobs'),
        )
        .addOption(jsonOption()),
    ),
  ).action(async (o: StatsFlags) => {
    const now = new Date();
    const since = parsePointInTime(o.since, '--since', now);
    const until = o.until === undefined ? now : parsePointInTime(o.until, '--until', now);
    if (since >= until) throw new ShiplogError('USAGE', '--since must be before --until (default: now)');
    const trusted = trustedKeysFrom(o.trustedKey);
    const locations = o.allShards
      ? await forEachLedger(o, {}, async (location) => location)
      : [await readLocation(o)];
    const data = await loadReportData({ locations, trusted, jobs: o.jobs ?? defaultJobs() });
    const reports = data.shards ?? [data.verify];
    // Figures from a ledger that does not verify would lend numbers an authority they do not have.
    if (!data.verify.ok) {
      if (o.json)
        printJson({
          ok: false,
          verified: false,
          problems: reports.flatMap((r) =>
            r.problems.map((p) => ({ ...p, ...(reports.length > 1 ? { shard: r.branch } : {}) })),
          ),
        });
      else process.stdout.write(colour.red(renderRefusal(reports, 'no figures')));
      process.exitCode = 1;
      return;
    }
    const stats = deliveryStats(data.entries, { since, until, environment: o.environment });
    if (o.json) printJson({ ok: true, verified: true, entries: data.entries.length, ...stats });
    else process.stdout.write(renderStats(stats));
  });
}
