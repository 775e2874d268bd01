/**
 * The app as a deployment protection rule: GitHub asks, the app answers through the run's callback
 * with the installation token — approved for an approved merge, rejected (saying which rule and
 * which approvals were missing) for an unapproved one or a direct push, approved for environments
 * the policy does not manage.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { example, useApp } from './harness.ts';

const POLICY = [
  'rules:',
  '  - name: Migrations',
  '    paths: ["db/migrations/**"]',
  '    approvals: 1',
  'environments:',
  '  production:',
  '    require_approved_pr: true',
  '    min_approvals: 1',
  '    allow_direct_push: false',
  '',
].join('\n');

// The ledger the app reads a deploy's change-set base from: empty here, so every deploy is a first one.
const ledgerDir = mkdtempSync(join(tmpdir(), 'shiplog-protection-'));
execFileSync('git', ['init', '--bare', '--quiet', join(ledgerDir, 'ledger.git')]);
const h = useApp({
  env: () => ({
    SHIPLOG_LEDGER_REMOTE: join(ledgerDir, 'ledger.git'),
    SHIPLOG_CACHE_DIR: join(ledgerDir, 'cache'),
  }),
});
let runs = 7000;

function mergedPr(full: string, files = ['db/migrations/001.sql']) {
  h.gh.setPermission(full, 'bob', 'write');
  const mergeCommitSha = createHash('sha1').update(`${full}-${++runs}`).digest('hex');
  return h.gh.addPullRequest(full, { user: 'alice', merged: true, mergeCommitSha, files });
}

/** A deployment_protection_rule.requested delivery (no published example: built from the deployment one). */
function protectionEvent(full: string, environment: string, sha: string, runId: number) {
  const base = example('deployment', 'created');
  const deployment = { ...(base.deployment as Record<string, unknown>), sha, environment, ref: 'main' };
  return h.envelope(full, {
    action: 'requested',
    environment,
    event: 'push',
    deployment_callback_url: `${h.gh.url}/repos/${full}/actions/runs/${runId}/deployment_protection_rule`,
    deployment,
    pull_requests: [],
    repository: base.repository,
    sender: base.sender,
  });
}

async function protect(full: string, environment: string, sha: string) {
  const runId = ++runs;
  const res = await h.send('deployment_protection_rule', protectionEvent(full, environment, sha, runId));
  expect(res.status).toBe(200);
  const answers = h.gh.protectionCallbacks(full).filter((c) => c.runId === runId);
  expect(answers).toHaveLength(1);
  return answers[0]!;
}

describe('deployment protection rule', () => {
  it('approves a commit that came in through an approved merge', async () => {
    const r = h.repo(POLICY);
    const pr = mergedPr(r.full);
    h.gh.addReview(r.full, pr.number, { user: 'bob', state: 'APPROVED' });

    const answer = await protect(r.full, 'production', pr.mergeCommitSha!);
    expect(answer.body).toMatchObject({ environment_name: 'production', state: 'approved' });
    expect((answer.body as { comment: string }).comment).toMatch(
      new RegExp(`came in through #${pr.number} .*1 of 1 rule satisfied.*fresh approvals: bob`),
    );
    // answered as the installation, never with anything else
    expect(h.gh.issuedTokens.has(answer.token!)).toBe(true);
  });

  it('rejects an unapproved merge, naming the unmet rules and the approvals that did not count', async () => {
    const r = h.repo(POLICY);
    const pr = mergedPr(r.full);
    h.gh.addReview(r.full, pr.number, { user: 'alice', state: 'APPROVED' });
    h.gh.addReview(r.full, pr.number, { user: 'bob', state: 'APPROVED', commitId: 'f'.repeat(40) });

    const answer = await protect(r.full, 'production', pr.mergeCommitSha!);
    expect(answer.body).toMatchObject({ environment_name: 'production', state: 'rejected' });
    const comment = (answer.body as { comment: string }).comment;
    expect(comment).toContain('require_approved_pr: the approval policy is not satisfied');
    expect(comment).toContain('Migrations needs 1 more approval');
    expect(comment).toContain(
      'min_approvals: 0 of 1 fresh approval (not counted: alice: author, bob: stale)',
    );
  });

  it('rejects a direct push when allow_direct_push is false', async () => {
    const r = h.repo(POLICY);
    h.gh.ensureCommit(r.full, 'd'.repeat(40));
    const answer = await protect(r.full, 'production', 'd'.repeat(40));
    expect(answer.body).toMatchObject({ state: 'rejected' });
    expect((answer.body as { comment: string }).comment).toContain(
      'no merged pull request brought dddddddddddd in',
    );
    expect((answer.body as { comment: string }).comment).toContain(
      'environments.production.allow_direct_push is false',
    );
  });

  it('approves an environment the policy does not manage, saying so', async () => {
    const r = h.repo(POLICY);
    h.gh.resetRequests();
    const answer = await protect(r.full, 'staging', 'd'.repeat(40));
    expect(answer.body).toMatchObject({ environment_name: 'staging', state: 'approved' });
    expect((answer.body as { comment: string }).comment).toContain('"staging" is not managed by shiplog');
    // nothing was looked up for an unmanaged environment
    expect(h.gh.count('GET', '/repos/{owner}/{repo}/commits/{commit_sha}/pulls')).toBe(0);
  });

  it('rejects, saying why, when the policy cannot be read or GitHub fails', async () => {
    const broken = h.repo('environments:\n  production:\n    min_approvals: lots\n');
    h.gh.ensureCommit(broken.full, 'd'.repeat(40));
    const answer = await protect(broken.full, 'production', 'd'.repeat(40));
    expect(answer.body).toMatchObject({ state: 'rejected' });
    expect((answer.body as { comment: string }).comment).toContain('the policy could not be read');

    const r = h.repo(POLICY);
    const pr = mergedPr(r.full);
    h.gh.fail({ route: '/repos/{owner}/{repo}/pulls/{pull_number}/reviews', status: 404, times: 5 });
    const failed = await protect(r.full, 'production', pr.mergeCommitSha!);
    expect(failed.body).toMatchObject({ state: 'rejected' });
    expect((failed.body as { comment: string }).comment).toMatch(
      /could not be evaluated: .*reviews failed: 404/,
    );
  });

  it('never sends the token to a callback URL for another repository', async () => {
    const r = h.repo(POLICY);
    const event = protectionEvent(r.full, 'production', 'd'.repeat(40), 1);
    event.deployment_callback_url = `${h.gh.url}/repos/acme/elsewhere/actions/runs/1/deployment_protection_rule`;
    const res = await h.send('deployment_protection_rule', event);
    expect(res.status).toBe(200);
    expect(h.gh.protectionCallbacks(r.full)).toEqual([]);
  });
});
