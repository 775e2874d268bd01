/**
 * The app's own webhook deliveries: what GitHub tried to send the app, whether the app took it,
 * and asking GitHub to send one again. These routes take the app's JWT, not an installation
 * token, so they run on an Octokit that authenticates as the app (`@octokit/auth-app`, the library
 * Probot itself signs with; it signs a fresh JWT as needed, so a long run never outlives one).
 *
 * GitHub keeps deliveries for 3 days and pages them by an opaque cursor in the Link header, newest
 * first; listing stops at the first page that reaches back past `since`.
 */
import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/core';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { ShiplogError } from '../errors.ts';
import { callGitHub } from './call.ts';
import type { GitHubApi } from './client.ts';
import { pages } from './paginate.ts';
import { asObject, optionalString, requireNumber, requireString } from './parse.ts';

export interface HookDelivery {
  id: number;
  /** The event's id, shared by the first delivery and every redelivery of it. */
  guid: string;
  deliveredAt: string;
  /** GitHub's description of the outcome: `OK`, `Invalid HTTP Response: 503`, `timed out`… */
  status: string;
  /** The app's HTTP answer (0 or 5xx when GitHub could not reach it). */
  statusCode: number;
  event: string;
  action: string | null;
  redelivery: boolean;
}

export interface AppClientOptions {
  appId: number;
  /** PEM (PKCS#1 as GitHub issues it, or PKCS#8). */
  privateKey: string;
  /** REST base, e.g. https://api.github.com or https://ghe.example.com/api/v3. */
  baseUrl: string;
  userAgent?: string;
  /** Per HTTP attempt (default 30 s). */
  timeoutMs?: number;
  /** Retries of 5xx / network failures (default 3). */
  retries?: number;
  /** Told about every rate-limit wait or give-up. */
  onRateLimit?: (message: string) => void;
}

const AppOctokit = Octokit.plugin(retry, throttling);

/** An Octokit authenticated as the app itself (JWT): for the /app routes only. */
export function createAppClient(options: AppClientOptions): GitHubApi {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const tell = options.onRateLimit ?? (() => {});
  // One wait of up to a minute, then give up: an operator's command should not hang.
  const onLimit =
    (kind: string) =>
    (
      retryAfter: number,
      request: { method?: string; url?: string },
      _octokit: unknown,
      retryCount: number,
    ) => {
      const what = `${request.method ?? 'GET'} ${request.url ?? ''}`;
      const again = retryCount < 1 && retryAfter <= 60;
      tell(`${kind} on ${what}: ${again ? `retrying after ${retryAfter}s` : 'giving up'}`);
      return again;
    };
  const timedFetch: typeof fetch = (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    return fetch(input, {
      ...init,
      signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout,
    });
  };
  return new AppOctokit({
    authStrategy: createAppAuth,
    auth: { appId: options.appId, privateKey: options.privateKey },
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    userAgent: options.userAgent ?? 'shiplog',
    request: { fetch: timedFetch },
    retry: { retries: options.retries ?? 3 },
    // Redeliveries are writes: the plugin spaces them a second apart, as GitHub asks integrations to.
    throttle: { onRateLimit: onLimit('rate limit'), onSecondaryRateLimit: onLimit('secondary rate limit') },
  });
}

function slimDelivery(value: unknown, what: string): HookDelivery {
  const d = asObject(value, what);
  return {
    id: requireNumber(d.id, `${what}.id`),
    guid: requireString(d.guid, `${what}.guid`),
    deliveredAt: requireString(d.delivered_at, `${what}.delivered_at`),
    status: requireString(d.status, `${what}.status`),
    statusCode: requireNumber(d.status_code, `${what}.status_code`),
    event: requireString(d.event, `${what}.event`),
    action: optionalString(d.action) ?? null,
    redelivery: d.redelivery === true,
  };
}

/**
 * The app's deliveries at or after `since`, oldest first. More than `maxDeliveries` (default
 * 10,000) fail the listing rather than hand back part of the window.
 */
export async function listHookDeliveries(
  api: GitHubApi,
  { since, maxDeliveries = 10_000 }: { since: Date; maxDeliveries?: number },
): Promise<HookDelivery[]> {
  const what = 'GET /app/hook/deliveries';
  return callGitHub(what, async () => {
    const found: HookDelivery[] = [];
    const maxPages = Math.ceil(maxDeliveries / 100) + 1;
    for await (const items of pages(api, 'GET /app/hook/deliveries', {}, what, { maxPages })) {
      let older = false;
      for (const item of items) {
        const d = slimDelivery(item, `${what}: delivery`);
        if (Date.parse(d.deliveredAt) < since.getTime()) older = true;
        else found.push(d);
      }
      if (found.length > maxDeliveries) {
        throw new ShiplogError(
          'GITHUB_API',
          `${what}: more than ${maxDeliveries} deliveries since ${since.toISOString()}; refusing to act on a partial list (narrow --since)`,
        );
      }
      if (older) break;
    }
    return found.sort((a, b) => Date.parse(a.deliveredAt) - Date.parse(b.deliveredAt) || a.id - b.id);
  });
}

/** Ask GitHub to send the delivery again (a new delivery with the same guid, `redelivery: true`). */
export async function redeliverHookDelivery(api: GitHubApi, deliveryId: number): Promise<void> {
  const what = `POST /app/hook/deliveries/${deliveryId}/attempts`;
  await callGitHub(what, () =>
    api.request('POST /app/hook/deliveries/{delivery_id}/attempts', { delivery_id: deliveryId }),
  );
}
