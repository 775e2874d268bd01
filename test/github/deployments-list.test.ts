import { describe, expect, it } from 'vitest';
import { isShiplogError } from '../../src/errors.ts';
import { listDeployments, runIdFromUrl } from '../../src/github/deployments-list.ts';
import { useFakeGitHub } from './setup.ts';

const env = useFakeGitHub();

const sha = (n: number): string => n.toString(16).padStart(40, 'a');
const at = (minutes: number): string =>
  new Date(Date.UTC(2026, 2, 1) + minutes * 60_000).toISOString().replace('.000', '');
const runUrl = (full: string, run: number): string =>
  `https://github.com/${full}/actions/runs/${run}/job/${run * 10}`;

describe('listDeployments', () => {
  it('gives each deployment of the environment since the date with what its statuses say', async () => {
    const { owner, repo, full } = env.repo();
    env.gh.addDeployment(full, {
      sha: sha(1),
      environment: 'production',
      creator: 'alice',
      createdAt: at(0),
      statuses: [
        { state: 'in_progress', logUrl: runUrl(full, 71) },
        { state: 'success', logUrl: runUrl(full, 71) },
      ],
    });
    // replaced by a newer deployment: GitHub marks the successful one inactive
    env.gh.addDeployment(full, {
      sha: sha(2),
      environment: 'production',
      createdAt: at(10),
      statuses: [{ state: 'success' }, { state: 'inactive', createdAt: at(60) }],
    });
    env.gh.addDeployment(full, {
      sha: sha(3),
      environment: 'production',
      createdAt: at(20),
      statuses: [{ state: 'queued' }, { state: 'failure', logUrl: runUrl(full, 73) }],
    });
    env.gh.addDeployment(full, { sha: sha(4), environment: 'production', createdAt: at(30) });
    env.gh.addDeployment(full, {
      sha: sha(5),
      environment: 'staging',
      createdAt: at(40),
      statuses: [{ state: 'success' }],
    });
    env.gh.addDeployment(full, {
      sha: sha(6),
      environment: 'production',
      createdAt: at(-60),
      statuses: [{ state: 'success' }],
    });

    const list = await listDeployments(env.client(), {
      owner,
      repo,
      environment: 'production',
      since: new Date(at(0)),
    });
    expect(list.map((d) => d.sha)).toEqual([sha(1), sha(2), sha(3), sha(4)]);
    expect(list[0]).toMatchObject({
      ref: 'main',
      environment: 'production',
      createdAt: at(0),
      creator: 'alice',
      latest: { state: 'success', createdAt: at(2) },
      succeededAt: at(2),
      runId: 71,
    });
    expect(list[1]).toMatchObject({ latest: { state: 'inactive', createdAt: at(60) }, succeededAt: at(11) });
    expect(list[1]!.runId).toBeUndefined();
    expect(list[2]).toMatchObject({
      latest: { state: 'failure' },
      runId: 73,
      creator: 'github-actions[bot]',
    });
    expect(list[2]!.succeededAt).toBeUndefined();
    expect(list[3]!.latest).toBeUndefined();
    // one listing page, one statuses request per deployment in the window
    expect(env.gh.count('GET', '/repos/{owner}/{repo}/deployments')).toBe(1);
    expect(env.gh.requests.find((r) => r.route === '/repos/{owner}/{repo}/deployments')!.query).toMatchObject(
      {
        environment: 'production',
      },
    );
    expect(env.gh.count('GET', '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses')).toBe(4);
  });

  it('stops paging at the first page that reaches back past the date', async () => {
    const { owner, repo, full } = env.repo();
    for (let i = 0; i < 250; i++)
      env.gh.addDeployment(full, { sha: sha(i), environment: 'production', createdAt: at(i) });
    const list = await listDeployments(env.client(), {
      owner,
      repo,
      environment: 'production',
      since: new Date(at(130)),
      concurrency: 8,
    });
    expect(list).toHaveLength(120);
    expect(list[0]!.createdAt).toBe(at(130));
    expect(list.at(-1)!.createdAt).toBe(at(249));
    // newest first: page 1 holds 249..150, page 2 reaches 130 and beyond; page 3 is never read
    expect(env.gh.count('GET', '/repos/{owner}/{repo}/deployments')).toBe(2);
  });

  it('fails closed, saying why, rather than return part of the window', async () => {
    const { owner, repo, full } = env.repo();
    for (let i = 0; i < 30; i++)
      env.gh.addDeployment(full, { sha: sha(i), environment: 'production', createdAt: at(i) });
    const err = await listDeployments(env.client(), {
      owner,
      repo,
      environment: 'production',
      since: new Date(at(0)),
      maxDeployments: 20,
    }).catch((e: unknown) => e);
    expect(isShiplogError(err, 'GITHUB_API')).toBe(true);
    expect((err as Error).message).toMatch(/more than 20 deployments since 2026-03-01T00:00:00.000Z/);
  });

  it("fails naming the call when a deployment's statuses cannot be read", async () => {
    const { owner, repo, full } = env.repo();
    const d = env.gh.addDeployment(full, { sha: sha(1), environment: 'production', createdAt: at(0) });
    env.gh.fail({
      route: '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
      status: 502,
      times: Infinity,
    });
    const err = await listDeployments(env.client(), {
      owner,
      repo,
      environment: 'production',
      since: new Date(at(0)),
    }).catch((e: unknown) => e);
    expect(isShiplogError(err, 'GITHUB_API')).toBe(true);
    expect((err as Error).message).toContain(`GET /repos/${full}/deployments/${d.id}/statuses failed: 502`);
  });

  it('reads the run id from an Actions run URL only', () => {
    expect(runIdFromUrl('https://github.com/acme/web/actions/runs/123/job/456')).toBe(123);
    expect(runIdFromUrl('https://ghe.example.com/acme/web/actions/runs/9?check_suite_focus=true')).toBe(9);
    expect(runIdFromUrl('https://github.com/acme/web/actions/runs/77')).toBe(77);
    expect(runIdFromUrl('https://example.com/deploys/123')).toBeUndefined();
    expect(runIdFromUrl('https://example.com/actions/runs/12x')).toBeUndefined();
    expect(runIdFromUrl('not a url')).toBeUndefined();
    expect(runIdFromUrl(undefined)).toBeUndefined();
  });
});

describe("the fake's environment reviews of a run", () => {
  it("answers GET …/actions/runs/{run_id}/approvals in GitHub's shape", async () => {
    const { owner, repo, full } = env.repo();
    env.gh.addRunApprovals(full, 42, [
      { user: 'carol', state: 'approved', comment: 'Ship it', environments: ['production'] },
      { user: 'dave', state: 'rejected', comment: '', environments: ['production', 'eu'] },
    ]);
    const { data } = await env.client().request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals', {
      owner,
      repo,
      run_id: 42,
    });
    expect(data).toMatchObject([
      {
        user: { login: 'carol' },
        state: 'approved',
        comment: 'Ship it',
        environments: [{ name: 'production' }],
      },
      { user: { login: 'dave' }, state: 'rejected', environments: [{ name: 'production' }, { name: 'eu' }] },
    ]);
    const none = await env.client().request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals', {
      owner,
      repo,
      run_id: 43,
    });
    expect(none.data).toEqual([]);
  });
});
