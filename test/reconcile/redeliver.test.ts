import { describe, expect, it } from 'vitest';
import type { HookDelivery } from '../../src/github/hook-deliveries.ts';
import { deliveredOk, planRedeliveries } from '../../src/reconcile/redeliver.ts';

const T0 = Date.UTC(2026, 2, 1, 12);
const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString().replace('.000', '');
let id = 1;
const delivery = (guid: string, minute: number, statusCode: number, redelivery = false): HookDelivery => ({
  id: id++,
  guid,
  deliveredAt: at(minute),
  status: statusCode >= 200 && statusCode < 300 ? 'OK' : `Invalid HTTP Response: ${statusCode}`,
  statusCode,
  event: 'pull_request',
  action: 'opened',
  redelivery,
});

describe('planRedeliveries', () => {
  it('redelivers each event that never got through, once, from its newest failed delivery', () => {
    const down = delivery('g-down', 10, 503);
    const downAgain = delivery('g-down', 20, 502, true);
    const timeout = delivery('g-timeout', 15, 0);
    const fine = delivery('g-fine', 12, 200);
    const recoveredFirst = delivery('g-recovered', 11, 500);
    const recoveredLater = delivery('g-recovered', 30, 202, true);
    const old = delivery('g-old', -200, 500);
    const plan = planRedeliveries(
      [down, downAgain, timeout, fine, recoveredFirst, recoveredLater, old],
      new Date(at(0)),
    );
    // g-down first failed before g-timeout did
    expect(plan.redeliver.map((d) => d.id)).toEqual([downAgain.id, timeout.id]);
    expect(plan).toMatchObject({ deliveries: 6, failed: 4, recovered: 1 });
  });

  it('counts 2xx as delivered and anything else as failed', () => {
    expect([200, 204, 299].map((c) => deliveredOk(delivery('x', 0, c)))).toEqual([true, true, true]);
    expect([0, 301, 400, 500, 504].map((c) => deliveredOk(delivery('x', 0, c)))).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('has nothing to do when every delivery got through', () => {
    const plan = planRedeliveries([delivery('a', 1, 200), delivery('b', 2, 200)], new Date(at(0)));
    expect(plan).toEqual({ redeliver: [], deliveries: 2, failed: 0, recovered: 0 });
  });
});
