/**
 * Issue 17, "Approval check": each attack an insider tried against the approval check, through the
 * real app server with signed webhooks against the fake GitHub. Each failed closed only after the
 * fix; the test names say which class it is.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { useApp } from './harness.ts';

const POLICY = readFileSync(new URL('../fixtures/policy/shiplog.yml', import.meta.url), 'utf8');
const h = useApp();

// The first delivery pays the app's cold start (token, JIT); on a busy machine that can pass the
// webhook middleware's 9 s answer deadline, so it is paid here rather than inside an assertion.
beforeAll(async () => {
  const r = h.repo(undefined, 'warm');
  const pr = h.gh.addPullRequest(r.full, { user: 'alice', files: ['a.txt'] });
  await h.send('pull_request', h.pullRequestEvent(r.full, pr, 'opened'));
  for (let i = 0; i < 300 && h.runsOn(r.full, pr.headSha).length === 0; i++) await sleep(100);
}, 60_000);

function migrationRepo(policy = POLICY) {
  const r = h.repo(policy, 'attack');
  for (const login of ['bob', 'carol', 'dave', 'alice', 'mallory'])
    h.gh.setPermission(r.full, login, 'write');
  h.gh.addTeam('acme', 'dba', ['dave']);
  return r;
}

describe('a check run belongs to a commit, not a pull request', () => {
  it('an empty-diff PR into a scratch branch with the same head, reopened, does not paint a pass on the unapproved migration PR into main', async () => {
    const { full } = migrationRepo();
    const main = h.gh.addPullRequest(full, { user: 'alice', files: ['db/migrations/007_drop_users.sql'] });
    const scratch = h.gh.addPullRequest(full, {
      user: 'mallory',
      headSha: main.headSha,
      headRef: main.headRef,
      baseRef: 'scratch',
      files: [],
    });
    await h.send('pull_request', h.pullRequestEvent(full, main, 'opened'));
    expect(h.lastRun(full, main.headSha).conclusion).toBe('failure');

    await h.send('pull_request', h.pullRequestEvent(full, scratch, 'reopened'));
    const run = h.lastRun(full, main.headSha);
    expect(run.conclusion).toBe('failure');
    expect(run.title).toBe(`pull request #${main.number} into main fails: 0 of 2 rules satisfied`);
    expect(run.summary).toContain(`it fails because #${main.number} into main fails`);
    expect(run.summary).toContain(`✅ pull request #${scratch.number} into scratch: no protected changes`);
  });

  it('passes a shared head only when every open PR with that head passes', async () => {
    const { full } = migrationRepo();
    const main = h.gh.addPullRequest(full, { user: 'alice', files: ['db/migrations/008.sql'] });
    h.gh.addPullRequest(full, { user: 'mallory', headSha: main.headSha, baseRef: 'scratch', files: [] });
    h.gh.addReview(full, main.number, { user: 'bob', state: 'APPROVED' });
    h.gh.addReview(full, main.number, { user: 'dave', state: 'APPROVED' });
    await h.send('pull_request', h.pullRequestEvent(full, main, 'opened'));
    const run = h.lastRun(full, main.headSha);
    expect(run).toMatchObject({ conclusion: 'success', title: '2 of 2 rules satisfied' });
    expect(run.summary).toContain('every one of them passes');
  });

  it('fails closed when GitHub cannot say which pull requests share the head', async () => {
    const { full } = migrationRepo();
    const pr = h.gh.addPullRequest(full, { user: 'alice', files: ['docs/readme.md'] });
    h.gh.fail({ route: '/repos/{owner}/{repo}/commits/{commit_sha}/pulls', status: 404 });
    await h.send('pull_request', h.pullRequestEvent(full, pr, 'opened'));
    const run = h.lastRun(full, pr.headSha);
    expect(run).toMatchObject({ conclusion: 'failure', title: 'approvals could not be evaluated' });
    expect(run.summary).toContain('could not list the other open pull requests');
  });
});

describe('policy paths mean what they look like', () => {
  it('a directory pattern without ** protects everything under it', async () => {
    const { full } = migrationRepo(
      'rules:\n  - name: Migrations\n    paths: ["db/migrations/"]\n    approvals: 1\n',
    );
    const pr = h.gh.addPullRequest(full, { user: 'alice', files: ['db/migrations/2024/001_drop.sql'] });
    await h.send('pull_request', h.pullRequestEvent(full, pr, 'opened'));
    expect(h.lastRun(full, pr.headSha)).toMatchObject({
      conclusion: 'failure',
      title: '0 of 1 rule satisfied',
    });
  });

  it('a pattern that can never match is refused with a failing check naming the line', async () => {
    const { full } = migrationRepo(
      'rules:\n  - name: Migrations\n    paths:\n      - "db/migrations/**"\n      - "./config/production/**"\n',
    );
    const pr = h.gh.addPullRequest(full, { user: 'alice', files: ['config/production/db.yml'] });
    await h.send('pull_request', h.pullRequestEvent(full, pr, 'opened'));
    const run = h.lastRun(full, pr.headSha);
    expect(run.conclusion).toBe('failure');
    expect(run.summary).toContain('line 5');
    expect(run.summary).toContain('starts with');
  });
});

describe('contributors are not independent reviewers', () => {
  it('an approval by someone who pushed a commit into the PR does not count', async () => {
    const { full } = migrationRepo('rules:\n  - name: Migrations\n    paths: ["db/**"]\n    approvals: 1\n');
    const pr = h.gh.addPullRequest(full, { user: 'alice', files: ['db/migrations/009.sql'] });
    // bob writes the migration into alice's PR, then approves "her" change
    h.gh.pushToPull(full, pr.number, undefined, { author: 'bob' });
    h.gh.addReview(full, pr.number, { user: 'bob', state: 'APPROVED' });
    await h.send('pull_request_review', h.reviewEvent(full, pr, 'submitted', 'bob'));
    const run = h.lastRun(full, pr.headSha);
    expect(run).toMatchObject({ conclusion: 'failure', title: '0 of 1 rule satisfied' });
    expect(run.summary).toContain('bob (approved): contributor');
  });

  it('a committer counts as a contributor too, and allow_contributor lets them approve', async () => {
    const strict = migrationRepo('rules:\n  - name: Migrations\n    paths: ["db/**"]\n');
    const pr = h.gh.addPullRequest(strict.full, { user: 'alice', files: ['db/1.sql'] });
    h.gh.pushToPull(strict.full, pr.number, undefined, { author: 'alice', committer: 'carol' });
    h.gh.addReview(strict.full, pr.number, { user: 'carol', state: 'APPROVED' });
    await h.send('pull_request', h.pullRequestEvent(strict.full, pr, 'synchronize'));
    expect(h.lastRun(strict.full, pr.headSha).conclusion).toBe('failure');

    const lenient = migrationRepo(
      'rules:\n  - name: Migrations\n    paths: ["db/**"]\nsettings:\n  allow_contributor: true\n',
    );
    const pr2 = h.gh.addPullRequest(lenient.full, { user: 'alice', files: ['db/1.sql'] });
    h.gh.pushToPull(lenient.full, pr2.number, undefined, { author: 'alice', committer: 'carol' });
    h.gh.addReview(lenient.full, pr2.number, { user: 'carol', state: 'APPROVED' });
    await h.send('pull_request', h.pullRequestEvent(lenient.full, pr2, 'synchronize'));
    expect(h.lastRun(lenient.full, pr2.headSha).conclusion).toBe('success');
  });
});

describe('changing the base invalidates approvals', () => {
  it('approvals given before the base changed do not count for the new base, even after a restart', async () => {
    const { full } = migrationRepo('rules:\n  - name: Migrations\n    paths: ["db/**"]\n');
    // approved as a PR into a scratch branch, where the diff was one harmless file…
    const pr = h.gh.addPullRequest(full, { user: 'alice', baseRef: 'scratch', files: ['db/seed.sql'] });
    h.gh.addReview(full, pr.number, { user: 'bob', state: 'APPROVED', submittedAt: '2024-05-01T08:00:00Z' });
    await h.send('pull_request', h.pullRequestEvent(full, pr, 'opened'));
    expect(h.lastRun(full, pr.headSha).conclusion).toBe('success');

    // …then retargeted at main, where the same head brings every commit of the branch
    h.gh.changeBase(full, pr.number, 'main', { at: '2024-05-01T09:00:00Z' });
    await h.send(
      'pull_request',
      h.pullRequestEvent(full, pr, 'edited', {
        changes: { base: { ref: { from: 'scratch' }, sha: { from: pr.baseSha } } },
      }),
    );
    const run = h.lastRun(full, pr.headSha);
    expect(run).toMatchObject({ conclusion: 'failure', title: '0 of 1 rule satisfied' });
    expect(run.summary).toContain('bob (approved): base changed');

    // a later event (as after a restart: nothing is remembered in memory) still knows the base moved
    await h.send('pull_request', h.pullRequestEvent(full, pr, 'reopened'));
    expect(h.lastRun(full, pr.headSha).conclusion).toBe('failure');

    // a fresh approval after the change counts
    h.gh.addReview(full, pr.number, { user: 'bob', state: 'APPROVED', submittedAt: '2024-05-01T10:00:00Z' });
    await h.send('pull_request_review', h.reviewEvent(full, pr, 'submitted', 'bob'));
    expect(h.lastRun(full, pr.headSha).conclusion).toBe('success');
  });

  it('with stale_approvals the approvals given before the base change still count, as the setting says', async () => {
    const { full } = migrationRepo(
      'rules:\n  - name: Migrations\n    paths: ["db/**"]\nsettings:\n  stale_approvals: true\n',
    );
    const pr = h.gh.addPullRequest(full, { user: 'alice', baseRef: 'scratch', files: ['db/seed.sql'] });
    h.gh.addReview(full, pr.number, { user: 'bob', state: 'APPROVED', submittedAt: '2024-05-01T08:00:00Z' });
    await h.send('pull_request', h.pullRequestEvent(full, pr, 'opened'));
    h.gh.changeBase(full, pr.number, 'main', { at: '2024-05-01T09:00:00Z' });
    await h.send(
      'pull_request',
      h.pullRequestEvent(full, pr, 'edited', {
        changes: { base: { ref: { from: 'scratch' }, sha: { from: pr.baseSha } } },
      }),
    );
    expect(h.lastRun(full, pr.headSha).conclusion).toBe('success');
  });

  it('fails closed when the timeline cannot be read', async () => {
    const { full } = migrationRepo('rules:\n  - name: Migrations\n    paths: ["db/**"]\n');
    const pr = h.gh.addPullRequest(full, { user: 'alice', files: ['db/seed.sql'] });
    h.gh.addReview(full, pr.number, { user: 'bob', state: 'APPROVED' });
    h.gh.fail({ route: '/repos/{owner}/{repo}/issues/{issue_number}/timeline', status: 404 });
    await h.send('pull_request', h.pullRequestEvent(full, pr, 'opened'));
    expect(h.lastRun(full, pr.headSha)).toMatchObject({
      conclusion: 'failure',
      title: 'approvals could not be evaluated',
    });
  });
});
