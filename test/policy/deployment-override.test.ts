/** The pure halves of deployments and overrides: the decision on given facts, and the comment syntax. */
import { describe, expect, it } from 'vitest';
import { decideDeployment } from '../../src/policy/deployment.ts';
import type { EnvironmentPolicy, Verdict } from '../../src/policy/model.ts';
import { parseOverrideCommand } from '../../src/policy/override.ts';

const SHA = 'abcdef0123456789abcdef0123456789abcdef01';
const STRICT: EnvironmentPolicy = {
  require_approved_pr: true,
  min_approvals: 2,
  allow_direct_push: false,
  require_approved_change_set: true,
};
const pr = { number: 7, title: 'Add index', url: 'https://github.com/acme/web/pull/7' };

function verdict(satisfied: boolean): Verdict {
  return {
    satisfied,
    title: satisfied ? '1 of 1 rule satisfied' : '0 of 1 rule satisfied',
    pullRequest: 7,
    headSha: SHA,
    problems: [],
    rules: [
      {
        name: 'Migrations',
        matchedFiles: [{ filename: 'db/1.sql' }],
        required: 1,
        validApprovers: satisfied ? ['bob'] : [],
        ignored: [],
        blockedBy: satisfied ? [] : ['carol'],
        notNeeded: [],
        satisfied,
        missing: satisfied ? 0 : 1,
      },
    ],
  };
}

describe('decideDeployment', () => {
  it('approves when every requirement holds and names the approvals', () => {
    const d = decideDeployment('shiplog.yml', STRICT, {
      environment: 'production',
      sha: SHA,
      pullRequest: pr,
      verdict: verdict(true),
      approvals: { valid: ['bob', 'dave'], ignored: [], problems: [] },
    });
    expect(d).toMatchObject({ state: 'approved', managed: true, unmet: [], approvers: ['bob', 'dave'] });
    expect(d.comment).toBe(
      'shiplog: production approved: abcdef012345 came in through #7 (Add index); policy: 1 of 1 rule satisfied; fresh approvals: bob, dave.',
    );
  });

  it('rejects naming each unmet requirement: the verdict, change requests, missing approvals', () => {
    const d = decideDeployment('shiplog.yml', STRICT, {
      environment: 'production',
      sha: SHA,
      pullRequest: pr,
      verdict: verdict(false),
      approvals: {
        valid: ['bob'],
        ignored: [{ login: 'alice', state: 'APPROVED', reason: 'author', reviewId: 1 }],
        problems: [],
      },
    });
    expect(d.state).toBe('rejected');
    expect(d.unmet).toEqual([
      'require_approved_pr: the approval policy is not satisfied (0 of 1 rule satisfied; Migrations needs 1 more approval and changes requested by carol)',
      'min_approvals: 1 of 2 fresh approvals (not counted: alice: author)',
    ]);
  });

  it('decides a direct push by allow_direct_push alone, and approves unmanaged environments', () => {
    const direct = { environment: 'production', sha: SHA };
    expect(decideDeployment('s.yml', STRICT, direct).state).toBe('rejected');
    expect(decideDeployment('s.yml', { ...STRICT, allow_direct_push: true }, direct).state).toBe('approved');
    const unmanaged = decideDeployment('s.yml', undefined, { environment: 'dev', sha: SHA });
    expect(unmanaged).toMatchObject({ state: 'approved', managed: false });
    expect(unmanaged.comment).toContain('no environments.dev section in s.yml');
  });

  it('keeps the comment one bounded line whatever the PR title holds', () => {
    const d = decideDeployment('s.yml', STRICT, {
      environment: 'production',
      sha: SHA,
      pullRequest: { ...pr, title: `evil\n\u0007${'x'.repeat(5000)}` },
      verdict: verdict(true),
      approvals: { valid: [], ignored: [], problems: [] },
    });
    expect(d.comment).not.toContain('\n');
    expect(d.comment).not.toContain('\u0007');
    expect(d.comment.length).toBeLessThanOrEqual(1000);
  });
});

describe('parseOverrideCommand', () => {
  it.each([
    ['/shiplog override INC-1: db down', { reason: 'INC-1: db down' }],
    ['  /shiplog override  line one\nline two ', { reason: 'line one\nline two' }],
    ['/shiplog override', { reason: '' }],
    ['/shiplog override   \n  ', { reason: '' }],
    ['/shiplog overrides everything', undefined],
    ['please /shiplog override x', undefined],
    ['/shiplog approve', undefined],
  ])('%j', (body, expected) => {
    expect(parseOverrideCommand(body)).toEqual(expected);
  });
});
