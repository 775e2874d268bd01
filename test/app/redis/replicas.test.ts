/**
 * Three replicas of the bundled app (node dist/app.js) on one real Redis (Debian's redis-server on
 * a free loopback port, nothing saved), behind a round-robin webhook sender, against the fake
 * GitHub and a real bare ledger repository:
 * - deliveries with 20% sent twice, some copies to another replica at the same moment: each
 *   handler runs once per delivery id — one check run per evaluation, one ledger entry per merge;
 * - a replica SIGKILLed in the middle of a sweep and of a webhook: the sweep completes on the
 *   others, nothing is done twice, a redelivery of the killed webhook runs it;
 * - every replica restarted after the ledger was force-pushed while they were down: the first
 *   sweep opens the alarm (the tip seen before is in Redis);
 * - Redis down: webhooks still evaluated (checks posted; dedupe degraded, and logged), /readyz
 *   red; Redis back: /readyz green and sweeps run again.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEntry } from '../../../src/ledger/append.ts';
import { sampleEntry } from '../../support/ledger-fixture.ts';
import { startRedis, type TestRedis } from '../../support/redis-server.ts';
import { shardBranch } from '../../../src/ledger/shards.ts';
import { useLedgerApp } from '../harness.ts';
import {
  appBundle,
  eventually,
  RoundRobin,
  startReplica,
  stopReplica,
  triggerSweep,
  type Replica,
} from './replicas.ts';

const POLICY = [
  'rules:',
  '  - name: Migrations',
  '    paths: ["db/migrations/**"]',
  '    approvals: 1',
  '',
].join('\n');
type Json = Record<string, unknown>;
// 6 events per repository; each evaluation costs ~0.7 s of the fake GitHub's time on a busy machine
const REPOS = Number(process.env.REPLICA_TEST_REPOS ?? 5);

// the in-process app of the harness stays idle: only the replicas get deliveries
const app = useLedgerApp({
  SHIPLOG_SWEEP_INTERVAL: 'off',
  SHIPLOG_FULL_SWEEP_INTERVAL: 'off',
  SHIPLOG_RECONCILE_INTERVAL: 'off',
});
const h = app.h;
let redis: TestRedis;
let replicas: Replica[] = [];

function replicaEnv(): Record<string, string> {
  return {
    REDIS_URL: redis.url,
    SHIPLOG_LEDGER_REMOTE: app.ledger.remote,
    SHIPLOG_SIGNING_KEY: readFileSync(app.ledger.keyFile, 'utf8'),
    SHIPLOG_CACHE_DIR: `${app.ledger.dir}/replicas`,
    // sweeps are started by the tests, as the scheduler would
    SHIPLOG_SWEEP_INTERVAL: 'off',
    SHIPLOG_FULL_SWEEP_INTERVAL: 'off',
    SHIPLOG_RECONCILE_INTERVAL: 'off',
    SHIPLOG_LOCK_TTL: '2s',
  };
}

async function startAll(n = 3): Promise<RoundRobin> {
  replicas = await Promise.all(
    Array.from({ length: n }, (_, i) => startReplica(h.gh, `r${i + 1}`, replicaEnv())),
  );
  return new RoundRobin(replicas);
}

async function stopAll(): Promise<void> {
  await Promise.all(replicas.map((r) => stopReplica(r)));
  replicas = [];
}

beforeAll(async () => {
  redis = await startRedis();
  await appBundle();
}, 120_000);

afterAll(async () => {
  await Promise.all(replicas.map((r) => stopReplica(r, 'SIGKILL')));
  await redis?.close();
});

function closedEvent(full: string, pull: ReturnType<typeof h.gh.mergePullRequest>['pull']): Json {
  const payload = h.pullRequestEvent(full, pull, 'closed');
  const pr = payload.pull_request as Json;
  payload.pull_request = {
    ...pr,
    state: 'closed',
    merged: true,
    merge_commit_sha: pull.mergeCommitSha,
    merged_at: pull.mergedAt,
    merged_by: { ...(pr.user as Json), login: pull.mergedBy, id: h.gh.user(pull.mergedBy!).id, type: 'User' },
  };
  return payload;
}

/** Probot answers 200 once the handlers ran, or 202 when they take longer than 9 s (they go on). */
const accepted = (status: number) => status === 200 || status === 202;

async function mergeEntries(): Promise<number> {
  return (await app.entries({ type: 'merge' })).length;
}

