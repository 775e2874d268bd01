/**
 * A deploy entry names both halves of "who let this into production": the pull request's reviewers
 * and the environment's own required reviewers of the workflow run, read from the run's approvals.
 * A token that may not read them still records the deploy, and says the approvals are missing and why.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ledgerEntries, runAction, type ActionRun } from './harness.ts';
import { useActionTestbed } from './testbed.ts';

// the repository the Action's harness runs in
const REPO = 'acme/web';
const APPROVALS = '/repos/{owner}/{repo}/actions/runs/{run_id}/approvals';
const tb = useActionTestbed(REPO);
let n = 0;

function mergedCommit(): string {
  const commit = createHash('sha1').update(`env-${++n}-${Math.random()}`).digest('hex');
  const pr = tb.gh.addPullRequest(REPO, { user: 'alice', merged: true, mergeCommitSha: commit });
  tb.gh.addReview(REPO, pr.number, { user: 'bob', state: 'APPROVED' });
  return commit;
}

function deploy(commit: string, runId: string): Promise<ActionRun> {
  return runAction(tb.bundle, tb.wb, tb.gh, {
    inputs: {
      command: 'record',
      'signing-key': tb.wb.privatePem,
      type: 'deploy',
      commit,
      environment: 'production',
    },
    env: { GITHUB_RUN_ID: runId },
  });
}

async function approvalOf(commit: string): Promise<Record<string, unknown>> {
  const [entry] = await ledgerEntries(tb.wb, { commit });
  return entry!.statement.predicate.approval as Record<string, unknown>;
}

describe('environment approvals', () => {
  it("records the environment's required reviewers of the run, only for the deployed environment", async () => {
    tb.gh.addRunApprovals(REPO, 4242, [
      { user: 'erin', state: 'approved', comment: 'staging looks fine', environments: ['staging'] },
      { user: 'mona', state: 'approved', comment: 'ship it', environments: ['production', 'Canary'] },
    ]);
    const commit = mergedCommit();
    const run = await deploy(commit, '4242');
    expect(run.code, run.stderr).toBe(0);

    const approval = await approvalOf(commit);
    expect(approval.environment_approvals).toEqual({
      status: 'collected',
      environment: 'production',
      approved: true,
      approvals: [
        {
          login: 'mona',
          id: tb.gh.user('mona').id,
          state: 'approved',
          comment: 'ship it',
          environments: ['production', 'Canary'],
        },
      ],
    });
    // the pull request's own reviewers are still there beside them
    expect((approval.approvers as { login: string }[]).map((a) => a.login)).toEqual(['bob']);
    expect(run.summary).toContain('Environment reviewers');
    expect(run.summary).toContain('mona (approved)');
  });

  it('says a rejection was recorded: the environment did not approve', async () => {
    tb.gh.addRunApprovals(REPO, 4343, [
      { user: 'mona', state: 'rejected', comment: 'not during the freeze', environments: ['production'] },
    ]);
    const commit = mergedCommit();
    expect((await deploy(commit, '4343')).code).toBe(0);
    const env = (await approvalOf(commit)).environment_approvals as {
      approved: boolean;
      approvals: unknown[];
    };
    expect(env.approved).toBe(false);
    expect(env.approvals).toHaveLength(1);
  });

  it('records the deploy without them when the token lacks actions: read, saying so', async () => {
    tb.gh.fail({ route: APPROVALS, status: 403 });
    const commit = mergedCommit();
    const run = await deploy(commit, '4444');
    expect(run.code, run.stderr).toBe(0);
    const env = (await approvalOf(commit)).environment_approvals as { status: string; reason: string };
    expect(env.status).toBe('not-collected');
    expect(env.reason).toContain('actions: read');
    expect(run.summary).toContain('not collected');
  });
});
