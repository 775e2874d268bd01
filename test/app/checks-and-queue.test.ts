/**
 * Re-run requests and the merge queue: a re-run evaluates afresh, and a merge group's check carries
 * the verdict of the pull request it was built from — never a blanket success.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { example, useApp } from './harness.ts';
import type { FakePull } from '../support/fake-github.ts';

const POLICY = readFileSync(new URL('../fixtures/policy/shiplog.yml', import.meta.url), 'utf8');
const h = useApp();
const sha = (seed: string) => createHash('sha1').update(seed).digest('hex');

function migrationPr() {
  const r = h.repo(POLICY);
  for (const login of ['bob', 'dave']) h.gh.setPermission(r.full, login, 'write');
  h.gh.addTeam('acme', 'dba', ['dave']);
  const pr = h.gh.addPullRequest(r.full, { user: 'alice', files: ['db/migrations/001.sql'] });
  return { ...r, pr };
}

function approve(full: string, pr: FakePull) {
  h.gh.addReview(full, pr.number, { user: 'bob', state: 'APPROVED' });
  h.gh.addReview(full, pr.number, { user: 'dave', state: 'APPROVED' });
}

function mergeGroupEvent(full: string, pr: FakePull, groupSha: string, queuedHead = pr.headSha) {
  const payload = example('merge_group', 'checks_requested');
  const group = payload.merge_group as Record<string, unknown>;
  payload.merge_group = {
    ...group,
    head_sha: groupSha,
    head_ref: `refs/heads/gh-readonly-queue/${pr.baseRef}/pr-${pr.number}-${queuedHead}`,
    base_ref: `refs/heads/${pr.baseRef}`,
  };
  return h.envelope(full, payload);
}

function pullRef(pr: FakePull) {
  return {
    url: `https://api.github.com/repos/acme/x/pulls/${pr.number}`,
    id: pr.id,
    number: pr.number,
    head: {
      ref: pr.headRef,
      sha: pr.headSha,
      repo: { id: 1, url: 'https://api.github.com/repos/acme/x', name: 'x' },
    },
    base: {
      ref: pr.baseRef,
      sha: pr.baseSha,
      repo: { id: 1, url: 'https://api.github.com/repos/acme/x', name: 'x' },
    },
  };
}

describe('merge_group.checks_requested', () => {
  it("fails the group's commit when the queued PR lacks approvals", async () => {
    const { full, pr } = migrationPr();
    const group = sha(`group-${full}`);
    const res = await h.send('merge_group', mergeGroupEvent(full, pr, group));
    expect(res.status).toBe(200);
    const run = h.lastRun(full, group);
    expect(run).toMatchObject({
      name: 'shiplog/approvals',
      conclusion: 'failure',
      title: '0 of 2 rules satisfied',
    });
    expect(run.summary).toContain(`carries the verdict of pull request #${pr.number}`);
    expect(h.runsOn(full, pr.headSha)).toHaveLength(0);
  });

  it("passes the group's commit when the queued PR is approved", async () => {
    const { full, pr } = migrationPr();
    approve(full, pr);
    const group = sha(`group-ok-${full}`);
    await h.send('merge_group', mergeGroupEvent(full, pr, group));
    expect(h.lastRun(full, group)).toMatchObject({ conclusion: 'success', title: '2 of 2 rules satisfied' });
  });

  it('fails when the PR moved on after it was queued', async () => {
    const { full, pr } = migrationPr();
    approve(full, pr);
    const queued = pr.headSha;
    h.gh.pushToPull(full, pr.number);
    h.gh.addReview(full, pr.number, { user: 'bob', state: 'APPROVED' });
    h.gh.addReview(full, pr.number, { user: 'dave', state: 'APPROVED' });
    const group = sha(`group-moved-${full}`);
    await h.send('merge_group', mergeGroupEvent(full, pr, group, queued));
    const run = h.lastRun(full, group);
    expect(run).toMatchObject({ conclusion: 'failure', title: 'approvals could not be evaluated' });
    expect(run.summary).toContain('the merge group was built from');
  });

  it('ignores a merge group whose branch is not a merge queue branch', async () => {
    const { full, pr } = migrationPr();
    const payload = mergeGroupEvent(full, pr, sha('odd'));
    (payload.merge_group as Record<string, unknown>).head_ref = 'refs/heads/not-a-queue';
    expect((await h.send('merge_group', payload)).status).toBe(200);
    expect(h.gh.checkRuns(full)).toHaveLength(0);
  });
});

describe('re-run requests', () => {
  it('check_run.rerequested evaluates the PR again', async () => {
    const { full, pr } = migrationPr();
    h.gh.setPermission(full, 'bob', 'read');
    approve(full, pr);
    await h.send('pull_request', h.pullRequestEvent(full, pr, 'opened'));
    const before = h.lastRun(full, pr.headSha);
    expect(before).toMatchObject({ conclusion: 'failure', title: '1 of 2 rules satisfied' });
    expect(before.summary).toContain('bob (approved): no write access');

    // bob is given write access; nothing in the PR changed, so only a re-run can notice
    h.gh.setPermission(full, 'bob', 'write');
    const payload = example('check_run', 'rerequested');
    const checkRun = payload.check_run as Record<string, unknown>;
    payload.check_run = {
      ...checkRun,
      head_sha: pr.headSha,
      external_id: before.externalId,
      pull_requests: [pullRef(pr)],
      check_suite: { ...(checkRun.check_suite as object), head_branch: pr.headRef, head_sha: pr.headSha },
    };
    await h.send('check_run', h.envelope(full, payload));
    expect(h.runsOn(full, pr.headSha)).toHaveLength(2);
    expect(h.lastRun(full, pr.headSha)).toMatchObject({
      conclusion: 'success',
      title: '2 of 2 rules satisfied',
    });
  });

  it('check_run.rerequested finds a fork PR through the external id of its check run', async () => {
    const { full, pr } = migrationPr();
    approve(full, pr);
    const payload = example('check_run', 'rerequested');
    const checkRun = payload.check_run as Record<string, unknown>;
    payload.check_run = {
      ...checkRun,
      head_sha: pr.headSha,
      external_id: `shiplog:pr:${pr.number}`,
      pull_requests: [],
      check_suite: {
        ...(checkRun.check_suite as object),
        head_branch: 'contributor-branch',
        head_sha: pr.headSha,
      },
    };
    await h.send('check_run', h.envelope(full, payload));
    expect(h.lastRun(full, pr.headSha)).toMatchObject({ conclusion: 'success' });
  });

  it('check_run.rerequested on a merge group check re-evaluates the group', async () => {
    const { full, pr } = migrationPr();
    const group = sha(`rerun-group-${full}`);
    const payload = example('check_run', 'rerequested');
    const checkRun = payload.check_run as Record<string, unknown>;
    payload.check_run = {
      ...checkRun,
      head_sha: group,
      // the group's own check run, which the app posted for a merge_group event
      external_id: `shiplog:mg:${pr.number}:${pr.headSha}:${pr.baseRef}`,
      pull_requests: [],
      check_suite: {
        ...(checkRun.check_suite as object),
        head_branch: `gh-readonly-queue/${pr.baseRef}/pr-${pr.number}-${pr.headSha}`,
        head_sha: group,
      },
    };
    await h.send('check_run', h.envelope(full, payload));
    expect(h.lastRun(full, group)).toMatchObject({ conclusion: 'failure', title: '0 of 2 rules satisfied' });
  });

  it('check_suite.rerequested evaluates every PR of the suite', async () => {
    const { full, pr } = migrationPr();
    approve(full, pr);
    const payload = example('check_suite', 'rerequested');
    payload.check_suite = {
      ...(payload.check_suite as object),
      head_sha: pr.headSha,
      head_branch: pr.headRef,
      pull_requests: [pullRef(pr)],
    };
    await h.send('check_suite', h.envelope(full, payload));
    expect(h.lastRun(full, pr.headSha)).toMatchObject({
      conclusion: 'success',
      title: '2 of 2 rules satisfied',
    });
  });
});

describe('merge queue: only GitHub says what a merge group is (issue 17)', () => {
  it('a re-run on a branch merely named gh-readonly-queue/… paints nothing on its commit', async () => {
    const { full, pr } = migrationPr();
    approve(full, pr);
    // an unreviewed commit pushed to a branch named like a queue branch for the approved PR
    const forged = sha(`forged-${full}`);
    const payload = example('check_run', 'rerequested');
    const checkRun = payload.check_run as Record<string, unknown>;
    payload.check_run = {
      ...checkRun,
      head_sha: forged,
      external_id: `shiplog:pr:${pr.number}`,
      pull_requests: [],
      check_suite: {
        ...(checkRun.check_suite as object),
        head_branch: `gh-readonly-queue/${pr.baseRef}/pr-${pr.number}-${pr.headSha}`,
        head_sha: forged,
      },
    };
    expect((await h.send('check_run', h.envelope(full, payload))).status).toBe(200);
    const suite = example('check_suite', 'rerequested');
    suite.check_suite = {
      ...(suite.check_suite as object),
      head_sha: forged,
      head_branch: `gh-readonly-queue/${pr.baseRef}/pr-${pr.number}-${pr.headSha}`,
      pull_requests: [],
    };
    expect((await h.send('check_suite', h.envelope(full, suite))).status).toBe(200);
    expect(h.runsOn(full, forged)).toHaveLength(0);
  });
});
