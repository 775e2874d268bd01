/**
 * The app's connection to Redis (REDIS_URL), shared by the replicas: delivery dedupe, the last
 * tip and checkpoint seen per ledger, the ETag cache, and the sweep queue (BullMQ, which opens its
 * own connections from the same URL).
 *
 * The state client fails fast: no offline queue and one retry per command, so a Redis outage
 * turns into an error the caller handles (dedupe falls back to this process, `/readyz` goes red)
 * instead of a webhook waiting on a queue that never drains. It reconnects in the background.
 */
import type { ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { errorMessage } from '../../errors.ts';

export interface StateLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Every key the app writes starts with this, so one Redis can serve other tenants too. */
export const KEY_PREFIX = 'shiplog:';

export function connectState(url: string, log: StateLog): Redis {
  const client = new Redis(url, stateOptions());
  let down = false;
  client.on('error', (error: unknown) => {
    if (down) return;
    down = true;
    log.error(`redis: ${errorMessage(error)} (shared state degraded until it is back)`);
  });
  client.on('ready', () => {
    if (down) log.info('redis: reachable again');
    down = false;
  });
  return client;
}

export function stateOptions(): RedisOptions {
  return {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 2000,
    // reconnect quickly at first, then every 2 s
    retryStrategy: (times) => Math.min(times * 100, 2000),
    lazyConnect: false,
  };
}

/** Whether Redis answers now (for /readyz). */
export async function redisReachable(client: Redis): Promise<boolean> {
  if (client.status !== 'ready') return false;
  try {
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  }
}

/** BullMQ's connection options from REDIS_URL (it needs `maxRetriesPerRequest: null` for workers). */
export function queueConnection(url: string): ConnectionOptions {
  return {
    url,
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(times * 100, 2000),
  };
}
