import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../support/fake-github.ts';
import {
  branchExists,
  ledgerEntries,
  ledgerText,
  runAction,
  secretLines,
  TOKEN,
  visibleLog,
  type ActionRun,
} from './harness.ts';
import { useActionTestbed } from './testbed.ts';

const REPO = 'acme/web';
const REVIEWS = '/repos/{owner}/{repo}/pulls/{pull_number}/reviews';
const tb = useActionTestbed(REPO);
let n = 0;

function commitSha(): string {
  return createHash('sha1').update(`merge-${++n}-${Math.random()}`).digest('hex');
}

function mergedPr(extra: Partial<Parameters<FakeGitHub['addPullRequest']>[1]> = {}) {
  const commit = commitSha();
  const pr = tb.gh.addPullRequest(REPO, {
    user: 'alice',
    merged: true,
    mergedBy: 'mona',
    title: 'Add payment retries',
    mergeCommitSha: commit,
    ...extra,
  });
  return { pr, commit };
}

function record(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<ActionRun> {
  return runAction(tb.bundle, tb.wb, tb.gh, {
    inputs: { command: 'record', 'signing-key': tb.wb.privatePem, ...inputs },
    env,
  });
}

/** The key and the token must not be visible anywhere a person or the ledger could see them. */
async function expectNoSecrets(run: ActionRun): Promise<void> {
  const places = {
    log: visibleLog(run),
    outputs: run.outputsRaw,
    summary: run.summary,
    ledger: await ledgerText(tb.wb),
  };
  for (const [where, text] of Object.entries(places)) {
    for (const secret of [TOKEN, ...secretLines(tb.wb.privatePem)]) {
      expect(text.includes(secret), `secret found in ${where}`).toBe(false);
    }
  }
}

describe('record', () => {
  it('records a deploy of a merged PR with fresh approvals', async () => {
    const { pr, commit } = mergedPr();
    const bob = tb.gh.addUser(`bob-${n}`, { id: 50_000 + n });
    tb.gh.addReview(REPO, pr.number, { user: bob.login, state: 'APPROVED' });
    tb.gh.addReview(REPO, pr.number, { user: 'carol', state: 'APPROVED' });

    const run = await record({
      type: 'deploy',
      commit,
      environment: 'production',
      version: 'v1.4.2',
      url: 'https://shop.example.com',
      status: 'success',
      artifacts: `web-image@sha256:${'ab'.repeat(32)}`,
    });

    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs.seq).toBe('0');
    expect(run.outputs['approval-status']).toBe('approved');
    expect(run.outputs['entry-hash']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(run.outputs.checkpoint).toContain('github.com/acme/web/shiplog');
    expect(JSON.parse(run.outputs.approvers!).map((a: { login: string }) => a.login)).toEqual([
      bob.login,
      'carol',
    ]);

    const [entry] = await ledgerEntries(tb.wb, { commit });
    const p = entry!.statement.predicate;
    expect(entry!.hash).toBe(run.outputs['entry-hash']);
    expect(p).toMatchObject({
      seq: 0,
      type: 'deploy',
      repository: REPO,
      commit,
      environment: 'production',
      branch: 'main',
      actor: { login: 'mona', id: 9001, triggering_actor: 'mona' },
      run: {
        workflow: 'Deploy',
        job: 'deploy',
        id: 123456789,
        number: 42,
        attempt: 1,
        url: 'https://github.com/acme/web/actions/runs/123456789/attempts/1',
        event: 'push',
        ref: 'refs/heads/main',
        server_url: 'https://github.com',
      },
      details: {
        version: 'v1.4.2',
        url: 'https://shop.example.com',
        status: 'success',
        artifacts: [{ name: 'web-image', digest: `sha256:${'ab'.repeat(32)}` }],
      },
    });
    expect(p.idempotency_key).toBe(
      `github-actions:acme/web:run/123456789/attempt/1/job/deploy/deploy/${commit}/production`,
    );
    const approval = p.approval as unknown as Record<string, unknown> & {
      approvers: Record<string, unknown>[];
    };
    expect(approval.status).toBe('approved');
    expect(approval.pull_request).toMatchObject({
      number: pr.number,
      url: `https://github.com/${REPO}/pull/${pr.number}`,
      author: { login: 'alice' },
      merged_by: { login: 'mona' },
      head_sha: pr.headSha,
    });
    expect(approval.approvers[0]).toMatchObject({
      login: bob.login,
      id: bob.id,
      state: 'APPROVED',
      commit_id: pr.headSha,
      stale: false,
    });
    expect(approval.approvers[0]!.review_id).toBeTypeOf('number');
    expect(run.summary).toContain('recorded as seq 0');
    expect(run.summary).toContain('approved the final head');
    await expectNoSecrets(run);
  });

  it('marks an approval of an earlier head as stale: the change is unapproved', async () => {
    const { pr, commit } = mergedPr();
    tb.gh.addReview(REPO, pr.number, { user: 'bob', state: 'APPROVED' });
    tb.gh.pushToPull(REPO, pr.number);

    const run = await record({ type: 'deploy', commit, environment: 'production' });

    expect(run.code, run.stderr).toBe(0);
    expect(run.outputs['approval-status']).toBe('unapproved');
    const [entry] = await ledgerEntries(tb.wb, { commit });
    const approval = entry!.statement.predicate.approval as unknown as { approvers: { stale: boolean }[] };
    expect(approval.approvers).toEqual([expect.objectContaining({ login: 'bob', stale: true })]);
    expect(run.summary).toContain('stale');
  });

  it('counts a reviewer who requested changes and then approved', async () => {
    const { pr, commit } = mergedPr();
    tb.gh.addReview(REPO, pr.number, { user: 'bob', state: 'CHANGES_REQUESTED' });
    tb.gh.addReview(REPO, pr.number, { user: 'bob', state: 'APPROVED' });

    const run = await record({ type: 'deploy', commit, environment: 'production' });

    expect(run.code, run.stderr).toBe(0);
    expect(run.outputs['approval-status']).toBe('approved');
    const [entry] = await ledgerEntries(tb.wb, { commit });
    const approval = entry!.statement.predicate.approval as Record<string, unknown>;
    expect(approval.changes_requested).toEqual([]);
    expect(approval.reviews_considered).toBe(2);
  });

  it('records an outstanding change request, which blocks approval', async () => {
    const { pr, commit } = mergedPr();
    tb.gh.addReview(REPO, pr.number, { user: 'bob', state: 'APPROVED' });
    tb.gh.addReview(REPO, pr.number, { user: 'erin', state: 'CHANGES_REQUESTED' });

    const run = await record({ type: 'deploy', commit, environment: 'production' });

    expect(run.outputs['approval-status']).toBe('unapproved');
    const [entry] = await ledgerEntries(tb.wb, { commit });
    const approval = entry!.statement.predicate.approval as unknown as {
      changes_requested: { login: string }[];
    };
    expect(approval.changes_requested.map((r) => r.login)).toEqual(['erin']);
    expect(run.summary).toContain('requested changes');
  });

  it('does not count a reviewer who only commented, and a comment does not undo an approval', async () => {
    const { pr, commit } = mergedPr();
    tb.gh.addReview(REPO, pr.number, { user: 'dave', state: 'COMMENTED', body: 'looks fine?' });
    tb.gh.addReview(REPO, pr.number, { user: 'bob', state: 'APPROVED' });
    tb.gh.addReview(REPO, pr.number, { user: 'bob', state: 'COMMENTED' });

    const run = await record({ type: 'deploy', commit, environment: 'production' });

    expect(run.outputs['approval-status']).toBe('approved');
    expect(JSON.parse(run.outputs.approvers!).map((a: { login: string }) => a.login)).toEqual(['bob']);
    const [entry] = await ledgerEntries(tb.wb, { commit });
    expect(entry!.statement.predicate.approval).toMatchObject({ reviews_considered: 3 });
  });

  it('records a direct push as no-pull-request and says so', async () => {
    const commit = commitSha();
    tb.gh.ensureCommit(REPO, commit);

    const run = await record({ type: 'deploy', commit, environment: 'staging' });

    expect(run.code, run.stderr).toBe(0);
    expect(run.outputs['approval-status']).toBe('no-pull-request');
    expect(run.outputs.approvers).toBe('[]');
    const [entry] = await ledgerEntries(tb.wb, { commit });
    expect(entry!.statement.predicate.approval).toEqual({
      status: 'no-pull-request',
      approvers: [],
      changes_requested: [],
      not_counted: [],
      reviews_considered: 0,
      note: 'no pull request brought this commit in (direct push): nobody approved it through review',
      change_set: expect.stringMatching(
        /^no-pull-request: the commit did not come in through a merged pull request/,
      ),
      // the run had no environment reviews: collected, and empty
      environment_approvals: { status: 'collected', environment: 'staging', approvals: [], approved: false },
      // no policy file: no environment is managed, and the entry says so
      environment_policy: {
        managed: false,
        policy: `${REPO}:.github/shiplog.yml`,
        note: `"staging" is not managed by shiplog (no environments.staging section in ${REPO}:.github/shiplog.yml): no deployment gate judged this deploy`,
      },
    });
    expect(run.summary).toContain('No pull request brought this commit in');
  });

  it('reads all 150 reviews across pages', async () => {
    const { pr, commit } = mergedPr();
    for (let i = 0; i < 150; i++)
      tb.gh.addReview(REPO, pr.number, { user: `reviewer-${i}`, state: 'APPROVED' });

    const run = await record({ type: 'deploy', commit, environment: 'production' });

    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.outputs.approvers!)).toHaveLength(150);
    const [entry] = await ledgerEntries(tb.wb, { commit });
    expect(entry!.statement.predicate.approval).toMatchObject({ reviews_considered: 150 });
    expect(tb.gh.count('GET', REVIEWS)).toBe(2);
  });

  it('fails the step naming the call when the reviews API fails, and appends nothing', async () => {
    const { pr, commit } = mergedPr();
    tb.gh.addReview(REPO, pr.number, { user: 'bob', state: 'APPROVED' });
    tb.gh.fail({ route: REVIEWS, status: 500, times: Infinity });

    const run = await record({ type: 'deploy', commit, environment: 'production' });

    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`::error::GET /repos/${REPO}/pulls/${pr.number}/reviews failed: 500`);
    expect(run.summary).toContain('failed');
    expect(branchExists(tb.wb)).toBe(false);
    expect(run.outputs).toEqual({});
  });

  it('hashes the applied migration files', async () => {
    const { commit } = mergedPr();
    mkdirSync(join(tb.wb.workspace, 'db/migrations'), { recursive: true });
    const files = {
      'db/migrations/001_init.sql': 'create table t (id int);\n',
      'db/migrations/002_idx.sql': 'create index i on t(id);\n',
    };
    for (const [path, content] of Object.entries(files)) writeFileSync(join(tb.wb.workspace, path), content);
    writeFileSync(join(tb.wb.workspace, 'db/migrations/README.md'), 'not a migration');

    const run = await record({
      type: 'migration',
      commit,
      environment: 'production',
      migrations: 'db/migrations/*.sql',
      'migration-tool': 'flyway',
      database: 'orders',
    });

    expect(run.code, run.stdout + run.stderr).toBe(0);
    const [entry] = await ledgerEntries(tb.wb, { commit });
    expect(entry!.statement.predicate.details).toEqual({
      tool: 'flyway',
      database: 'orders',
      files: Object.entries(files).map(([path, content]) => ({
        path,
        sha256: createHash('sha256').update(content).digest('hex'),
      })),
    });
  });

  it('refuses a migration glob that escapes the workspace, before anything is recorded', async () => {
    const { commit } = mergedPr();
    const run = await record({ type: 'migration', commit, migrations: '../secrets/*.sql' });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('climbs out of the workspace');
    expect(branchExists(tb.wb)).toBe(false);
  });

  it('refuses a config override without a reason and records nothing', async () => {
    const { commit } = mergedPr();
    const run = await record({ type: 'config-override', commit, 'config-keys': 'FEATURE_X' });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('input "reason": is required for type config-override');
    expect(branchExists(tb.wb)).toBe(false);
    expect(tb.gh.requests).toEqual([]);
  });

  it('records a config override by key names and file digests; the secret value goes nowhere', async () => {
    const { commit } = mergedPr();
    const secret = 'hunter2-Sup3rS3cret-value';
    const content = `DB_PASSWORD=${secret}\nFEATURE_X=on\n`;
    mkdirSync(join(tb.wb.workspace, 'config'));
    writeFileSync(join(tb.wb.workspace, 'config/prod.env'), content);

    const run = await record({
      type: 'config-override',
      commit,
      environment: 'production',
      'config-keys': 'DB_PASSWORD\nFEATURE_X',
      'config-files': 'config/*.env',
      reason: 'Rotate the DB password after incident INC-42',
      expires: '4h',
    });

    expect(run.code, run.stdout + run.stderr).toBe(0);
    const [entry] = await ledgerEntries(tb.wb, { commit });
    const details = entry!.statement.predicate.details as Record<string, unknown>;
    expect(details).toMatchObject({
      keys: ['DB_PASSWORD', 'FEATURE_X'],
      files: [{ path: 'config/prod.env', sha256: createHash('sha256').update(content).digest('hex') }],
      reason: 'Rotate the DB password after incident INC-42',
    });
    const expires = Date.parse(details.expires as string) - Date.parse(entry!.statement.predicate.timestamp);
    expect(Math.abs(expires - 4 * 3600_000)).toBeLessThan(60_000);
    for (const text of [visibleLog(run), run.outputsRaw, run.summary, await ledgerText(tb.wb)]) {
      expect(text).not.toContain(secret);
    }
    await expectNoSecrets(run);
  });

  it('keeps a PR title with shell syntax inert: nothing runs and the summary escapes it', async () => {
    const marker = join(tb.wb.dir, 'pwned');
    const marker2 = join(tb.wb.dir, 'pwned2');
    const title = `$(touch ${marker}) \`touch ${marker2}\` <img src=x onerror=alert(1)> | x | [link](javascript:alert(1))`;
    const { pr, commit } = mergedPr({ title });
    tb.gh.addReview(REPO, pr.number, { user: 'bob', state: 'APPROVED' });

    const run = await record({ type: 'deploy', commit, environment: 'production' });

    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(marker2)).toBe(false);
    const [entry] = await ledgerEntries(tb.wb, { commit });
    // the ledger keeps the title exactly: it is evidence, and data is not code
    expect(
      (entry!.statement.predicate.approval as unknown as { pull_request: { title: string } }).pull_request
        .title,
    ).toBe(title);
    expect(run.summary).not.toContain('<img');
    // every backtick, bracket and parenthesis of the title is backslash-escaped
    expect(run.summary).not.toMatch(/(^|[^\\])`touch/);
    expect(run.summary).not.toMatch(/(^|[^\\])\]\(javascript/);
    expect(run.summary).toContain('\\$\\(touch');
    expect(run.summary).toContain('&lt;img');
    rmSync(marker, { force: true });
  });

  it('does not append twice for a re-run of the same run attempt, job and type', async () => {
    const { pr, commit } = mergedPr();
    tb.gh.addReview(REPO, pr.number, { user: 'bob', state: 'APPROVED' });
    const inputs = { type: 'deploy', commit, environment: 'production' };

    const first = await record(inputs);
    const again = await record(inputs);

    expect(again.code, again.stderr).toBe(0);
    expect(again.outputs.seq).toBe(first.outputs.seq);
    expect(again.outputs['entry-hash']).toBe(first.outputs['entry-hash']);
    expect(again.outputs.duplicate).toBe('true');
    expect(again.outputs['approval-status']).toBe('approved');
    expect(again.summary).toContain('already recorded');
    expect(await ledgerEntries(tb.wb)).toHaveLength(1);

    const nextAttempt = await record(inputs, { GITHUB_RUN_ATTEMPT: '2' });
    expect(nextAttempt.outputs.seq).toBe('1');
    const forced = await record({ ...inputs, 'allow-duplicate': 'true' });
    expect(forced.outputs.seq).toBe('2');
    expect(await ledgerEntries(tb.wb)).toHaveLength(3);
  });

  it('records a deploy of another commit to the same environment in the same run attempt', async () => {
    const a = mergedPr();
    const b = tb.gh.mergePullRequest(REPO, { onto: a.commit, user: 'alice', squash: true });
    tb.gh.addReview(REPO, b.pull.number, { user: 'bob', state: 'APPROVED' });
    const first = await record({ type: 'deploy', commit: a.commit, environment: 'production' });
    const second = await record({ type: 'deploy', commit: b.tip, environment: 'production' });
    expect(second.code, second.stderr).toBe(0);
    expect(second.outputs.duplicate).toBe('false');
    expect(Number(second.outputs.seq)).toBe(Number(first.outputs.seq) + 1);
    const entries = await ledgerEntries(tb.wb);
    expect(entries.map((e) => e.statement.predicate.commit).sort()).toEqual([a.commit, b.tip].sort());
  });

  it('fails clearly on a signing key that is not a key, without echoing it', async () => {
    const { commit } = mergedPr();
    const run = await record({
      type: 'deploy',
      commit,
      environment: 'production',
      'signing-key': 'not-a-key-but-a-secret-value',
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('input "signing-key" is not a PEM key');
    expect(visibleLog(run)).not.toContain('not-a-key-but-a-secret-value');
    expect(branchExists(tb.wb)).toBe(false);
  });
});
