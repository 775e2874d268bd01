import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from '../../src/policy/evaluate.ts';
import type { Directory, Policy } from '../../src/policy/model.ts';
import { parsePolicy } from '../../src/policy/schema.ts';
import { snapshotDirectory, snapshotFromObject } from '../../src/policy/snapshot.ts';
import {
  countingDirectory,
  ghFile,
  ghReview,
  ghSnapshot,
  OLD_HEAD,
  type SnapshotParts,
} from './github-shapes.ts';

/** The example policy from the approval-gate issue. */
const ISSUE_POLICY = parsePolicy(
  `rules:
  - name: Schema migrations
    paths: ["db/migrations/**", "**/*.sql"]
    approvals: 2
  - name: DBA sign-off
    paths: ["db/migrations/**"]
    approvals: 1
    teams: [dba]
  - name: Production config
    paths: ["config/production/**", "!config/production/README.md"]
    approvals: 1
    users: [alice, bob]
settings:
  stale_approvals: false
  allow_author: false
  block_on_changes_requested: true
  check_name: shiplog/approvals
`,
  '.github/shiplog.yml',
);

function simplePolicy(settings = ''): Policy {
  return parsePolicy(
    `rules:\n  - name: Protected\n    paths: ["protected/**"]\n    approvals: 1\n${settings ? `settings:\n${settings}\n` : ''}`,
    'simple.yml',
  );
}

const PERMISSIONS = {
  dora: 'write', // the author
  alice: 'write',
  bob: 'maintain',
  carol: 'admin',
  dave: 'write',
  erin: 'read',
  'renovate[bot]': 'write',
} as const;
const TEAMS = { dba: ['carol'] };

async function evaluate(parts: SnapshotParts, policy: Policy = simplePolicy(), directory?: Directory) {
  const snap = snapshotFromObject(
    ghSnapshot({ permissions: { ...PERMISSIONS }, teams: TEAMS, ...parts }),
    'snapshot.json',
  );
  const dir = countingDirectory(directory ?? snapshotDirectory(snap));
  const verdict = await evaluatePolicy(policy, snap.input, dir);
  const rule = (name: string) => {
    const r = verdict.rules.find((x) => x.name === name);
    if (!r) throw new Error(`rule ${name} did not match`);
    return r;
  };
  return { verdict, calls: dir.calls, rule };
}

const protectedFile = [ghFile('protected/app.yml')];

