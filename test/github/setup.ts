/** Shared scaffolding for the GitHub-room tests: one fake GitHub per file, a fresh repo per test. */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { createGitHubClient, type GitHubClientOptions } from '../../src/github/client.ts';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.ts';

export function useFakeGitHub() {
  const ctx = { gh: undefined as unknown as FakeGitHub };
  let n = 0;
  beforeAll(async () => {
    ctx.gh = await startFakeGitHub();
  });
  afterEach(() => {
    // every response the fake sent must have had GitHub's shape
    expect(ctx.gh.violations).toEqual([]);
    ctx.gh.clearFaults();
    ctx.gh.resetRequests();
  });
  afterAll(async () => {
    await ctx.gh.close();
  });
  return {
    get gh() {
      return ctx.gh;
    },
    /** A new repository so tests do not share state. */
    repo(prefix = 'web') {
      const name = `${prefix}-${++n}`;
      ctx.gh.addRepo(`acme/${name}`);
      return { owner: 'acme', repo: name, full: `acme/${name}` };
    },
    client(options: Partial<GitHubClientOptions> = {}) {
      return createGitHubClient({
        token: 'test-token',
        baseUrl: ctx.gh.url,
        retryBaseMs: 10,
        spaceWrites: false,
        ...options,
      });
    },
  };
}
