import { describe, expect, it } from 'vitest';
import { createDirectory, fetchPullRequestForPolicy } from '../../src/github/pull-request.ts';
import { toPermission } from '../../src/github/directory.ts';
import { fetchPolicySnapshot } from '../../src/github/snapshot.ts';
import { snapshotFromObject } from '../../src/policy/snapshot.ts';
import { isShiplogError } from '../../src/errors.ts';
import type { EvaluationInput, Directory as PolicyDirectory } from '../../src/policy/model.ts';
import { useFakeGitHub } from './setup.ts';

const env = useFakeGitHub();
const FILES = '/repos/{owner}/{repo}/pulls/{pull_number}/files';
const PULL = '/repos/{owner}/{repo}/pulls/{pull_number}';
const PERMISSION = '/repos/{owner}/{repo}/collaborators/{username}/permission';
const MEMBERSHIP = '/orgs/{org}/teams/{team_slug}/memberships/{username}';

describe('fetchPullRequestForPolicy', () => {
  it('returns the PR, files (renames keep previous_filename) and reviews without bodies', async () => {
    const { owner, repo, full } = env.repo();
    const pr = env.gh.addPullRequest(full, {
      user: 'alice',
      files: ['db/migrations/001.sql', { filename: 'docs/x.md', previous_filename: 'db/migrations/old.sql' }],
    });
    env.gh.addReview(full, pr.number, { user: 'bob', state: 'APPROVED', body: 'SECRET-ISH BODY' });

    const data = await fetchPullRequestForPolicy(env.client(), { owner, repo, number: pr.number });

    expect(data.pullRequest).toMatchObject({
      number: pr.number,
      author: 'alice',
      headSha: pr.headSha,
      baseRef: 'main',
      changedFiles: 2,
    });
    expect(data.files).toEqual([
      { filename: 'db/migrations/001.sql', status: 'modified' },
      { filename: 'docs/x.md', previous_filename: 'db/migrations/old.sql', status: 'renamed' },
    ]);
    expect(data.filesTruncated).toBe(false);
    expect(data.reviews).toEqual([
      expect.objectContaining({
        user: expect.objectContaining({ login: 'bob', type: 'User' }),
        state: 'APPROVED',
      }),
    ]);
    expect(JSON.stringify(data)).not.toContain('SECRET-ISH');

    // the policy room can take this as its evaluation input as is
    const input: EvaluationInput = data;
    expect(input.pullRequest.author).toBe('alice');
  });

  it('reuses a full PR from the webhook payload and skips the GET', async () => {
    const { owner, repo, full } = env.repo();
    const pr = env.gh.addPullRequest(full, { user: 'alice', files: ['a.txt'] });
    const payloadPr = (
      await env.client().request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
        owner,
        repo,
        pull_number: pr.number,
      })
    ).data;
    env.gh.resetRequests();

    await fetchPullRequestForPolicy(env.client(), { owner, repo, number: pr.number, pullRequest: payloadPr });
    expect(env.gh.count('GET', PULL)).toBe(0);

    // a pull_request_review payload's PR lacks changed_files: then the PR is fetched
    const { changed_files: _omit, ...reviewPayloadPr } = payloadPr as Record<string, unknown>;
    await fetchPullRequestForPolicy(env.client(), {
      owner,
      repo,
      number: pr.number,
      pullRequest: reviewPayloadPr,
    });
    expect(env.gh.count('GET', PULL)).toBe(1);
  });

  it('reads a 3000-file PR with 30 file requests (and 100 reviews, the commits and the timeline with one each), 34 requests in all', async () => {
    const { owner, repo, full } = env.repo();
    const pr = env.gh.addPullRequest(full, {
      user: 'alice',
      files: Array.from({ length: 3000 }, (_, i) => `src/file-${i}.ts`),
    });
    for (let i = 0; i < 100; i++) env.gh.addReview(full, pr.number, { user: `r${i}`, state: 'APPROVED' });

    const data = await fetchPullRequestForPolicy(env.client(), { owner, repo, number: pr.number });

    expect(data.files).toHaveLength(3000);
    expect(data.filesTruncated).toBe(false);
    expect(data.reviews).toHaveLength(100);
    expect(env.gh.count('GET', FILES)).toBe(30);
    expect(env.gh.requests).toHaveLength(34);
  });

  it('says the file list is truncated past 3000 files and never asks for page 31', async () => {
    const { owner, repo, full } = env.repo();
    const pr = env.gh.addPullRequest(full, {
      user: 'alice',
      files: Array.from({ length: 3100 }, (_, i) => `f${i}`),
    });
    const data = await fetchPullRequestForPolicy(env.client(), { owner, repo, number: pr.number });
    expect(data.files).toHaveLength(3000);
    expect(data.pullRequest.changedFiles).toBe(3100);
    expect(data.filesTruncated).toBe(true);
    expect(env.gh.count('GET', FILES)).toBe(30);
  });

  it('says the file list is truncated when GitHub reports more changed files than it lists', async () => {
    const { owner, repo, full } = env.repo();
    const pr = env.gh.addPullRequest(full, { user: 'alice', files: ['a'], changedFiles: 5 });
    const data = await fetchPullRequestForPolicy(env.client(), { owner, repo, number: pr.number });
    expect(data.filesTruncated).toBe(true);
  });

  it('fails naming the files call when it keeps failing', async () => {
    const { owner, repo, full } = env.repo();
    const pr = env.gh.addPullRequest(full, { user: 'alice', files: ['a'] });
    env.gh.fail({ route: FILES, status: 503, times: Infinity });
    const error = await fetchPullRequestForPolicy(env.client({ retries: 0 }), {
      owner,
      repo,
      number: pr.number,
    }).catch((e: unknown) => e);
    expect(isShiplogError(error, 'GITHUB_API')).toBe(true);
    expect((error as Error).message).toMatch(
      new RegExp(`^GET /repos/${full}/pulls/${pr.number}/files failed: 503`),
    );
  });
});

