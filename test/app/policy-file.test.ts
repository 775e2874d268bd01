/**
 * The policy as the app reads it: a broken file fails the check with the line and the problem (and
 * the app goes on serving), and `_extends` pulls in organisation defaults.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useApp } from './harness.ts';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/policy/${name}`, import.meta.url), 'utf8');
const h = useApp();

function prIn(full: string, files = ['db/migrations/001.sql']) {
  h.gh.setPermission(full, 'bob', 'write');
  return h.gh.addPullRequest(full, { user: 'alice', files });
}

describe('the policy file', () => {
  it('fails the check naming the line and problem of an invalid value, and keeps serving', async () => {
    const broken = h.repo(fixture('bad-value.yml'));
    const pr = prIn(broken.full);
    const res = await h.send('pull_request', h.pullRequestEvent(broken.full, pr, 'opened'));
    expect(res.status).toBe(200);
    const run = h.lastRun(broken.full, pr.headSha);
    expect(run).toMatchObject({
      name: 'shiplog/approvals',
      conclusion: 'failure',
      title: 'invalid shiplog policy',
    });
    expect(run.summary).toContain('The approval policy could not be read');
    expect(run.summary).toMatch(/line 4/);
    expect(run.summary).toMatch(/approvals/);

    // the next event, for a healthy repository, is served normally
    const healthy = h.repo(fixture('shiplog.yml'));
    const other = prIn(healthy.full, ['README.md']);
    await h.send('pull_request', h.pullRequestEvent(healthy.full, other, 'opened'));
    expect(h.lastRun(healthy.full, other.headSha)).toMatchObject({
      conclusion: 'success',
      title: 'no protected changes',
    });
  });

  it('fails the check naming the line of a YAML syntax error', async () => {
    const broken = h.repo(fixture('broken-yaml.txt'));
    const pr = prIn(broken.full);
    await h.send('pull_request', h.pullRequestEvent(broken.full, pr, 'opened'));
    const run = h.lastRun(broken.full, pr.headSha);
    expect(run).toMatchObject({ conclusion: 'failure', title: 'invalid shiplog policy' });
    expect(run.summary).toMatch(/shiplog\\.yml line 5\\: invalid YAML/);
  });

  it('posts the failure under the check name the broken policy asks for', async () => {
    const broken = h.repo('settings:\n  check_name: gate/approvals\nrules:\n  - name: x\n    paths: []\n');
    const pr = prIn(broken.full);
    await h.send('pull_request', h.pullRequestEvent(broken.full, pr, 'opened'));
    const run = h.lastRun(broken.full, pr.headSha);
    expect(run).toMatchObject({ name: 'gate/approvals', conclusion: 'failure' });
    expect(run.summary).toMatch(/line 5/);
  });

  it('adds the rules of an `_extends` base to the repository policy', async () => {
    const base = h.repo(fixture('shiplog.yml'), 'org-policy');
    const r = h.repo(
      `_extends: ${base.repo}\nrules:\n  - name: Docs\n    paths: ['docs/**']\n    approvals: 1\nsettings:\n  check_name: acme/approvals\n`,
    );
    h.gh.setPermission(r.full, 'bob', 'write');
    const pr = h.gh.addPullRequest(r.full, { user: 'alice', files: ['docs/a.md', 'db/migrations/2.sql'] });
    h.gh.addReview(r.full, pr.number, { user: 'bob', state: 'APPROVED' });
    await h.send('pull_request', h.pullRequestEvent(r.full, pr, 'opened'));
    const run = h.lastRun(r.full, pr.headSha);
    expect(run).toMatchObject({
      name: 'acme/approvals',
      conclusion: 'failure',
      title: '1 of 3 rules satisfied',
    });
    expect(run.summary).toContain('| Docs | 1 | 1 | 1: bob | ✅ satisfied |');
    expect(run.summary).toContain('| Schema migrations | 1 | 2 | 1: bob | ❌ needs 1 more approval |');
  });

  it('says which file is broken when an `_extends` base does not parse', async () => {
    const base = h.repo('rules:\n  - name: [unclosed\n', 'broken-base');
    const r = h.repo(`_extends: ${base.repo}\nrules: []\n`);
    const pr = prIn(r.full);
    await h.send('pull_request', h.pullRequestEvent(r.full, pr, 'opened'));
    const run = h.lastRun(r.full, pr.headSha);
    expect(run).toMatchObject({ conclusion: 'failure', title: 'invalid shiplog policy' });
    expect(run.summary).toContain(base.repo.replace(/-/g, '\\-'));
    expect(run.summary).toMatch(/invalid YAML/);
  });

  it('fails the check when GitHub will not hand out the policy file', async () => {
    const r = h.repo(fixture('shiplog.yml'));
    const pr = prIn(r.full);
    h.gh.fail({ route: '/repos/{owner}/{repo}/contents/{path}', status: 403, times: 1 });
    await h.send('pull_request', h.pullRequestEvent(r.full, pr, 'opened'));
    const run = h.lastRun(r.full, pr.headSha);
    expect(run).toMatchObject({ conclusion: 'failure', title: 'invalid shiplog policy' });
    expect(run.summary).toContain('could not be read');
    expect(run.summary).toContain('403');
  });
});
