import { describe, expect, it } from 'vitest';
import { collectApprovalEvidence } from '../../src/github/approvers.ts';
import { isShiplogError } from '../../src/errors.ts';
import { useFakeGitHub } from './setup.ts';

const env = useFakeGitHub();
const REVIEWS = '/repos/{owner}/{repo}/pulls/{pull_number}/reviews';

function mergedPr(full: string, extra: Partial<Parameters<typeof env.gh.addPullRequest>[1]> = {}) {
  return env.gh.addPullRequest(full, {
    user: 'alice',
    merged: true,
    mergedBy: 'mona',
    title: 'Add index',
    ...extra,
  });
}

describe('collectApprovalEvidence', () => {
  it('records fresh approvals of a merged pull request', async () => {
    const { owner, repo, full } = env.repo();
    const pr = mergedPr(full);
    const bob = env.gh.addUser('bob', { id: 501 });
    env.gh.addReview(full, pr.number, { user: 'bob', state: 'APPROVED' });
    env.gh.addReview(full, pr.number, { user: 'carol', state: 'APPROVED' });

    const evidence = await collectApprovalEvidence(env.client(), { owner, repo, commit: pr.mergeCommitSha! });

    expect(evidence.status).toBe('approved');
    expect(evidence.pull_request).toMatchObject({
      number: pr.number,
      url: `https://github.com/${full}/pull/${pr.number}`,
      title: 'Add index',
      author: { login: 'alice' },
      merged_by: { login: 'mona' },
      merged_at: pr.mergedAt,
      head_sha: pr.headSha,
      base_ref: 'main',
    });
    expect(evidence.approvers.map((a) => a.login)).toEqual(['bob', 'carol']);
    expect(evidence.approvers[0]).toMatchObject({
      id: bob.id,
      state: 'APPROVED',
      commit_id: pr.headSha,
      stale: false,
    });
    expect(evidence.approvers[0]!.review_id).toBeTypeOf('number');
    expect(evidence.approvers[0]!.submitted_at).toMatch(/^\d{4}-/);
    expect(evidence.changes_requested).toEqual([]);
    expect(evidence.reviews_considered).toBe(2);
  });

  it('marks an approval of an earlier head as stale and does not call that approved', async () => {
    const { owner, repo, full } = env.repo();
    const pr = mergedPr(full);
    const oldHead = pr.headSha;
    env.gh.addReview(full, pr.number, { user: 'bob', state: 'APPROVED' });
    env.gh.pushToPull(full, pr.number);

    const evidence = await collectApprovalEvidence(env.client(), { owner, repo, commit: pr.mergeCommitSha! });

    expect(evidence.status).toBe('unapproved');
    expect(evidence.approvers).toEqual([
      expect.objectContaining({ login: 'bob', stale: true, commit_id: oldHead }),
    ]);
  });

  it("lets a later approval replace the same reviewer's change request", async () => {
    const { owner, repo, full } = env.repo();
    const pr = mergedPr(full);
    env.gh.addReview(full, pr.number, { user: 'bob', state: 'CHANGES_REQUESTED' });
    env.gh.addReview(full, pr.number, { user: 'bob', state: 'APPROVED' });

    const evidence = await collectApprovalEvidence(env.client(), { owner, repo, commit: pr.mergeCommitSha! });
    expect(evidence.status).toBe('approved');
    expect(evidence.changes_requested).toEqual([]);
    expect(evidence.approvers).toHaveLength(1);
  });

  it('keeps an outstanding change request from another reviewer and is then unapproved', async () => {
    const { owner, repo, full } = env.repo();
    const pr = mergedPr(full);
    env.gh.addReview(full, pr.number, { user: 'bob', state: 'APPROVED' });
    env.gh.addReview(full, pr.number, { user: 'dave', state: 'CHANGES_REQUESTED' });

    const evidence = await collectApprovalEvidence(env.client(), { owner, repo, commit: pr.mergeCommitSha! });
    expect(evidence.status).toBe('unapproved');
    expect(evidence.changes_requested.map((c) => c.login)).toEqual(['dave']);
  });

  it('ignores a commented-only reviewer, and a comment after an approval does not undo it', async () => {
    const { owner, repo, full } = env.repo();
    const pr = mergedPr(full);
    env.gh.addReview(full, pr.number, { user: 'erin', state: 'COMMENTED' });
    env.gh.addReview(full, pr.number, { user: 'bob', state: 'APPROVED' });
    env.gh.addReview(full, pr.number, { user: 'bob', state: 'COMMENTED' });

    const evidence = await collectApprovalEvidence(env.client(), { owner, repo, commit: pr.mergeCommitSha! });
    expect(evidence.status).toBe('approved');
    expect(evidence.approvers.map((a) => a.login)).toEqual(['bob']);
    expect(evidence.reviews_considered).toBe(3);
  });

  it('drops a dismissed approval', async () => {
    const { owner, repo, full } = env.repo();
    const pr = mergedPr(full);
    env.gh.addReview(full, pr.number, { user: 'bob', state: 'DISMISSED' });

    const evidence = await collectApprovalEvidence(env.client(), { owner, repo, commit: pr.mergeCommitSha! });
    expect(evidence.status).toBe('unapproved');
    expect(evidence.approvers).toEqual([]);
  });

  it("does not count a bot's or the author's approval, and says so in the evidence", async () => {
    const { owner, repo, full } = env.repo();
    const pr = mergedPr(full);
    env.gh.addReview(full, pr.number, { user: 'renovate[bot]', state: 'APPROVED' });
    env.gh.addReview(full, pr.number, { user: 'alice', state: 'APPROVED' });
    env.gh.addReview(full, pr.number, { user: 'dependabot[bot]', state: 'CHANGES_REQUESTED' });

    const evidence = await collectApprovalEvidence(env.client(), { owner, repo, commit: pr.mergeCommitSha! });
    expect(evidence.status).toBe('unapproved');
    expect(evidence.approvers).toEqual([]);
    expect(evidence.changes_requested).toEqual([]);
    expect(evidence.not_counted.map((n) => [n.login, n.state, n.reason])).toEqual([
      ['renovate[bot]', 'APPROVED', 'bot'],
      ['alice', 'APPROVED', 'author'],
      ['dependabot[bot]', 'CHANGES_REQUESTED', 'bot'],
    ]);

    env.gh.addReview(full, pr.number, { user: 'bob', state: 'APPROVED' });
    const again = await collectApprovalEvidence(env.client(), { owner, repo, commit: pr.mergeCommitSha! });
    expect(again.status).toBe('approved');
    expect(again.approvers.map((a) => a.login)).toEqual(['bob']);
  });

  it('says no-pull-request for a direct push, after one call', async () => {
    const { owner, repo } = env.repo();
    const evidence = await collectApprovalEvidence(env.client(), { owner, repo, commit: 'a'.repeat(40) });
    expect(evidence).toEqual({
      status: 'no-pull-request',
      approvers: [],
      changes_requested: [],
      not_counted: [],
      reviews_considered: 0,
    });
    expect(env.gh.requests.map((r) => r.route)).toEqual(['/repos/{owner}/{repo}/commits/{commit_sha}/pulls']);
  });

  it('prefers the merged PR whose merge commit is the commit over others containing it', async () => {
    const { owner, repo, full } = env.repo();
    const open = env.gh.addPullRequest(full, { user: 'zed' });
    const earlier = mergedPr(full, { mergedAt: '2024-04-01T00:00:00Z' });
    const target = mergedPr(full, { mergedAt: '2024-05-02T00:00:00Z' });
    env.gh.linkCommit(full, target.mergeCommitSha!, [open.number, earlier.number]);
    const evidence = await collectApprovalEvidence(env.client(), {
      owner,
      repo,
      commit: target.mergeCommitSha!,
    });
    expect(evidence.pull_request?.number).toBe(target.number);

    // a commit that is only contained in merged PRs: the first merged one brought it in
    const commit = 'b'.repeat(40);
    env.gh.linkCommit(full, commit, [open.number, target.number, earlier.number]);
    const contained = await collectApprovalEvidence(env.client(), { owner, repo, commit });
    expect(contained.pull_request?.number).toBe(earlier.number);

    // contained only in an open PR: not merged, so no pull request brought it in
    const onlyOpen = 'c'.repeat(40);
    env.gh.linkCommit(full, onlyOpen, [open.number]);
    expect((await collectApprovalEvidence(env.client(), { owner, repo, commit: onlyOpen })).status).toBe(
      'no-pull-request',
    );
  });

  it('reads all 150 reviews over two pages', async () => {
    const { owner, repo, full } = env.repo();
    const pr = mergedPr(full);
    for (let i = 0; i < 149; i++)
      env.gh.addReview(full, pr.number, { user: `reviewer${i}`, state: 'COMMENTED' });
    env.gh.addReview(full, pr.number, { user: 'last-approver', state: 'APPROVED' });

    const evidence = await collectApprovalEvidence(env.client(), { owner, repo, commit: pr.mergeCommitSha! });

    expect(evidence.reviews_considered).toBe(150);
    expect(evidence.approvers.map((a) => a.login)).toEqual(['last-approver']);
    const pages = env.gh.requests.filter((r) => r.route === REVIEWS);
    expect(pages.map((r) => r.query.page ?? '1')).toEqual(['1', '2']);
    expect(pages.every((r) => r.query.per_page === '100')).toBe(true);
  });

  it('fails with GITHUB_API naming the call when the reviews API keeps failing', async () => {
    const { owner, repo, full } = env.repo();
    const pr = mergedPr(full);
    env.gh.addReview(full, pr.number, { user: 'bob', state: 'APPROVED' });
    env.gh.fail({ route: REVIEWS, status: 500, times: Infinity });

    const error = await collectApprovalEvidence(env.client({ retries: 1 }), {
      owner,
      repo,
      commit: pr.mergeCommitSha!,
    }).catch((e: unknown) => e);

    expect(isShiplogError(error, 'GITHUB_API')).toBe(true);
    expect((error as Error).message).toBe(
      `GET /repos/${full}/pulls/${pr.number}/reviews failed: 500 Server Error`,
    );
    expect(env.gh.count('GET', REVIEWS)).toBe(2); // the first try and one bounded retry
  });

  it('retries a 502 twice and then succeeds', async () => {
    const { owner, repo, full } = env.repo();
    const pr = mergedPr(full);
    env.gh.addReview(full, pr.number, { user: 'bob', state: 'APPROVED' });
    env.gh.fail({ route: REVIEWS, status: 502, times: 2 });

    const evidence = await collectApprovalEvidence(env.client(), { owner, repo, commit: pr.mergeCommitSha! });
    expect(evidence.status).toBe('approved');
    expect(env.gh.requests.filter((r) => r.route === REVIEWS).map((r) => r.status)).toEqual([502, 502, 200]);
  });

  it('waits out a secondary rate limit as long as retry-after says', async () => {
    const { owner, repo, full } = env.repo();
    const pr = mergedPr(full);
    env.gh.addReview(full, pr.number, { user: 'bob', state: 'APPROVED' });
    env.gh.fail({ route: REVIEWS, secondaryRateLimit: { retryAfter: 1 }, times: 1 });
    const messages: string[] = [];

    const started = Date.now();
    const evidence = await collectApprovalEvidence(env.client({ onRateLimit: (m) => messages.push(m) }), {
      owner,
      repo,
      commit: pr.mergeCommitSha!,
    });

    expect(evidence.status).toBe('approved');
    const calls = env.gh.requests.filter((r) => r.route === REVIEWS);
    expect(calls.map((r) => r.status)).toEqual([403, 200]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(messages[0]).toMatch(/secondary rate limit .* retrying after 1s/);
  });

  it('gives up on a secondary rate limit that persists, with a clear error', async () => {
    const { owner, repo, full } = env.repo();
    const pr = mergedPr(full);
    env.gh.fail({ route: REVIEWS, secondaryRateLimit: { retryAfter: 1 }, times: Infinity });
    const error = await collectApprovalEvidence(env.client({ rateLimitRetries: 1 }), {
      owner,
      repo,
      commit: pr.mergeCommitSha!,
    }).catch((e: unknown) => e);
    expect(isShiplogError(error, 'GITHUB_API')).toBe(true);
    expect((error as Error).message).toMatch(/reviews failed: 403 You have exceeded a secondary rate limit/);
    expect(env.gh.count('GET', REVIEWS)).toBe(2);
  });

  it('does not carry review bodies (a 10 MB one included) into the evidence', async () => {
    const { owner, repo, full } = env.repo();
    const pr = mergedPr(full);
    const marker = 'UNTRUSTED-BODY-MARKER';
    env.gh.addReview(full, pr.number, {
      user: 'bob',
      state: 'APPROVED',
      body: marker + 'x'.repeat(10 * 1024 * 1024),
    });

    const evidence = await collectApprovalEvidence(env.client(), { owner, repo, commit: pr.mergeCommitSha! });
    const json = JSON.stringify(evidence);
    expect(json).not.toContain(marker);
    expect(json.length).toBeLessThan(5000);
    expect(evidence.status).toBe('approved');
  });

  it('refuses to wait out a rate limit longer than its bound', async () => {
    const { owner, repo, full } = env.repo();
    const pr = mergedPr(full);
    env.gh.fail({ route: REVIEWS, secondaryRateLimit: { retryAfter: 3600 }, times: Infinity });
    const started = Date.now();
    const error = await collectApprovalEvidence(env.client({ maxRateLimitWaitSeconds: 60 }), {
      owner,
      repo,
      commit: pr.mergeCommitSha!,
    }).catch((e: unknown) => e);
    expect(isShiplogError(error, 'GITHUB_API')).toBe(true);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(env.gh.count('GET', REVIEWS)).toBe(1);
  });

  it('sends the token it was given', async () => {
    const { owner, repo } = env.repo();
    await collectApprovalEvidence(env.client({ token: 'ghs_secret123' }), {
      owner,
      repo,
      commit: 'd'.repeat(40),
    });
    expect(env.gh.requests.map((r) => r.token)).toEqual(['ghs_secret123']);
  });
});
