/**
 * What `audit` and `stats` read: every entry of the ledger (or of every shard), verified first,
 * streamed to the caller as verify passes it — the caller keeps what it needs, not the ledger.
 * A ledger that does not verify yields nothing but its problems — findings or figures read from it
 * could be forged, or hide what was removed — and the command exits 1.
 */
import { Option } from 'commander';
import { renderRefusal } from '../audit/render.ts';
import type { TrustedKey } from '../ledger/keys.ts';
import { defaultJobs } from '../ledger/verify.ts';
import { readVerified, type LoadedEntry, type Verification } from '../report/load.ts';
import { forEachLedger, positiveInt, readLocation, type LocationFlags } from './common.ts';
import { colour, printJson } from './output.ts';
import { startProgress } from './progress.ts';

export function jobsOption(): Option {
  return new Option('--jobs <n>', 'worker threads for signature checks (default: all cores)').argParser(
    positiveInt('--jobs'),
  );
}

export type VerifiedFlags = LocationFlags & {
  allShards?: boolean;
  json?: boolean;
  jobs?: number;
  quiet?: boolean;
};

/**
 * Verifies and hands each entry to `onEntry`; returns the verification when it passed (and how
 * many entries went to `onEntry`), else prints the refusal, sets exit code 1 and returns undefined:
 * whatever `onEntry` gathered must then be dropped.
 */
export async function readVerifiedLedger(
  o: VerifiedFlags,
  trusted: TrustedKey[],
  /** What the refusal says is withheld, e.g. "no figures". */
  withheld: string,
  onEntry: (e: LoadedEntry) => void,
): Promise<(Verification & { count: number }) | undefined> {
  const locations = o.allShards
    ? await forEachLedger(o, {}, async (location) => location)
    : [await readLocation(o)];
  const progress = startProgress({ label: 'verifying', quiet: o.quiet, json: o.json });
  let count = 0;
  let data: Verification;
  try {
    data = await readVerified({
      locations,
      trusted,
      jobs: o.jobs ?? defaultJobs(),
      onEntry: (e) => {
        count++;
        onEntry(e);
      },
      onProgress: (done, total) => progress.update(done, total),
    });
  } finally {
    progress.finish();
  }
  if (data.verify.ok) return { ...data, count };
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
