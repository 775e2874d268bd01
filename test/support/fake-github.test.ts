/**
 * The fake GitHub itself: every route answers in GitHub's published shape (checked against
 * @octokit/openapi on every response), a wrong shape is caught, and faults/auth behave like GitHub.
 */
import { Octokit } from '@octokit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkResponse, fromSchema } from './fake-github/openapi.ts';
import { startFakeGitHub, type FakeGitHub } from './fake-github.ts';

let gh: FakeGitHub;
let api: Octokit;
let appApi: Octokit;
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOjF9.c2lnbmF0dXJl';

beforeAll(async () => {
  gh = await startFakeGitHub();
  api = new Octokit({ auth: 'test-token', baseUrl: gh.url });
  // a GitHub App authenticates as itself with a JWT (sent as `bearer`)
  appApi = new Octokit({ auth: JWT, baseUrl: gh.url });
});
afterAll(() => gh.close());

describe("fake GitHub routes answer in GitHub's shapes", () => {
  it('serves every route with a body that validates against the OpenAPI description', async () => {
    gh.addRepo('acme/web');
    const pr = gh.addPullRequest('acme/web', {
      user: 'alice',
      merged: true,
      files: [
        'db/1.sql',
        { filename: 'new.txt', previous_filename: 'old.txt' },
        { filename: 'gone', status: 'removed' },
      ],
    });
    gh.addReview('acme/web', pr.number, { user: 'bob', state: 'APPROVED' });
    gh.addReview('acme/web', pr.number, { user: 'ghosty', state: 'PENDING' });
    gh.addReview('acme/web', pr.number, { user: 'ci[bot]', state: 'COMMENTED', commitId: null });
    gh.setPermission('acme/web', 'bob', 'maintain');
    gh.addTeam('acme', 'dba', ['bob']);
    gh.setFile('acme/web', '.github/shiplog.yml', 'rules: []\n');
    const o = { owner: 'acme', repo: 'web' };

    const run = await api.request('POST /repos/{owner}/{repo}/check-runs', {
      ...o,
      name: 'c',
      head_sha: pr.headSha,
    });
    const issue = await api.request('POST /repos/{owner}/{repo}/issues', { ...o, title: 't', labels: ['l'] });
    const calls = [
      api.request('GET /repos/{owner}/{repo}', o),
      api.request('GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls', {
        ...o,
        commit_sha: pr.mergeCommitSha!,
      }),
      api.request('GET /repos/{owner}/{repo}/pulls', { ...o, state: 'all' }),
      api.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { ...o, pull_number: pr.number }),
      api.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', { ...o, pull_number: pr.number }),
      api.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', { ...o, pull_number: pr.number }),
      api.request('GET /repos/{owner}/{repo}/collaborators/{username}/permission', { ...o, username: 'bob' }),
      api.request('GET /orgs/{org}/teams/{team_slug}/memberships/{username}', {
        org: 'acme',
        team_slug: 'dba',
        username: 'bob',
      }),
      api.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
        ...o,
        check_run_id: run.data.id,
        conclusion: 'success',
        output: { title: 'ok', summary: 'fine' },
      }),
      api.request('GET /repos/{owner}/{repo}/check-runs/{check_run_id}', { ...o, check_run_id: run.data.id }),
      api.request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', { ...o, ref: pr.headSha }),
      api.request('GET /repos/{owner}/{repo}/issues', { ...o, labels: 'l' }),
      api.request('GET /repos/{owner}/{repo}/issues/{issue_number}', {
        ...o,
        issue_number: issue.data.number,
      }),
      api.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
        ...o,
        issue_number: issue.data.number,
        state: 'closed',
      }),
      api.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        ...o,
        issue_number: pr.number,
        body: 'hi',
      }),
      api.request('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        ...o,
        issue_number: pr.number,
      }),
      api.request('GET /repos/{owner}/{repo}/contents/{path}', { ...o, path: '.github/shiplog.yml' }),
      api.request('POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule', {
        ...o,
        run_id: 77,
        environment_name: 'production',
        state: 'approved',
        comment: 'ok',
      }),
      appApi.request('GET /app'),
      appApi.request('GET /repos/{owner}/{repo}/installation', o),
      appApi.request('POST /app/installations/{installation_id}/access_tokens', {
        installation_id: gh.installationId('acme'),
      }),
    ];
    const responses = await Promise.all(calls);
    expect(responses.every((r) => r.status < 300)).toBe(true);
    // every body was checked when sent; none broke the schema
    expect(gh.violations).toEqual([]);
    expect(gh.requests.filter((r) => r.route === undefined)).toEqual([]);
    expect(gh.protectionCallbacks('acme/web')).toEqual([
      {
        runId: 77,
        body: { environment_name: 'production', state: 'approved', comment: 'ok' },
        token: 'test-token',
      },
    ]);

    // contents: base64 by default, raw on request (Probot's config reader), 404 when absent
    const file = responses[16]!.data as { content: string; encoding: string };
    expect(Buffer.from(file.content, 'base64').toString()).toBe('rules: []\n');
    const raw = await api.request('GET /repos/{owner}/{repo}/contents/{path}', {
      ...o,
      path: '.github/shiplog.yml',
      mediaType: { format: 'raw' },
    });
    expect(raw.data).toBe('rules: []\n');
    await expect(
      api.request('GET /repos/{owner}/{repo}/contents/{path}', { ...o, path: 'nope.yml' }),
    ).rejects.toMatchObject({
      status: 404,
    });

    // an installation token minted by the fake is then accepted, and recorded per request
    const token = (responses[20]!.data as { token: string }).token;
    await new Octokit({ auth: token, baseUrl: gh.url }).request(
      'GET /repos/{owner}/{repo}/pulls/{pull_number}',
      {
        ...o,
        pull_number: pr.number,
      },
    );
    expect(gh.requests.at(-1)!.token).toBe(token);
  });

  it('paginates like GitHub: per_page capped at 100, Link header with next and last', async () => {
    gh.addRepo('acme/pages');
    const pr = gh.addPullRequest('acme/pages', {
      user: 'alice',
      files: Array.from({ length: 250 }, (_, i) => `f${i}`),
    });
    const first = await api.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', {
      owner: 'acme',
      repo: 'pages',
      pull_number: pr.number,
      per_page: 500,
    });
    expect(first.data).toHaveLength(100);
    expect(first.headers.link).toMatch(/page=2>; rel="next"/);
    expect(first.headers.link).toMatch(/page=3>; rel="last"/);
    expect(first.headers.link).toContain(`${gh.url}/repos/acme/pages/pulls/${pr.number}/files?`);
  });

  it("catches a response that does not have GitHub's shape", async () => {
    gh.addRepo('acme/bad');
    const pr = gh.addPullRequest('acme/bad', { user: 'alice' });
    gh.fail({
      route: '/repos/{owner}/{repo}/pulls/{pull_number}/reviews',
      status: 200,
      body: [{ id: 'not-a-number', state: 'APPROVED' }],
    });
    const before = gh.violations.length;
    const error = await api
      .request('GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', {
        owner: 'acme',
        repo: 'bad',
        pull_number: pr.number,
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400 });
    expect((error as Error).message).toMatch(/violates GitHub's OpenAPI schema/);
    expect(gh.violations.slice(before)).toEqual([
      expect.objectContaining({ route: '/repos/{owner}/{repo}/pulls/{pull_number}/reviews', status: 200 }),
    ]);
    gh.violations.length = before;

    // and the checker itself, directly: missing required fields, wrong types, nullable handled
    const review = fromSchema('pull-request-review', {
      id: 1,
      user: null,
      commit_id: null,
      state: 'APPROVED',
    });
    expect(checkResponse('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews', 200, [review])).toEqual(
      [],
    );
    const { node_id: _n, ...missing } = review as Record<string, unknown>;
    expect(
      checkResponse('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews', 200, [missing]).join(),
    ).toMatch(/node_id/);
    expect(
      checkResponse('GET', '/orgs/{org}/teams/{team_slug}/memberships/{username}', 200, {
        url: 'x',
        role: 'member',
        state: 'maybe',
      }),
    ).not.toEqual([]);
  });

  it('requires authorization, separates JWT routes from token routes, honours a token allow-list', async () => {
    const strict = await startFakeGitHub({ tokens: ['good'] });
    try {
      strict.addRepo('acme/web');
      const anonymous = new Octokit({ baseUrl: strict.url });
      await expect(
        anonymous.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'web' }),
      ).rejects.toMatchObject({ status: 401 });
      const bad = new Octokit({ auth: 'bad', baseUrl: strict.url });
      await expect(
        bad.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'web' }),
      ).rejects.toMatchObject({ status: 401 });
      const good = new Octokit({ auth: 'good', baseUrl: strict.url });
      await expect(good.request('GET /app')).rejects.toMatchObject({ status: 401 });
      const app = new Octokit({ auth: JWT, baseUrl: strict.url });
      await expect(
        app.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'web' }),
      ).rejects.toMatchObject({ status: 401 });
      expect((await good.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'web' })).status).toBe(
        200,
      );
    } finally {
      await strict.close();
    }
  });

  it('injects failures, rate limits and delays a given number of times', async () => {
    gh.addRepo('acme/faults');
    const route = '/repos/{owner}/{repo}';
    gh.fail({ route, status: 502, times: 1 });
    gh.fail({ route, secondaryRateLimit: { retryAfter: 7 }, times: 1 });
    gh.fail({ route, primaryRateLimit: { resetInSeconds: 30 }, times: 1 });
    const get = () =>
      api
        .request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'faults' })
        .catch((e: { status: number; response: { headers: Record<string, string> } }) => e);
    const a = await get();
    const b = await get();
    const c = await get();
    expect((a as { status: number }).status).toBe(502);
    expect(b).toMatchObject({ status: 403, response: { headers: { 'retry-after': '7' } } });
    expect((b as unknown as Error).message).toMatch(/secondary rate limit/);
    expect(c).toMatchObject({ status: 403, response: { headers: { 'x-ratelimit-remaining': '0' } } });
    expect(((await get()) as { status: number }).status).toBe(200);

    gh.fail({ route, delayMs: 300 });
    const started = Date.now();
    expect(((await get()) as { status: number }).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(gh.requests.filter((r) => r.path === '/repos/acme/faults').map((r) => r.status)).toEqual([
      502, 403, 403, 200, 200,
    ]);
  });

  it('caps listed PR files at 3000 while changed_files tells the truth', async () => {
    gh.addRepo('acme/huge');
    const pr = gh.addPullRequest('acme/huge', {
      user: 'alice',
      files: Array.from({ length: 3050 }, (_, i) => `f${i}`),
    });
    const o = { owner: 'acme', repo: 'huge', pull_number: pr.number };
    const full = await api.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', o);
    expect(full.data.changed_files).toBe(3050);
    const last = await api.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', {
      ...o,
      per_page: 100,
      page: 30,
    });
    expect(last.data).toHaveLength(100);
    expect(last.headers.link).not.toMatch(/rel="next"/);
    const beyond = await api.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', {
      ...o,
      per_page: 100,
      page: 31,
    });
    expect(beyond.data).toEqual([]);
  });
});
