/**
 * Which of the app's webhook deliveries to send again. Pure: the deliveries GitHub listed in, a
 * plan out. An event (one guid) is redelivered once, and only if none of its deliveries in the
 * window reached the app: the first delivery and every redelivery share the guid, so an event an
 * operator (or an earlier run of this command) already got through is left alone.
 */
import type { HookDelivery } from '../github/hook-deliveries.ts';

/** How long GitHub keeps an app's webhook deliveries, and so how far back they can be redelivered. */
export const DELIVERY_RETENTION_MS = 3 * 86_400_000;

/**
 * Did the app take the delivery? It answers 2xx to every webhook it accepted; GitHub records 0 or
 * 5xx when it could not reach the app, and does not follow redirects.
 */
export function deliveredOk(d: HookDelivery): boolean {
  return d.statusCode >= 200 && d.statusCode < 300;
}

export interface RedeliveryPlan {
  /** The newest failed delivery of each event that never got through, oldest event first. */
  redeliver: HookDelivery[];
  /** Deliveries in the window. */
  deliveries: number;
  /** Failed deliveries in the window (first attempts and redeliveries). */
  failed: number;
  /** Events that failed at first but whose later delivery got through. */
  recovered: number;
}

export function planRedeliveries(deliveries: readonly HookDelivery[], since: Date): RedeliveryPlan {
  const inWindow = deliveries.filter((d) => Date.parse(d.deliveredAt) >= since.getTime());
  const byGuid = new Map<string, HookDelivery[]>();
  for (const d of inWindow) byGuid.set(d.guid, [...(byGuid.get(d.guid) ?? []), d]);
  const redeliver: HookDelivery[] = [];
  let recovered = 0;
  for (const attempts of byGuid.values()) {
    const failed = attempts.filter((d) => !deliveredOk(d));
    if (!failed.length) continue;
    if (attempts.some(deliveredOk)) {
      recovered++;
      continue;
    }
    // Any delivery of the event can be redelivered; the newest says the most about the app now.
    redeliver.push(failed.reduce((a, b) => (newer(b, a) ? b : a)));
  }
  const first = (attempts: HookDelivery[]) => Math.min(...attempts.map((d) => Date.parse(d.deliveredAt)));
  redeliver.sort((a, b) => first(byGuid.get(a.guid)!) - first(byGuid.get(b.guid)!) || a.id - b.id);
  return {
    redeliver,
    deliveries: inWindow.length,
    failed: inWindow.filter((d) => !deliveredOk(d)).length,
    recovered,
  };
}

const newer = (a: HookDelivery, b: HookDelivery): boolean =>
  Date.parse(a.deliveredAt) > Date.parse(b.deliveredAt) || (a.deliveredAt === b.deliveredAt && a.id > b.id);
