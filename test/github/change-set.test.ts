/**
 * A deploy's change set read from the fake GitHub: REST compare for the range, GraphQL (validated
 * against GitHub's published schema) for the pull requests and reviews, with the request budget,
 * GitHub Enterprise's GraphQL URL, rollbacks, diverged bases, limits and failures.
 */
import { Octokit } from '@octokit/core';
import { validate } from '@octokit/graphql-schema';
import { describe, expect, it } from 'vitest';
import { isShiplogError } from '../../src/errors.ts';
import { collectApprovalEvidence } from '../../src/github/approvers.ts';
import {
  changeSetCommitsQuery,
  changeSetReviewsQuery,
  collectChangeSet,
} from '../../src/github/change-set.ts';
import { createGitHubClient } from '../../src/github/client.ts';
import { buildChangeSetRecord, decideChangeSet } from '../../src/policy/change-set.ts';
import type { FakeGitHub } from '../support/fake-github.ts';
import { useFakeGitHub } from './setup.ts';

const env = useFakeGitHub();
const COMPARE = '/repos/{owner}/{repo}/compare/{basehead}';
const GRAPHQL = '/graphql';

/** A root commit: the environment's last deploy in most scenarios. */
function root(gh: FakeGitHub, full: string): string {
  return gh.addCommit(full, { parents: [], message: 'Initial commit' }).sha;
}

/** `prs` squash-merged pull requests in a line, each approved by bob; returns the tip and PR numbers. */
function approvedPulls(gh: FakeGitHub, full: string, onto: string, prs: number, commitsEach = 1) {
  let tip = onto;
  const numbers: number[] = [];
  for (let i = 0; i < prs; i++) {
    const merged = gh.mergePullRequest(full, { onto: tip, user: 'alice', commits: commitsEach });
    gh.addReview(full, merged.pull.number, { user: 'bob', state: 'APPROVED' });
    tip = merged.tip;
    numbers.push(merged.pull.number);
  }
  return { tip, numbers };
}

function requests(gh: FakeGitHub) {
  return gh.requests.map((r) => `${r.method} ${r.route ?? r.path}`);
}

