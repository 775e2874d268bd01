/** `audit` and `stats` for a terminal: plain tables and short blocks, every count said out loud. */
import type { VerifyReport } from '../ledger/verify.ts';
import { inert } from '../text/inert.ts';
import { table } from '../text/table.ts';
import type { AuditFindings } from './exceptions.ts';
import type { DeliveryFigures, DeliveryStats } from './stats.ts';
import { formatDuration, formatTime } from './window.ts';

export function renderFindings(f: AuditFindings, scope: string, shards: boolean): string {
  const lines: string[] = [];
  const n = f.exceptions.length;
  if (n === 0) lines.push(`no exceptions${scope}`);
  else {
    lines.push(`${n} ${n === 1 ? 'exception' : 'exceptions'}${scope}:`);
    lines.push(
      table(f.exceptions, [
        ...(shards ? [{ header: 'SHARD', value: (x: (typeof f.exceptions)[number]) => x.shard ?? '-' }] : []),
        { header: 'SEQ', value: (x) => String(x.seq) },
        { header: 'TIME', value: (x) => formatTime(x.timestamp) },
        { header: 'KIND', value: (x) => x.kind },
        { header: 'ENV', value: (x) => x.environment ?? '-' },
        { header: 'COMMIT', value: (x) => x.commit.slice(0, 12) },
        { header: 'WHY', value: (x) => x.why },
      ]),
    );
  }
  for (const a of f.awaitingReview) {
    lines.push(
      `awaiting review: the override${a.by ? ` by ${inert(a.by)}` : ''} (seq ${a.seq}${a.pull_request ? `, pull request #${a.pull_request}` : ''}) is due for review by ${formatTime(a.due)}`,
    );
  }
  return lines.join('\n') + '\n';
}

export function renderStats(s: DeliveryStats): string {
  const w = s.window;
  const begins = w.ledger_begins ? `; the ledger begins ${formatTime(w.ledger_begins)}` : '';
  const lines = [
    `delivery metrics from ${formatTime(w.since)} to ${formatTime(w.until)} (${round(w.days, 1)} days${begins})`,
  ];
  // With one environment the overall figures are that environment's: said once.
  if (s.environments.length !== 1) lines.push('', ...block('all environments', s.overall));
  for (const e of s.environments)
    lines.push('', ...block(inert(`${e.environment} (${e.repositories.join(', ')})`), e));
  if (s.environments.length === 0) lines.push('', 'no deploys in the window');
  return lines.join('\n') + '\n';
}

function block(title: string, f: DeliveryFigures): string[] {
  const df = f.deployment_frequency;
  const lt = f.lead_time;
  const cfr = f.change_failure_rate;
  const ttr = f.time_to_restore;
  const rows: [string, string, string][] = [
    [
      'deployment frequency',
      df.per_day === null
        ? noFigure(df)
        : `${round(df.per_day, 2)} per day, ${round(df.per_week!, 2)} per week`,
      `${df.deploys} successful ${plural(df.deploys, 'deploy')}`,
    ],
    [
      'lead time for changes',
      lt.p50_seconds === null
        ? noFigure(lt)
        : `p50 ${duration(lt.p50_seconds)}, p90 ${duration(lt.p90_seconds!)}`,
      `${lt.pull_requests} ${plural(lt.pull_requests, 'pull request')} in ${lt.deploys} ${plural(lt.deploys, 'deploy')}` +
        (lt.deploys_without_change_set
          ? `; ${lt.deploys_without_change_set} ${plural(lt.deploys_without_change_set, 'deploy')} without a change set`
          : '') +
        (lt.pull_requests_without_merge_time
          ? `; ${lt.pull_requests_without_merge_time} without a merge time`
          : ''),
    ],
    [
      'change failure rate',
      cfr.rate === null ? noFigure(cfr) : `${round(cfr.rate * 100, 1)}%`,
      `${cfr.failed + cfr.rolled_back} of ${cfr.deploys} ${plural(cfr.deploys, 'deploy')}: ${cfr.failed} failed, ${cfr.rolled_back} rolled back`,
    ],
    [
      'time to restore',
      ttr.p50_seconds === null ? noFigure(ttr) : `p50 ${duration(ttr.p50_seconds)}`,
      `${ttr.restored} ${plural(ttr.restored, 'restore')}` +
        (ttr.unrestored ? `; ${ttr.unrestored} not restored yet` : ''),
    ],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  return [title, ...rows.map(([a, b, c]) => `  ${a.padEnd(w0)}  ${b.padEnd(w1)}  (${c})`)];
}

/** Why a ledger was refused, one problem per row, as `verify` names them. */
export function renderRefusal(reports: readonly VerifyReport[], what: string): string {
  const problems = reports.flatMap((r) => r.problems.map((p) => ({ ...p, branch: r.branch })));
  const lines = [
    `ledger INVALID: ${problems.length} ${plural(problems.length, 'problem')}; ${what} for a ledger that does not verify`,
    table(problems, [
      ...(reports.length > 1 ? [{ header: 'SHARD', value: (p: (typeof problems)[number]) => p.branch }] : []),
      { header: 'CHECK', value: (p) => p.check },
      { header: 'SEQ', value: (p) => (p.seq === undefined ? '-' : String(p.seq)) },
      { header: 'COMMIT', value: (p) => (p.commit ? p.commit.slice(0, 12) : '-') },
      { header: 'FILE', value: (p) => p.file ?? '-' },
      { header: 'PROBLEM', value: (p) => p.message },
    ]),
  ];
  return lines.join('\n') + '\n';
}

/** Why a figure is missing: nothing to compute it from, or too little to mean anything. */
const noFigure = (f: { not_enough_history?: true }): string =>
  f.not_enough_history ? 'not enough history' : 'no data';
const duration = (s: number): string => formatDuration(s * 1000);
const round = (n: number, digits: number): string => n.toFixed(digits);
const plural = (n: number, word: string): string => (n === 1 ? word : `${word}s`);