describe('evaluatePolicy: the cases the approval gate must get right', () => {
  it('a rename out of a protected path still matches the rule', async () => {
    const { verdict, rule } = await evaluate(
      { files: [ghFile('config/archive/payments.yml', 'renamed', 'config/production/payments.yml')] },
      ISSUE_POLICY,
    );
    expect(rule('Production config').matchedFiles).toEqual([
      {
        filename: 'config/archive/payments.yml',
        previous_filename: 'config/production/payments.yml',
        status: 'renamed',
      },
    ]);
    expect(verdict.satisfied).toBe(false);
    expect(rule('Production config').missing).toBe(1);
  });

  it("ignores the author's own approval", async () => {
    const { verdict, rule } = await evaluate({
      files: protectedFile,
      reviews: [ghReview('dora', 'APPROVED')],
    });
    expect(verdict.satisfied).toBe(false);
    expect(rule('Protected').ignored).toMatchObject([{ login: 'dora', reason: 'author', state: 'APPROVED' }]);
  });

  it("counts the author's approval when allow_author is set", async () => {
    const { verdict } = await evaluate(
      { files: protectedFile, reviews: [ghReview('dora', 'APPROVED')] },
      simplePolicy('  allow_author: true'),
    );
    expect(verdict.satisfied).toBe(true);
  });

  it('treats an approval given before a new push as stale', async () => {
    const { verdict, rule } = await evaluate({
      files: protectedFile,
      reviews: [ghReview('alice', 'APPROVED', { commitId: OLD_HEAD })],
    });
    expect(verdict.satisfied).toBe(false);
    expect(rule('Protected').ignored).toMatchObject([{ login: 'alice', reason: 'stale' }]);
  });

  it('counts stale approvals when stale_approvals is allowed', async () => {
    const { verdict, rule } = await evaluate(
      { files: protectedFile, reviews: [ghReview('alice', 'APPROVED', { commitId: OLD_HEAD })] },
      simplePolicy('  stale_approvals: true'),
    );
    expect(verdict.satisfied).toBe(true);
    expect(rule('Protected').validApprovers).toEqual(['alice']);
  });

  it('an approval whose commit was garbage collected (commit_id null) is stale', async () => {
    const { verdict, rule } = await evaluate({
      files: protectedFile,
      reviews: [ghReview('alice', 'APPROVED', { commitId: null })],
    });
    expect(verdict.satisfied).toBe(false);
    expect(rule('Protected').ignored[0]?.reason).toBe('stale');
  });

  it('APPROVED then COMMENTED by the same reviewer is still an approval', async () => {
    const { verdict, rule } = await evaluate({
      files: protectedFile,
      reviews: [ghReview('alice', 'APPROVED'), ghReview('alice', 'COMMENTED'), ghReview('alice', 'PENDING')],
    });
    expect(verdict.satisfied).toBe(true);
    expect(rule('Protected').validApprovers).toEqual(['alice']);
  });

  it('APPROVED then CHANGES_REQUESTED by the same reviewer blocks', async () => {
    const { verdict, rule } = await evaluate({
      files: protectedFile,
      reviews: [ghReview('alice', 'APPROVED'), ghReview('alice', 'CHANGES_REQUESTED')],
    });
    expect(verdict.satisfied).toBe(false);
    expect(rule('Protected')).toMatchObject({ validApprovers: [], blockedBy: ['alice'], satisfied: false });
  });

  it("another eligible reviewer's CHANGES_REQUESTED blocks despite enough approvals", async () => {
    const { verdict, rule } = await evaluate({
      files: protectedFile,
      reviews: [ghReview('alice', 'APPROVED'), ghReview('bob', 'CHANGES_REQUESTED')],
    });
    expect(verdict.satisfied).toBe(false);
    expect(rule('Protected')).toMatchObject({ validApprovers: ['alice'], blockedBy: ['bob'], missing: 0 });
    expect(verdict.title).toBe('0 of 1 rule satisfied');
  });

  it('CHANGES_REQUESTED from a reviewer without write access or a bot does not block', async () => {
    const { verdict, rule } = await evaluate({
      files: protectedFile,
      reviews: [
        ghReview('alice', 'APPROVED'),
        ghReview('erin', 'CHANGES_REQUESTED'),
        ghReview('renovate[bot]', 'CHANGES_REQUESTED', { type: 'Bot' }),
      ],
    });
    expect(verdict.satisfied).toBe(true);
    expect(rule('Protected').ignored).toMatchObject([
      { login: 'renovate[bot]', reason: 'bot', state: 'CHANGES_REQUESTED' },
      { login: 'erin', reason: 'no write access', state: 'CHANGES_REQUESTED' },
    ]);
  });

  it('CHANGES_REQUESTED does not block when block_on_changes_requested is off', async () => {
    const { verdict } = await evaluate(
      {
        files: protectedFile,
        reviews: [ghReview('alice', 'APPROVED'), ghReview('bob', 'CHANGES_REQUESTED')],
      },
      simplePolicy('  block_on_changes_requested: false'),
    );
    expect(verdict.satisfied).toBe(true);
  });

  it('a dismissed approval does not count', async () => {
    const { verdict, rule } = await evaluate({
      files: protectedFile,
      reviews: [ghReview('alice', 'APPROVED'), ghReview('alice', 'DISMISSED')],
    });
    expect(verdict.satisfied).toBe(false);
    expect(rule('Protected').ignored).toMatchObject([{ login: 'alice', reason: 'dismissed' }]);
  });

  it('a dismissed CHANGES_REQUESTED no longer blocks', async () => {
    const { verdict } = await evaluate({
      files: protectedFile,
      reviews: [ghReview('bob', 'DISMISSED'), ghReview('alice', 'APPROVED')],
    });
    expect(verdict.satisfied).toBe(true);
  });

  it('a reviewer who is not in the team does not satisfy a team rule', async () => {
    const { rule } = await evaluate(
      {
        files: [ghFile('db/migrations/0042_refunds.sql', 'added')],
        reviews: [ghReview('alice', 'APPROVED')],
      },
      ISSUE_POLICY,
    );
    expect(rule('DBA sign-off')).toMatchObject({ satisfied: false, validApprovers: [], missing: 1 });
    expect(rule('DBA sign-off').ignored).toMatchObject([{ login: 'alice', reason: 'not in team' }]);
  });

  it('team members and listed users satisfy their rules; all matching rules must hold', async () => {
    const { verdict, rule } = await evaluate(
      {
        files: [ghFile('db/migrations/0042_refunds.sql', 'added'), ghFile('config/production/payments.yml')],
        reviews: [ghReview('carol', 'APPROVED'), ghReview('dave', 'APPROVED'), ghReview('Bob', 'APPROVED')],
      },
      ISSUE_POLICY,
    );
    expect(rule('DBA sign-off').validApprovers).toEqual(['carol']);
    expect(rule('Schema migrations').validApprovers).toEqual(['carol', 'dave']);
    expect(rule('Production config').validApprovers).toEqual(['Bob']);
    expect(rule('Production config').ignored).toMatchObject([
      { login: 'carol', reason: 'not in team' },
      { login: 'dave', reason: 'not in team' },
    ]);
    expect(verdict).toMatchObject({ satisfied: true, title: '3 of 3 rules satisfied' });
  });

  it('reports how many rules hold when some do not', async () => {
    const { verdict } = await evaluate(
      {
        files: [ghFile('db/migrations/0042_refunds.sql', 'added'), ghFile('config/production/payments.yml')],
        reviews: [ghReview('carol', 'APPROVED'), ghReview('dave', 'APPROVED')],
      },
      ISSUE_POLICY,
    );
    expect(verdict).toMatchObject({ satisfied: false, title: '2 of 3 rules satisfied' });
    expect(verdict.rules.find((r) => r.name === 'Production config')).toMatchObject({
      satisfied: false,
      missing: 1,
    });
  });

  it('an approval from a reviewer with read permission does not count', async () => {
    const { verdict, rule } = await evaluate({
      files: protectedFile,
      reviews: [ghReview('erin', 'APPROVED')],
    });
    expect(verdict.satisfied).toBe(false);
    expect(rule('Protected').ignored).toMatchObject([{ login: 'erin', reason: 'no write access' }]);
  });

  it('an approval from an unknown login (not in the permissions) does not count', async () => {
    const { verdict, rule } = await evaluate({
      files: protectedFile,
      reviews: [ghReview('mallory', 'APPROVED')],
    });
    expect(verdict.satisfied).toBe(false);
    expect(rule('Protected').ignored[0]?.reason).toBe('no write access');
  });

  it('a bot approval does not count, nor one by a deleted account', async () => {
    const { verdict, rule, calls } = await evaluate({
      files: protectedFile,
      reviews: [ghReview('renovate[bot]', 'APPROVED', { type: 'Bot' }), ghReview(null, 'APPROVED')],
    });
    expect(verdict.satisfied).toBe(false);
    expect(rule('Protected').ignored).toMatchObject([
      { login: 'renovate[bot]', reason: 'bot' },
      { login: 'ghost', reason: 'unknown user' },
    ]);
    expect(calls).toEqual([]);
  });

  it('a truncated file list fails closed and says so, even if the listed files match nothing', async () => {
    const { verdict } = await evaluate({
      pr: { changedFiles: 3 },
      files: [ghFile('README.md'), ghFile('src/app.ts')],
      reviews: [ghReview('alice', 'APPROVED')],
    });
    expect(verdict.satisfied).toBe(false);
    expect(verdict.title).toMatch(/^file list truncated: GitHub listed 2 of 3 changed files/);
    expect(verdict.problems).toEqual([verdict.title]);
  });

  it('fails closed over 3000 changed files and when the caller flags truncation', async () => {
    const many = await evaluate({ pr: { changedFiles: 3001 }, files: [ghFile('README.md')] });
    expect(many.verdict.satisfied).toBe(false);
    expect(many.verdict.title).toContain('3001 files, more than the 3000');

    const snap = snapshotFromObject(ghSnapshot({ files: protectedFile }), 's');
    const flagged = await evaluatePolicy(
      simplePolicy(),
      { ...snap.input, filesTruncated: true },
      snapshotDirectory(snap),
    );
    expect(flagged.satisfied).toBe(false);
    expect(flagged.title).toMatch(/^file list truncated/);
  });

  it('deleting a protected file needs approval', async () => {
    const { verdict, rule } = await evaluate({ files: [ghFile('protected/keys.yml', 'removed')] });
    expect(rule('Protected').matchedFiles).toEqual([{ filename: 'protected/keys.yml', status: 'removed' }]);
    expect(verdict.satisfied).toBe(false);
  });

  it('`!` exclusions leave excluded files unprotected', async () => {
    const { verdict, calls } = await evaluate(
      { files: [ghFile('config/production/README.md')], reviews: [ghReview('erin', 'APPROVED')] },
      ISSUE_POLICY,
    );
    expect(verdict).toMatchObject({ satisfied: true, title: 'no protected changes', rules: [] });
    expect(calls).toEqual([]);
  });

  it('no matching rule is satisfied with "no protected changes"', async () => {
    const { verdict } = await evaluate({ files: [ghFile('src/index.ts')] });
    expect(verdict).toEqual({
      satisfied: true,
      title: 'no protected changes',
      pullRequest: 42,
      headSha: expect.any(String),
      rules: [],
      problems: [],
    });
  });

  it('a rule needing 0 approvals holds unless blocked', async () => {
    const policy = parsePolicy('rules:\n  - name: Docs\n    paths: ["docs/**"]\n    approvals: 0\n', 'p.yml');
    expect((await evaluate({ files: [ghFile('docs/a.md')] }, policy)).verdict.satisfied).toBe(true);
    const blocked = await evaluate(
      { files: [ghFile('docs/a.md')], reviews: [ghReview('bob', 'CHANGES_REQUESTED')] },
      policy,
    );
    expect(blocked.verdict.satisfied).toBe(false);
  });

  it('the verdict survives a JSON round trip unchanged', async () => {
    const { verdict } = await evaluate(
      {
        files: [ghFile('db/migrations/1.sql'), ghFile('config/production/a.yml', 'renamed', 'config/a.yml')],
        reviews: [
          ghReview('alice', 'APPROVED'),
          ghReview('erin', 'APPROVED'),
          ghReview('bob', 'CHANGES_REQUESTED'),
        ],
      },
      ISSUE_POLICY,
    );
    expect(JSON.parse(JSON.stringify(verdict))).toEqual(verdict);
  });
});

