/**
 * One delivery, handled once: a copy of a delivery the app already handled (same X-GitHub-Delivery)
 * changes nothing, a forged copy cannot mark a real delivery as seen, and a handler that failed is
 * run again when GitHub redelivers.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DeliveryLog } from '../../src/app/deliveries.ts';
import { useApp } from './harness.ts';

const POLICY = [
  'rules:',
  '  - name: Migrations',
  '    paths: ["db/migrations/**"]',
  '    approvals: 1',
  '',
].join('\n');
const h = useApp();

function openPr() {
  const r = h.repo(POLICY);
  const pr = h.gh.addPullRequest(r.full, { user: 'alice', files: ['db/migrations/001.sql'] });
  return { ...r, pr, event: h.pullRequestEvent(r.full, pr, 'opened') };
}

describe('webhook deliveries', () => {
  it('handles a delivery id once, however many copies arrive', async () => {
    const { full, pr, event } = openPr();
    const id = randomUUID();
    expect((await h.send('pull_request', event, { deliveryId: id })).status).toBe(200);
    expect((await h.send('pull_request', event, { deliveryId: id })).status).toBe(200);
    expect(h.runsOn(full, pr.headSha)).toHaveLength(1);
    // a new delivery of the same event is a new delivery
    await h.send('pull_request', event);
    expect(h.runsOn(full, pr.headSha)).toHaveLength(2);
  });

  it('handles copies arriving together once', async () => {
    const { full, pr, event } = openPr();
    const id = randomUUID();
    const answers = await Promise.all([1, 2, 3].map(() => h.send('pull_request', event, { deliveryId: id })));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(h.runsOn(full, pr.headSha)).toHaveLength(1);
  });

  it('a forged copy sent first does not stop the real delivery', async () => {
    const { full, pr, event } = openPr();
    const id = randomUUID();
    const forged = await h.send('pull_request', event, {
      deliveryId: id,
      signature: `sha256=${'0'.repeat(64)}`,
    });
    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect(h.runsOn(full, pr.headSha)).toHaveLength(0);
    expect((await h.send('pull_request', event, { deliveryId: id })).status).toBe(200);
    expect(h.runsOn(full, pr.headSha)).toHaveLength(1);
  });

  it('runs a delivery again when its first handling failed', async () => {
    const { full, pr, event } = openPr();
    const id = randomUUID();
    h.gh.fail({ route: '/repos/{owner}/{repo}/check-runs', status: 422 });
    expect((await h.send('pull_request', event, { deliveryId: id })).status).toBe(500);
    h.gh.clearFaults();
    expect((await h.send('pull_request', event, { deliveryId: id })).status).toBe(200);
    expect(h.runsOn(full, pr.headSha)).toHaveLength(1);
  });
});

describe('DeliveryLog', () => {
  it('forgets ids after the redelivery window and beyond its size', async () => {
    let now = 0;
    const log = new DeliveryLog({ max: 2, ttlMs: 1000, now: () => now });
    let runs = 0;
    const run = async () => {
      runs++;
    };
    expect(await log.once('a', run)).toBe('ran');
    expect(await log.once('a', run)).toBe('duplicate');
    now = 1001;
    expect(await log.once('a', run)).toBe('ran');
    await log.once('b', run);
    await log.once('c', run);
    // at most two remembered: the oldest (a) went first
    expect(await log.once('a', run)).toBe('ran');
    expect(runs).toBe(5);
    expect(log.skipped).toBe(1);
  });

  it('shares a failure with copies that waited for it, then lets the next copy run', async () => {
    const log = new DeliveryLog();
    let release!: () => void;
    const first = log.once(
      'x',
      () => new Promise<void>((_, reject) => (release = () => reject(new Error('boom')))),
    );
    const second = log.once('x', async () => {
      throw new Error('must not run');
    });
    release();
    await expect(first).rejects.toThrow('boom');
    await expect(second).rejects.toThrow('boom');
    expect(await log.once('x', async () => {})).toBe('ran');
  });
});