// several app processes on a busy machine: slower than a unit test, bounded all the same
describe('three replicas on one Redis', { timeout: 150_000 }, () => {
  it('runs each handler once per delivery: 30 events, 20% sent twice, some to two replicas at once', async () => {
    const rr = await startAll();
    const events: { event: string; payload: Json; id: string }[] = [];
    const heads: { full: string; sha: string }[] = [];
    for (let r = 0; r < REPOS; r++) {
      const repo = h.repo(POLICY, 'fleet');
      h.gh.setPermission(repo.full, 'bob', 'write');
      for (let p = 0; p < 5; p++) {
        const pr = h.gh.addPullRequest(repo.full, { user: 'alice', files: [`db/migrations/${p}.sql`] });
        heads.push({ full: repo.full, sha: pr.headSha });
        events.push({
          event: 'pull_request',
          payload: h.pullRequestEvent(repo.full, pr, 'opened'),
          id: randomUUID(),
        });
      }
      const root = h.gh.addCommit(repo.full, { parents: [], message: 'init' }).sha;
      const { pull } = h.gh.mergePullRequest(repo.full, { onto: root, user: 'alice', files: ['README.md'] });
      events.push({ event: 'pull_request', payload: closedEvent(repo.full, pull), id: randomUUID() });
    }
    const entriesBefore = await mergeEntries();

    // every fifth event twice: odd ones to another replica at the same moment, even ones later
    const sends: Promise<{ status: number }>[] = [];
    const later: (() => Promise<{ status: number }>)[] = [];
    for (const [i, e] of events.entries()) {
      const first = rr.send(e.event, e.payload, { deliveryId: e.id, to: i % 3 });
      if (i % 5 === 0 && i % 2 === 1)
        sends.push(rr.send(e.event, e.payload, { deliveryId: e.id, to: (i + 1) % 3 }));
      else if (i % 5 === 0)
        later.push(() => rr.send(e.event, e.payload, { deliveryId: e.id, to: (i + 2) % 3 }));
      sends.push(first);
      if (sends.length >= 6)
        (await Promise.all(sends.splice(0))).forEach((d) => expect(accepted(d.status)).toBe(true));
    }
    (await Promise.all(sends)).forEach((d) => expect(accepted(d.status)).toBe(true));
    for (const send of later) expect(accepted((await send()).status)).toBe(true);

    // a handler still running after 9 s is answered 202 and finishes after the answer
    await eventually(
      async () =>
        heads.every(({ full, sha }) => h.runsOn(full, sha).length > 0) &&
        (await mergeEntries()) - entriesBefore >= REPOS,
      60_000,
      'every event handled',
    );
    for (const { full, sha } of heads) expect(h.runsOn(full, sha)).toHaveLength(1);
    expect((await mergeEntries()) - entriesBefore).toBe(REPOS);
    // the copies were answered from the shared log: every claim in Redis is settled
    const keys = redis.client();
    const claims = await keys.keys('shiplog:delivery:*');
    expect(claims.length).toBeGreaterThan(0);
    expect(new Set(await keys.mget(claims))).toEqual(new Set(['done']));
    await stopAll();
  });

  it('finishes a sweep on the other replicas when one is killed in the middle of it, doing nothing twice', async () => {
    const rr = await startAll();
    const stale: { full: string; sha: string }[] = [];
    for (let r = 0; r < 9; r++) {
      const repo = h.repo(POLICY, 'swept');
      const pr = h.gh.addPullRequest(repo.full, { user: 'alice', files: ['db/migrations/1.sql'] });
      stale.push({ full: repo.full, sha: pr.headSha });
    }
    // each repository's check lookup is slow, so jobs are in flight when the replica dies
    h.gh.fail({
      method: 'GET',
      route: /\/commits\/[0-9a-f]{40}\/check-runs$/,
      delayMs: 1200,
      times: Infinity,
    });
    const looked = () =>
      h.gh.requests.filter((q) => /\/check-runs$/.test(q.path) && q.method === 'GET').length;
    const before = looked();
    await triggerSweep(redis.url, 'full-pass');
    await eventually(() => looked() - before >= 3, 20_000, 'repository jobs in flight');
    await stopReplica(rr.replicas[0]!, 'SIGKILL');

    await eventually(
      () => stale.every(({ full, sha }) => h.runsOn(full, sha).length > 0),
      30_000,
      'every stale PR checked',
    );
    for (const { full, sha } of stale) expect(h.runsOn(full, sha)).toHaveLength(1);
    h.gh.clearFaults();
    await stopAll();
  });

  it('runs a webhook killed in the middle on its redelivery to another replica, once', async () => {
    const rr = await startAll();
    const repo = h.repo(POLICY, 'killed');
    const pr = h.gh.addPullRequest(repo.full, { user: 'alice', files: ['db/migrations/1.sql'] });
    h.gh.fail({ method: 'GET', route: new RegExp(`/repos/${repo.full}/pulls/\\d+/files$`), delayMs: 3000 });
    const payload = h.pullRequestEvent(repo.full, pr, 'opened');
    const id = randomUUID();
    const first = rr.send('pull_request', payload, { deliveryId: id, to: 0 }).catch((e: unknown) => e);
    await eventually(
      () =>
        h.gh.requests.some(
          (q) => q.path.startsWith(`/repos/${repo.full}/pulls/`) && q.path.endsWith('/files'),
        ),
      20_000,
      'the webhook in flight',
    );
    await stopReplica(rr.replicas[0]!, 'SIGKILL');
    expect(await first).toBeInstanceOf(Error);
    expect(h.runsOn(repo.full, pr.headSha)).toHaveLength(0);

    // GitHub's redelivery (same delivery id) lands on another replica; the dead one's claim lapses
    expect((await rr.send('pull_request', payload, { deliveryId: id, to: 1 })).status).toBe(200);
    expect(h.runsOn(repo.full, pr.headSha)).toHaveLength(1);
    expect((await rr.send('pull_request', payload, { deliveryId: id, to: 2 })).status).toBe(200);
    expect(h.runsOn(repo.full, pr.headSha)).toHaveLength(1);
    await stopAll();
  });

  it('opens the alarm on the first sweep after a restart when the ledger was force-pushed while all were down', async () => {
    await startAll();
    const repo = h.repo(POLICY, 'rewritten');
    const ref = `refs/heads/${shardBranch(repo.full)}`;
    for (const i of [0, 1])
      await appendEntry({
        location: { ...app.ledger.location, branch: shardBranch(repo.full) },
        key: app.ledger.key,
        entry: sampleEntry(i, { repository: repo.full, timestamp: new Date().toISOString() }),
      });
    const keys = redis.client();
    // the full pass learns which ledgers exist, the frequent sweep reads their tips
    await triggerSweep(redis.url, 'full-pass');
    const branch = shardBranch(repo.full);
    const known = async () => (await keys.smembers('shiplog:ledgers')).some((m) => m.includes(`"${branch}"`));
    await eventually(known, 30_000, 'its ledger known');
    await triggerSweep(redis.url, 'sweep');
    await eventually(
      async () => (await keys.keys(`shiplog:tip:*${branch}*`)).length > 0,
      30_000,
      'its tip seen',
    );
    await stopAll();

    const git = (...args: string[]) =>
      execFileSync('git', ['--git-dir', app.ledger.remote, ...args], { encoding: 'utf8' }).trim();
    const tip = git('rev-parse', ref);
    git('update-ref', ref, `${tip}~1`);

    await startAll();
    const alarms = () =>
      h.gh
        .repoNames()
        .flatMap((full) => h.gh.issues(full))
        .filter((i) => i.labels.includes('shiplog-alarm'));
    expect(alarms()).toHaveLength(0);
    await triggerSweep(redis.url, 'sweep');
    await eventually(() => alarms().length > 0, 30_000, 'the alarm');
    expect(alarms()).toHaveLength(1);
    expect(alarms()[0]!.title).toContain('was force-pushed');
    expect(alarms()[0]!.body).toContain(tip);
    git('update-ref', ref, tip);
    await stopAll();
  });

  it('evaluates webhooks with Redis down (dedupe degraded, /readyz red) and sweeps again once it is back', async () => {
    const rr = await startAll(2);
    const ready = async (r: Replica) => (await fetch(`${r.url}/readyz`)).status;
    expect(await ready(rr.replicas[0]!)).toBe(200);
    await redis.stop();

    const repo = h.repo(POLICY, 'outage');
    const pr = h.gh.addPullRequest(repo.full, { user: 'alice', files: ['db/migrations/1.sql'] });
    expect((await rr.send('pull_request', h.pullRequestEvent(repo.full, pr, 'opened'))).status).toBe(200);
    expect(h.runsOn(repo.full, pr.headSha)).toHaveLength(1);
    expect(await ready(rr.replicas[0]!)).toBe(503);
    expect(rr.replicas.flatMap((r) => r.log).some((l) => l.includes('dedupe degraded'))).toBe(true);

    await redis.start();
    await eventually(async () => (await ready(rr.replicas[0]!)) === 200, 20_000, '/readyz green');
    const lost = h.gh.addPullRequest(repo.full, { user: 'alice', files: ['db/migrations/2.sql'] });
    await triggerSweep(redis.url, 'full-pass');
    await eventually(
      () => h.runsOn(repo.full, lost.headSha).length > 0,
      30_000,
      'the sweep after the outage',
    );
    expect(h.runsOn(repo.full, lost.headSha)).toHaveLength(1);
    await stopAll();
  });
});