describe('collectChangeSet', () => {
  it('lists every commit since the base with the PR that brought it in, and which ones no approved PR covers', async () => {
    const { owner, repo, full } = env.repo();
    const gh = env.gh;
    const base = root(gh, full);
    const one = gh.mergePullRequest(full, { onto: base, user: 'alice', title: 'Add index', squash: true });
    gh.addReview(full, one.pull.number, { user: 'bob', state: 'APPROVED' });
    const two = gh.mergePullRequest(full, { onto: one.tip, user: 'dave', title: 'Cache', squash: true });
    gh.addReview(full, two.pull.number, { user: 'carol', state: 'APPROVED' });
    gh.addReview(full, two.pull.number, { user: 'renovate[bot]', state: 'CHANGES_REQUESTED' });
    // approved only by its own author: does not count
    const three = gh.mergePullRequest(full, { onto: two.tip, user: 'erin', title: 'Tweak', squash: true });
    gh.addReview(full, three.pull.number, { user: 'erin', state: 'APPROVED' });
    const push = gh.addCommit(full, {
      parents: [three.tip],
      message: 'Hotfix straight to main\n\nno time for review',
      author: { name: 'Mallory', email: 'mallory@example.com' },
    });

    const evidence = await collectChangeSet(env.client(), { owner, repo, base, head: push.sha });

    expect(evidence).toMatchObject({
      base,
      head: push.sha,
      relation: 'ahead',
      total_commits: 4,
      complete: true,
      truncated: [],
      removed: { count: 0, shas: [] },
    });
    expect(evidence.commits).toEqual([
      {
        sha: one.tip,
        author: 'alice',
        message: `Add index (#${one.pull.number})`,
        pull_request: one.pull.number,
      },
      { sha: two.tip, author: 'dave', message: `Cache (#${two.pull.number})`, pull_request: two.pull.number },
      {
        sha: three.tip,
        author: 'erin',
        message: `Tweak (#${three.pull.number})`,
        pull_request: three.pull.number,
      },
      { sha: push.sha, author: 'Mallory', message: 'Hotfix straight to main', pull_request: null },
    ]);
    expect(evidence.pull_requests.map((p) => [p.pull_request.number, p.status])).toEqual([
      [one.pull.number, 'approved'],
      [two.pull.number, 'approved'],
      [three.pull.number, 'unapproved'],
    ]);
    // the bot's change request is shown but does not block, with GraphQL's "renovate" named as REST does
    expect(evidence.pull_requests[1]!.not_counted).toEqual([
      expect.objectContaining({ login: 'renovate[bot]', state: 'CHANGES_REQUESTED', reason: 'bot' }),
    ]);
    expect(evidence.pull_requests[2]!.not_counted).toEqual([
      expect.objectContaining({ login: 'erin', reason: 'author' }),
    ]);
    expect(requests(gh)).toEqual([`GET ${COMPARE}`, `POST ${GRAPHQL}`]);

    const record = buildChangeSetRecord(evidence);
    expect(record.uncovered_commits).toEqual([
      {
        sha: three.tip,
        author: 'erin',
        message: `Tweak (#${three.pull.number})`,
        reason: 'unapproved-pull-request',
      },
      { sha: push.sha, author: 'Mallory', message: 'Hotfix straight to main', reason: 'no-pull-request' },
    ]);
    const decision = decideChangeSet(record);
    expect(decision.status).toBe('unapproved');
    expect(decision.summary).toContain(three.tip.slice(0, 7));
    expect(decision.summary).toContain(push.sha.slice(0, 7));
  });

  it('gives each PR exactly the approval evidence collectApprovalEvidence gives for its merge commit', async () => {
    const { owner, repo, full } = env.repo();
    const gh = env.gh;
    const base = root(gh, full);
    gh.addUser('renovate[bot]', { id: 777 });
    const merged = gh.mergePullRequest(full, { onto: base, user: 'alice', mergedBy: 'mona', commits: 3 });
    const n = merged.pull.number;
    const oldHead = merged.pull.headSha;
    gh.addReview(full, n, { user: 'bob', state: 'CHANGES_REQUESTED' });
    gh.addReview(full, n, { user: 'bob', state: 'APPROVED' });
    gh.addReview(full, n, { user: 'carol', state: 'APPROVED', commitId: 'e'.repeat(40) });
    gh.addReview(full, n, { user: 'dave', state: 'APPROVED' });
    gh.addReview(full, n, { user: 'dave', state: 'DISMISSED' });
    gh.addReview(full, n, { user: 'erin', state: 'COMMENTED' });
    gh.addReview(full, n, { user: 'renovate[bot]', state: 'APPROVED' });
    gh.addReview(full, n, { user: 'alice', state: 'APPROVED', commitId: null });
    gh.addReview(full, n, { user: 'pending-pat', state: 'PENDING' });

    const evidence = await collectChangeSet(env.client(), { owner, repo, base, head: merged.tip });
    const rest = await collectApprovalEvidence(env.client(), { owner, repo, commit: merged.tip });

    // three branch commits and the merge commit, all brought in by the one PR
    expect(evidence.commits.map((c) => c.pull_request)).toEqual([n, n, n, n]);
    expect(evidence.pull_requests).toEqual([rest]);
    expect(rest.pull_request).toMatchObject({ head_sha: oldHead, merged_by: { login: 'mona' } });
  });

  it('records a first deploy as the head commit alone, with no base', async () => {
    const { owner, repo, full } = env.repo();
    const gh = env.gh;
    const base = root(gh, full);
    const { tip, numbers } = approvedPulls(gh, full, base, 2);

    const evidence = await collectChangeSet(env.client(), {
      owner,
      repo,
      base: null,
      head: tip.slice(0, 12),
    });

    expect(evidence).toMatchObject({
      base: null,
      head: tip,
      relation: 'first-deploy',
      total_commits: 1,
      complete: true,
      commits: [{ sha: tip, pull_request: numbers[1] }],
    });
    expect(evidence.pull_requests.map((p) => p.pull_request.number)).toEqual([numbers[1]]);
    expect(requests(gh)).toEqual(['GET /repos/{owner}/{repo}/commits/{ref}', `POST ${GRAPHQL}`]);
    const record = buildChangeSetRecord(evidence);
    expect(record).toMatchObject({ base: null, relation: 'first-deploy', commits: { count: 1 } });
    expect(decideChangeSet(record).status).toBe('approved');
  });

  it('says a redeploy of the deployed commit ships nothing, without asking GitHub', async () => {
    const { owner, repo, full } = env.repo();
    const base = root(env.gh, full);
    const evidence = await collectChangeSet(env.client(), { owner, repo, base, head: base.toUpperCase() });
    expect(evidence).toMatchObject({ relation: 'same', commits: [], total_commits: 0, complete: true });
    expect(env.gh.requests).toEqual([]);
  });

  it('records a rollback with the commits it removes and nothing shipped', async () => {
    const { owner, repo, full } = env.repo();
    const gh = env.gh;
    const start = root(gh, full);
    const { tip: good } = approvedPulls(gh, full, start, 1);
    const { tip: bad } = approvedPulls(gh, full, good, 2, 2);
    const later = gh.addCommit(full, { parents: [bad], message: 'Direct push' }).sha;

    // production runs `later`; rolling back to `good` takes away two PRs (3 commits each) and the push
    const evidence = await collectChangeSet(env.client(), { owner, repo, base: later, head: good });

    expect(evidence).toMatchObject({ relation: 'behind', commits: [], total_commits: 0, complete: true });
    expect(evidence.removed.count).toBe(7);
    expect(evidence.removed.shas).toHaveLength(7);
    expect(evidence.removed.shas.at(-1)).toBe(later);
    expect(evidence.pull_requests).toEqual([]);
    expect(requests(gh)).toEqual([`GET ${COMPARE}`, `GET ${COMPARE}`]);
    expect(gh.requests[1]!.path).toBe(`/repos/${full}/compare/${good}...${later}`);

    const record = buildChangeSetRecord(evidence);
    expect(record.removed_commits).toEqual({ count: 7, list: evidence.removed.shas.map((sha) => ({ sha })) });
    const decision = decideChangeSet(record);
    expect(decision.status).toBe('approved');
    expect(decision.summary).toMatch(/rollback/i);
  });

  it('for a diverged base ships what only the head has and lists what only the base had', async () => {
    const { owner, repo, full } = env.repo();
    const gh = env.gh;
    const start = root(gh, full);
    // the deployed base came from a branch that was then abandoned (a force-push of main, say)
    const abandoned = gh.addCommits(full, { parent: start, count: 2, message: 'Experiment' });
    const { tip, numbers } = approvedPulls(gh, full, start, 2);

    const evidence = await collectChangeSet(env.client(), { owner, repo, base: abandoned[1]!, head: tip });

    expect(evidence.relation).toBe('diverged');
    expect(evidence.total_commits).toBe(4);
    expect(evidence.commits.map((c) => c.pull_request)).toEqual([
      numbers[0],
      numbers[0],
      numbers[1],
      numbers[1],
    ]);
    expect(evidence.removed).toEqual({ count: 2, shas: abandoned });
    expect(evidence.complete).toBe(true);
    expect(decideChangeSet(buildChangeSetRecord(evidence)).status).toBe('approved');
  });

  it('checks the PR of all 300 commits of a long range while the record lists 250', async () => {
    const { owner, repo, full } = env.repo();
    const gh = env.gh;
    const base = root(gh, full);
    const { tip } = approvedPulls(gh, full, base, 150); // 150 PRs × (branch commit + merge commit)

    const evidence = await collectChangeSet(env.client(), { owner, repo, base, head: tip });

    expect(evidence.total_commits).toBe(300);
    expect(evidence.commits).toHaveLength(300);
    expect(evidence.commits.every((c) => typeof c.pull_request === 'number')).toBe(true);
    expect(evidence.pull_requests).toHaveLength(150);
    expect(evidence.complete).toBe(true);
    // three compare pages of 100, three GraphQL queries of 100 commits
    expect(gh.count('GET', COMPARE)).toBe(3);
    expect(gh.count('POST', GRAPHQL)).toBe(3);
    expect(gh.requests.filter((r) => r.route === COMPARE).map((r) => r.query)).toEqual(
      [1, 2, 3].map((page) => ({ per_page: '100', page: String(page) })),
    );

    const record = buildChangeSetRecord(evidence);
    expect(record.commits.count).toBe(300);
    expect(record.commits.list).toHaveLength(250);
    expect(record.complete).toBe(true);
    expect(record.truncated).toEqual([
      'commits.list holds the first 250 of 300 commits; the pull request of every one of the 300 was checked',
    ]);
    expect(decideChangeSet(record).status).toBe('approved');
  });

  it('stops looking up pull requests at maxCommits and says the change set is incomplete', async () => {
    const { owner, repo, full } = env.repo();
    const gh = env.gh;
    const base = root(gh, full);
    const { tip } = approvedPulls(gh, full, base, 100);

    const evidence = await collectChangeSet(env.client(), { owner, repo, base, head: tip, maxCommits: 150 });

    expect(evidence.commits).toHaveLength(150);
    expect(evidence.total_commits).toBe(200);
    expect(evidence.complete).toBe(false);
    expect(evidence.truncated).toEqual([
      'the deploy ships 200 commits; pull requests were looked up for the first 150 only',
    ]);
    expect(decideChangeSet(buildChangeSetRecord(evidence)).status).toBe('unapproved');
  });

  it('stays within 10 requests for 100 commits from 20 PRs with 5 reviews each (it takes 2)', async () => {
    const { owner, repo, full } = env.repo();
    const gh = env.gh;
    const base = root(gh, full);
    let tip = base;
    for (let i = 0; i < 20; i++) {
      const merged = gh.mergePullRequest(full, { onto: tip, user: 'alice', commits: 4 });
      for (const user of ['bob', 'carol', 'dave', 'erin'])
        gh.addReview(full, merged.pull.number, { user, state: 'COMMENTED' });
      gh.addReview(full, merged.pull.number, { user: 'bob', state: 'APPROVED' });
      tip = merged.tip;
    }

    const evidence = await collectChangeSet(env.client(), { owner, repo, base, head: tip });

    expect(evidence.commits).toHaveLength(100);
    expect(evidence.pull_requests).toHaveLength(20);
    expect(evidence.pull_requests.every((p) => p.status === 'approved' && p.reviews_considered === 5)).toBe(
      true,
    );
    expect(gh.requests.length).toBeLessThanOrEqual(10);
    expect(gh.requests.length).toBe(2);
  });

  it('pages reviews beyond 100 only for the pull requests that have more', async () => {
    const { owner, repo, full } = env.repo();
    const gh = env.gh;
    const base = root(gh, full);
    const { tip, numbers } = approvedPulls(gh, full, base, 3);
    // #2: 150 comments, then a change request that must not be missed; #3: 250 reviews
    for (let i = 0; i < 150; i++) gh.addReview(full, numbers[1]!, { user: `talker${i}`, state: 'COMMENTED' });
    gh.addReview(full, numbers[1]!, { user: 'carol', state: 'CHANGES_REQUESTED' });
    for (let i = 0; i < 249; i++) gh.addReview(full, numbers[2]!, { user: `fan${i}`, state: 'COMMENTED' });

    const evidence = await collectChangeSet(env.client(), { owner, repo, base, head: tip });

    expect(evidence.pull_requests.map((p) => [p.status, p.reviews_considered])).toEqual([
      ['approved', 1],
      ['unapproved', 152],
      ['approved', 250],
    ]);
    expect(evidence.pull_requests[1]!.changes_requested.map((c) => c.login)).toEqual(['carol']);
    // the commits query, then page 2 of #2 and #3 together, then page 3 of #3
    expect(gh.count('POST', GRAPHQL)).toBe(3);
    const pageTwo = gh.requests.filter((r) => r.route === GRAPHQL)[1]!.body as {
      variables: Record<string, unknown>;
    };
    expect(pageTwo.variables).toMatchObject({ p0: numbers[1], p1: numbers[2] });
    expect(evidence.complete).toBe(true);
  });

  it('says which commit is in more pull requests than were read, and leaves its PR unknown', async () => {
    const { owner, repo, full } = env.repo();
    const gh = env.gh;
    const base = root(gh, full);
    const crowded = gh.addCommit(full, { parents: [base], message: 'Shared commit' }).sha;
    const pulls = Array.from(
      { length: 12 },
      () => gh.addPullRequest(full, { user: 'alice', merged: true }).number,
    );
    gh.linkCommit(full, crowded, pulls);
    const { tip } = approvedPulls(gh, full, crowded, 1);

    const evidence = await collectChangeSet(env.client(), { owner, repo, base, head: tip });

    expect(evidence.commits[0]).toMatchObject({ sha: crowded });
    expect(evidence.commits[0]!.pull_request).toBeUndefined();
    expect(evidence.complete).toBe(false);
    expect(evidence.truncated).toEqual([
      `commit ${crowded.slice(0, 7)} is in 12 pull requests and only 10 were read, so which one brought it in is unknown`,
    ]);
    const record = buildChangeSetRecord(evidence);
    expect(record.uncovered_commits).toEqual([expect.objectContaining({ sha: crowded, reason: 'unknown' })]);
    expect(decideChangeSet(record).status).toBe('unapproved');
  });

  it('does not count a pull request of another repository that GitHub associates with the commit', async () => {
    const { owner, repo, full } = env.repo();
    const gh = env.gh;
    const base = root(gh, full);
    const commit = gh.addCommit(full, { parents: [base], message: 'From upstream' }).sha;
    const actor = { __typename: 'User', login: 'alice', databaseId: 5 };
    // GitHub's answer when the only associated PR is one in another repository of the network
    gh.fail({
      route: GRAPHQL,
      status: 200,
      body: {
        data: {
          repository: {
            nameWithOwner: `${owner}/${repo}`,
            c0: {
              oid: commit,
              associatedPullRequests: {
                totalCount: 1,
                nodes: [
                  {
                    number: 9,
                    title: 'Upstream change',
                    url: 'https://github.com/upstream/web/pull/9',
                    mergedAt: '2024-05-01T12:00:00Z',
                    mergeCommit: { oid: commit },
                    headRefOid: 'a'.repeat(40),
                    baseRefName: 'main',
                    baseRepository: { nameWithOwner: 'upstream/web' },
                    author: actor,
                    mergedBy: actor,
                    reviews: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] },
                  },
                ],
              },
            },
          },
        },
      },
    });

    const evidence = await collectChangeSet(env.client(), { owner, repo, base, head: commit });
    expect(evidence.commits[0]!.pull_request).toBeNull();
    expect(evidence.pull_requests).toEqual([]);
  });

  it('fails with GITHUB_API naming the call when GraphQL keeps answering 502', async () => {
    const { owner, repo, full } = env.repo();
    const gh = env.gh;
    const base = root(gh, full);
    const { tip } = approvedPulls(gh, full, base, 60); // 120 commits: two GraphQL queries
    gh.fail({ route: GRAPHQL, status: 502, times: Infinity });

    const error = await collectChangeSet(env.client({ retries: 1 }), { owner, repo, base, head: tip }).catch(
      (e: unknown) => e,
    );

    expect(isShiplogError(error, 'GITHUB_API')).toBe(true);
    expect((error as Error).message).toBe(
      'POST /graphql (pull requests of commits 1-100 of 120) failed: 502 Server Error',
    );
    expect(gh.count('POST', GRAPHQL)).toBe(2); // the first try and one bounded retry
  });

  it('with allowIncomplete, a 502 mid-way leaves the unread commits uncovered and says why', async () => {
    const { owner, repo, full } = env.repo();
    const gh = env.gh;
    const base = root(gh, full);
    const { tip } = approvedPulls(gh, full, base, 60);
    // the first query passes; the second keeps failing
    gh.fail({ route: GRAPHQL, delayMs: 1, times: 1 });
    gh.fail({ route: GRAPHQL, status: 502, times: Infinity });

    const evidence = await collectChangeSet(env.client({ retries: 1 }), {
      owner,
      repo,
      base,
      head: tip,
      allowIncomplete: true,
    });

    expect(evidence.complete).toBe(false);
    expect(evidence.truncated).toEqual([
      'POST /graphql (pull requests of commits 101-120 of 120) failed: 502 Server Error',
    ]);
    expect(evidence.commits.slice(0, 100).every((c) => typeof c.pull_request === 'number')).toBe(true);
    expect(evidence.commits.slice(100).every((c) => c.pull_request === undefined)).toBe(true);
    expect(evidence.pull_requests).toHaveLength(50);

    const record = buildChangeSetRecord(evidence);
    expect(record.uncovered_commits).toHaveLength(20);
    expect(record.uncovered_commits.every((c) => c.reason === 'unknown')).toBe(true);
    const decision = decideChangeSet(record);
    expect(decision.status).toBe('unapproved');
    expect(decision.summary).toMatch(/incomplete.*502 Server Error/);
  });

  it('throws on a compare page that keeps failing, or records it with allowIncomplete', async () => {
    const { owner, repo, full } = env.repo();
    const gh = env.gh;
    const base = root(gh, full);
    const { tip } = approvedPulls(gh, full, base, 75); // 150 commits: two compare pages
    const pageTwo = new RegExp(`^/repos/${full}/compare/`);
    const failPageTwo = () => {
      gh.fail({ route: pageTwo, delayMs: 1, times: 1 });
      gh.fail({ route: pageTwo, status: 502, times: 2 });
    };

    failPageTwo();
    const error = await collectChangeSet(env.client({ retries: 1 }), { owner, repo, base, head: tip }).catch(
      (e: unknown) => e,
    );
    expect(isShiplogError(error, 'GITHUB_API')).toBe(true);
    expect((error as Error).message).toBe(
      `GET /repos/${full}/compare/${base}...${tip} (page 2) failed: 502 Server Error`,
    );

    gh.clearFaults();
    failPageTwo();
    const evidence = await collectChangeSet(env.client({ retries: 1 }), {
      owner,
      repo,
      base,
      head: tip,
      allowIncomplete: true,
    });
    expect(evidence.commits).toHaveLength(100);
    expect(evidence.total_commits).toBe(150);
    expect(evidence.truncated).toEqual([
      `GET /repos/${full}/compare/${base}...${tip} (page 2) failed: 502 Server Error`,
      "GitHub listed 100 of the 150 commits the deploy ships; the others' pull requests are unknown",
    ]);
  });

  it('treats GraphQL errors in a 200 answer as a failure naming them', async () => {
    const { owner, repo, full } = env.repo();
    const gh = env.gh;
    const base = root(gh, full);
    const { tip } = approvedPulls(gh, full, base, 1);
    gh.fail({
      route: GRAPHQL,
      status: 200,
      times: Infinity,
      body: {
        data: null,
        errors: [{ type: 'FORBIDDEN', message: 'Resource not accessible by integration' }],
      },
    });

    const error = await collectChangeSet(env.client(), { owner, repo, base, head: tip }).catch(
      (e: unknown) => e,
    );

    expect(isShiplogError(error, 'GITHUB_API')).toBe(true);
    expect((error as Error).message).toBe(
      'POST /graphql (pull requests of commits 1-2 of 2) failed: FORBIDDEN: Resource not accessible by integration',
    );
  });

  it('fails closed on a base it cannot compare (unknown commit, unrelated history)', async () => {
    const { owner, repo, full } = env.repo();
    const gh = env.gh;
    const base = root(gh, full);
    const unrelated = gh.addCommit(full, { parents: [], message: 'Orphan' }).sha;
    const tip = gh.addCommit(full, { parents: [base], message: 'Next' }).sha;

    for (const [from, message] of [
      ['0'.repeat(40), /compare\/0{40}\.\.\..* failed: 404 Not Found/],
      [unrelated, /failed: 404 No common ancestor/],
    ] as const) {
      const error = await collectChangeSet(env.client(), {
        owner,
        repo,
        base: from,
        head: tip,
        allowIncomplete: true,
      }).catch((e: unknown) => e);
      expect(isShiplogError(error, 'GITHUB_API')).toBe(true);
      expect((error as Error).message).toMatch(message);
    }
  });

  it('refuses inputs that are not a repository and commits', async () => {
    const api = env.client();
    const bad = [
      { owner: 'acme', repo: 'a/b', base: null, head: 'a'.repeat(40) },
      { owner: 'acme', repo: 'web', base: null, head: 'x y' },
      { owner: 'acme', repo: 'web', base: 'a'.repeat(40), head: 'b'.repeat(40), cap: -1 },
    ];
    for (const request of bad) {
      await expect(collectChangeSet(api, request)).rejects.toMatchObject({ code: 'BAD_INPUT' });
    }
    expect(env.gh.requests).toEqual([]);
  });
});

