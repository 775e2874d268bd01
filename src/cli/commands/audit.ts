import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ShiplogError } from '../../errors.ts';
import { renderExceptionsCsv } from '../../audit/csv.ts';
import { DEFAULT_REVIEW_WITHIN_MS, EXCEPTION_KINDS, findExceptions } from '../../audit/exceptions.ts';
import { renderFindings } from '../../audit/render.ts';
import { formatTime, formatWindow, parseDuration, parsePointInTime } from '../../audit/window.ts';
import { writeAtomically } from '../../report/write.ts';
import {
  addLocationOptions,
  checkEnvironmentKnown,
  addShardsOption,
  collect,
  jsonOption,
  trustedKeysFrom,
  type LocationFlags,
} from '../common.ts';
import { colour, printJson } from '../output.ts';
import { jobsOption, readVerifiedLedger } from '../verified-ledger.ts';

interface AuditFlags extends LocationFlags {
  trustedKey?: string[];
  environment?: string;
  since?: string;
  until?: string;
  reviewWithin?: string;
  csv?: string;
  jobs?: number;
  json?: boolean;
  format?: string;
}

/** `shiplog audit` (issue 12): every exception in the ledger, for auditors. */
export function registerAuditCommand(program: Command): void {
  addShardsOption(
    addLocationOptions(
      program
        .command('audit')
        .description(
          `list every exception the ledger shows (${EXCEPTION_KINDS.join(', ')}; unrecorded-deploy from the app's reconciliation entries); exit 1 when there is one`,
        )
        .option('--trusted-key <file>', 'trusted PEM public key (repeatable)', collect)
        .option('--environment <name>', 'only exceptions about this environment')
        .option(
          '--since <date-or-duration>',
          'only exceptions from then on: 2026-03-01, or back from now: 30d, 12h',
        )
        .option('--until <date-or-duration>', 'only exceptions up to then (default: now)')
        .option(
          '--review-within <duration>',
          "how soon a break-glass override must be reviewed (the policy's settings.override.review_within)",
          formatWindow(DEFAULT_REVIEW_WITHIN_MS),
        )
        .option('--csv <file>', 'also write one CSV row per exception')
        .option(
          '--format <format>',
          'text (default), or ocsf: one OCSF Compliance Finding (2003) per exception, one JSON object per line',
        )
        .addOption(jobsOption())
        .addOption(jsonOption()),
    ),
  ).action(async (o: AuditFlags) => {
    // Every flag is checked before the ledger is fetched: a typo costs nothing.
    const now = new Date();
    const since = o.since === undefined ? undefined : parsePointInTime(o.since, '--since', now);
    const until = o.until === undefined ? undefined : parsePointInTime(o.until, '--until', now);
    if (since && until && since >= until) throw new ShiplogError('USAGE', '--since must be before --until');
    const reviewWithinMs = parseDuration(o.reviewWithin!, '--review-within');
    if (o.format !== undefined && o.format !== 'text' && o.format !== 'ocsf')
      throw new ShiplogError('USAGE', `unknown --format "${o.format}": use text or ocsf`);
    if (o.format === 'ocsf' && o.json)
      throw new ShiplogError('USAGE', '--format ocsf and --json: choose one');
    const trusted = trustedKeysFrom(o.trustedKey);
    const data = await readVerifiedLedger(o, trusted, 'exceptions are not listed');
    if (!data) return;
    checkEnvironmentKnown(
      o.environment,
      data.entries.map((e) => e.statement.predicate.environment),
    );

    const findings = findExceptions(data.entries, {
      now,
      reviewWithinMs,
      environment: o.environment,
      since,
      until,
    });
    const csv = o.csv ? resolve(o.csv) : undefined;
    if (csv) writeAtomically(csv, renderExceptionsCsv(findings.exceptions));
    if (o.format === 'ocsf') {
      const { renderFindingsOcsf } = await import('../../export/findings.ts');
      process.stdout.write(renderFindingsOcsf(findings.exceptions, { productVersion: program.version() }));
    } else if (o.json) {
      const counts = Object.fromEntries(
        EXCEPTION_KINDS.map((k) => [k, findings.exceptions.filter((x) => x.kind === k).length]),
      );
      printJson({
        ok: findings.exceptions.length === 0,
        verified: true,
        entries: data.entries.length,
        filters: {
          ...(o.environment !== undefined ? { environment: o.environment } : {}),
          ...(since ? { since: since.toISOString() } : {}),
          ...(until ? { until: until.toISOString() } : {}),
        },
        review_within: formatWindow(reviewWithinMs),
        counts,
        exceptions: findings.exceptions,
        awaiting_review: findings.awaitingReview,
        ...(csv ? { csv } : {}),
      });
    } else {
      const scope = [
        o.environment !== undefined ? ` in ${o.environment}` : '',
        since ? ` since ${formatTime(since.toISOString())}` : '',
        until ? ` until ${formatTime(until.toISOString())}` : '',
      ].join('');
      process.stdout.write(
        colour.green(`ledger valid: ${data.verify.entries} entries, chain intact, signatures trusted`) + '\n',
      );
      process.stdout.write(renderFindings(findings, scope, !!o.allShards));
      if (csv) process.stdout.write(`csv ${csv}\n`);
    }
    if (findings.exceptions.length) process.exitCode = 1;
  });
}
