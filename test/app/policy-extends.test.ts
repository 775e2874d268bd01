/**
 * Issue 17, "`_extends` merges the same way everywhere": one policy whose migration rule lives only
 * in its `_extends` base, run through every path that reads a policy — the webhook, the sweep, the
 * merge record, the deployment protection rule and the Action's policy reading. Before the one
 * loader, the sweep and the merge record replaced the base's rules with the repository's, so an
 * unapproved migration became "no protected changes" and was recorded as "satisfied".
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { readPolicyFile } from '../../src/action/policy-file.ts';
import { createGitHubClient } from '../../src/github/client.ts';
import { findEntries } from '../../src/ledger/query.ts';
import { example, useLedgerApp } from './harness.ts';

const BASE = 'rules:\n  - name: Migrations\n    paths: ["db/migrations/**"]\n    approvals: 1\n';
const app = useLedgerApp({
  SHIPLOG_SWEEP_INTERVAL: '1s',
  SHIPLOG_FULL_SWEEP_INTERVAL: '1s',
  SHIPLOG_RECONCILE_INTERVAL: 'off',
});
const h = app.h;
let n = 0;

beforeAll(async () => {
  const r = h.repo(undefined, 'warm');
  const pr = h.gh.addPullRequest(r.full, { user: 'alice', files: ['a.txt'] });
  await h.send('pull_request', h.pullRequestEvent(r.full, pr, 'opened'));
  for (let i = 0; i < 300 && h.runsOn(r.full, pr.headSha).length === 0; i++) await sleep(100);
}, 60_000);

/** A repository whose own policy adds a docs rule and an environment to an `_extends` base. */
function extendingRepo() {
  const base = `policy-base-${++n}`;
  h.gh.addRepo(`acme/${base}`);
  h.gh.setFile(`acme/${base}`, '.github/shiplog.yml', BASE);
  const r = h.repo(
    `_extends: ${base}\nrules:\n  - name: Docs\n    paths: ["docs/**"]\nenvironments:\n  production:\n    require_approved_change_set: false\n`,
    'extends',
  );
  h.gh.setPermission(r.full, 'bob', 'write');
  return r;
}

async function eventually(probe: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (probe()) return true;
    await sleep(50);
  }
  return probe();
}

describe('one _extends policy on every path', () => {
  it('webhook: the base rule applies', async () => {
    const r = extendingRepo();
    const pr = h.gh.addPullRequest(r.full, { user: 'alice', files: ['db/migrations/001.sql'] });
    await h.send('pull_request', h.pullRequestEvent(r.full, pr, 'opened'));
    expect(h.lastRun(r.full, pr.headSha)).toMatchObject({
      conclusion: 'failure',
      title: '0 of 1 rule satisfied',
    });
  });

  it('sweep: a head whose synchronize was lost is judged by the base rule too', async () => {
    const r = extendingRepo();
    const pr = h.gh.addPullRequest(r.full, { user: 'alice', files: ['db/migrations/002.sql'] });
    await h.send('pull_request', h.pullRequestEvent(r.full, pr, 'opened'));
    const head = h.gh.pushToPull(r.full, pr.number);
    expect(await eventually(() => h.runsOn(r.full, head).length > 0, 8000)).toBe(true);
    expect(h.lastRun(r.full, head)).toMatchObject({ conclusion: 'failure', title: '0 of 1 rule satisfied' });
  });

  it('merge record: an unapproved migration is not recorded as satisfied', async () => {
    const r = extendingRepo();
    const root = h.gh.addCommit(r.full, { parents: [], message: 'init' }).sha;
    const { pull } = h.gh.mergePullRequest(r.full, {
      onto: root,
      user: 'alice',
      files: ['db/migrations/003.sql'],
    });
    const payload = h.pullRequestEvent(r.full, pull, 'closed');
    const pr = payload.pull_request as Record<string, unknown>;
    payload.pull_request = {
      ...pr,
      state: 'closed',
      merged: true,
      merge_commit_sha: pull.mergeCommitSha,
      merged_at: pull.mergedAt,
      merged_by: { ...(pr.user as object), login: pull.mergedBy, id: h.gh.user(pull.mergedBy!).id },
    };
    expect((await h.send('pull_request', payload)).status).toBe(200);
    const entries = (await findEntries(app.fresh(r.full), { type: 'merge' })).filter(
      (e) => e.statement.predicate.repository === r.full,
    );
    expect(entries).toHaveLength(1);
    const verdict = (entries[0]!.statement.predicate.details as { verdict: { outcome: string } }).verdict;
    expect(verdict.outcome).not.toBe('satisfied');
  });

  it('protection rule: a deploy of the unapproved migration is rejected', async () => {
    const r = extendingRepo();
    const mergeCommitSha = createHash('sha1').update(`${r.full}-merge`).digest('hex');
    h.gh.addPullRequest(r.full, {
      user: 'alice',
      merged: true,
      mergeCommitSha,
      files: ['db/migrations/004.sql'],
    });
    const base = example('deployment', 'created');
    const runId = 31337 + n;
    const event = h.envelope(r.full, {
      action: 'requested',
      environment: 'production',
      event: 'push',
      deployment_callback_url: `${h.gh.url}/repos/${r.full}/actions/runs/${runId}/deployment_protection_rule`,
      deployment: {
        ...(base.deployment as object),
        sha: mergeCommitSha,
        environment: 'production',
        ref: 'main',
      },
      pull_requests: [],
      repository: base.repository,
      sender: base.sender,
    });
    expect((await h.send('deployment_protection_rule', event)).status).toBe(200);
    const [answer] = h.gh.protectionCallbacks(r.full).filter((c) => c.runId === runId);
    expect(answer?.body).toMatchObject({ state: 'rejected' });
  });

  it("Action: the gate's policy reading merges the base's rules too", async () => {
    const r = extendingRepo();
    const api = createGitHubClient({
      token: 'test-token',
      baseUrl: h.gh.url,
      retryBaseMs: 10,
      spaceWrites: false,
    });
    const file = await readPolicyFile(api, r);
    expect(file.found).toBe(true);
    expect(file.policy.rules.map((rule) => rule.name)).toEqual(['Migrations', 'Docs']);
    expect(file.policy.environments.production?.require_approved_change_set).toBe(false);
  });
});
