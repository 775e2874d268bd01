/**
 * Webhook bursts for one pull request — a review, a label and a re-request within seconds — make
 * one evaluation, not one each: every event for the PR's head takes a ticket (a counter, in Redis
 * with REDIS_URL so it spans replicas), waits the window, and evaluates only if no later event
 * took a ticket meanwhile; the last event of the burst evaluates, reading reviews and files as
 * they are then. That also keeps check-run writes under GitHub's content-creation limit.
 *
 * Keyed by the head commit as well: a push starts a new burst, so every head still gets its own
 * verdict even when GitHub delivers an older head's event last. An unreachable Redis evaluates at
 * once (fail safe: a verdict twice, never none).
 */
import type { Probot } from 'probot';
import type { Redis } from 'ioredis';
import { KEY_PREFIX } from './redis.ts';

export interface Debouncer {
  /** True when this event is the last of its burst (and should evaluate). */
  last(key: string): Promise<boolean>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class MemoryDebouncer implements Debouncer {
  private readonly tickets = new Map<string, number>();
  constructor(private readonly windowMs: number) {}
  async last(key: string): Promise<boolean> {
    if (this.windowMs <= 0) return true;
    const mine = (this.tickets.get(key) ?? 0) + 1;
    this.tickets.set(key, mine);
    await sleep(this.windowMs);
    const latest = this.tickets.get(key);
    if (latest === mine) this.tickets.delete(key);
    return latest === mine;
  }
}

export class RedisDebouncer implements Debouncer {
  constructor(
    private readonly redis: Redis,
    private readonly windowMs: number,
  ) {}
  async last(key: string): Promise<boolean> {
    if (this.windowMs <= 0) return true;
    const redisKey = `${KEY_PREFIX}debounce:${key}`;
    let mine: number;
    try {
      mine = await this.redis.incr(redisKey);
      await this.redis.pexpire(redisKey, this.windowMs * 10);
    } catch {
      return true;
    }
    await sleep(this.windowMs);
    try {
      return Number(await this.redis.get(redisKey)) === mine;
    } catch {
      return true;
    }
  }
}

interface PullPayload {
  repository?: { full_name?: string };
  pull_request?: { number?: number; head?: { sha?: string } };
}

type Handler = (context: { payload: unknown; name: string; log: { debug(m: string): void } }) => unknown;

/**
 * The same app with `pull_request` and `pull_request_review` handlers debounced per PR and head;
 * other events (check re-requests, the merge queue) are evaluated at once.
 */
export function debouncePullRequests(app: Probot, debouncer: Debouncer): Probot {
  const on = (events: unknown, handler: Handler): void => {
    (app.on as (e: unknown, h: Handler) => void)(events, async (context) => {
      const p = context.payload as PullPayload;
      const pr = p.pull_request;
      const burst =
        (context.name === 'pull_request' || context.name === 'pull_request_review') &&
        p.repository?.full_name &&
        pr?.number !== undefined &&
        pr.head?.sha;
      if (
        burst &&
        !(await debouncer.last(`${p.repository!.full_name!.toLowerCase()}#${pr.number}@${pr.head!.sha}`))
      ) {
        context.log.debug(`${context.name}: a later event for the same pull request and head evaluates it`);
        return;
      }
      await handler(context);
    });
  };
  return new Proxy(app, {
    get(target, prop, receiver) {
      if (prop === 'on') return on;
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
}
