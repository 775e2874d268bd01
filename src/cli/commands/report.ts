import { resolve } from 'node:path';
import type { Command } from 'commander';
import { defaultJobs } from '../../ledger/verify.ts';
import { renderCsv } from '../../report/csv.ts';
import { damagedSeqs, renderReportHtml } from '../../report/html.ts';
import { loadReportData } from '../../report/load.ts';
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

interface ReportFlags extends LocationFlags {
  trustedKey?: string[];
  out: string;
  csv?: string;
  jobs?: number;
  json?: boolean;
}

export function registerReportCommand(program: Command): void {
  addShardsOption(
    addLocationOptions(
      program
        .command('report')
        .description('write a self-contained HTML report for auditors (and optionally a CSV of every entry)')
        .option('--trusted-key <file>', 'trusted PEM public key (repeatable)', collect)
        .requiredOption('--out <file>', 'where to write the HTML report')
        .option('--csv <file>', 'also write one CSV row per entry')
        .option(
          '--jobs <n>',
          'worker threads for signature checks (default: all cores)',
          positiveInt('--jobs'),
        )
        .addOption(jsonOption()),
    ),
  ).action(async (o: ReportFlags) => {
    const trusted = trustedKeysFrom(o.trustedKey);
    // A report reads the whole history anyway: listing the branches first costs nothing to speak of.
    const locations = o.allShards
      ? await forEachLedger(o, {}, async (location) => location)
      : [await readLocation(o)];
    const data = await loadReportData({ locations, trusted, jobs: o.jobs ?? defaultJobs() });
    const page = renderReportHtml({ ...data, generatedAt: new Date() });
    const out = resolve(o.out);
    writeAtomically(out, page);
    const csv = o.csv ? resolve(o.csv) : undefined;
    if (csv) writeAtomically(csv, renderCsv(data.entries, damagedSeqs(data.verify)));
    const v = data.verify;
    if (o.json) {
      printJson({ ok: v.ok, entries: data.entries.length, problems: v.problems.length, html: out, csv });
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
  });
}
