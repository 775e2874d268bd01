/**
 * Issue 17, "Approval check": each attack an insider tried against the approval check, through the
 * real app server with signed webhooks against the fake GitHub. Each failed closed only after the
 * fix; the test names say which class it is.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useApp } from './harness.ts';

const POLICY = readFileSync(new URL('../fixtures/policy/shiplog.yml', import.meta.url), 'utf8');
const h = useApp();

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
