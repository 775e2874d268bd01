/**
 * What the app knows beyond Probot's own settings, read once at start from its environment:
 * - SHIPLOG_SIGNING_KEY: PEM Ed25519 key the app signs override entries with (without it, overrides
 *   are refused: an override that is not on the ledger did not happen);
 * - SHIPLOG_LEDGER_REMOTE: any git URL or path that replaces the ledger repository named by the
 *   policy (self-hosted mirrors, tests); it never receives the installation token;
 * - SHIPLOG_CACHE_DIR: where ledger clones are kept;
 * - SHIPLOG_TRUSTED_KEYS: PEM public keys (the workflows' signing keys) whose deploy entries the
 *   reconciliation sweep believes, besides the app's own;
 * - SHIPLOG_SWEEP_INTERVAL (default 15m): the frequent sweep — failed webhook deliveries are
 *   redelivered and every known ledger's tips are read in one `git ls-remote` per ledger repository;
 * - SHIPLOG_FULL_SWEEP_INTERVAL (default 24h): the full pass over every repository, with conditional
 *   requests (an unchanged repository costs one 304), re-evaluating stale approval checks;
 * - SHIPLOG_RECONCILE_INTERVAL (default 24h): GitHub's deployments reconciled with the ledger
 *   (`off` turns a sweep off; seconds allowed, e.g. `30s`);
 * - SHIPLOG_RATE_FLOOR (default 500): a sweep of an installation stops when fewer requests than this
 *   remain in its rate limit, and resumes after the reset (webhooks keep the rest);
 * - SHIPLOG_WITNESSES: witnesses the app submits each new checkpoint to (C2SP tlog-witness), one
 *   `URL=KEYFILE` a line or comma (KEYFILE: the witness's PEM public key); cosignatures are
 *   published with the next entry, and a witness that is down never delays an append;
 * - REDIS_URL: shared state and sweeps run once across replicas (without it: one replica);
 * - SHIPLOG_LOCK_TTL (default 10s): how long a replica's claim on a delivery or a sweep job outlives
 *   the replica (a killed replica's work passes to another after it);
 * - SHIPLOG_CLUSTER_THROTTLING (default false): hand REDIS_URL to Probot's cluster-wide request
 *   throttling too (Bottleneck on Redis) — every GitHub request then waits on Redis, so a Redis
 *   outage stops check runs as well; off, each replica spaces its own writes;
 * - SHIPLOG_DEBOUNCE (default 2s): events for one pull request and head within this window make one
 *   evaluation (the last one's); `off` evaluates each at once;
 * - SHIPLOG_SHUTDOWN_GRACE (default 25s): how long SIGTERM waits for webhooks and jobs in flight;
 * - SHIPLOG_SPACE_WRITES (default `true`): space the app's writes to GitHub ~1 s apart per
 *   installation, as GitHub asks to keep clear of its secondary rate limits; `false` only for a
 *   GitHub Enterprise Server with those limits off, or a test server.
 * A setting that is set but unusable stops the app at start rather than at its first use.
 */
import { parseWitnessTargets, type WitnessTarget } from '../witness/client.ts';
import { ShiplogError } from '../errors.ts';
import { loadSigningKey, loadTrustedKeys, type SigningKey, type TrustedKey } from '../ledger/keys.ts';
import { durationMs, HOUR_MS, MINUTE_MS } from '../text/duration.ts';

type Env = Record<string, string | undefined>;

export interface AppSettings {
  /** The app's own id: its check runs are the only ones it trusts as state. */
  appId: number;
  /** Web base of the GitHub server (https://github.com, or the GHE host). */
  serverUrl: string;
  signingKey?: SigningKey;
  ledgerRemote?: string;
  cacheDir?: string;
  trustedKeys: TrustedKey[];
  /** Re-evaluating stale approval checks and watching ledger tips; 0 when off. */
  sweepIntervalMs: number;
  /** Reconciling GitHub's deployments with the ledger; 0 when off. */
  reconcileIntervalMs: number;
  /** The full pass over every repository; 0 when off. */
  fullSweepIntervalMs: number;
  rateFloor: number;
  redisUrl?: string;
  lockTtlMs: number;
  shutdownGraceMs: number;
  clusterThrottling: boolean;
  debounceMs: number;
  spaceWrites: boolean;
  /** Witnesses each append submits its checkpoint to (SHIPLOG_WITNESSES). */
  witnesses?: WitnessTarget[];
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ShiplogError('USAGE', `${name} must be true or false (got "${env[name]}")`);
}

function interval(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (raw === 'off' || raw === '0') return 0;
  const ms = durationMs(raw, ['s', 'm', 'h', 'd']);
  if (ms === undefined)
    throw new ShiplogError(
      'USAGE',
      `${name} must be a duration like 30s, 15m or 24h, or "off" (got "${raw}")`,
    );
  return ms;
}

function count(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw)) throw new ShiplogError('USAGE', `${name} must be a whole number (got "${raw}")`);
  return Number(raw);
}

function redisUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ShiplogError('USAGE', `REDIS_URL must be a redis:// or rediss:// URL`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    throw new ShiplogError('USAGE', `REDIS_URL must be a redis:// or rediss:// URL (got ${url.protocol})`);
  return raw;
}

export function appSettings(env: Env): AppSettings {
  const host = env.GHE_HOST?.trim();
  const serverUrl = host ? `${env.GHE_PROTOCOL || 'https'}://${host}` : 'https://github.com';
  const pem = env.SHIPLOG_SIGNING_KEY?.trim();
  return {
    appId: Number(env.APP_ID),
    serverUrl,
    ...(pem ? { signingKey: loadSigningKey(pem, 'SHIPLOG_SIGNING_KEY') } : {}),
    ...(env.SHIPLOG_LEDGER_REMOTE ? { ledgerRemote: env.SHIPLOG_LEDGER_REMOTE } : {}),
    ...(env.SHIPLOG_CACHE_DIR ? { cacheDir: env.SHIPLOG_CACHE_DIR } : {}),
    trustedKeys: env.SHIPLOG_TRUSTED_KEYS?.trim()
      ? loadTrustedKeys(env.SHIPLOG_TRUSTED_KEYS, 'SHIPLOG_TRUSTED_KEYS')
      : [],
    sweepIntervalMs: interval(env, 'SHIPLOG_SWEEP_INTERVAL', 15 * MINUTE_MS),
    reconcileIntervalMs: interval(env, 'SHIPLOG_RECONCILE_INTERVAL', 24 * HOUR_MS),
    spaceWrites: flag(env, 'SHIPLOG_SPACE_WRITES', true),
    witnesses: parseWitnessTargets(env.SHIPLOG_WITNESSES),
    fullSweepIntervalMs: interval(env, 'SHIPLOG_FULL_SWEEP_INTERVAL', 24 * HOUR_MS),
    rateFloor: count(env, 'SHIPLOG_RATE_FLOOR', 500),
    ...(env.REDIS_URL?.trim() ? { redisUrl: redisUrl(env.REDIS_URL.trim()) } : {}),
    lockTtlMs: interval(env, 'SHIPLOG_LOCK_TTL', 10_000) || 10_000,
    shutdownGraceMs: interval(env, 'SHIPLOG_SHUTDOWN_GRACE', 25_000),
    clusterThrottling: flag(env, 'SHIPLOG_CLUSTER_THROTTLING', false),
    debounceMs: interval(env, 'SHIPLOG_DEBOUNCE', 2000),
  };
}
