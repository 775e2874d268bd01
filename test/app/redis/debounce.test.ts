/**
 * A burst of webhooks for one pull request (opened, two reviews within a second) makes one
 * evaluation and one check run; a push in the burst is a new head and gets its own.
 */
import { describe, expect, it } from 'vitest';
import { useApp } from '../harness.ts';

const POLICY = [
  'rules:',
  '  - name: Migrations',
  '    paths: ["db/migrations/**"]',
  '    approvals: 1',
  '',
].join('\n');
async function settled(probe: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !probe(); i++) await new Promise((r) => setTimeout(r, 100));
}

const h = useApp({ env: () => ({ SHIPLOG_DEBOUNCE: '1s' }) });

describe('per-PR debounce', () => {
  it('evaluates a burst for one head once, with the reviews as they are at the end', async () => {
    const r = h.repo(POLICY);
    h.gh.setPermission(r.full, 'bob', 'write');
    const pr = h.gh.addPullRequest(r.full, { user: 'alice', files: ['db/migrations/001.sql'] });
    const opened = h.send('pull_request', h.pullRequestEvent(r.full, pr, 'opened'));
    h.gh.addReview(r.full, pr.number, { user: 'carol', state: 'COMMENTED' });
    const comment = h.send('pull_request_review', h.reviewEvent(r.full, pr, 'submitted', 'carol'));
    h.gh.addReview(r.full, pr.number, { user: 'bob', state: 'APPROVED' });
    const approval = h.send('pull_request_review', h.reviewEvent(r.full, pr, 'submitted', 'bob'));
    // 202: Probot answers a delivery still being handled after 9 s, and goes on handling it
    for (const d of await Promise.all([opened, comment, approval])) expect([200, 202]).toContain(d.status);
    await settled(() => h.runsOn(r.full, pr.headSha).length > 0);
    const runs = h.runsOn(r.full, pr.headSha);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.conclusion).toBe('success');

    // a push is a new head: its own evaluation, at once after its window
    const head = h.gh.pushToPull(r.full, pr.number);
    const pushed = { ...pr, headSha: head };
    expect((await h.send('pull_request', h.pullRequestEvent(r.full, pushed, 'synchronize'))).status).toBe(
      200,
    );
    expect(h.runsOn(r.full, head)).toHaveLength(1);
  });
});
