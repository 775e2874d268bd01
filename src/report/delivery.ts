/**
 * The report's Delivery metrics: the four figures `shiplog stats` computes, for the same default
 * window (the last 30 days), each with what it rests on; a table per environment; and two charts
 * (successful deploys per week over a longer stretch, so a trend shows, and the spread of lead
 * times behind the percentiles).
 */
import type { DeliveryFigures, DeliveryStats } from '../audit/stats.ts';
import { formatDuration, HOUR_MS } from '../audit/window.ts';
import { CHART_WEEKS, METRICS_DAYS, type CollectedReport } from './collect.ts';
import { barChart, type Bar } from './charts.ts';
import { count, formatTime } from './format.ts';
import { markup, type Markup } from './markup.ts';

export { METRICS_DAYS };

/** Lead-time buckets for the distribution chart, upper bounds in hours. */
const BUCKETS: { label: string; below: number }[] = [
  { label: '< 1h', below: 1 },
  { label: '1–4h', below: 4 },
  { label: '4–24h', below: 24 },
  { label: '1–3d', below: 72 },
  { label: '3–7d', below: 168 },
  { label: '> 7d', below: Infinity },
];

/** The section, from what a ReportCollector computed over the whole ledger. */
export function deliverySection(d: CollectedReport['delivery']): Markup {
  const { stats, weeks, leads } = d;
  const begins = stats.window.ledger_begins
    ? markup`; the ledger begins ${formatTime(stats.window.ledger_begins)}, so rates are per ${stats.window.days.toFixed(1)} days`
    : '';
  return markup`<section class="panel metrics" id="delivery">
<h2>Delivery metrics</h2>
<p class="muted">The last ${METRICS_DAYS} days (${formatTime(stats.window.since)} to ${formatTime(stats.window.until)}${begins}), from the ledger alone: what <code>shiplog stats</code> prints.</p>
${figureCards(stats.overall)}
${environmentTable(stats)}
<div class="charts">
<figure class="chart-box"><figcaption>Successful deploys per week, last ${CHART_WEEKS} weeks</figcaption>${barChart(weekBars(weeks), { label: `Successful deploys per week over the last ${CHART_WEEKS} weeks` })}</figure>
<figure class="chart-box"><figcaption>Lead time for changes, last ${METRICS_DAYS} days (${count(leads.length, 'pull request')})</figcaption>${barChart(leadBars(leads), { label: 'Lead time distribution', tone: 'neutral' })}</figure>
</div>
</section>`;
}

function figureCards(f: DeliveryFigures): Markup {
  const df = f.deployment_frequency;
  const lt = f.lead_time;
  const cfr = f.change_failure_rate;
  const ttr = f.time_to_restore;
  const cards: [string, string, string][] = [
    [
      'Deployment frequency',
      df.per_week === null ? 'no data' : `${df.per_week.toFixed(2)} / week`,
      `${count(df.deploys, 'successful deploy')}${df.per_day === null ? '' : `, ${df.per_day.toFixed(2)} per day`}`,
    ],
    [
      'Lead time for changes',
      lt.p50_seconds === null ? 'no data' : `p50 ${seconds(lt.p50_seconds)}`,
      `${lt.p90_seconds === null ? '' : `p90 ${seconds(lt.p90_seconds)}; `}${count(lt.pull_requests, 'pull request')} in ${count(lt.deploys, 'deploy')}${lt.deploys_without_change_set ? `; ${count(lt.deploys_without_change_set, 'deploy')} without a change set` : ''}`,
    ],
    [
      'Change failure rate',
      cfr.rate === null ? 'no data' : `${(cfr.rate * 100).toFixed(1)}%`,
      `${cfr.failed + cfr.rolled_back} of ${count(cfr.deploys, 'deploy')}: ${cfr.failed} failed, ${cfr.rolled_back} rolled back`,
    ],
    [
      'Time to restore',
      ttr.p50_seconds === null ? 'no data' : `p50 ${seconds(ttr.p50_seconds)}`,
      `${count(ttr.restored, 'restore')}${ttr.unrestored ? `; ${ttr.unrestored} not restored yet` : ''}`,
    ],
  ];
  return markup`<div class="figures">${cards.map(
    ([name, value, basis]) =>
      markup`<div class="figure"><div class="figure-name">${name}</div><div class="figure-value${value === 'no data' ? ' muted' : ''}">${value}</div><div class="figure-basis muted">${basis}</div></div>`,
  )}</div>`;
}

function environmentTable(stats: DeliveryStats): Markup | string {
  if (stats.environments.length === 0)
    return markup`<p class="empty">No deploys in the last ${METRICS_DAYS} days.</p>`;
  const rate = (r: number | null): string => (r === null ? '-' : `${(r * 100).toFixed(1)}%`);
  const dur = (s: number | null): string => (s === null ? '-' : seconds(s));
  return markup`<table class="metrics-table"><thead><tr><th>environment</th><th>deploys / week</th><th>lead time p50</th><th>lead time p90</th><th>change failure rate</th><th>time to restore p50</th></tr></thead><tbody>${stats.environments.map(
    (e) =>
      markup`<tr data-env="${e.environment}"><td>${e.environment}</td><td>${e.deployment_frequency.per_week?.toFixed(2) ?? '-'} <span class="muted">(${e.deployment_frequency.deploys})</span></td><td>${dur(e.lead_time.p50_seconds)}</td><td>${dur(e.lead_time.p90_seconds)} <span class="muted">(${count(e.lead_time.pull_requests, 'PR')})</span></td><td>${rate(e.change_failure_rate.rate)} <span class="muted">(${e.change_failure_rate.failed + e.change_failure_rate.rolled_back} of ${e.change_failure_rate.deploys})</span></td><td>${dur(e.time_to_restore.p50_seconds)} <span class="muted">(${e.time_to_restore.restored})</span></td></tr>`,
  )}</tbody></table>`;
}

function weekBars(weeks: { start: string; deploys: number }[]): Bar[] {
  return weeks.map((w) => ({
    label: w.start.slice(5, 10),
    value: w.deploys,
    title: `week from ${w.start.slice(0, 10)}: ${count(w.deploys, 'successful deploy')}`,
  }));
}

function leadBars(samples: readonly number[]): Bar[] {
  const counts = BUCKETS.map(() => 0);
  for (const s of samples) counts[BUCKETS.findIndex((b) => s < b.below * (HOUR_MS / 1000))]!++;
  return BUCKETS.map((b, i) => ({
    label: b.label,
    value: counts[i]!,
    title: `${b.label}: ${count(counts[i]!, 'pull request')}`,
  }));
}

const seconds = (s: number): string => formatDuration(s * 1000);
