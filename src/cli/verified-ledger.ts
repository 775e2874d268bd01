/**
 * What `audit` and `stats` read: every entry of the ledger (or of every shard), verified first.
 * A ledger that does not verify yields nothing but its problems — findings or figures read from it
 * could be forged, or hide what was removed — and the command exits 1.
 */
import { Option } from 'commander';
import { renderRefusal } from '../audit/render.ts';
import type { TrustedKey } from '../ledger/keys.ts';
import { defaultJobs } from '../ledger/verify.ts';
import { loadReportData, type ReportData } from '../report/load.ts';
import { forEachLedger, positiveInt, readLocation, type LocationFlags } from './common.ts';
import { colour, printJson } from './output.ts';

export function jobsOption(): Option {
  return new Option('--jobs <n>', 'worker threads for signature checks (default: all cores)').argParser(
    positiveInt('--jobs'),
  );
}

export async function readVerifiedLedger(
  o: LocationFlags & { allShards?: boolean; json?: boolean; jobs?: number },
  trusted: TrustedKey[],
  /** What the refusal says is withheld, e.g. "no figures". */
  withheld: string,
): Promise<ReportData | undefined> {
  const locations = o.allShards
    ? await forEachLedger(o, {}, async (location) => location)
    : [await readLocation(o)];
  const data = await loadReportData({ locations, trusted, jobs: o.jobs ?? defaultJobs() });
  if (data.verify.ok) return data;
  const reports = data.shards ?? [data.verify];
  if (o.json)
    printJson({
      ok: false,
      verified: false,
      problems: reports.flatMap((r) =>
        r.problems.map((p) => ({ ...p, ...(reports.length > 1 ? { shard: r.branch } : {}) })),
      ),
    });
  else process.stdout.write(colour.red(renderRefusal(reports, withheld)));
  process.exitCode = 1;
  return undefined;
}
