/**
 * What a sweep's requests cost: GET requests go out conditional (`If-None-Match` with the ETag of
 * the last answer, kept in the shared state), and GitHub answers an unchanged resource with 304,
 * which does not count against the rate limit; the cached body answers the caller, marked by the
 * header `x-shiplog-cache: hit` so a sweep can tell "unchanged since last time" from "read".
 *
 * And a floor: once `x-ratelimit-remaining` falls under it, the installation's sweep stops (the
 * request after the one that crossed it throws RATE_FLOOR) until the limit resets, so webhooks — the
 * app's real work — keep the rest of the budget.
 */
import { createHash } from 'node:crypto';
import { ShiplogError } from '../../errors.ts';
import type { KeyValue } from './kv.ts';

/** Cached answers live two days: a daily pass finds yesterday's. */
const CACHE_TTL_S = 2 * 24 * 3600;
/** Bodies larger than this are not cached (their ETag alone would not answer a 304). */
const MAX_CACHED_BYTES = 512 * 1024;

export const CACHE_HIT_HEADER = 'x-shiplog-cache';

interface Hookable {
  hook: {
    wrap(
      name: 'request',
      wrapper: (
        request: (o: RequestOptions) => Promise<Response>,
        options: RequestOptions,
      ) => Promise<Response>,
    ): void;
  };
}

interface RequestOptions {
  method?: string;
  url?: string;
  headers?: Record<string, string | undefined>;
  [param: string]: unknown;
}

interface Response {
  status: number;
  url: string;
  headers: Record<string, string | number | undefined>;
  data: unknown;
}

export interface SweepBudget {
  /** Requests made through the hook (200s, 304s, errors). */
  requests: number;
  notModified: number;
  /** Set once the floor was crossed: when the limit resets (epoch seconds). */
  pausedUntil?: number;
}

export interface ConditionalOptions {
  /** Cache namespace: whose view the answers are (an installation sees its own repositories). */
  scope: string;
  cache: KeyValue;
  /** Stop under this many remaining requests (0: never). */
  floor: number;
  budget: SweepBudget;
}

export function conditionalRequests(octokit: unknown, opts: ConditionalOptions): void {
  (octokit as Hookable).hook.wrap('request', async (request, options) => {
    const { budget } = opts;
    if (budget.pausedUntil !== undefined)
      throw new ShiplogError(
        'RATE_FLOOR',
        `rate limit under the floor of ${opts.floor}: paused until ${new Date(budget.pausedUntil * 1000).toISOString()}`,
      );
    const method = (options.method ?? 'GET').toUpperCase();
    const key = method === 'GET' ? cacheKey(opts.scope, options) : undefined;
    const cached = key ? await readCached(opts.cache, key) : undefined;
    if (cached) options.headers = { ...options.headers, 'if-none-match': cached.etag };
    budget.requests++;
    let response: Response;
    try {
      response = await request(options);
    } catch (error) {
      const e = error as { status?: number; response?: { headers?: Record<string, unknown> } };
      watchFloor(opts, e.response?.headers);
      if (e.status === 304 && cached) {
        budget.notModified++;
        return {
          status: 200,
          url: cached.url,
          headers: { ...cached.headers, [CACHE_HIT_HEADER]: 'hit' },
          data: cached.data,
        };
      }
      throw error;
    }
    watchFloor(opts, response.headers);
    const etag = response.headers.etag;
    if (key && response.status === 200 && typeof etag === 'string') {
      const body = JSON.stringify({
        etag,
        url: response.url,
        headers: keep(response.headers),
        data: response.data,
      });
      if (body.length <= MAX_CACHED_BYTES) await opts.cache.set(key, body, CACHE_TTL_S).catch(() => {});
    }
    return response;
  });
}

function watchFloor(opts: ConditionalOptions, headers: Record<string, unknown> | undefined): void {
  if (!opts.floor || !headers) return;
  const remaining = Number(headers['x-ratelimit-remaining']);
  const reset = Number(headers['x-ratelimit-reset']);
  if (Number.isFinite(remaining) && remaining < opts.floor && Number.isFinite(reset))
    opts.budget.pausedUntil = reset;
}

/** The headers a cached answer needs again: pagination links and its ETag. */
function keep(headers: Record<string, string | number | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['link', 'etag']) if (typeof headers[name] === 'string') out[name] = headers[name];
  return out;
}

function cacheKey(scope: string, options: RequestOptions): string {
  const params: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options))
    if (!['method', 'headers', 'request', 'baseUrl', 'mediaType'].includes(k)) params[k] = v;
  const sorted = JSON.stringify(params, Object.keys(params).sort());
  return `etag:${scope}:${createHash('sha256').update(sorted).digest('hex').slice(0, 32)}`;
}

async function readCached(
  cache: KeyValue,
  key: string,
): Promise<{ etag: string; url: string; headers: Record<string, string>; data: unknown } | undefined> {
  try {
    const raw = await cache.get(key);
    return raw
      ? (JSON.parse(raw) as { etag: string; url: string; headers: Record<string, string>; data: unknown })
      : undefined;
  } catch {
    // an unreachable cache only costs a full request
    return undefined;
  }
}

export function isCacheHit(response: { headers: Record<string, unknown> }): boolean {
  return response.headers[CACHE_HIT_HEADER] === 'hit';
}
