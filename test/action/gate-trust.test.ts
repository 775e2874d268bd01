/**
 * Gates trust only verified evidence (issue 17): the bundled Action's `gate` (and `record`) and the
 * running app's deployment protection rule read a change set's base from a ledger they verified,
 * and refuse — naming why — when a ledger was forged, deleted or rewritten, or an alarm is open.
 * Each attack is one an insider who can push the ledger branch (but holds no signing key), or a
 * key holder who rewrites history, would try; on the code before this, each made both gates
 * approve a change set they never saw.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAppServer, type AppServer } from '../../src/app/server.ts';
import { appendEntry } from '../../src/ledger/append.ts';
import type { SigningKey } from '../../src/ledger/keys.ts';
import { loadSigningKey } from '../../src/ledger/keys.ts';
import { appEnv, deliverTo, example } from '../app/harness.ts';
import { newKey } from '../support/ledger-fixture.ts';
import { runAction } from './harness.ts';
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
      SHIPLOG_TRUSTED_KEYS: tb.wb.publicPem,
    }),
  );
});
afterEach(async () => {
  await app?.close();
  for (const i of tb.gh.issues(REPO)) i.state = 'closed';
  tb.gh.deployments(REPO).length = 0;
});

let root = '';
let n = 0;

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

/** A merged pull request onto `onto`, approved or not; returns its merge commit. */
function merge(onto: string, approved: boolean, title = `change ${++n}`): string {
  const pr = tb.gh.mergePullRequest(REPO, { onto, user: 'alice', title, squash: true });
  if (approved) tb.gh.addReview(REPO, pr.pull.number, { user: 'bob', state: 'APPROVED' });
  return pr.tip;
}

/** The environment's last deploy, recorded by the Action with its real key. */
async function deployedBase(): Promise<string> {
  const tip = merge((root ||= tb.gh.addCommit(REPO, { parents: [] }).sha), true);
  const run = await deploy(tip);
  expect(run.code, run.stdout + run.stderr).toBe(0);
  return tip;
}

/** Appends a deploy entry of `commit` to production, signed by `key`, as plain git + shiplog would. */
async function appendDeploy(key: SigningKey, commit: string, cache: string): Promise<void> {
  await appendEntry({
    location: { remote: tb.wb.remote, branch: 'shiplog', cacheDir: join(tb.wb.dir, cache) },
    key,
    entry: {
      type: 'deploy',
      timestamp: new Date().toISOString(),
      repository: REPO,
      commit,
      environment: 'production',
      approval: { status: 'approved', approvers: [] },
      details: { status: 'success' },
    },
  });
}

function deleteLedgerBranch(): void {
  execFileSync('git', ['update-ref', '-d', 'refs/heads/shiplog'], { cwd: tb.wb.remote });
}

async function gate(commit: string, environment = 'production') {
  const run = await runAction(tb.bundle, tb.wb, tb.gh, {
    inputs: { command: 'gate', environment, commit, 'trusted-keys': tb.wb.publicPem },
  });
  return { run, state: run.outputs['deployment-state'], comment: run.outputs['deployment-comment'] ?? '' };
}

async function appDecision(
  sha: string,
  environment = 'production',
): Promise<{ state: string; comment: string }> {
  const runId = 70_000 + ++n;
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
    state: string;
    comment: string;
  };
  return { state: answer.state, comment: answer.comment };
}

describe('gates read the base only from a ledger they verified', () => {
  it('a deploy entry forged without a trusted key does not shrink the change set: gate, record and the app refuse, naming the signature', async () => {
    const base = await deployedBase();
    const unapproved = merge(base, false, 'Drop the audit table');
    // mallory can push the ledger branch but holds no signing key: a well-formed, self-signed entry
    await appendDeploy(newKey().key, unapproved, 'mallory');

    const fromGate = await gate(unapproved);
    expect(fromGate.state).toBe('rejected');
    expect(fromGate.run.code).toBe(1);
    expect(fromGate.comment).toContain('does not verify');
    expect(fromGate.comment).toContain('signature');
    const fromApp = await appDecision(unapproved);
    expect(fromApp.state).toBe('rejected');
    expect(fromApp.comment).toContain('does not verify');

    const recorded = await deploy(unapproved);
    expect(recorded.code).toBe(1);
    expect(recorded.stdout + recorded.stderr).toContain('does not verify');
  });

  it('a ledger with no trusted key to check it is refused, not believed', async () => {
    const base = await deployedBase();
    const next = merge(base, true);
    const run = await runAction(tb.bundle, tb.wb, tb.gh, {
      inputs: { command: 'gate', environment: 'production', commit: next },
    });
    expect(run.outputs['deployment-state']).toBe('rejected');
    expect(run.outputs['deployment-comment']).toContain('no trusted key');
  });
});

