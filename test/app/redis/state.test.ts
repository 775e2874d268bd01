/**
 * The shared state's pieces against a real Redis (two clients standing for two replicas): delivery
 * claims, the verified checkpoint kept per ledger, and the sweep's conditional requests and rate
 * floor against the fake GitHub.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { isShiplogError } from '../../../src/errors.ts';
import { createGitHubClient } from '../../../src/github/client.ts';
import { conditionalRequests, isCacheHit, type SweepBudget } from '../../../src/app/state/conditional.ts';
import { RedisDebouncer } from '../../../src/app/state/debounce.ts';
import { RedisDeliveryStore } from '../../../src/app/state/dedupe.ts';
import { MemoryKeyValue } from '../../../src/app/state/kv.ts';
import { RedisVerifiedCheckpoints } from '../../../src/app/state/verified-checkpoints.ts';
import { stateOptions } from '../../../src/app/state/redis.ts';
import { startFakeGitHub, type FakeGitHub } from '../../support/fake-github.ts';
import { startRedis, type TestRedis } from '../../support/redis-server.ts';

let redis: TestRedis;
let gh: FakeGitHub;
const clients: Redis[] = [];
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

/** A replica's state client, once connected (as the app waits for it before it listens). */
async function replicaClient(): Promise<Redis> {
  const c = new Redis(redis.url, stateOptions());
  c.on('error', () => {});
  clients.push(c);
  if (c.status !== 'ready') await new Promise((resolve) => c.once('ready', resolve));
  return c;
}

beforeAll(async () => {
  redis = await startRedis();
  gh = await startFakeGitHub();
});
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await redis?.close();
  await gh?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('delivery claims shared by replicas', () => {
  it('runs a handler once when two replicas get the same delivery at the same moment', async () => {
    const a = new RedisDeliveryStore(await replicaClient(), quiet, 2000);
    const b = new RedisDeliveryStore(await replicaClient(), quiet, 2000);
    let runs = 0;
    const handler = async () => {
      runs++;
      await sleep(200);
    };
    const outcomes = await Promise.all([a.once('d1#0', handler), b.once('d1#0', handler)]);
    expect(runs).toBe(1);
    expect(outcomes.sort()).toEqual(['duplicate', 'ran']);
    expect(await b.once('d1#0', handler)).toBe('duplicate');
  });

  it('lets a handler that threw run again on the redelivery, on any replica', async () => {
    const a = new RedisDeliveryStore(await replicaClient(), quiet, 2000);
    const b = new RedisDeliveryStore(await replicaClient(), quiet, 2000);
    await expect(a.once('d2#0', () => Promise.reject(new Error('GitHub said 502')))).rejects.toThrow('502');
    let ran = false;
    expect(await b.once('d2#0', () => Promise.resolve(void (ran = true)))).toBe('ran');
    expect(ran).toBe(true);
  });

  it("takes over a dead replica's claim once its lease lapses, and not before", async () => {
    const c = await replicaClient();
    await c.set('shiplog:delivery:d3#0', 'running:dead-replica', 'PX', 600);
    const b = new RedisDeliveryStore(c, quiet, 2000);
    const started = Date.now();
    expect(await b.once('d3#0', () => Promise.resolve())).toBe('ran');
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
  });
});

describe('per-PR debounce across replicas', () => {
  it('lets only the last event of a burst for one PR and head evaluate, whichever replica has it', async () => {
    const a = new RedisDebouncer(await replicaClient(), 400);
    const b = new RedisDebouncer(await replicaClient(), 400);
    const key = 'acme/web#7@' + 'a'.repeat(40);
    const review = a.last(key);
    await sleep(100);
    const label = b.last(key);
    await sleep(100);
    const rerequest = a.last(key);
    // a push: a new head, its own burst
    const push = b.last('acme/web#7@' + 'b'.repeat(40));
    expect(await Promise.all([review, label, rerequest, push])).toEqual([false, false, true, true]);
  });
});

describe('the verified checkpoint per ledger', () => {
  const checkpoint = (size: number) =>
    `example.com/acme/web/shiplog\n${size}\n${Buffer.alloc(32, size).toString('base64')}\n\n— shiplog ${Buffer.alloc(68, 1).toString('base64')}\n`;

  it('keeps the larger of two replicas’ checkpoints, durably', async () => {
    const a = new RedisVerifiedCheckpoints(await replicaClient());
    const b = new RedisVerifiedCheckpoints(await replicaClient());
    await a.set('remote#shiplog', { checkpoint: checkpoint(5), commit: 'a'.repeat(40) });
    await b.set('remote#shiplog', { checkpoint: checkpoint(3), commit: 'b'.repeat(40) });
    // a replica started later reads what the others kept
    const later = new RedisVerifiedCheckpoints(await replicaClient());
    expect(await later.get('remote#shiplog')).toEqual({ checkpoint: checkpoint(5), commit: 'a'.repeat(40) });
    await later.set('remote#shiplog', { checkpoint: checkpoint(9), commit: 'c'.repeat(40) });
    expect((await a.get('remote#shiplog'))?.commit).toBe('c'.repeat(40));
    expect(await a.get('other#shiplog')).toBeUndefined();
  });
});

describe("the sweep's requests", () => {
  it('asks conditionally: an unchanged answer is a 304 served from the cache', async () => {
    gh.addRepo('acme/cond');
    const api = createGitHubClient({ token: 't', baseUrl: gh.url, spaceWrites: false });
    const budget: SweepBudget = { requests: 0, notModified: 0 };
    conditionalRequests(api, { scope: '1', cache: new MemoryKeyValue(), floor: 0, budget });
    const first = await api.request('GET /repos/{owner}/{repo}/pulls', { owner: 'acme', repo: 'cond' });
    const second = await api.request('GET /repos/{owner}/{repo}/pulls', { owner: 'acme', repo: 'cond' });
    expect(isCacheHit(first)).toBe(false);
    expect(isCacheHit(second)).toBe(true);
    expect(second.data).toEqual(first.data);
    expect(gh.requests.filter((q) => q.path === '/repos/acme/cond/pulls').map((q) => q.status)).toEqual([
      200, 304,
    ]);
    expect(budget).toMatchObject({ requests: 2, notModified: 1 });
    gh.addPullRequest('acme/cond', { user: 'alice', files: ['a'] });
    const third = await api.request('GET /repos/{owner}/{repo}/pulls', { owner: 'acme', repo: 'cond' });
    expect(isCacheHit(third)).toBe(false);
    expect(third.data).toHaveLength(1);
  });

  it('stops under the rate floor until the reset', async () => {
    gh.addRepo('acme/floor');
    const api = createGitHubClient({ token: 't', baseUrl: gh.url, spaceWrites: false });
    const budget: SweepBudget = { requests: 0, notModified: 0 };
    conditionalRequests(api, { scope: '2', cache: new MemoryKeyValue(), floor: 100, budget });
    const reset = Math.ceil(Date.now() / 1000) + 600;
    gh.fail({
      method: 'GET',
      route: '/repos/acme/floor/pulls',
      status: 200,
      body: [],
      headers: { 'x-ratelimit-remaining': '99', 'x-ratelimit-reset': String(reset) },
    });
    await api.request('GET /repos/{owner}/{repo}/pulls', { owner: 'acme', repo: 'floor' });
    expect(budget.pausedUntil).toBe(reset);
    const error = await api
      .request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'floor' })
      .catch((e: unknown) => e);
    expect(isShiplogError(error, 'RATE_FLOOR')).toBe(true);
    expect(gh.requests.filter((q) => q.path === '/repos/acme/floor')).toHaveLength(0);
  });
});
