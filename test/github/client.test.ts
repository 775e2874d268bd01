import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ProbotOctokit } from 'probot';
import { createGitHubClient, type GitHubApi } from '../../src/github/client.ts';
import { collectApprovalEvidence } from '../../src/github/approvers.ts';
import { isShiplogError } from '../../src/errors.ts';
import { useFakeGitHub } from './setup.ts';

const env = useFakeGitHub();

describe('createGitHubClient', () => {
  it('is a GitHubApi, and so is a Probot context.octokit', () => {
    expectTypeOf(createGitHubClient({ token: 't' })).toMatchTypeOf<GitHubApi>();
    expectTypeOf<InstanceType<typeof ProbotOctokit>>().toMatchTypeOf<GitHubApi>();
  });

  it('works at the root URL too (GITHUB_API_URL=http://host:port)', async () => {
    const { owner, repo } = env.repo();
    const api = createGitHubClient({ token: 't', baseUrl: env.gh.rootUrl, retryBaseMs: 10 });
    const evidence = await collectApprovalEvidence(api, { owner, repo, commit: 'e'.repeat(40) });
    expect(evidence.status).toBe('no-pull-request');
    expect(env.gh.requests[0]!.path).toBe(`/repos/${owner}/${repo}/commits/${'e'.repeat(40)}/pulls`);
  });

  it('times out a hanging request and, after bounded retries, fails naming the call', async () => {
    const { owner, repo } = env.repo();
    env.gh.fail({
      route: '/repos/{owner}/{repo}/commits/{commit_sha}/pulls',
      delayMs: 3000,
      times: Infinity,
    });
    const started = Date.now();
    const error = await collectApprovalEvidence(env.client({ timeoutMs: 200, retries: 1 }), {
      owner,
      repo,
      commit: 'f'.repeat(40),
    }).catch((e: unknown) => e);
    expect(isShiplogError(error, 'GITHUB_API')).toBe(true);
    expect((error as Error).message).toMatch(
      /^GET \/repos\/acme\/.*\/pulls failed: 500 .*(timeout|aborted)/i,
    );
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('sends a user agent and the token in the authorization header', async () => {
    const { owner, repo } = env.repo();
    await collectApprovalEvidence(env.client({ token: 'ghp_abc' }), { owner, repo, commit: '1'.repeat(40) });
    expect(env.gh.requests[0]!.token).toBe('ghp_abc');
  });
});
