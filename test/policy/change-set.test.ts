/**
 * The change-set record (`predicate.change_set`) and the deploy's verdict, from raw evidence built
 * by hand: exact keys, caps with true counts, uncovered commits and why, and the summary a gate shows.
 */
import { describe, expect, it } from 'vitest';
import type { ApprovalStatus } from '../../src/github/approvers.ts';
import type { ChangeSetCommit, ChangeSetEvidence, PullRequestApproval } from '../../src/github/change-set.ts';
import { buildChangeSetRecord, decideChangeSet } from '../../src/policy/change-set.ts';

const BASE = 'b'.repeat(40);

/** A sha whose short form (first 7) is the number in hex, so summaries are easy to read here. */
function sha(n: number): string {
  return n.toString(16).padStart(7, '0').padEnd(40, '0');
}

function commit(n: number, pullRequest: number | null | undefined, author = 'alice'): ChangeSetCommit {
  return {
    sha: sha(n),
    author,
    message: `Change ${n}`,
    ...(pullRequest !== undefined ? { pull_request: pullRequest } : {}),
  };
}

function pull(number: number, status: Exclude<ApprovalStatus, 'no-pull-request'>): PullRequestApproval {
  const approver = {
    login: 'bob',
    id: 2,
    review_id: 100 + number,
    state: 'APPROVED' as const,
    submitted_at: '2024-05-01T08:00:00Z',
    commit_id: sha(1000 + number),
    stale: status !== 'approved',
  };
  return {
    status,
    pull_request: {
      number,
      url: `https://github.com/acme/web/pull/${number}`,
      title: `PR ${number}`,
      author: { login: 'alice', id: 1 },
      merged_at: '2024-05-01T12:00:00Z',
      head_sha: sha(1000 + number),
      base_ref: 'main',
    },
    approvers: [approver],
    changes_requested: [],
    not_counted: [],
    reviews_considered: 1,
  };
}

function evidence(overrides: Partial<ChangeSetEvidence> = {}): ChangeSetEvidence {
  const commits = overrides.commits ?? [];
  return {
    base: BASE,
    head: commits.at(-1)?.sha ?? BASE,
    relation: 'ahead',
    commits,
    total_commits: commits.length,
    cap: 250,
    pull_requests: [],
    removed: { count: 0, shas: [] },
    complete: true,
    truncated: [],
    ...overrides,
  };
}

/** Deeply frozen, so a builder that mutated its input would throw. */
function frozen<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) frozen(v);
    Object.freeze(value);
  }
  return value;
}

