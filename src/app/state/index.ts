/**
 * The app's state, in one place: in Redis when REDIS_URL is set (shared by every replica, durable
 * across restarts), else in this process (one replica; a restart forgets delivery ids, ETags and
 * — the one that matters — the ledger tips seen, so the first sweep after a start only takes note).
 */
import type { Redis } from 'ioredis';
import { DeliveryLog, type DeliveryStore } from '../deliveries.ts';
import { MemoryTipStore, TipWatch, type SeenTip, type TipStore } from '../sweep/ledger-tip.ts';
import { InMemoryVerifiedCheckpoints, type VerifiedCheckpointStore } from '../verified-checkpoints.ts';
import { MemoryDebouncer, RedisDebouncer, type Debouncer } from './debounce.ts';
import { RedisDeliveryStore } from './dedupe.ts';
import { MemoryKeyValue, RedisKeyValue, type KeyValue } from './kv.ts';
import { connectState, redisReachable, type StateLog } from './redis.ts';
import { RedisVerifiedCheckpoints } from './verified-checkpoints.ts';

export interface SharedState {
  /** Whether it is shared (Redis) or this process's. */
  shared: boolean;
  kv: KeyValue;
  deliveries: DeliveryStore;
  tips: TipWatch;
  debouncer: Debouncer;
  /** The last checkpoint the deployment gate verified per ledger. */
  verifiedCheckpoints: VerifiedCheckpointStore;
  /** For /readyz: Redis answers (always true without Redis). */
  ready(): Promise<boolean>;
  /** Resolves once Redis is connected, or after `ms` (the app then starts degraded and says so). */
  connected(ms: number): Promise<boolean>;
  close(): Promise<void>;
}

export function createState(opts: {
  redisUrl?: string;
  lockTtlMs: number;
  debounceMs: number;
  log: StateLog;
}): SharedState {
  if (!opts.redisUrl) {
    return {
      shared: false,
      kv: new MemoryKeyValue(),
      deliveries: new DeliveryLog(),
      tips: new TipWatch(new MemoryTipStore()),
      verifiedCheckpoints: new InMemoryVerifiedCheckpoints(),
      debouncer: new MemoryDebouncer(opts.debounceMs),
      ready: () => Promise.resolve(true),
      connected: () => Promise.resolve(true),
      close: () => Promise.resolve(),
    };
  }
  const redis: Redis = connectState(opts.redisUrl, opts.log);
  const kv = new RedisKeyValue(redis);
  return {
    shared: true,
    kv,
    deliveries: new RedisDeliveryStore(redis, opts.log, opts.lockTtlMs),
    tips: new TipWatch(new KeyValueTipStore(kv)),
    verifiedCheckpoints: new RedisVerifiedCheckpoints(redis),
    debouncer: new RedisDebouncer(redis, opts.debounceMs),
    ready: () => redisReachable(redis),
    connected: (ms) =>
      redis.status === 'ready'
        ? Promise.resolve(true)
        : new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(false), ms);
            redis.once('ready', () => {
              clearTimeout(timer);
              resolve(true);
            });
          }),
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** Last tip seen per ledger branch, durable (no expiry): what a restarted app compares with. */
export class KeyValueTipStore implements TipStore {
  constructor(private readonly kv: KeyValue) {}
  async get(key: string) {
    const raw = await this.kv.get(`tip:${key}`);
    return raw ? (JSON.parse(raw) as SeenTip) : undefined;
  }
  set(key: string, tip: SeenTip) {
    return this.kv.set(`tip:${key}`, JSON.stringify(tip));
  }
  delete(key: string) {
    return this.kv.del(`tip:${key}`);
  }
}