describe('evaluatePolicy: asks the directory little', () => {
  it('looks up only the reviewers it needs for 100 reviews on 3000 files', async () => {
    const files = Array.from({ length: 3000 }, (_, i) =>
      ghFile(`db/migrations/${String(i).padStart(4, '0')}.sql`),
    );
    const reviewers = Array.from({ length: 40 }, (_, i) => `reviewer-${i}`);
    const reviews = Array.from({ length: 100 }, (_, i) =>
      ghReview(reviewers[i % reviewers.length]!, i % 3 === 0 ? 'APPROVED' : 'COMMENTED'),
    );
    const permissions = Object.fromEntries(reviewers.map((r) => [r, 'write' as const]));
    const { verdict, calls } = await evaluate(
      { files, reviews, permissions, teams: { dba: ['reviewer-3'] } },
      ISSUE_POLICY,
    );
    expect(verdict.satisfied).toBe(true);
    // Schema migrations needs 2 (reviewer-0, reviewer-3); DBA sign-off re-uses their permissions and
    // asks the team about reviewer-0 then reviewer-3.
    expect(calls).toEqual([
      'permission:reviewer-0',
      'permission:reviewer-3',
      'team:dba:reviewer-0',
      'team:dba:reviewer-3',
    ]);
    expect(verdict.rules.find((r) => r.name === 'Schema migrations')?.notNeeded.length).toBeGreaterThan(0);
  });

  it('never asks about bots, authors or stale approvals, and asks about each login once', async () => {
    const { calls } = await evaluate(
      {
        files: [ghFile('db/migrations/1.sql')],
        reviews: [
          ghReview('dora', 'APPROVED'),
          ghReview('renovate[bot]', 'APPROVED', { type: 'Bot' }),
          ghReview('alice', 'APPROVED', { commitId: OLD_HEAD }),
          ghReview('bob', 'CHANGES_REQUESTED'),
          ghReview('carol', 'APPROVED'),
        ],
      },
      ISSUE_POLICY,
    );
    expect(calls).toEqual(['permission:bob', 'permission:carol', 'team:dba:carol']);
  });

  it('lists a team once instead of asking about each of several reviewers, membership before permission', async () => {
    const inner = snapshotDirectory(
      snapshotFromObject(
        ghSnapshot({
          files: [],
          permissions: { bob: 'write', carol: 'write', dave: 'write' },
          teams: { dba: ['dave'] },
        }),
        'directory.json',
      ),
    );
    const listing: Directory = {
      ...inner,
      teamMembers: () => Promise.resolve({ members: new Set(['dave']), complete: true }),
    };
    const teamOnly = parsePolicy(
      'rules:\n  - name: DBA\n    paths: ["db/**"]\n    teams: [dba]\n',
      'team.yml',
    );
    const { verdict, calls } = await evaluate(
      {
        files: [ghFile('db/1.sql')],
        reviews: [ghReview('bob', 'APPROVED'), ghReview('carol', 'APPROVED'), ghReview('dave', 'APPROVED')],
      },
      teamOnly,
      listing,
    );
    expect(verdict.satisfied).toBe(true);
    // one listing (at most 2 pages: never dearer than asking about the 3 reviewers), then only the
    // member's permission: bob and carol are settled by the listing alone
    expect(calls).toEqual(['list:dba:2', 'permission:dave']);
    expect(verdict.rules[0]!.ignored.map((i) => [i.login, i.reason])).toEqual([
      ['bob', 'not in team'],
      ['carol', 'not in team'],
    ]);
  });

  it('falls back to asking when a team listing is incomplete, trusting only who it did list', async () => {
    const directory: Directory = {
      permission: () => Promise.resolve('write'),
      isTeamMember: (_team, login) => Promise.resolve(login === 'carol'),
      teamMembers: () => Promise.resolve({ members: new Set(['bob']), complete: false }),
    };
    const policy = parsePolicy(
      'rules:\n  - name: DBA\n    paths: ["db/**"]\n    approvals: 2\n    teams: [dba]\n',
      'team.yml',
    );
    const { verdict, calls } = await evaluate(
      { files: [ghFile('db/1.sql')], reviews: [ghReview('bob', 'APPROVED'), ghReview('carol', 'APPROVED')] },
      policy,
      directory,
    );
    expect(verdict.satisfied).toBe(true);
    expect(calls).toEqual(['list:dba:1', 'permission:bob', 'team:dba:carol', 'permission:carol']);
  });

  it('a failed look-up fails closed: an unknown blocker still blocks and the problem is reported', async () => {
    const flaky: Directory = {
      permission: (login) =>
        login === 'bob' ? Promise.reject(new Error('HTTP 502')) : Promise.resolve('write'),
      isTeamMember: () => Promise.resolve(false),
    };
    const { verdict, rule } = await evaluate(
      {
        files: protectedFile,
        reviews: [ghReview('alice', 'APPROVED'), ghReview('bob', 'CHANGES_REQUESTED')],
      },
      simplePolicy(),
      flaky,
    );
    expect(verdict.satisfied).toBe(false);
    expect(rule('Protected').blockedBy).toEqual(['bob']);
    expect(verdict.problems).toEqual(["could not look up bob's permission: HTTP 502"]);
  });

  it('an approval whose look-up failed does not count', async () => {
    const broken: Directory = {
      permission: () => Promise.reject(new Error('rate limited')),
      isTeamMember: () => Promise.resolve(true),
    };
    const { verdict, rule } = await evaluate(
      { files: protectedFile, reviews: [ghReview('alice', 'APPROVED')] },
      simplePolicy(),
      broken,
    );
    expect(verdict.satisfied).toBe(false);
    expect(rule('Protected').ignored).toMatchObject([{ login: 'alice', reason: 'lookup failed' }]);
  });
});
