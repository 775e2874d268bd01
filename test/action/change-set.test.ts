/**
 * Deploy change sets through the bundled Action as a runner runs it, and the app's protection rule
 * on the same ledger: a deploy accounts for every commit since the environment's last deploy, the
 * gate and the app reject the same uncovered commits, and incomplete evidence fails closed.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAppServer, type AppServer } from '../../src/app/server.ts';
import type { ChangeSetRecord } from '../../src/policy/change-set.ts';
import { appEnv, deliverTo, example } from '../app/harness.ts';
import { branchExists, ledgerEntries, runAction } from './harness.ts';
import { useActionTestbed } from './testbed.ts';

const REPO = 'acme/web';
const POLICY = [
  'environments:',
  '  production:',
  '    min_approvals: 0',
  '    require_approved_pr: false',
  '',
].join('\n');
const tb = useActionTestbed(REPO, (gh) => {
  gh.setFile(REPO, '.github/shiplog.yml', POLICY);
  gh.setPermission(REPO, 'bob', 'write');
});
let app: AppServer;
beforeEach(async () => {
  app = await startAppServer(
    appEnv(tb.gh, {
      SHIPLOG_LEDGER_REMOTE: tb.wb.remote,
      SHIPLOG_CACHE_DIR: join(tb.wb.dir, 'app-cache'),
      // the workflow's key: the app verifies the ledger before it believes its last deploy
      SHIPLOG_TRUSTED_KEYS: tb.wb.publicPem,
    }),
  );
});
afterEach(async () => {
  await app?.close();
});

let root = '';
/** The environment's last deploy: a commit on main, deployed and recorded by the Action. */
async function deployedBase(): Promise<string> {
  const pr = tb.gh.mergePullRequest(REPO, {
    onto: (root ||= tb.gh.addCommit(REPO, { parents: [] }).sha),
    user: 'alice',
    squash: true,
  });
  tb.gh.addReview(REPO, pr.pull.number, { user: 'bob', state: 'APPROVED' });
  const run = await deploy(pr.tip);
  expect(run.code, run.stdout + run.stderr).toBe(0);
  return pr.tip;
}

/** Three merged pull requests (the second unapproved) and one commit pushed straight to main. */
function mixedHistory(base: string) {
  const one = tb.gh.mergePullRequest(REPO, { onto: base, user: 'alice', title: 'Add index', squash: true });
  tb.gh.addReview(REPO, one.pull.number, { user: 'bob', state: 'APPROVED' });
  const two = tb.gh.mergePullRequest(REPO, {
    onto: one.tip,
    user: 'carol',
    title: 'Raise pool size',
    squash: true,
  });
  const three = tb.gh.mergePullRequest(REPO, {
    onto: two.tip,
    user: 'dave',
    title: 'Cache prices',
    squash: true,
  });
  tb.gh.addReview(REPO, three.pull.number, { user: 'bob', state: 'APPROVED' });
  const push = tb.gh.addCommit(REPO, {
    parents: [three.tip],
    message: 'hotfix straight to main',
    author: 'mallory',
  });
  return { one, two, three, push: push.sha };
}

function deploy(commit: string, extra: Record<string, string> = {}) {
  return runAction(tb.bundle, tb.wb, tb.gh, {
    inputs: {
      command: 'record',
      type: 'deploy',
      environment: 'production',
      commit,
      'signing-key': tb.wb.privatePem,
      ...extra,
    },
  });
}

async function changeSetOf(commit: string): Promise<{ change: ChangeSetRecord; status: string }> {
  const [entry] = await ledgerEntries(tb.wb, { commit });
  const p = entry!.statement.predicate;
  return { change: p.change_set as unknown as ChangeSetRecord, status: p.approval!.status };
}

describe('a deploy records whether the policy manages its environment', () => {
  it('production (in any case) is managed; an environment the policy does not name is unmanaged, and says so', async () => {
    const base = await deployedBase();
    const policyOf = async (commit: string) =>
      ((await ledgerEntries(tb.wb, { commit }))[0]!.statement.predicate.approval as Record<string, unknown>)
        .environment_policy;
    expect(await policyOf(base)).toEqual({ managed: true, policy: `${REPO}:.github/shiplog.yml` });
    const next = tb.gh.mergePullRequest(REPO, { onto: base, user: 'alice', squash: true });
    tb.gh.addReview(REPO, next.pull.number, { user: 'bob', state: 'APPROVED' });
    expect((await deploy(next.tip, { environment: 'PRODUCTION' })).code).toBe(0);
    expect(await policyOf(next.tip)).toMatchObject({ managed: true });
    const other = tb.gh.mergePullRequest(REPO, { onto: next.tip, user: 'alice', squash: true });
    const run = await deploy(other.tip, { environment: 'Staging-EU' });
    expect(run.code, run.stderr).toBe(0);
    expect(await policyOf(other.tip)).toEqual({
      managed: false,
      policy: `${REPO}:.github/shiplog.yml`,
      note: `"Staging-EU" is not managed by shiplog (no environments.Staging-EU section in ${REPO}:.github/shiplog.yml): no deployment gate judged this deploy`,
    });
  });
});

