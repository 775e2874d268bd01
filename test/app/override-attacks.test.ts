/**
 * Issue 17, "Break-glass overrides": an override is bound to one pull request, its base and the
 * head the comment was written on, and who may override is checked like who may approve. Each
 * attack runs through the real app server (signed webhooks, fake GitHub, a real ledger).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { startAppServer } from '../../src/app/server.ts';
import { appEnv, deliver, example, useLedgerApp } from './harness.ts';

const POLICY = 'rules:\n  - name: Migrations\n    paths: ["db/migrations/"]\n    approvals: 1\n';

const app = useLedgerApp();
const h = app.h;

beforeAll(async () => {
  const r = h.repo(undefined, 'warm');
  const pr = h.gh.addPullRequest(r.full, { user: 'alice', files: ['a.txt'] });
  await h.send('pull_request', h.pullRequestEvent(r.full, pr, 'opened'));
  for (let i = 0; i < 300 && h.runsOn(r.full, pr.headSha).length === 0; i++) await sleep(100);
}, 60_000);

async function overridesOf(commit?: string) {
  const all = await app.entries({ type: 'override' });
  return commit ? all.filter((e) => e.statement.predicate.commit === commit) : all;
}

let commentIds = 990000;
function commentEvent(full: string, number: number, login: string, body: string, createdAt = new Date()) {
  const payload = example('issue_comment', 'created');
  const issue = payload.issue as Record<string, unknown>;
  payload.issue = {
    ...issue,
    number,
    pull_request: {
      url: `${h.gh.url}/repos/${full}/pulls/${number}`,
      html_url: `https://github.com/${full}/pull/${number}`,
    },
  };
  const comment = payload.comment as Record<string, unknown>;
  payload.comment = {
    ...comment,
    id: ++commentIds,
    body,
    created_at: createdAt.toISOString(),
    user: { ...(comment.user as Record<string, unknown>), login, id: h.gh.user(login).id, type: 'User' },
  };
  return h.envelope(full, payload);
}

async function failingPr(policy = POLICY) {
  const r = h.repo(policy, 'glass');
  h.gh.setPermission(r.full, 'mona', 'admin');
  h.gh.setPermission(r.full, 'alice', 'write');
  const pr = h.gh.addPullRequest(r.full, { user: 'alice', files: ['db/migrations/001.sql'] });
  await h.send('pull_request', h.pullRequestEvent(r.full, pr, 'opened'));
  expect(h.lastRun(r.full, pr.headSha).conclusion).toBe('failure');
  return { ...r, pr };
}

const lastReply = (full: string, number: number) => h.gh.comments(full, number).at(-1)?.body ?? '';

describe('an override is bound to one pull request, its base and its head', () => {
  it('another PR with the same head gets no override: the shared check still fails, naming it', async () => {
    const { full, pr } = await failingPr();
    const twin = h.gh.addPullRequest(full, {
      user: 'alice',
      headSha: pr.headSha,
      baseRef: 'release',
      files: ['db/migrations/001.sql'],
    });
    await h.send('issue_comment', commentEvent(full, pr.number, 'mona', '/shiplog override INC-1: hotfix'));
    expect(await overridesOf(pr.headSha)).toHaveLength(1);
    const run = h.lastRun(full, pr.headSha);
    expect(run.conclusion).toBe('failure');
    expect(run.title).toBe(`pull request #${twin.number} into release fails: 0 of 1 rule satisfied`);
    expect(run.summary).toContain(`✅ pull request #${pr.number} into main: overridden by mona`);
  });

  it('a comment written before a push does not override the new head, and appends nothing', async () => {
    const { full, pr } = await failingPr();
    const written = new Date(Date.now() - 5000);
    const head = h.gh.pushToPull(full, pr.number);
    await h.send('pull_request', h.pullRequestEvent(full, pr, 'synchronize'));
    // the comment, written on the old head, arrives only now (a delayed or redelivered webhook)
    await h.send('issue_comment', commentEvent(full, pr.number, 'mona', '/shiplog override INC-2', written));
    expect(lastReply(full, pr.number)).toContain('after the comment was written');
    expect(h.lastRun(full, head).conclusion).toBe('failure');
    expect(await overridesOf(head)).toHaveLength(0);
  });

  it('the same PR retargeted at another base after the override is no longer overridden', async () => {
    const { full, pr } = await failingPr();
    await h.send('issue_comment', commentEvent(full, pr.number, 'mona', '/shiplog override INC-5: hotfix'));
    expect(h.lastRun(full, pr.headSha).conclusion).toBe('success');
    // the overridden head, now aimed at another branch: a diff nobody set the gate aside for
    h.gh.changeBase(full, pr.number, 'release');
    await h.send(
      'pull_request',
      h.pullRequestEvent(full, pr, 'edited', {
        changes: { base: { ref: { from: 'main' }, sha: { from: pr.baseSha } } },
      }),
    );
    expect(h.lastRun(full, pr.headSha).conclusion).toBe('failure');
    expect(await overridesOf(pr.headSha)).toHaveLength(1);
  });

  it('a force-push after the comment voids it', async () => {
    const { full, pr } = await failingPr();
    const written = new Date(Date.now() - 5000);
    h.gh.forcePushToPull(full, pr.number, {
      headSha: pr.headSha.replace(/^./, 'f'),
      at: new Date().toISOString(),
    });
    await h.send('issue_comment', commentEvent(full, pr.number, 'mona', '/shiplog override INC-3', written));
    expect(lastReply(full, pr.number)).toContain('force-pushed');
    expect(await overridesOf(pr.headSha)).toHaveLength(0);
  });

  it('a replay of the same comment after a push grants nothing and appends no second entry', async () => {
    const { full, pr } = await failingPr();
    const comment = commentEvent(full, pr.number, 'mona', '/shiplog override INC-4: hotfix');
    await h.send('issue_comment', comment);
    expect(await overridesOf()).toEqual(expect.arrayContaining([expect.anything()]));
    const before = (await overridesOf()).length;
    const head = h.gh.pushToPull(full, pr.number);
    await h.send('pull_request', h.pullRequestEvent(full, pr, 'synchronize'));
    await h.send('issue_comment', comment);
    expect(h.lastRun(full, head).conclusion).toBe('failure');
    expect(await overridesOf()).toHaveLength(before);
  });

  it('a replay of the same comment to a restarted app (no memory of deliveries) grants nothing again', async () => {
    const { full, pr } = await failingPr();
    const comment = commentEvent(full, pr.number, 'mona', '/shiplog override INC-5: hotfix');
    await h.send('issue_comment', comment, { deliveryId: 'delivery-inc-5' });
    expect(await overridesOf(pr.headSha)).toHaveLength(1);
    const runs = h.runsOn(full, pr.headSha).length;
    const replies = h.gh.comments(full, pr.number).length;

    const restarted = await startAppServer(
      appEnv(h.gh, {
        SHIPLOG_LEDGER_REMOTE: app.ledger.remote,
        SHIPLOG_SIGNING_KEY: readFileSync(app.ledger.keyFile, 'utf8'),
        SHIPLOG_CACHE_DIR: join(app.ledger.dir, 'restarted-cache'),
      }),
    );
    try {
      const res = await deliver(restarted.webhookUrl, 'issue_comment', comment, {
        deliveryId: 'delivery-inc-5',
      });
      expect(res.status).toBe(200);
    } finally {
      await restarted.close();
    }
    expect(await overridesOf(pr.headSha)).toHaveLength(1);
    expect(h.runsOn(full, pr.headSha)).toHaveLength(runs);
    expect(h.gh.comments(full, pr.number)).toHaveLength(replies);
  });
});

describe('who may override is checked like who may approve', () => {
  it('a user listed in settings.override without write access is refused', async () => {
    const { full, pr } = await failingPr(`${POLICY}settings:\n  override:\n    users: [olga]\n`);
    h.gh.setPermission(full, 'olga', 'read');
    await h.send('issue_comment', commentEvent(full, pr.number, 'olga', '/shiplog override INC-6'));
    expect(lastReply(full, pr.number)).toContain('has read access, not write');
    expect(h.lastRun(full, pr.headSha).conclusion).toBe('failure');
    expect(await overridesOf(pr.headSha)).toHaveLength(0);
  });

  it("the PR's author may not override their own PR, even as an admin, unless allow_author", async () => {
    const { full, pr } = await failingPr();
    h.gh.setPermission(full, 'alice', 'admin');
    await h.send('issue_comment', commentEvent(full, pr.number, 'alice', '/shiplog override INC-7'));
    expect(lastReply(full, pr.number)).toContain('author may not override their own pull request');
    expect(await overridesOf(pr.headSha)).toHaveLength(0);

    const lenient = await failingPr(`${POLICY}settings:\n  override:\n    allow_author: true\n`);
    h.gh.setPermission(lenient.full, 'alice', 'admin');
    await h.send(
      'issue_comment',
      commentEvent(lenient.full, lenient.pr.number, 'alice', '/shiplog override INC-8'),
    );
    expect(h.lastRun(lenient.full, lenient.pr.headSha).conclusion).toBe('success');
    // the review requirement stands: the author cannot sign off their own break-glass
    await h.send(
      'issue_comment',
      commentEvent(lenient.full, lenient.pr.number, 'alice', '/shiplog review-override fine'),
    );
    expect(lastReply(lenient.full, lenient.pr.number)).toContain('cannot review this override');
  });
});
