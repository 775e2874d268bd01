/**
 * `npm run app` (node dist/app.js): the approval-gate app, configured by Probot's environment —
 * APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH), WEBHOOK_SECRET, PORT, HOST, WEBHOOK_PATH, LOG_LEVEL,
 * LOG_FORMAT (json for one JSON object per line), GHE_HOST/GHE_PROTOCOL for GitHub Enterprise
 * Server — and REDIS_URL for several replicas (settings.ts lists shiplog's own).
 *
 * SIGTERM (what an orchestrator sends before it kills): stop taking requests, let the webhooks and
 * sweep jobs in flight finish, release their claims, then exit 0.
 */
import { errorMessage, isShiplogError } from '../errors.ts';
import { startAppServer } from './server.ts';

async function main(): Promise<void> {
  const server = await startAppServer(process.env);
  const started = `shiplog app listening on ${server.url}; webhooks at ${server.webhookUrl} (state: ${server.state.shared ? 'Redis (shared by replicas)' : 'this process (one replica)'})`;
  // JSON logs stay one JSON object per line; otherwise the line is for whoever started it
  if (process.env.LOG_FORMAT === 'json') server.log.info(started);
  else process.stdout.write(`${started}\n`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    server.log.info(`${signal}: finishing webhooks and jobs in flight`);
    void server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        server.log.error(`shutdown: ${errorMessage(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  const code = isShiplogError(error) ? `[${error.code}]` : '';
  process.stderr.write(`shiplog app: error${code}: ${errorMessage(error)}\n`);
  process.exit(isShiplogError(error) ? error.exitCode : 1);
});
