/** `reconcile` and `app redeliver` for a terminal: every count said out loud, one row per difference. */
import { formatTime, formatWindow } from '../audit/window.ts';
import type { HookDelivery } from '../github/hook-deliveries.ts';
import { table } from '../text/table.ts';
import type { ReconcileResult } from './compare.ts';
import type { RedeliveryPlan } from './redeliver.ts';

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export function renderReconcile(r: ReconcileResult): string {
  const c = r.compared;
  const lines = [
    `${r.repository} ${r.environment} from ${formatTime(r.since)} to ${formatTime(r.until)}: ` +
      `${plural(c.deployments, 'GitHub deployment')} (${c.successful_deployments} successful, ${c.recorded} recorded), ` +
      `${plural(c.entries, 'successful deploy entry', 'successful deploy entries')} in the ledger; ` +
      `matched by commit and run, or within ${formatWindow(r.tolerance_seconds * 1000)} of the deployment`,
  ];
  if (!r.uses_deployments) {
    lines.push(
      `GitHub has no deployment to ${r.environment} in the window: the repository does not use deployments there, so no entry is expected to have one`,
    );
  }
  const n = r.differences.length;
  if (n === 0) lines.push('no differences');
  else {
    lines.push(`${plural(n, 'difference')}:`);
    lines.push(
      table(r.differences, [
        { header: 'KIND', value: (d) => d.kind },
        {
          header: 'TIME',
          value: (d) => formatTime(d.kind === 'unrecorded-deploy' ? d.created_at : d.timestamp),
        },
        { header: 'COMMIT', value: (d) => d.commit.slice(0, 12) },
        {
          header: 'GITHUB / LEDGER',
          value: (d) => (d.kind === 'unrecorded-deploy' ? `deployment ${d.deployment_id}` : `seq ${d.seq}`),
        },
        { header: 'WHY', value: (d) => d.why },
      ]),
    );
  }
  return lines.join('\n') + '\n';
}

export interface RedeliveryOutcome {
  delivery: HookDelivery;
  /** Why GitHub refused it, when it did. */
  error?: string;
}

export function renderRedeliveries(
  plan: RedeliveryPlan,
  outcomes: readonly RedeliveryOutcome[],
  { since, dryRun }: { since: Date; dryRun: boolean },
): string {
  const lines = [
    `${plural(plan.deliveries, 'webhook delivery', 'webhook deliveries')} since ${formatTime(since.toISOString())}: ` +
      `${plan.failed} failed, ${plural(plan.recovered, 'event')} already delivered again, ` +
      `${plural(plan.redeliver.length, 'event')} to redeliver`,
  ];
  if (outcomes.length) {
    lines.push(
      table(outcomes, [
        {
          header: dryRun ? 'WOULD REDELIVER' : 'REDELIVERED',
          value: (o) => (o.error ? 'FAILED' : String(o.delivery.id)),
        },
        { header: 'DELIVERED', value: (o) => formatTime(o.delivery.deliveredAt) },
        {
          header: 'EVENT',
          value: (o) => `${o.delivery.event}${o.delivery.action ? `.${o.delivery.action}` : ''}`,
        },
        { header: 'GUID', value: (o) => o.delivery.guid },
        { header: 'WAS', value: (o) => `${o.delivery.statusCode} ${o.delivery.status}` },
        ...(outcomes.some((o) => o.error)
          ? [{ header: 'ERROR', value: (o: RedeliveryOutcome) => o.error ?? '' }]
          : []),
      ]),
    );
  }
  if (dryRun && outcomes.length) lines.push('dry run: nothing was redelivered');
  return lines.join('\n') + '\n';
}
