/**
 * The approval gate end to end: webhook → real app server → fake GitHub → check run. Every scenario
 * asserts what a reviewer would see in the merge box: conclusion, title and the summary's reasons.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useApp } from './harness.ts';

const POLICY = readFileSync(new URL('../fixtures/policy/shiplog.yml', import.meta.url), 'utf8');
const h = useApp();

/** A migration PR by alice, with bob and carol (writers) and dave (writer, DBA) around. */
function migrationPr(policy = POLICY, files: string[] = ['db/migrations/001_users.sql']) {
  const r = h.repo(policy);
  for (const login of ['bob', 'carol', 'dave']) h.gh.setPermission(r.full, login, 'write');
  h.gh.setPermission(r.full, 'alice', 'write');
  h.gh.addTeam('acme', 'dba', ['dave']);
  const pr = h.gh.addPullRequest(r.full, { user: 'alice', files });
  return { ...r, pr };
}

describe('pull request events', () => {
  it('fails a protected migration until it has the approvals, then passes', async () => {
    const { full, pr } = migrationPr();
    const opened = await h.send('pull_request', h.pullRequestEvent(full, pr, 'opened'));
    expect(opened.status).toBe(200);

    const first = h.lastRun(full, pr.headSha);
    expect(first).toMatchObject({
      name: 'shiplog/approvals',
      status: 'completed',
      conclusion: 'failure',
      title: '0 of 2 rules satisfied',
      externalId: `shiplog:pr:${pr.number}`,
    });
    expect(first.summary).toContain('| Schema migrations | 1 | 2 | 0 | ❌ needs 2 more approvals |');
    expect(first.summary).toContain('| DBA sign\\-off | 1 | 1 | 0 | ❌ needs 1 more approval |');
    expect(first.summary).toContain('db/migrations/001\\_users\\.sql');

    h.gh.addReview(full, pr.number, { user: 'dave', state: 'APPROVED' });
    await h.send('pull_request_review', h.reviewEvent(full, pr, 'submitted', 'dave'));
    const second = h.lastRun(full, pr.headSha);
    expect(second).toMatchObject({ conclusion: 'failure', title: '1 of 2 rules satisfied' });
    expect(second.summary).toContain('| Schema migrations | 1 | 2 | 1: dave | ❌ needs 1 more approval |');

    h.gh.addReview(full, pr.number, { user: 'bob', state: 'APPROVED' });
    await h.send('pull_request_review', h.reviewEvent(full, pr, 'submitted', 'bob'));
    const third = h.lastRun(full, pr.headSha);
    expect(third).toMatchObject({ conclusion: 'success', title: '2 of 2 rules satisfied' });
    expect(third.summary).toContain('| Schema migrations | 1 | 2 | 2: dave, bob | ✅ satisfied |');
    expect(third.summary).toContain('| DBA sign\\-off | 1 | 1 | 1: dave | ✅ satisfied |');
    expect(h.runsOn(full, pr.headSha)).toHaveLength(3);
  });

  it('counts an approval made before a new push as stale', async () => {
    const { full, pr } = migrationPr();
    h.gh.addReview(full, pr.number, { user: 'bob', state: 'APPROVED' });
    h.gh.addReview(full, pr.number, { user: 'dave', state: 'APPROVED' });
    await h.send('pull_request', h.pullRequestEvent(full, pr, 'opened'));
    expect(h.lastRun(full, pr.headSha).conclusion).toBe('success');

    const newHead = h.gh.pushToPull(full, pr.number);
    await h.send('pull_request', h.pullRequestEvent(full, pr, 'synchronize'));
    const run = h.lastRun(full, newHead);
    expect(run).toMatchObject({ conclusion: 'failure', title: '0 of 2 rules satisfied' });
    expect(run.summary).toContain('bob (approved): stale: the approval is for an earlier commit');
    expect(run.summary).toContain('dave (approved): stale');
  });

  it("ignores the author's own approval", async () => {
    const { full, pr } = migrationPr(POLICY, ['config/production/db.yml']);
    h.gh.addReview(full, pr.number, { user: 'alice', state: 'APPROVED' });
    await h.send('pull_request', h.pullRequestEvent(full, pr, 'opened'));
    const run = h.lastRun(full, pr.headSha);
    expect(run).toMatchObject({ conclusion: 'failure', title: '0 of 1 rule satisfied' });
    expect(run.summary).toContain('alice (approved): author: the pull request author cannot approve');
  });

  it('counts only team members for a team rule', async () => {
    const { full, pr } = migrationPr();
    h.gh.addReview(full, pr.number, { user: 'bob', state: 'APPROVED' });
    h.gh.addReview(full, pr.number, { user: 'carol', state: 'APPROVED' });
    await h.send('pull_request', h.pullRequestEvent(full, pr, 'opened'));
    const run = h.lastRun(full, pr.headSha);
    expect(run).toMatchObject({ conclusion: 'failure', title: '1 of 2 rules satisfied' });
    expect(run.summary).toContain('| DBA sign\\-off | 1 | 1 | 0 | ❌ needs 1 more approval |');
    expect(run.summary).toMatch(
      /bob \(approved\): not in team: this rule only counts its listed users and teams/,
    );
    // team membership is looked up once per reviewer for the whole evaluation
    expect(h.gh.count('GET', '/orgs/{org}/teams/{team_slug}/memberships/{username}')).toBeGreaterThan(0);
  });

  it('passes with "no protected changes" when no rule matches', async () => {
    const { full, pr } = migrationPr(POLICY, ['src/index.ts', 'README.md']);
    await h.send('pull_request', h.pullRequestEvent(full, pr, 'opened'));
    const run = h.lastRun(full, pr.headSha);
    expect(run).toMatchObject({ conclusion: 'success', title: 'no protected changes' });
    expect(run.summary).toContain('No rule of the policy matches the changed files.');
  });

  it('passes every PR of a repository without a policy file (nothing is protected)', async () => {
    const r = h.repo();
    const pr = h.gh.addPullRequest(r.full, { user: 'alice', files: ['db/migrations/1.sql'] });
    await h.send('pull_request', h.pullRequestEvent(r.full, pr, 'opened'));
    expect(h.lastRun(r.full, pr.headSha)).toMatchObject({
      name: 'shiplog/approvals',
      conclusion: 'success',
      title: 'no protected changes',
    });
  });

  it('fails closed when GitHub lists fewer files than the PR changes', async () => {
    const { full, pr } = migrationPr(POLICY, ['src/index.ts']);
    pr.changedFiles = 3500;
    await h.send('pull_request', h.pullRequestEvent(full, pr, 'opened'));
    const run = h.lastRun(full, pr.headSha);
    expect(run.conclusion).toBe('failure');
    expect(run.title).toContain('file list truncated');
    expect(run.summary).toContain('more than the 3000 GitHub lists');
  });

  it('re-evaluates an edit only when the base branch changed', async () => {
    const { full, pr } = migrationPr();
    await h.send(
      'pull_request',
      h.pullRequestEvent(full, pr, 'edited', { changes: { title: { from: 'old' } } }),
    );
    expect(h.runsOn(full, pr.headSha)).toHaveLength(0);
    await h.send(
      'pull_request',
      h.pullRequestEvent(full, pr, 'edited', {
        changes: { base: { ref: { from: 'develop' }, sha: { from: 'a'.repeat(40) } } },
      }),
    );
    expect(h.runsOn(full, pr.headSha)).toHaveLength(1);
  });

  it('re-evaluates on reopened, ready_for_review, and review edits and dismissals', async () => {
    const { full, pr } = migrationPr();
    h.gh.addReview(full, pr.number, { user: 'bob', state: 'APPROVED' });
    h.gh.addReview(full, pr.number, { user: 'dave', state: 'APPROVED' });
    await h.send('pull_request', h.pullRequestEvent(full, pr, 'reopened'));
    await h.send('pull_request', h.pullRequestEvent(full, pr, 'ready_for_review'));
    await h.send('pull_request_review', h.reviewEvent(full, pr, 'edited', 'bob'));
    expect(h.runsOn(full, pr.headSha).map((r) => r.conclusion)).toEqual(['success', 'success', 'success']);

    h.gh.pull(full, pr.number).reviews[1]!.state = 'DISMISSED';
    await h.send('pull_request_review', h.reviewEvent(full, pr, 'dismissed', 'dave'));
    const run = h.lastRun(full, pr.headSha);
    expect(run).toMatchObject({ conclusion: 'failure', title: '0 of 2 rules satisfied' });
    expect(run.summary).toContain('dave (dismissed): dismissed');
  });

  it('ignores pull request actions that cannot change the verdict', async () => {
    const { full, pr } = migrationPr();
    const res = await h.send('pull_request', h.pullRequestEvent(full, pr, 'labeled'));
    expect(res.status).toBe(200);
    expect(h.runsOn(full, pr.headSha)).toHaveLength(0);
  });

  it('fails the check, saying why, when GitHub cannot list the files', async () => {
    const { full, pr } = migrationPr();
    h.gh.fail({ route: '/repos/{owner}/{repo}/pulls/{pull_number}/files', status: 404, times: 1 });
    await h.send('pull_request', h.pullRequestEvent(full, pr, 'opened'));
    const run = h.lastRun(full, pr.headSha);
    expect(run).toMatchObject({ conclusion: 'failure', title: 'approvals could not be evaluated' });
    expect(run.summary).toMatch(/pulls\/1\/files failed\\: 404/);
  });
});