describe('GraphQL against GitHub Enterprise Server', () => {
  it('posts to /api/graphql when the REST base is …/api/v3, as @octokit/graphql does', async () => {
    const { owner, repo, full } = env.repo();
    const gh = env.gh;
    const base = root(gh, full);
    const { tip } = approvedPulls(gh, full, base, 1);

    // env.client() uses the GHES form of the base (gh.url ends in /api/v3)
    expect(gh.url).toMatch(/\/api\/v3$/);
    const evidence = await collectChangeSet(env.client(), { owner, repo, base, head: tip });
    expect(evidence.complete).toBe(true);
    expect(gh.requests.filter((r) => r.route === GRAPHQL).map((r) => r.path)).toEqual(['/api/graphql']);

    // the fake, like GHES, has no GraphQL under /api/v3, so the plain route would have failed
    const plain = await new Octokit({ auth: 't', baseUrl: gh.url })
      .request('POST /graphql', { query: '{ viewer { login } }' })
      .catch((e: { status: number }) => e);
    expect(plain).toMatchObject({ status: 404 });
  });

  it('posts to {base}/graphql for a github.com-style base, and honours an explicit URL', async () => {
    const { owner, repo, full } = env.repo();
    const gh = env.gh;
    const base = root(gh, full);
    const { tip } = approvedPulls(gh, full, base, 1);
    const dotCom = createGitHubClient({ token: 't', baseUrl: gh.rootUrl, spaceWrites: false });

    await collectChangeSet(dotCom, { owner, repo, base, head: tip });
    await collectChangeSet(dotCom, { owner, repo, base, head: tip, graphqlUrl: `${gh.rootUrl}/api/graphql` });

    expect(gh.requests.filter((r) => r.route === GRAPHQL).map((r) => r.path)).toEqual([
      '/graphql',
      '/api/graphql',
    ]);
  });
});

