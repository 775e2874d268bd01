/**
 * `gate` with an `environment` is the app's deployment protection rule run in a workflow: for the
 * same commit, policy and reviews, the bundled Action and the running app reach the same decision
 * with the same words.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAppServer, type AppServer } from '../../src/app/server.ts';
import { appEnv, deliverTo, example } from '../app/harness.ts';
import { ledgerEntries, runAction } from './harness.ts';
import { useActionTestbed } from './testbed.ts';

const REPO = 'acme/web';
const POLICY = [
  'rules:',
  '  - name: Migrations',
  '    paths: ["db/migrations/**"]',
  '    approvals: 1',
  'environments:',
  '  production:',
  '    min_approvals: 1',
  'settings:',
  '  override:',
  '    users: [mona]',
  '',
].join('\n');

const tb = useActionTestbed(REPO, (gh) => {
  gh.setFile(REPO, '.github/shiplog.yml', POLICY);
  gh.setPermission(REPO, 'bob', 'write');
  // an overrider needs write access at that moment, as an approver does
  gh.setPermission(REPO, 'mona', 'write');
});
let app: AppServer;
let n = 0;

// Each test's app reads the change-set base from the ledger that test's Action writes.
beforeEach(async () => {
  app = await startAppServer(
    appEnv(tb.gh, { SHIPLOG_LEDGER_REMOTE: tb.wb.remote, SHIPLOG_CACHE_DIR: join(tb.wb.dir, 'app-cache') }),
  );
});
afterEach(async () => {
  await app?.close();
});

function merged(files = ['db/migrations/1.sql']) {
  const mergeCommitSha = createHash('sha1').update(`deploy-${++n}`).digest('hex');
  return tb.gh.addPullRequest(REPO, { user: 'alice', merged: true, mergeCommitSha, files });
}

/** The app's answer to a deployment_protection_rule.requested for this commit and environment. */
async function appDecision(environment: string, sha: string): Promise<{ state: string; comment: string }> {
  const runId = 50_000 + ++n;
  const base = example('deployment', 'created');
  const repository = base.repository as Record<string, unknown>;
  const payload = {
    action: 'requested',
    environment,
    event: 'push',
    deployment_callback_url: `${tb.gh.url}/repos/${REPO}/actions/runs/${runId}/deployment_protection_rule`,
    deployment: { ...(base.deployment as Record<string, unknown>), sha, environment },
    pull_requests: [],
    repository: {
      ...repository,
      name: 'web',
      full_name: REPO,
      owner: { ...(repository.owner as Record<string, unknown>), login: 'acme' },
    },
    sender: base.sender,
    installation: { id: tb.gh.installationId('acme'), node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u' },
  };
  expect((await deliverTo(app, 'deployment_protection_rule', payload)).status).toBe(200);
  const answer = tb.gh.protectionCallbacks(REPO).find((c) => c.runId === runId)!.body as {
    environment_name: string;
    state: string;
    comment: string;
  };
  expect(answer.environment_name).toBe(environment);
  return { state: answer.state, comment: answer.comment };
}

async function gateDecision(environment: string, commit: string, extra: Record<string, string> = {}) {
  const run = await runAction(tb.bundle, tb.wb, tb.gh, {
    inputs: { command: 'gate', environment, commit, ...extra },
  });
  return { run, state: run.outputs['deployment-state'], comment: run.outputs['deployment-comment'] };
}

describe('gate with an environment decides like the deployment protection rule', () => {
  it.each([
    ['an approved merge', 'production', 'approved'],
    ['an unapproved merge', 'production', 'rejected'],
    ['a direct push', 'production', 'rejected'],
    ['an unmanaged environment', 'staging', 'approved'],
  ])('%s', async (what, environment, expected) => {
    let sha = 'd'.repeat(40);
    tb.gh.ensureCommit(REPO, sha);
    if (what.includes('merge')) {
      const pr = merged();
      if (what === 'an approved merge') tb.gh.addReview(REPO, pr.number, { user: 'bob', state: 'APPROVED' });
      sha = pr.mergeCommitSha!;
    }
    const fromApp = await appDecision(environment, sha);
    const fromGate = await gateDecision(environment, sha);

    expect(fromApp.state).toBe(expected);
    expect({ state: fromGate.state, comment: fromGate.comment }).toEqual(fromApp);
    expect(fromGate.run.code).toBe(expected === 'approved' ? 0 : 1);
    if (expected === 'rejected')
      expect(fromGate.run.stdout).toContain(`::error::${fromApp.comment.slice(0, 40)}`);
  });

  it('lets a permitted actor break glass for a rejected deployment, recording the override', async () => {
    const pr = merged();
    const { run } = await gateDecision('production', pr.mergeCommitSha!, {
      'override-reason': 'INC-9: rollback of a broken release',
      'signing-key': tb.wb.privatePem,
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs['approval-status']).toBe('overridden');
    const [entry] = await ledgerEntries(tb.wb, { commit: pr.mergeCommitSha! });
    expect(entry!.statement.predicate).toMatchObject({
      type: 'override',
      environment: 'production',
      actor: { login: 'mona' },
      details: {
        reason: 'INC-9: rollback of a broken release',
        deployment: { environment: 'production', state: 'rejected' },
        pull_request: { number: pr.number },
        unmet_rules: [{ name: 'Migrations', missing: 1 }],
      },
    });
  });
});