describe('buildChangeSetRecord', () => {
  it('lists 3 PRs and a direct push: two commits uncovered, unapproved, the summary names them', () => {
    const input = frozen(
      evidence({
        commits: [commit(1, 11), commit(2, 12), commit(3, 13, 'erin'), commit(4, null, 'Mallory')],
        pull_requests: [pull(11, 'approved'), pull(12, 'approved'), pull(13, 'unapproved')],
      }),
    );

    const record = buildChangeSetRecord(input);

    expect(Object.keys(record)).toEqual([
      'base',
      'relation',
      'commits',
      'pull_requests',
      'uncovered_commits',
      'removed_commits',
      'complete',
    ]);
    expect(record.commits).toEqual({
      count: 4,
      list: [
        { sha: sha(1), pull_request: 11 },
        { sha: sha(2), pull_request: 12 },
        { sha: sha(3), pull_request: 13 },
        { sha: sha(4), pull_request: null },
      ],
    });
    expect(record.pull_requests[2]).toEqual({
      number: 13,
      title: 'PR 13',
      author: { login: 'alice', id: 1 },
      merged_at: '2024-05-01T12:00:00Z',
      approval: {
        status: 'unapproved',
        approvers: [expect.objectContaining({ login: 'bob', stale: true })],
        changes_requested: [],
        not_counted: [],
        reviews_considered: 1,
      },
    });
    expect(record.pull_requests.map((p) => Object.keys(p))).toEqual(
      Array(3).fill(['number', 'title', 'author', 'merged_at', 'approval']),
    );
    expect(record.uncovered_commits).toEqual([
      { sha: sha(3), author: 'erin', message: 'Change 3', reason: 'unapproved-pull-request' },
      { sha: sha(4), author: 'Mallory', message: 'Change 4', reason: 'no-pull-request' },
    ]);
    expect(record.removed_commits).toEqual({ count: 0, list: [] });
    expect(record.complete).toBe(true);
    expect(JSON.parse(JSON.stringify(record))).toEqual(record);

    const decision = decideChangeSet(record);
    expect(decision.status).toBe('unapproved');
    expect(decision.summary).toBe(
      `unapproved: 2 of 4 commits since bbbbbbb are not covered by an approved pull request: ` +
        `0000003 "Change 3" by erin (pull request #13 is not approved); ` +
        `0000004 "Change 4" by Mallory (no pull request).`,
    );
  });

  it('approves a change set whose every commit came in through an approved PR', () => {
    const record = buildChangeSetRecord(
      evidence({
        commits: [commit(1, 11), commit(2, 11), commit(3, 12)],
        pull_requests: [pull(11, 'approved'), pull(12, 'approved')],
      }),
    );
    expect(record.uncovered_commits).toEqual([]);
    expect(decideChangeSet(record)).toEqual({
      status: 'approved',
      summary: 'approved: all 3 commits since bbbbbbb came in through approved pull requests (#11, #12).',
    });
  });

  it('says no-pull-request when no commit came in through a pull request', () => {
    const one = decideChangeSet(buildChangeSetRecord(evidence({ commits: [commit(1, null)] })));
    expect(one).toEqual({
      status: 'no-pull-request',
      summary:
        'no-pull-request: the commit since bbbbbbb did not come in through a merged pull request: 0000001 "Change 1" by alice (no pull request).',
    });
    const two = decideChangeSet(
      buildChangeSetRecord(evidence({ commits: [commit(1, null), commit(2, null)] })),
    );
    expect(two.status).toBe('no-pull-request');
    expect(two.summary).toMatch(/^no-pull-request: none of the 2 commits since bbbbbbb came in/);
  });

  it('records a first deploy with a null base', () => {
    const record = buildChangeSetRecord(
      evidence({
        base: null,
        relation: 'first-deploy',
        commits: [commit(7, 21)],
        pull_requests: [pull(21, 'approved')],
      }),
    );
    expect(record).toMatchObject({
      base: null,
      relation: 'first-deploy',
      commits: { count: 1, list: [{ sha: sha(7), pull_request: 21 }] },
      complete: true,
    });
    expect(decideChangeSet(record)).toEqual({
      status: 'approved',
      summary:
        'approved: first deploy to this environment: its commit came in through approved pull request #21.',
    });
  });

  it('records a rollback: nothing ships, the removed commits are listed up to the cap with their true count', () => {
    const record = buildChangeSetRecord(
      evidence({
        relation: 'behind',
        cap: 2,
        removed: { count: 5, shas: [sha(1), sha(2), sha(3)] },
      }),
    );
    expect(record.commits).toEqual({ count: 0, list: [] });
    expect(record.removed_commits).toEqual({ count: 5, list: [{ sha: sha(1) }, { sha: sha(2) }] });
    expect(record.complete).toBe(true);
    expect(record.truncated).toEqual(['removed_commits.list holds 2 of 5 commits']);
    expect(decideChangeSet(record)).toEqual({
      status: 'approved',
      summary: 'approved: rollback: ships no new commits. It removes 5 commits deployed before.',
    });
  });

  it('records a diverged base: what ships is judged, what only the base had is removed', () => {
    const record = buildChangeSetRecord(
      evidence({
        relation: 'diverged',
        commits: [commit(5, 31)],
        pull_requests: [pull(31, 'unapproved')],
        removed: { count: 2, shas: [sha(3), sha(4)] },
      }),
    );
    expect(record.relation).toBe('diverged');
    expect(record.removed_commits.count).toBe(2);
    const decision = decideChangeSet(record);
    expect(decision.status).toBe('unapproved');
    expect(decision.summary).toBe(
      'unapproved: 1 of 1 commit since bbbbbbb is not covered by an approved pull request: ' +
        '0000005 "Change 5" by alice (pull request #31 is not approved). It removes 2 commits deployed before.',
    );
  });

  it('says a redeploy ships nothing', () => {
    const decision = decideChangeSet(buildChangeSetRecord(evidence({ relation: 'same' })));
    expect(decision).toEqual({
      status: 'approved',
      summary: 'approved: ships no new commits since bbbbbbb.',
    });
  });

  it('caps the list of 300 commits at 250, keeps the count, and says coverage was checked for all', () => {
    const commits = Array.from({ length: 300 }, (_, i) => commit(i + 1, 1 + (i % 7)));
    const pulls = Array.from({ length: 7 }, (_, i) => pull(i + 1, 'approved'));
    const record = buildChangeSetRecord(evidence({ commits, pull_requests: pulls }));

    expect(record.commits.count).toBe(300);
    expect(record.commits.list).toHaveLength(250);
    expect(record.commits.list[249]!.sha).toBe(sha(250));
    expect(record.complete).toBe(true);
    expect(record.truncated).toEqual([
      'commits.list holds the first 250 of 300 commits; the pull request of every one of the 300 was checked',
    ]);
    expect(decideChangeSet(record).status).toBe('approved');

    // an uncovered commit beyond the listed 250 is still found and named
    const late = buildChangeSetRecord(
      evidence({ commits: [...commits.slice(0, 299), commit(300, null, 'mallory')], pull_requests: pulls }),
    );
    expect(late.uncovered_commits).toEqual([
      { sha: sha(300), author: 'mallory', message: 'Change 300', reason: 'no-pull-request' },
    ]);
    expect(decideChangeSet(late).summary).toContain('000012c "Change 300" by mallory (no pull request)');
  });

  it('never approves an incomplete change set, even when every commit read is covered', () => {
    const record = buildChangeSetRecord(
      evidence({
        commits: [commit(1, 11), commit(2, 11)],
        total_commits: 5,
        pull_requests: [pull(11, 'approved')],
        complete: false,
        truncated: ['the deploy ships 5 commits; pull requests were looked up for the first 2 only'],
      }),
    );
    expect(record.complete).toBe(false);
    expect(record.commits.count).toBe(5);
    expect(record.truncated).toEqual([
      'the deploy ships 5 commits; pull requests were looked up for the first 2 only',
    ]);
    expect(decideChangeSet(record)).toEqual({
      status: 'unapproved',
      summary:
        'unapproved: the pull request of every commit read is approved. Evidence incomplete, so the deploy ' +
        'cannot count as approved: the deploy ships 5 commits; pull requests were looked up for the first 2 only.',
    });
  });

  it('lists a commit whose PR could not be read as uncovered, reason unknown', () => {
    const record = buildChangeSetRecord(
      evidence({
        commits: [commit(1, 11), commit(2, undefined)],
        pull_requests: [pull(11, 'approved')],
        complete: false,
        truncated: ['POST /graphql (pull requests of commits 2-2 of 2) failed: 502 Server Error', 'second'],
      }),
    );
    expect(record.commits.list[1]).toEqual({ sha: sha(2), pull_request: null });
    expect(record.uncovered_commits).toEqual([
      { sha: sha(2), author: 'alice', message: 'Change 2', reason: 'unknown' },
    ]);
    const decision = decideChangeSet(record);
    expect(decision.status).toBe('unapproved');
    expect(decision.summary).toBe(
      'unapproved: 1 of 2 commits since bbbbbbb is not covered by an approved pull request: ' +
        '0000002 "Change 2" by alice (pull request unknown). Evidence incomplete, so the deploy cannot count ' +
        'as approved: POST /graphql (pull requests of commits 2-2 of 2) failed: 502 Server Error (and 1 more reason).',
    );
  });

  it('bounds the reasons and the commits a summary names', () => {
    const commits = Array.from({ length: 30 }, (_, i) => commit(i + 1, null));
    const record = buildChangeSetRecord(
      evidence({
        commits: [commit(0, 1), ...commits],
        pull_requests: [pull(1, 'approved')],
        complete: false,
        truncated: Array.from({ length: 45 }, (_, i) => `reason ${i}`),
      }),
    );
    expect(record.truncated).toHaveLength(21);
    expect(record.truncated!.at(-1)).toBe('and 25 more reasons not listed');
    expect(record.uncovered_commits).toHaveLength(30);
    const decision = decideChangeSet(record);
    expect(decision.status).toBe('unapproved');
    expect(decision.summary).toContain('; and 25 more.');
    expect(decision.summary.match(/\(no pull request\)/g)).toHaveLength(5);
  });
});
