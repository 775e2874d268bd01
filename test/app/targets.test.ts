/** Routing payloads to pull requests: pure, so the odd shapes are cheap to pin down. */
import { describe, expect, it } from 'vitest';
import { checkRunTargets, parseMergeQueueRef, pullRequestTarget } from '../../src/app/targets.ts';

const SHA = 'a'.repeat(40);
const repository = { name: 'web', owner: { login: 'acme' } };

describe('parseMergeQueueRef', () => {
  it('reads the base (which may contain slashes), the PR number and the queued head', () => {
    expect(parseMergeQueueRef(`refs/heads/gh-readonly-queue/release/2.x/pr-42-${SHA}`)).toEqual({
      baseRef: 'release/2.x',
      number: 42,
      queuedHeadSha: SHA,
    });
    expect(parseMergeQueueRef(`gh-readonly-queue/main/pr-7-${SHA}`)).toMatchObject({
      baseRef: 'main',
      number: 7,
    });
  });

  it('rejects anything else', () => {
    for (const ref of [
      'refs/heads/main',
      `refs/heads/gh-readonly-queue/main/pr-0-${SHA}`,
      `refs/heads/gh-readonly-queue/main/pr-x-${SHA}`,
      'refs/heads/gh-readonly-queue/main/pr-3-abc',
      `refs/heads/gh-readonly-queue/pr-3-${SHA}`,
      `refs/heads/feature/gh-readonly-queue/main/pr-3-${SHA}`,
    ]) {
      expect(parseMergeQueueRef(ref), ref).toBeUndefined();
    }
  });
});

describe('pullRequestTarget', () => {
  const pr = { number: 3, head: { sha: SHA } };
  it('skips edits that leave the base alone and actions that cannot change the verdict', () => {
    expect(
      pullRequestTarget({ action: 'edited', repository, pull_request: pr, changes: {} }),
    ).toBeUndefined();
    expect(pullRequestTarget({ action: 'closed', repository, pull_request: pr })).toBeUndefined();
    expect(
      pullRequestTarget({ action: 'edited', repository, pull_request: pr, changes: { base: {} } }),
    ).toMatchObject({
      owner: 'acme',
      repo: 'web',
      number: 3,
      headSha: SHA,
    });
  });
});

describe('checkRunTargets', () => {
  it('ignores check runs that name no pull request shiplog knows', () => {
    expect(
      checkRunTargets({
        repository,
        check_run: {
          head_sha: SHA,
          external_id: 'someone-else',
          pull_requests: [],
          check_suite: { head_branch: 'x' },
        },
      }),
    ).toEqual([]);
  });
});