describe('a deploy records its change set', () => {
  it('lists every commit since the last deploy, two uncovered: status unapproved', async () => {
    const base = await deployedBase();
    const h = mixedHistory(base);
    const run = await deploy(h.push);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs['approval-status']).toBe('unapproved');
    const { change, status } = await changeSetOf(h.push);
    expect(status).toBe('unapproved');
    expect(change).toMatchObject({ base, relation: 'ahead', complete: true, commits: { count: 4 } });
    expect(change.commits.list.map((c) => c.sha)).toEqual([h.one.tip, h.two.tip, h.three.tip, h.push]);
    expect(change.pull_requests.map((p) => [p.number, p.approval.status])).toEqual([
      [h.one.pull.number, 'approved'],
      [h.two.pull.number, 'unapproved'],
      [h.three.pull.number, 'approved'],
    ]);
    expect(change.uncovered_commits.map((c) => [c.sha, c.reason])).toEqual([
      [h.two.tip, 'unapproved-pull-request'],
      [h.push, 'no-pull-request'],
    ]);
    expect(run.summary).toContain('### Change set');
    expect(run.summary).toContain('hotfix straight to main');
  });

  it('a first deploy has no base and says so; a rollback lists the commits it removes', async () => {
    const pr = tb.gh.mergePullRequest(REPO, {
      onto: (root ||= tb.gh.addCommit(REPO, { parents: [] }).sha),
      user: 'alice',
      squash: true,
    });
    tb.gh.addReview(REPO, pr.pull.number, { user: 'bob', state: 'APPROVED' });
    const firstRun = await deploy(pr.tip);
    expect(firstRun.code, firstRun.stdout).toBe(0);
    const first = await changeSetOf(pr.tip);
    expect(first.change).toMatchObject({ base: null, relation: 'first-deploy', commits: { count: 1 } });
    expect(first.status).toBe('approved');

    const next = tb.gh.mergePullRequest(REPO, { onto: pr.tip, user: 'alice', squash: true });
    tb.gh.addReview(REPO, next.pull.number, { user: 'bob', state: 'APPROVED' });
    expect((await deploy(next.tip)).code).toBe(0);
    // back to the earlier commit: a rollback ships nothing new and removes what `next` brought
    expect((await deploy(pr.tip, { 'allow-duplicate': 'true' })).code).toBe(0);
    const entries = await ledgerEntries(tb.wb, { commit: pr.tip });
    const rollback = entries[0]!.statement.predicate.change_set as unknown as ChangeSetRecord;
    expect(rollback).toMatchObject({ base: next.tip, relation: 'behind', commits: { count: 0 } });
    expect(rollback.removed_commits.list.map((c) => c.sha)).toEqual([next.tip]);
  });

  it('fails closed when GitHub fails mid-way, recording nothing; allow-incomplete records complete: false', async () => {
    const base = await deployedBase();
    const h = mixedHistory(base);
    tb.gh.fail({ route: '/graphql', status: 502, times: 20 });
    const failed = await deploy(h.push, {});
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/graphql|GraphQL/);
    expect((await ledgerEntries(tb.wb, { commit: h.push })).length).toBe(0);
    const recorded = await deploy(h.push, { 'allow-incomplete': 'true' });
    expect(recorded.code, recorded.stdout).toBe(0);
    const { change, status } = await changeSetOf(h.push);
    expect(change.complete).toBe(false);
    expect(change.truncated?.length).toBeGreaterThan(0);
    expect(status).toBe('unapproved');
    expect(branchExists(tb.wb)).toBe(true);
  });
});

describe('the gate and the protection rule judge the same change set', () => {
  async function appDecision(sha: string): Promise<{ state: string; comment: string }> {
    const runId = 90_000 + Math.floor(Math.random() * 1e6);
    const base = example('deployment', 'created');
    const repository = base.repository as Record<string, unknown>;
    const payload = {
      action: 'requested',
      environment: 'production',
      event: 'push',
      deployment_callback_url: `${tb.gh.url}/repos/${REPO}/actions/runs/${runId}/deployment_protection_rule`,
      deployment: { ...(base.deployment as Record<string, unknown>), sha, environment: 'production' },
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
      state: string;
      comment: string;
    };
    return { state: answer.state, comment: answer.comment };
  }

  it('both reject, naming the uncovered commits', async () => {
    const base = await deployedBase();
    const h = mixedHistory(base);
    const gate = await runAction(tb.bundle, tb.wb, tb.gh, {
      inputs: { command: 'gate', environment: 'production', commit: h.push, 'trusted-keys': tb.wb.publicPem },
    });
    const fromApp = await appDecision(h.push);
    expect(gate.outputs['deployment-state']).toBe('rejected');
    expect(gate.code).toBe(1);
    expect(fromApp).toEqual({ state: 'rejected', comment: gate.outputs['deployment-comment'] });
    const comment = fromApp.comment;
    expect(comment).toContain('require_approved_change_set');
    expect(comment).toContain(h.two.tip.slice(0, 7));
    expect(comment).toContain(h.push.slice(0, 7));
    expect(comment).not.toContain(h.one.tip.slice(0, 7));
  });

  it('both approve when every commit since the last deploy came in through an approved pull request', async () => {
    const base = await deployedBase();
    const next = tb.gh.mergePullRequest(REPO, { onto: base, user: 'alice', squash: true });
    tb.gh.addReview(REPO, next.pull.number, { user: 'bob', state: 'APPROVED' });
    const gate = await runAction(tb.bundle, tb.wb, tb.gh, {
      inputs: {
        command: 'gate',
        environment: 'production',
        commit: next.tip,
        'trusted-keys': tb.wb.publicPem,
      },
    });
    expect(gate.code, gate.stdout).toBe(0);
    expect(await appDecision(next.tip)).toEqual({
      state: 'approved',
      comment: gate.outputs['deployment-comment'],
    });
  });
});