describe('createDirectory', () => {
  it('maps role_name (not the folded permission field) to the permission', async () => {
    const { owner, repo, full } = env.repo();
    const roles = ['admin', 'maintain', 'write', 'triage', 'read', 'none'] as const;
    for (const role of roles) env.gh.setPermission(full, `user-${role}`, role);
    const directory = createDirectory(env.client(), { owner, repo });
    for (const role of roles) expect(await directory.permission(`user-${role}`)).toBe(role);
    // a login GitHub does not know has no access
    expect(await directory.permission('nobody-at-all')).toBe('none');
  });

  it('falls back to the legacy permission field for custom roles', () => {
    expect(toPermission('security-auditor', 'read')).toBe('read');
    expect(toPermission('release-manager', 'write')).toBe('write');
    expect(toPermission(undefined, 'admin')).toBe('admin');
    expect(toPermission('Maintain', 'write')).toBe('maintain');
    expect(toPermission('weird', 'weird')).toBe('none');
  });

  it('counts only active team members (pending is not a member; 404 is not a member)', async () => {
    const { owner, repo } = env.repo();
    env.gh.addTeam('acme', 'dba', ['dana', { login: 'pat', state: 'pending' }]);
    const directory: PolicyDirectory = createDirectory(env.client(), { owner, repo, org: 'acme' });
    expect(await directory.isTeamMember('dba', 'dana')).toBe(true);
    expect(await directory.isTeamMember('dba', 'pat')).toBe(false);
    expect(await directory.isTeamMember('dba', 'zoe')).toBe(false);
    expect(await directory.isTeamMember('no-such-team', 'dana')).toBe(false);
    expect(await directory.isTeamMember('acme/dba', 'dana')).toBe(true);
  });

  it('looks each login up once per directory, even when asked concurrently', async () => {
    const { owner, repo, full } = env.repo();
    env.gh.setPermission(full, 'bob', 'write');
    env.gh.addTeam('acme', 'sre', ['bob']);
    const directory = createDirectory(env.client(), { owner, repo });
    await Promise.all([
      directory.permission('bob'),
      directory.permission('bob'),
      directory.permission('BOB'),
    ]);
    await directory.permission('bob');
    await Promise.all([directory.isTeamMember('sre', 'bob'), directory.isTeamMember('sre', 'bob')]);
    expect(env.gh.count('GET', PERMISSION)).toBe(1);
    expect(env.gh.count('GET', MEMBERSHIP)).toBe(1);

    // a new directory (a new evaluation) asks again
    await createDirectory(env.client(), { owner, repo }).permission('bob');
    expect(env.gh.count('GET', PERMISSION)).toBe(2);
  });

  it('reports a failed lookup as an error naming the call, not as "none"', async () => {
    const { owner, repo, full } = env.repo();
    env.gh.setPermission(full, 'bob', 'write');
    env.gh.fail({ route: PERMISSION, status: 500, times: Infinity });
    const error = await createDirectory(env.client({ retries: 0 }), { owner, repo })
      .permission('bob')
      .catch((e: unknown) => e);
    expect(isShiplogError(error, 'GITHUB_API')).toBe(true);
    expect((error as Error).message).toBe(
      `GET /repos/${full}/collaborators/bob/permission failed: 500 Server Error`,
    );
  });
});

describe('fetchPolicySnapshot', () => {
  it('writes GitHub shapes with teams and permissions of the people involved', async () => {
    const { owner, repo, full } = env.repo();
    const pr = env.gh.addPullRequest(full, { user: 'alice', files: ['db/migrations/1.sql'] });
    env.gh.addReview(full, pr.number, { user: 'bob', state: 'APPROVED', body: 'y'.repeat(5000) });
    env.gh.addReview(full, pr.number, { user: 'carol', state: 'APPROVED' });
    env.gh.setPermission(full, 'bob', 'maintain');
    env.gh.setPermission(full, 'carol', 'read');
    env.gh.addTeam('acme', 'dba', ['bob']);

    const snapshot = await fetchPolicySnapshot(env.client(), {
      owner,
      repo,
      number: pr.number,
      teams: ['dba'],
    });

    expect(snapshot.pull_request).toMatchObject({
      number: pr.number,
      user: { login: 'alice' },
      head: { sha: pr.headSha },
    });
    expect(snapshot.files).toEqual([
      expect.objectContaining({ filename: 'db/migrations/1.sql', status: 'modified' }),
    ]);
    expect(snapshot.files[0]).not.toHaveProperty('patch');
    expect(snapshot.reviews).toHaveLength(2);
    expect((snapshot.reviews[0]!.body as string).length).toBeLessThanOrEqual(1025);
    expect(snapshot.teams).toEqual({ dba: ['bob'] });
    expect(snapshot.permissions).toEqual({ alice: 'none', bob: 'maintain', carol: 'read' });
    // and `shiplog policy evaluate` reads it back
    const parsed = snapshotFromObject(JSON.parse(JSON.stringify(snapshot)), 'snapshot.json');
    expect(parsed.input.pullRequest.author).toBe('alice');
    expect(parsed.input.reviews).toHaveLength(2);
  });
});
