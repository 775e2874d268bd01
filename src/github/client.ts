/**
 * The Octokit shiplog uses outside Probot: REST with pagination, bounded retries of 5xx and
 * timeouts, and GitHub's rate-limit rules (secondary limits wait `retry-after`, then give up after
 * a few tries rather than hanging a CI job). Everything else in src/github accepts the smaller
 * GitHubApi interface, which a Probot `context.octokit` satisfies too.
 */
import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

export interface GitHubResponse {
  status: number;
  url: string;
  headers: Record<string, string | number | undefined>;
  data: unknown;
}

/**
 * All the functions in src/github need from an Octokit: `request` (pagination is done in
 * paginate.ts by following Link headers). Any Octokit, including Probot's context.octokit, fits.
 */
export interface GitHubApi {
  request(route: string, parameters?: Record<string, unknown>): Promise<GitHubResponse>;
}

export interface GitHubClientOptions {
  token: string;
  /** REST base, e.g. https://api.github.com or https://ghe.example.com/api/v3 (default: GITHUB_API_URL or api.github.com). */
  baseUrl?: string;
  userAgent?: string;
  /** Per HTTP attempt (default 30 s). */
  timeoutMs?: number;
  /** Retries of 5xx / network failures / timeouts (default 3). */
  retries?: number;
  /** Base of the quadratic backoff between those retries: 1, 4, 9 × base (default 1000 ms). */
  retryBaseMs?: number;
  /** Times a rate-limited request is retried after waiting (default 2). */
  rateLimitRetries?: number;
  /** A rate limit asking to wait longer than this fails at once instead (default 120 s). */
  maxRateLimitWaitSeconds?: number;
  /**
   * GitHub asks integrations to space content-creating requests ~1 s apart (3 s for ones that notify
   * people, like comments); on by default, tests may turn it off.
   */
  spaceWrites?: boolean;
  /** Told about every rate-limit wait or give-up (for logs). */
  onRateLimit?: (message: string) => void;
}

const ShiplogOctokit = Octokit.plugin(paginateRest, retry, throttling);
export type GitHubClient = InstanceType<typeof ShiplogOctokit>;

// Stands in for the plugin's Bottleneck write group (only `key().schedule()` is used); typed loosely
// because Bottleneck's types are not a dependency of shiplog.
export const unspacedWrites = {
  key: () => ({ schedule: <T>(_options: unknown, fn: () => Promise<T>) => fn() }),
} as never;

export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const rateLimitRetries = options.rateLimitRetries ?? 2;
  const maxWait = options.maxRateLimitWaitSeconds ?? 120;
  const tell = options.onRateLimit ?? (() => {});

  const onLimit =
    (kind: string) =>
    (
      retryAfter: number,
      request: { method?: string; url?: string },
      _octokit: unknown,
      retryCount: number,
    ) => {
      const what = `${request.method ?? 'GET'} ${request.url ?? ''}`;
      if (retryCount < rateLimitRetries && retryAfter <= maxWait) {
        tell(
          `${kind} on ${what}: retrying after ${retryAfter}s (retry ${retryCount + 1} of ${rateLimitRetries})`,
        );
        return true;
      }
      tell(`${kind} on ${what}: giving up (asked to wait ${retryAfter}s after ${retryCount} retries)`);
      return false;
    };

  // A fresh timeout per HTTP attempt, so a retry is not born already expired.
  const timedFetch: typeof fetch = (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return fetch(input, { ...init, signal });
  };

  return new ShiplogOctokit({
    auth: options.token,
    baseUrl: (options.baseUrl ?? process.env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, ''),
    userAgent: options.userAgent ?? 'shiplog',
    request: { fetch: timedFetch },
    retry: {
      retries: options.retries ?? 3,
      retryAfterBaseValue: options.retryBaseMs ?? 1000,
    },
    throttle: {
      onRateLimit: onLimit('rate limit'),
      onSecondaryRateLimit: onLimit('secondary rate limit'),
      ...(options.spaceWrites === false ? { write: unspacedWrites, notifications: unspacedWrites } : {}),
    },
  });
}