describe("the queries and the fake's GraphQL endpoint against GitHub's schema", () => {
  it('sends query documents that validate cleanly against @octokit/graphql-schema', () => {
    for (const count of [1, 2, 100]) {
      expect(validate(changeSetCommitsQuery(count))).toEqual([]);
      expect(validate(changeSetReviewsQuery(count))).toEqual([]);
    }
  });

  it('answers an invalid query as GitHub does: HTTP 200 and the validation errors', async () => {
    const { owner, repo } = env.repo();
    const api = new Octokit({ auth: 't', baseUrl: env.gh.rootUrl });
    const response = await api.request('POST /graphql', {
      query:
        'query($o: String!) { repository(owner: $o, name: "x") { object(oid: "1") { ... on Commit { noSuchField } } } }',
      variables: { o: owner },
    });
    expect(response.status).toBe(200);
    const body = response.data as { data?: unknown; errors: { message: string }[] };
    expect(body.data).toBeUndefined();
    expect(body.errors.map((e) => e.message)).toEqual(['Cannot query field "noSuchField" on type "Commit".']);

    const missing = await api.request('POST /graphql', {
      query: `{ repository(owner: "${owner}", name: "nope") { nameWithOwner } }`,
    });
    expect(missing.data).toMatchObject({
      data: { repository: null },
      errors: [
        {
          type: 'NOT_FOUND',
          path: ['repository'],
          message: `Could not resolve to a Repository with the name '${owner}/nope'.`,
        },
      ],
    });

    // connection limits, as GitHub enforces them
    const pr = env.gh.addPullRequest(`${owner}/${repo}`, { user: 'alice' });
    const tooMany = await api.request('POST /graphql', {
      query: `{ repository(owner: "${owner}", name: "${repo}") { pullRequest(number: ${pr.number}) { reviews(first: 101) { totalCount } } } }`,
    });
    expect(tooMany.data).toMatchObject({
      errors: [
        {
          message:
            'Requesting 101 records on the `reviews` connection exceeds the `first` limit of 100 records.',
        },
      ],
    });
    expect(env.gh.count('POST', GRAPHQL)).toBe(3);
  });

  it('needs a token, and fails a query with a field the fake does not implement loudly', async () => {
    const { owner, repo, full } = env.repo();
    const sha = root(env.gh, full);
    const anonymous = new Octokit({ baseUrl: env.gh.rootUrl });
    await expect(anonymous.request('POST /graphql', { query: '{ viewer { login } }' })).rejects.toMatchObject(
      {
        status: 401,
      },
    );
    const api = new Octokit({ auth: 't', baseUrl: env.gh.rootUrl });
    const response = await api.request('POST /graphql', {
      query: `query($sha: GitObjectID!) { repository(owner: "${owner}", name: "${repo}") { object(oid: $sha) { ... on Commit { oid committedDate tarballUrl } } } }`,
      variables: { sha },
    });
    expect(response.data).toMatchObject({
      errors: [{ message: 'fake-github: Commit.tarballUrl is not implemented by the fake' }],
    });
  });
});