describe('a missing or rewritten ledger is not a first deploy', () => {
  it('a deleted ledger branch: the Action refuses while GitHub shows a successful deploy; the app refuses once it verified the ledger', async () => {
    const base = await deployedBase();
    const next = merge(base, true);
    expect((await appDecision(next)).state).toBe('approved'); // the app verified the ledger here
    tb.gh.addDeployment(REPO, {
      sha: base,
      environment: 'production',
      statuses: [{ state: 'in_progress' }, { state: 'success' }],
    });
    deleteLedgerBranch();
    // an approved commit on its own: as a first deploy it would pass
    const fromGate = await gate(next);
    expect(fromGate.state).toBe('rejected');
    expect(fromGate.comment).toContain('does not exist');
    expect(fromGate.comment).toContain('succeeded');
    const fromApp = await appDecision(next);
    expect(fromApp.state).toBe('rejected');
    expect(fromApp.comment).toContain('is gone');

    // the app refuses on what it verified alone, without GitHub's deployments
    tb.gh.deployments(REPO).length = 0;
    expect((await appDecision(next)).comment).toContain('is gone');
    // while a repository that never had a ledger (nor a deploy) starts fresh
    expect((await gate(next)).state).toBe('approved');
  });

  it('a history rewritten below the checkpoint the app verified is refused, even re-signed with the real key', async () => {
    const base = await deployedBase();
    const unapproved = merge(base, false, 'Disable rate limits');
    expect((await appDecision(unapproved)).state).toBe('rejected'); // verified: 1 entry
    // a key holder (an admin with the key) rewrites the ledger: a new history claiming `unapproved` is deployed
    deleteLedgerBranch();
    const key = loadSigningKey(tb.wb.privatePem, 'workbench key');
    await appendDeploy(key, base, 'rewrite');
    await appendDeploy(key, unapproved, 'rewrite');
    const fromApp = await appDecision(unapproved);
    expect(fromApp.state).toBe('rejected');
    expect(fromApp.comment).toMatch(/no longer extends the checkpoint|consistency/);
  });

  it('an open ledger alarm makes both gates refuse, with its link, until it is closed', async () => {
    const base = await deployedBase();
    const next = merge(base, true);
    const alarm = tb.gh.addIssue(REPO, {
      title: 'shiplog alarm: the ledger branch "shiplog" was force-pushed (history rewritten)',
      labels: ['shiplog-alarm'],
    });
    const fromGate = await gate(next);
    expect(fromGate.state).toBe('rejected');
    expect(fromGate.comment).toContain(`/issues/${alarm.number}`);
    const fromApp = await appDecision(next);
    expect(fromApp.state).toBe('rejected');
    expect(fromApp.comment).toContain(`/issues/${alarm.number}`);

    alarm.state = 'closed';
    expect((await appDecision(next)).state).toBe('approved');
  });
});

describe('environment names are case-insensitive, as GitHub names them', () => {
  it('a deploy to "Production" is governed and based like one to "production"', async () => {
    const base = await deployedBase();
    const unapproved = merge(base, false, 'Turn off backups');
    const fromGate = await gate(unapproved, 'Production');
    expect(fromGate.state).toBe('rejected');
    expect(fromGate.comment).toContain('require_approved_change_set');
    expect(fromGate.comment).toContain(unapproved.slice(0, 7));
    // the base is the deploy recorded as "production": only the new commit is in the change set
    expect(fromGate.comment).toContain(`since ${base.slice(0, 7)}`);
    expect(await appDecision(unapproved, 'PRODUCTION')).toMatchObject({ state: 'rejected' });
  });
});

