/**
 * `npm run app` (node dist/app.js): the approval-gate app, configured by Probot's environment —
 * APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH), WEBHOOK_SECRET, PORT, HOST, WEBHOOK_PATH, LOG_LEVEL,
 * and GHE_HOST/GHE_PROTOCOL for GitHub Enterprise Server.
 */
import { errorMessage, isShiplogError } from '../errors.ts';
import { startAppServer } from './server.ts';

async function main(): Promise<void> {
  const server = await startAppServer(process.env);
  process.stdout.write(`shiplog app listening on ${server.url}; webhooks at ${server.webhookUrl}\n`);
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  const code = isShiplogError(error) ? `[${error.code}]` : '';
  process.stderr.write(`shiplog app: error${code}: ${errorMessage(error)}\n`);
  process.exit(isShiplogError(error) ? error.exitCode : 1);
});
