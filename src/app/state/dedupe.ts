/**
 * Delivery dedupe shared by the replicas: one Redis key per (delivery id, handler).
 *
 * - `SET key running:<replica> NX PX lease` claims the handler's run; the lease is renewed while
 *   it runs, so a replica that dies (SIGKILL, OOM) lets it go within one lease and a redelivery of
 *   that webhook runs it on another replica.
 * - Success turns the key into `done` for GitHub's 3-day redelivery window: a copy sent twice, to
 *   the same replica or another, runs the handler once.
 * - A handler that threw releases its claim (compare-and-delete: only its own), so a redelivery
 *   runs it again.
 * - A copy that finds the run claimed by a live run waits for its outcome (the HTTP answer to
 *   GitHub waits too; GitHub's timeout is 10 s, a lease is a few seconds).
 *
 * Redis unreachable: fail safe, not fail closed — the handler runs deduped by this process only
 * (the in-memory log), and the log says dedupe is degraded. A check run posted twice says the same
 * thing twice; ledger writes carry idempotency keys.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { errorMessage } from '../../errors.ts';
import { DeliveryLog, type DeliveryStore } from '../deliveries.ts';
import { KEY_PREFIX, type StateLog } from './redis.ts';

const THREE_DAYS_S = 3 * 24 * 3600;
const DONE = 'done';

// Lua: renew / release only a claim that is still ours.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export class RedisDeliveryStore implements DeliveryStore {
  private readonly fallback = new DeliveryLog();
  private readonly replica = randomUUID();
  private degradedSince: number | undefined;
  skipped = 0;

  constructor(
    private readonly redis: Redis,
    private readonly log: StateLog,
    private readonly leaseMs = 10_000,
  ) {}

  async once(key: string, fn: () => Promise<void>): Promise<'ran' | 'duplicate'> {
    const redisKey = `${KEY_PREFIX}delivery:${key}`;
    const claim = `running:${this.replica}:${randomUUID()}`;
    for (;;) {
      let state: 'claimed' | 'done' | 'running';
      try {
        state = await this.claim(redisKey, claim);
        this.recovered();
      } catch (error) {
        this.degraded(error);
        const outcome = await this.fallback.once(key, fn);
        if (outcome === 'duplicate') this.skipped++;
        return outcome;
      }
      if (state === 'done') {
        this.skipped++;
        return 'duplicate';
      }
      if (state === 'running') {
        await sleep(Math.min(250, this.leaseMs / 4));
        continue;
      }
      return this.run(redisKey, claim, fn);
    }
  }

  private async claim(redisKey: string, claim: string): Promise<'claimed' | 'done' | 'running'> {
    const set = await this.redis.set(redisKey, claim, 'PX', this.leaseMs, 'NX');
    if (set === 'OK') return 'claimed';
    const now = await this.redis.get(redisKey);
    if (now === DONE) return 'done';
    // gone between the two commands: try again at once
    return now === null ? this.claim(redisKey, claim) : 'running';
  }

  private async run(redisKey: string, claim: string, fn: () => Promise<void>): Promise<'ran'> {
    const renew = setInterval(() => {
      this.redis.eval(RENEW, 1, redisKey, claim, this.leaseMs).catch(() => {});
    }, this.leaseMs / 3);
    renew.unref();
    try {
      await fn();
    } catch (error) {
      clearInterval(renew);
      await this.redis.eval(RELEASE, 1, redisKey, claim).catch(() => {});
      throw error;
    }
    clearInterval(renew);
    try {
      await this.redis.set(redisKey, DONE, 'EX', THREE_DAYS_S);
    } catch (error) {
      // the run happened; only its record is missing — a redelivery may run it again
      this.degraded(error);
    }
    return 'ran';
  }

  private degraded(error: unknown): void {
    if (this.degradedSince !== undefined) return;
    this.degradedSince = Date.now();
    this.log.warn(
      `dedupe degraded: Redis unreachable (${errorMessage(error)}); deliveries are deduped by this replica only until it is back`,
    );
  }

  private recovered(): void {
    if (this.degradedSince === undefined) return;
    this.degradedSince = undefined;
    this.log.info('dedupe: Redis reachable again; deliveries are deduped across replicas');
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