describe('"approved" in a change set means what the approval policy means', () => {
  it('an approval by a reviewer without write access does not cover the pull request', async () => {
    const base = await deployedBase();
    const pr = tb.gh.mergePullRequest(REPO, {
      onto: base,
      user: 'alice',
      title: 'Open the firewall',
      squash: true,
    });
    tb.gh.addReview(REPO, pr.pull.number, { user: 'eve', state: 'APPROVED' }); // eve can only read
    const fromGate = await gate(pr.tip);
    expect(fromGate.state).toBe('rejected');
    expect(fromGate.comment).toContain(`pull request #${pr.pull.number} is not approved`);
    expect(await appDecision(pr.tip)).toEqual({ state: 'rejected', comment: fromGate.comment });
  });

  it('an approval by someone who pushed a commit into the pull request does not cover it', async () => {
    const base = await deployedBase();
    tb.gh.setPermission(REPO, 'carol', 'write');
    // alice opens the PR, bob (who may approve) pushes a commit into it, then approves it himself
    const [first] = tb.gh.addCommits(REPO, { parent: base, count: 1, author: 'alice', message: 'Add hook' });
    const second = tb.gh.addCommit(REPO, { parents: [first!], author: 'bob', message: 'Widen hook' }).sha;
    const mergeCommit = tb.gh.addCommit(REPO, { parents: [base, second], message: 'Merge hook' }).sha;
    const pull = tb.gh.addPullRequest(REPO, {
      user: 'alice',
      title: 'Audit hook',
      merged: true,
      headSha: second,
      baseSha: base,
      mergeCommitSha: mergeCommit,
    });
    pull.commitShas = [first!, second];
    tb.gh.linkCommit(REPO, [first!, second], [pull.number]);
    tb.gh.addReview(REPO, pull.number, { user: 'bob', state: 'APPROVED' });
    const fromGate = await gate(mergeCommit);
    expect(fromGate.state).toBe('rejected');
    expect(fromGate.comment).toContain(`pull request #${pull.number} is not approved`);
    expect(await appDecision(mergeCommit)).toEqual({ state: 'rejected', comment: fromGate.comment });
    // an independent reviewer's approval covers it
    tb.gh.addReview(REPO, pull.number, { user: 'carol', state: 'APPROVED' });
    expect((await gate(mergeCommit)).state).toBe('approved');
  });

  it('a signed merge entry whose verdict was not satisfied does not cover its commits', async () => {
    const base = await deployedBase();
    const pr = tb.gh.mergePullRequest(REPO, {
      onto: base,
      user: 'alice',
      title: 'Rotate keys',
      squash: true,
    });
    // the app recorded at merge that the policy was not met, though one review approved
    await appendEntry({
      location: { remote: tb.wb.remote, branch: 'shiplog', cacheDir: join(tb.wb.dir, 'merge-cache') },
      key: loadSigningKey(tb.wb.privatePem, 'workbench key'),
      entry: {
        type: 'merge',
        timestamp: new Date().toISOString(),
        repository: REPO,
        commit: pr.tip,
        approval: { status: 'unapproved', approvers: [] },
        details: {
          pull_request: { number: pr.pull.number },
          verdict: { outcome: 'unsatisfied', rules: [{ name: 'Migrations', satisfied: false, missing: 1 }] },
          reviews: {
            status: 'approved',
            approvers: [{ login: 'bob', id: 2, review_id: 1, state: 'APPROVED', stale: false }],
            changes_requested: [],
            not_counted: [],
            reviews_considered: 1,
          },
        },
      },
    });
    const fromGate = await gate(pr.tip);
    expect(fromGate.state).toBe('rejected');
    expect(fromGate.comment).toContain(`pull request #${pr.pull.number} is not approved`);
  });

  it('an intermediate commit of an approved pull request, deployed without its merge, is not covered', async () => {
    const base = await deployedBase();
    // two commits on the branch: the first adds a backdoor, the second removes it; the PR is approved
    const pr = tb.gh.mergePullRequest(REPO, {
      onto: base,
      user: 'alice',
      title: 'Refactor auth',
      commits: 2,
    });
    tb.gh.addReview(REPO, pr.pull.number, { user: 'bob', state: 'APPROVED' });
    const intermediate = pr.commits[0]!;
    const fromGate = await gate(intermediate);
    expect(fromGate.state).toBe('rejected');
    expect(fromGate.comment).toContain('deployed without its merge commit');
    expect(await appDecision(intermediate)).toEqual({ state: 'rejected', comment: fromGate.comment });
    // the merge itself ships the same commits and is covered
    expect((await gate(pr.tip)).state).toBe('approved');
  });
});
