import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ShiplogError } from '../../errors.ts';
import { DEFAULT_REVIEW_WITHIN_MS } from '../../audit/exceptions.ts';
import { DAY_MS, parsePointInTime } from '../../audit/window.ts';
import { Spool } from '../../export/spool.ts';
import { defaultJobs } from '../../ledger/verify.ts';
import { ReportCollector, WINDOW_DAYS } from '../../report/collect.ts';
import { csvHeaderLine, csvRowStart } from '../../report/csv.ts';
import { damagedSeqs, renderReportHtml } from '../../report/html.ts';
import { readVerified } from '../../report/load.ts';
import { writeAtomically } from '../../report/write.ts';
import {
  addLocationOptions,
  addShardsOption,
  collect,
  jsonOption,
  positiveInt,
  forEachLedger,
  readLocation,
  trustedKeysFrom,
  type LocationFlags,
} from '../common.ts';
import { colour, printJson } from '../output.ts';
import { quietOption, startProgress } from '../progress.ts';

interface ReportFlags extends LocationFlags {
  trustedKey?: string[];
  out: string;
  csv?: string;
  since?: string;
  until?: string;
  jobs?: number;
  json?: boolean;
  quiet?: boolean;
}

export function registerReportCommand(program: Command): void {
  addShardsOption(
    addLocationOptions(
      program
        .command('report')
        .description(
          'write a self-contained HTML report for auditors: summary, exceptions and metrics of the whole ledger, the timeline of a window (and optionally a CSV of every entry)',
        )
        .option('--trusted-key <file>', 'trusted PEM public key (repeatable)', collect)
        .requiredOption('--out <file>', 'where to write the HTML report')
        .option('--csv <file>', 'also write one CSV row per entry (the whole ledger)')
        .option(
          '--since <date-or-duration>',
          `start of the timeline: 2026-03-01, or back from now: 30d (default: ${WINDOW_DAYS}d)`,
        )
        .option('--until <date-or-duration>', 'end of the timeline (default: now)')
        .option(
          '--jobs <n>',
          'worker threads for signature checks (default: all cores)',
          positiveInt('--jobs'),
        )
        .addOption(quietOption())
        .addOption(jsonOption()),
    ),
  ).action(async (o: ReportFlags) => {
    const now = new Date();
    const since =
      o.since === undefined
        ? new Date(now.getTime() - WINDOW_DAYS * DAY_MS)
        : parsePointInTime(o.since, '--since', now);
    const until = o.until === undefined ? now : parsePointInTime(o.until, '--until', now);
    if (since >= until) throw new ShiplogError('USAGE', '--since must be before --until (default: now)');
    const trusted = trustedKeysFrom(o.trustedKey);
    // A report reads the whole history anyway: listing the branches first costs nothing to speak of.
    const locations = o.allShards
      ? await forEachLedger(o, {}, async (location) => location)
      : [await readLocation(o)];
    const out = resolve(o.out);
    const csv = o.csv ? resolve(o.csv) : undefined;
    // One pass: the page's figures gathered, every entry's CSV row written, as verify goes.
    const collector = new ReportCollector({
      now,
      reviewWithinMs: DEFAULT_REVIEW_WITHIN_MS,
      window: { since, until },
    });
    // Rows wait in a spool for the verdict: their `verified` cell is known only at the end.
    const rows = csv ? Spool.temporary('report-csv') : undefined;
    const progress = startProgress({ label: 'verifying', quiet: o.quiet, json: o.json });
    try {
      const data = await readVerified({
        locations,
        trusted,
        jobs: o.jobs ?? defaultJobs(),
        onEntry: (e) => {
          collector.add(e);
          rows?.write(JSON.stringify([e.seq, csvRowStart(e)]) + '\n');
        },
        onProgress: (done, total) => progress.update(done, total),
      });
      progress.finish();
      const collected = collector.result();
      writeAtomically(out, renderReportHtml({ ...data, collected, generatedAt: now }));
      if (csv) await writeCsv(rows!, csv, damagedSeqs(data.verify));
      const v = data.verify;
      if (o.json) {
        printJson({
          ok: v.ok,
          entries: collected.total,
          problems: v.problems.length,
          html: out,
          csv,
          window: { since: since.toISOString(), until: until.toISOString(), entries: collected.inWindow },
        });
      } else {
        process.stdout.write(
          v.ok
            ? colour.green(`ledger valid: ${v.entries} entries`) + '\n'
            : colour.red(`ledger INVALID: ${v.problems.length} problem(s); the report lists them`) + '\n',
        );
        process.stdout.write(`report ${out}\n`);
        if (csv) process.stdout.write(`csv    ${csv}\n`);
      }
      // The report is written either way (it is the evidence), but a failed verification must fail CI.
      if (!v.ok) process.exitCode = 1;
    } finally {
      progress.finish();
      rows?.remove();
    }
  });
}

/** The CSV beside the report: the spooled rows, each with its `verified` cell, written atomically. */
async function writeCsv(
  rows: Spool,
  csv: string,
  damaged: { all: boolean; seqs: ReadonlySet<number> },
): Promise<void> {
  const out = Spool.beside(csv);
  try {
    out.write(csvHeaderLine());
    for await (const line of rows.lines()) {
      const [seq, row] = JSON.parse(line) as [number, string];
      out.write(`${row},${damaged.all || damaged.seqs.has(seq) ? 'no' : 'yes'}\r\n`);
    }
    out.commitTo(csv);
  } finally {
    out.remove();
  }
}
