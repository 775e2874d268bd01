/**
 * The app's HTTP server: Probot's webhook middleware (signature verification included) behind a
 * plain node:http server, configured from Probot's usual environment variables. A plain server
 * rather than Probot's `run`, because `run` falls into an interactive setup mode when credentials
 * are missing — a deployed gate should refuse to start instead — and cannot listen on a random port.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeMiddleware, createProbot, ProbotOctokit } from 'probot';
import { ShiplogError } from '../errors.ts';
import { unspacedWrites } from '../github/client.ts';
import { createShiplogApp } from './index.ts';
import { HandlerTracker } from './deliveries.ts';
import { appSettings } from './settings.ts';
import { createState, type SharedState } from './state/index.ts';
import type { StateLog } from './state/redis.ts';
import { readWebhookBody } from './webhook-body.ts';
import { startSweeps, type Sweeps } from './sweep/scheduler.ts';

export const DEFAULT_WEBHOOK_PATH = '/api/github/webhooks';

export interface AppServer {
  /** e.g. http://127.0.0.1:3000 */
  url: string;
  /** Where GitHub must POST webhooks. */
  webhookUrl: string;
  port: number;
  /** The periodic sweeps (also run on their timers); stopped by close(). */
  sweeps: Sweeps;
  /** Redis-backed with REDIS_URL, else this process's. */
  state: SharedState;
  /** Probot's pino logger (JSON lines with LOG_FORMAT=json). */
  log: StateLog;
  /** Webhook handlers of this process: `idle()` resolves when none runs (Probot answers 202 past 9 s). */
  handlers: HandlerTracker;
  /** Graceful: no new requests; webhooks and sweep jobs in flight finish (up to the grace), then state closes. */
  close(): Promise<void>;
}

type Env = Record<string, string | undefined>;

/** Fails with every missing setting at once, so a misconfigured deployment is fixed in one go. */
function checkEnv(env: Env): void {
  const missing: string[] = [];
  if (!/^\d+$/.test(env.APP_ID ?? '')) missing.push('APP_ID (the numeric GitHub App id)');
  if (!env.PRIVATE_KEY && !env.PRIVATE_KEY_PATH)
    missing.push('PRIVATE_KEY or PRIVATE_KEY_PATH (the app private key, PEM)');
  // Probot would fall back to the well-known secret "development", accepting forged webhooks.
  if (!env.WEBHOOK_SECRET) missing.push('WEBHOOK_SECRET (the secret set on the app webhook)');
  if (missing.length > 0) {
    throw new ShiplogError('USAGE', `the app cannot start; set ${missing.join(', ')}`);
  }
}

function portFrom(env: Env): number {
  const raw = env.PORT ?? '3000';
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535)
    throw new ShiplogError('USAGE', `PORT must be 0-65535, got "${raw}"`);
  return port;
}

/** Probot's options with its write spacing replaced (its defaults merge `throttle` shallowly). */
function unspaced(options: Record<string, unknown>): Record<string, unknown> {
  const throttle = (options.throttle ?? {}) as Record<string, unknown>;
  return { ...options, throttle: { ...throttle, write: unspacedWrites, notifications: unspacedWrites } };
}

/** The path as Probot's webhook middleware reads it (trailing slashes dropped before parsing). */
function pathOf(url: string | undefined): string | undefined {
  const trim = (p: string) => p.replace(/\/+$/, '') || '/';
  try {
    return new URL(trim(url ?? '/'), 'http://localhost').pathname;
  } catch {
    return undefined;
  }
}

export async function startAppServer(env: Env = process.env): Promise<AppServer> {
  checkEnv(env);
  const port = portFrom(env);
  const webhookPath = env.WEBHOOK_PATH || DEFAULT_WEBHOOK_PATH;
  // createProbot reads APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, GHE_HOST/GHE_PROTOCOL, LOG_LEVEL, REDIS_URL …
  const settings = appSettings(env);
  const probot = createProbot({
    // Probot's cluster throttling (Bottleneck on REDIS_URL) routes every API call through Redis: a
    // Redis outage would then stop check runs too. Opt-in only (SHIPLOG_CLUSTER_THROTTLING).
    env: settings.clusterThrottling ? env : { ...env, REDIS_URL: undefined },
    overrides: settings.spaceWrites ? {} : { Octokit: ProbotOctokit.defaults(unspaced) },
  });
  // Probot makes its logger while it initialises (asynchronously): look it up at each call
  const log: StateLog = {
    info: (m) => (probot.log as unknown as StateLog | null)?.info(m),
    warn: (m) => (probot.log as unknown as StateLog | null)?.warn(m),
    error: (m) => (probot.log as unknown as StateLog | null)?.error(m),
  };
  const state = createState({
    ...(settings.redisUrl ? { redisUrl: settings.redisUrl } : {}),
    lockTtlMs: settings.lockTtlMs,
    debounceMs: settings.debounceMs,
    log,
  });
  // the first webhooks are deduped across replicas only once Redis answers: wait for it a little
  if (!(await state.connected(3000)))
    log.warn('redis: not reachable at start; serving webhooks with dedupe degraded until it is');
  const handlers = new HandlerTracker();
  const middleware = await createNodeMiddleware(
    createShiplogApp(settings, state.deliveries, {
      verifiedCheckpoints: state.verifiedCheckpoints,
      handlers,
    }),
    {
      probot,
      webhooksPath: webhookPath,
    },
  );

  let inFlight = 0;
  let drained: (() => void) | undefined;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' && (req.url === '/ping' || req.url === '/healthz')) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('PONG');
      return;
    }
    if (req.method === 'GET' && req.url === '/readyz') {
      void state.ready().then((ok) =>
        res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            ready: ok,
            redis: state.shared ? (ok ? 'reachable' : 'unreachable') : 'not configured',
          }),
        ),
      );
      return;
    }
    inFlight++;
    res.once('close', () => {
      if (--inFlight === 0) drained?.();
    });
    const notFound = () => {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not Found"}');
    };
    if (req.method !== 'POST' || pathOf(req.url) !== pathOf(webhookPath)) {
      void middleware(req, res, notFound);
      return;
    }
    void readWebhookBody(req, res).then((read) => {
      if (!read.ok) return;
      // Probot's middleware takes a body already read as a string (and verifies its signature).
      (req as IncomingMessage & { body?: string }).body = read.body;
      return middleware(req, res, notFound);
    });
  });
  // Behind a load balancer or proxy (compose.yaml) a keep-alive connection may idle up to its
  // timeout (60 s on common ones): closing it sooner resets the next request sent on it.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, env.HOST || undefined, () => resolve());
  });
  const sweeps = startSweeps(probot, settings, state);
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  return {
    url,
    webhookUrl: `${url}${webhookPath}`,
    port: address.port,
    sweeps,
    state,
    log,
    handlers,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const grace = new Promise<void>((resolve) => setTimeout(resolve, settings.shutdownGraceMs).unref());
      if (inFlight > 0) await Promise.race([new Promise<void>((resolve) => (drained = resolve)), grace]);
      // handlers Probot answered 202 for are still running
      await Promise.race([handlers.idle(), grace]);
      server.closeAllConnections();
      await Promise.race([sweeps.stop(), grace]);
      await closed;
      await state.close();
    },
  };
}