describe('the REST routes the change set uses', () => {
  it("answer compare and GET a commit in GitHub's shapes, paging like GitHub", async () => {
    const { owner, repo, full } = env.repo();
    const gh = env.gh;
    const base = root(gh, full);
    const shas = gh.addCommits(full, { parent: base, count: 260, author: 'alice' });
    const api = new Octokit({ auth: 't', baseUrl: gh.url });

    const unpaged = await api.request('GET /repos/{owner}/{repo}/compare/{basehead}', {
      owner,
      repo,
      basehead: `${base}...${shas.at(-1)}`,
    });
    // without paging parameters GitHub lists 250 commits, the last being the newest
    expect(unpaged.data).toMatchObject({ status: 'ahead', ahead_by: 260, behind_by: 0, total_commits: 260 });
    expect(unpaged.data.commits).toHaveLength(250);
    expect(unpaged.data.commits.at(-1)!.sha).toBe(shas.at(-1));
    expect(unpaged.data.merge_base_commit.sha).toBe(base);

    const page = await api.request('GET /repos/{owner}/{repo}/compare/{basehead}', {
      owner,
      repo,
      basehead: `${base}...${shas.at(-1)}`,
      per_page: 100,
      page: 3,
    });
    expect(page.data.commits.map((c) => c.sha)).toEqual(shas.slice(200));
    expect(page.headers.link).toMatch(/rel="prev"/);

    const one = await api.request('GET /repos/{owner}/{repo}/commits/{ref}', { owner, repo, ref: shas[0]! });
    expect(one.data).toMatchObject({ sha: shas[0], author: { login: 'alice' }, parents: [{ sha: base }] });
    await expect(
      api.request('GET /repos/{owner}/{repo}/commits/{ref}', { owner, repo, ref: 'f'.repeat(40) }),
    ).rejects.toMatchObject({ status: 422 });
    expect(gh.violations).toEqual([]);
  });
});
