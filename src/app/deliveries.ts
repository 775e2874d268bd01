/**
 * Each webhook delivery is handled once per handler. GitHub may send the same delivery twice (a
 * manual or `shiplog app redeliver` redelivery of one that in fact succeeded, a proxy retrying),
 * and each copy carries the same `X-GitHub-Delivery` id. Deduping happens behind Probot's signature
 * check — handlers only ever see verified deliveries — so a forged request can never mark a real
 * delivery id as seen.
 *
 * Per handler, not per delivery: if the merge record failed and the approval check succeeded, a
 * redelivery re-runs only the merge record. A handler that threw is forgotten, so its redelivery
 * runs again; a copy arriving while the first is still running waits for it and shares its outcome.
 * Ids are kept for GitHub's 3-day redelivery window, at most `max` of them (oldest dropped first);
 * a restarted app forgets them, which the handlers tolerate (ledger writes carry idempotency keys,
 * a check run posted twice says the same thing twice). With REDIS_URL the replicas share one log
 * instead (state/dedupe.ts).
 */
import type { Probot } from 'probot';

const THREE_DAYS_MS = 3 * 24 * 3600 * 1000;

/** Runs a handler once per key: this process's log, or the replicas' shared one in Redis. */
export interface DeliveryStore {
  once(key: string, fn: () => Promise<void>): Promise<'ran' | 'duplicate'>;
}

export class DeliveryLog implements DeliveryStore {
  private readonly done = new Map<string, number>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly max: number;
  private readonly ttlMs: number;
  private readonly now: () => number;
  /** Copies skipped because the same delivery was already handled (or was being handled). */
  skipped = 0;

  constructor(opts: { max?: number; ttlMs?: number; now?: () => number } = {}) {
    this.max = opts.max ?? 20_000;
    this.ttlMs = opts.ttlMs ?? THREE_DAYS_MS;
    this.now = opts.now ?? Date.now;
  }

  /** Runs `fn` unless `key` already succeeded; joins a run of it in progress. */
  async once(key: string, fn: () => Promise<void>): Promise<'ran' | 'duplicate'> {
    this.expire();
    if (this.done.has(key)) {
      this.skipped++;
      return 'duplicate';
    }
    const inFlight = this.running.get(key);
    if (inFlight) {
      this.skipped++;
      await inFlight;
      return 'duplicate';
    }
    const run = fn();
    this.running.set(key, run);
    try {
      await run;
      this.done.set(key, this.now());
      return 'ran';
    } finally {
      this.running.delete(key);
    }
  }

  private expire(): void {
    const oldest = this.now() - this.ttlMs;
    // Map order is insertion order: the oldest come first.
    for (const [key, at] of this.done) {
      if (at >= oldest && this.done.size <= this.max) break;
      this.done.delete(key);
    }
  }
}

/**
 * Counts handler runs in this process. GitHub wants an answer within 10 s, so Probot answers 202
 * and lets a slower handler go on: shutdown must still wait for it, and a caller that saw the 202
 * can wait for the work to end and learn whether it failed.
 */
export class HandlerTracker {
  private running = 0;
  private waiters: (() => void)[] = [];
  /** Handler runs that threw, since this process started. */
  failures = 0;

  async track(run: () => Promise<void>): Promise<void> {
    this.running++;
    try {
      await run();
    } catch (error) {
      this.failures++;
      throw error;
    } finally {
      if (--this.running === 0) for (const wake of this.waiters.splice(0)) wake();
    }
  }

  /** Resolves once no handler is running. */
  idle(): Promise<void> {
    return this.running === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}

type Handler = (context: { id: string; name: string; log: { debug(m: string): void } }) => unknown;

/**
 * The same app with every `on` handler run through the delivery log, keyed by delivery id and the
 * handler's registration order (stable for a given build of the app), and counted by `tracker`.
 */
export function dedupeDeliveries(
  app: Probot,
  log: DeliveryStore,
  tracker: HandlerTracker = new HandlerTracker(),
): Probot {
  let registered = 0;
  const on = (events: unknown, handler: Handler): void => {
    const slot = registered++;
    (app.on as (e: unknown, h: Handler) => void)(events, async (context) => {
      let outcome: 'ran' | 'duplicate' = 'duplicate';
      await tracker.track(async () => {
        outcome = await log.once(`${context.id}#${slot}`, async () => {
          await handler(context);
        });
      });
      if (outcome === 'duplicate')
        context.log.debug(`${context.name}: delivery ${context.id} already handled`);
    });
  };
  return new Proxy(app, {
    get(target, prop, receiver) {
      if (prop === 'on') return on;
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
}
