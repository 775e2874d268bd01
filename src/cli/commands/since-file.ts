/**
 * What `verify --since` and `prove --from` read: a checkpoint note, or the JSON report of an earlier
 * `shiplog verify --json` — which also names the ledger commit it verified (`tip`), pinning the
 * whole history at and below that checkpoint so only newer entries need reading.
 */
import { ShiplogError } from '../../errors.ts';

export function checkpointFromFile(text: string): { text: string; commit?: string } {
  if (!text.trimStart().startsWith('{')) return { text };
  let report: { checkpointText?: unknown; tip?: unknown };
  try {
    report = JSON.parse(text) as typeof report;
  } catch (e) {
    throw new ShiplogError('USAGE', `not a checkpoint nor a verify --json report: ${(e as Error).message}`);
  }
  if (typeof report.checkpointText !== 'string')
    throw new ShiplogError('USAGE', 'the verify report holds no checkpointText');
  const commit = typeof report.tip === 'string' && /^[0-9a-f]{40}$/.test(report.tip) ? report.tip : undefined;
  return { text: report.checkpointText, ...(commit ? { commit } : {}) };
}
