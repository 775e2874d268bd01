/**
 * Lost webhooks: GitHub never retries a delivery that failed. With the sweep on a short interval,
 * a pull request whose `synchronize` never arrived gets its check on the new head within one
 * interval, and one whose review event was lost gets a fresh verdict.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { useApp } from './harness.ts';

const POLICY = [
  'rules:',
  '  - name: Migrations',
  '    paths: ["db/migrations/**"]',
  '    approvals: 1',
  '',
].join('\n');
const INTERVAL_MS = 1000;
const h = useApp({
  env: () => ({
    SHIPLOG_SWEEP_INTERVAL: '1s',
    SHIPLOG_FULL_SWEEP_INTERVAL: '1s',
    SHIPLOG_RECONCILE_INTERVAL: 'off',
  }),
});

/** Waits up to `ms` for `probe` to hold. */
async function eventually(probe: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (probe()) return true;
    await sleep(50);
  }
  return probe();
}

describe('the approval sweep', () => {
  it('posts the check on a head whose synchronize webhook was lost, within one interval', async () => {
    const r = h.repo(POLICY);
    h.gh.setPermission(r.full, 'bob', 'write');
    const pr = h.gh.addPullRequest(r.full, { user: 'alice', files: ['db/migrations/001.sql'] });
    await h.send('pull_request', h.pullRequestEvent(r.full, pr, 'opened'));
    expect(h.lastRun(r.full, pr.headSha).conclusion).toBe('failure');

    // a push GitHub failed to tell the app about
    const head = h.gh.pushToPull(r.full, pr.number);
    h.gh.addReview(r.full, pr.number, { user: 'bob', state: 'APPROVED', commitId: head });
    const started = Date.now();
    // one interval for the sweep to come round, one for it to finish its walk
    expect(await eventually(() => h.runsOn(r.full, head).length > 0, 2 * INTERVAL_MS + 1500)).toBe(true);
    expect(Date.now() - started).toBeLessThan(2 * INTERVAL_MS + 1500);
    expect(h.lastRun(r.full, head)).toMatchObject({ conclusion: 'success', name: 'shiplog/approvals' });
  });

  it('leaves a pull request whose check is current alone', async () => {
    const r = h.repo(POLICY);
    const pr = h.gh.addPullRequest(r.full, { user: 'alice', files: ['db/migrations/002.sql'] });
    await h.send('pull_request', h.pullRequestEvent(r.full, pr, 'opened'));
    await sleep(3 * INTERVAL_MS);
    expect(h.runsOn(r.full, pr.headSha)).toHaveLength(1);
  });
});
