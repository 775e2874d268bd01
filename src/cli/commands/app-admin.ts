/**
 * `shiplog app redeliver` (issue 14): send the app's failed webhook deliveries again. While the app
 * was down or answering 5xx, GitHub's events (a pull request review, a deployment waiting on the
 * protection rule) reached nobody, and GitHub does not retry them by itself; it keeps them for 3
 * days, during which they can be redelivered. Configured like the app: APP_ID, PRIVATE_KEY or
 * PRIVATE_KEY_PATH, and GHE_HOST/GHE_PROTOCOL (or GITHUB_API_URL) for GitHub Enterprise Server.
 */
import { createPrivateKey } from 'node:crypto';
import type { Command } from 'commander';
import { errorMessage, ShiplogError } from '../../errors.ts';
import { formatDuration, parsePointInTime } from '../../audit/window.ts';
import { DELIVERY_RETENTION_MS } from '../../reconcile/redeliver.ts';
import type { RedeliveryOutcome } from '../../reconcile/render.ts';
import { jsonOption, readTextFile } from '../common.ts';
import { printJson } from '../output.ts';
import { registerManifestCommand } from './app-manifest.ts';

type Env = Record<string, string | undefined>;

interface AppCredentials {
  appId: number;
  privateKey: string;
  baseUrl: string;
}

/**
 * The app's key as Probot reads it: PRIVATE_KEY holds the PEM (newlines may be written `\n`, or
 * the whole PEM base64-encoded), else PRIVATE_KEY_PATH names the file. Checked here, so a bad key
 * says so before any request.
 */
function privateKeyFrom(env: Env): string {
  let pem: string;
  let source: string;
  if (env.PRIVATE_KEY?.trim()) {
    source = 'PRIVATE_KEY';
    pem = env.PRIVATE_KEY.trim();
    if (!pem.includes('-----BEGIN')) pem = Buffer.from(pem, 'base64').toString('utf8');
    pem = pem.replace(/\\n/g, '\n');
  } else if (env.PRIVATE_KEY_PATH?.trim()) {
    source = `PRIVATE_KEY_PATH "${env.PRIVATE_KEY_PATH}"`;
    pem = readTextFile(env.PRIVATE_KEY_PATH.trim(), 'the app private key');
  } else {
    throw new ShiplogError(
      'USAGE',
      "set PRIVATE_KEY (the app's private key, PEM) or PRIVATE_KEY_PATH (its file), as for the app",
    );
  }
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'rsa') throw new Error(`a ${key.asymmetricKeyType} key, not RSA`);
    // PKCS#8 whatever GitHub issued (PKCS#1): the JWT signer takes only PKCS#8.
    return key.export({ type: 'pkcs8', format: 'pem' }).toString();
  } catch (e) {
    throw new ShiplogError('BAD_KEY', `${source} is not a GitHub App private key: ${errorMessage(e)}`);
  }
}

function appCredentialsFrom(env: Env): AppCredentials {
  const id = env.APP_ID?.trim() ?? '';
  if (!/^\d{1,15}$/.test(id)) throw new ShiplogError('USAGE', 'set APP_ID to the numeric GitHub App id');
  const host = env.GHE_HOST?.trim();
  const baseUrl = host
    ? `${env.GHE_PROTOCOL?.trim() || 'https'}://${host}/api/v3`
    : env.GITHUB_API_URL?.trim() || 'https://api.github.com';
  return { appId: Number(id), privateKey: privateKeyFrom(env), baseUrl };
}

interface RedeliverFlags {
  since: string;
  dryRun?: boolean;
  json?: boolean;
}

export function registerAppCommands(program: Command): void {
  const app = program
    .command('app')
    .description("the GitHub App's own upkeep (credentials from APP_ID and PRIVATE_KEY or PRIVATE_KEY_PATH)");
  registerManifestCommand(app);
  app
    .command('redeliver')
    .description(
      "redeliver the app's webhook deliveries that failed and never got through since then (GitHub keeps them 3 days)",
    )
    .requiredOption('--since <date-or-duration>', 'how far back to look: 2h, 24h, 3d at most, or a date')
    .option('--dry-run', 'list what would be redelivered, redeliver nothing')
    .addOption(jsonOption())
    .action(async (o: RedeliverFlags) => {
      const now = new Date();
      const since = parsePointInTime(o.since, '--since', now);
      if (since >= now) throw new ShiplogError('USAGE', '--since must be in the past');
      if (now.getTime() - since.getTime() > DELIVERY_RETENTION_MS) {
        throw new ShiplogError(
          'USAGE',
          `--since reaches back ${formatDuration(now.getTime() - since.getTime())}, but GitHub keeps an app's webhook deliveries for 3 days only: nothing older can be listed or redelivered (use 72h or less)`,
        );
      }
      const credentials = appCredentialsFrom(process.env);

      const room = await import('../../reconcile/room.ts');
      const api = room.createAppClient({
        ...credentials,
        onRateLimit: (m) => process.stderr.write(`shiplog: ${m}\n`),
      });
      const plan = room.planRedeliveries(await room.listHookDeliveries(api, { since }), since);
      const outcomes: RedeliveryOutcome[] = [];
      for (const delivery of plan.redeliver) {
        if (o.dryRun) {
          outcomes.push({ delivery });
          continue;
        }
        // One refusal (a delivery GitHub no longer has) does not stop the others.
        try {
          await room.redeliverHookDelivery(api, delivery.id);
          outcomes.push({ delivery });
        } catch (e) {
          outcomes.push({ delivery, error: errorMessage(e) });
        }
      }
      const failed = outcomes.filter((x) => x.error).length;
      if (o.json) {
        printJson({
          ok: failed === 0,
          dry_run: !!o.dryRun,
          since: since.toISOString(),
          deliveries: plan.deliveries,
          failed_deliveries: plan.failed,
          recovered_events: plan.recovered,
          redeliver: outcomes.map(({ delivery: d, error }) => ({
            id: d.id,
            guid: d.guid,
            event: d.event,
            action: d.action,
            delivered_at: d.deliveredAt,
            status: d.status,
            status_code: d.statusCode,
            redelivered: !o.dryRun && !error,
            ...(error ? { error } : {}),
          })),
        });
      } else process.stdout.write(room.renderRedeliveries(plan, outcomes, { since, dryRun: !!o.dryRun }));
      if (failed) process.exitCode = 1;
    });
}
