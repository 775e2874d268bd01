/**
 * The small key-value surface the app's shared state needs (strings with an optional lifetime, and
 * sets), kept in Redis when REDIS_URL is set and in this process otherwise. Stores built on it
 * (tips, ETags, sweep marks) do not know which.
 */
import type { Redis } from 'ioredis';
import { KEY_PREFIX } from './redis.ts';

export interface KeyValue {
  get(key: string): Promise<string | undefined>;
  /** `ttlS` in seconds; none keeps the value until it is replaced (durable state). */
  set(key: string, value: string, ttlS?: number): Promise<void>;
  del(key: string): Promise<void>;
  add(set: string, member: string): Promise<void>;
  members(set: string): Promise<string[]>;
}

export class RedisKeyValue implements KeyValue {
  constructor(private readonly redis: Redis) {}
  async get(key: string) {
    return (await this.redis.get(KEY_PREFIX + key)) ?? undefined;
  }
  async set(key: string, value: string, ttlS?: number) {
    if (ttlS) await this.redis.set(KEY_PREFIX + key, value, 'EX', ttlS);
    else await this.redis.set(KEY_PREFIX + key, value);
  }
  async del(key: string) {
    await this.redis.del(KEY_PREFIX + key);
  }
  async add(set: string, member: string) {
    await this.redis.sadd(KEY_PREFIX + set, member);
  }
  async members(set: string) {
    return (await this.redis.smembers(KEY_PREFIX + set)).sort();
  }
}

/** One process's state: what a single replica keeps (lost on restart, as README says). */
export class MemoryKeyValue implements KeyValue {
  private readonly values = new Map<string, { value: string; until: number }>();
  private readonly sets = new Map<string, Set<string>>();
  constructor(private readonly max = 50_000) {}
  get(key: string) {
    const v = this.values.get(key);
    if (v && v.until < Date.now()) this.values.delete(key);
    return Promise.resolve(v && v.until >= Date.now() ? v.value : undefined);
  }
  set(key: string, value: string, ttlS?: number) {
    this.values.delete(key);
    this.values.set(key, { value, until: ttlS ? Date.now() + ttlS * 1000 : Infinity });
    // Map order is insertion order: drop the oldest beyond the cap
    for (const k of this.values.keys()) {
      if (this.values.size <= this.max) break;
      this.values.delete(k);
    }
    return Promise.resolve();
  }
  del(key: string) {
    this.values.delete(key);
    return Promise.resolve();
  }
  add(set: string, member: string) {
    const s = this.sets.get(set) ?? new Set<string>();
    s.add(member);
    this.sets.set(set, s);
    return Promise.resolve();
  }
  members(set: string) {
    return Promise.resolve([...(this.sets.get(set) ?? [])].sort());
  }
}
