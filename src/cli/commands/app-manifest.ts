/**
 * `shiplog app create-manifest`: app.yml as the JSON GitHub's manifest flow takes, with the URLs
 * of this installation filled in. GitHub's flow: POST the JSON as the `manifest` field of a form
 * to https://github.com/settings/apps/new (or /organizations/ORG/settings/apps/new), approve it on
 * GitHub, which redirects to `redirect_url?code=CODE`; then `POST /app-manifests/CODE/conversions`
 * (within an hour) returns the app id, private key and webhook secret. README lists the steps.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { ShiplogError } from '../../errors.ts';

interface ManifestFlags {
  webhookUrl: string;
  redirectUrl?: string;
  name?: string;
  url?: string;
  setupUrl?: string;
  public?: boolean;
}

/** app.yml next to the package: from src/cli/commands, dist/ or dist/cli-chunks, and when installed. */
export function findAppYml(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from, i = 0; i < 6; i++, dir = dirname(dir)) {
    const candidate = join(dir, 'app.yml');
    if (existsSync(candidate) && existsSync(join(dir, 'package.json'))) return candidate;
  }
  throw new ShiplogError('NOT_FOUND', 'app.yml not found next to the shiplog package');
}

function httpsUrl(flag: string, value: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new ShiplogError('USAGE', `${flag} must be a URL (got "${value}")`);
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && ['localhost', '127.0.0.1'].includes(u.hostname)))
    throw new ShiplogError('USAGE', `${flag} must be an https URL (got "${value}")`);
  return u.toString();
}

export function buildManifest(appYml: string, o: ManifestFlags): Record<string, unknown> {
  const doc = parseYaml(appYml) as Record<string, unknown>;
  const manifest: Record<string, unknown> = {
    ...doc,
    ...(o.name ? { name: o.name } : {}),
    ...(o.url ? { url: httpsUrl('--url', o.url) } : {}),
    hook_attributes: {
      ...((doc.hook_attributes as object | undefined) ?? {}),
      url: httpsUrl('--webhook-url', o.webhookUrl),
      active: true,
    },
    ...(o.redirectUrl ? { redirect_url: httpsUrl('--redirect-url', o.redirectUrl) } : {}),
    ...(o.setupUrl ? { setup_url: httpsUrl('--setup-url', o.setupUrl) } : {}),
    ...(o.public !== undefined ? { public: o.public } : {}),
  };
  return manifest;
}

export function registerManifestCommand(app: Command): void {
  app
    .command('create-manifest')
    .description(
      'print app.yml as the JSON of GitHub\'s app manifest flow, with this installation\'s URLs (see README, "Create and run the app")',
    )
    .requiredOption(
      '--webhook-url <url>',
      'where the app receives webhooks: https://HOST/api/github/webhooks',
    )
    .option(
      '--redirect-url <url>',
      'where GitHub sends the browser after the app is created, with ?code= for the conversion',
    )
    .option('--setup-url <url>', 'where GitHub sends people after they install the app')
    .option('--name <name>', 'the app name (default: from app.yml; must be unique on GitHub)')
    .option('--url <url>', 'the app homepage (default: from app.yml)')
    .option('--public', 'let any account install the app (default: only the owner)')
    .action((o: ManifestFlags) => {
      const manifest = buildManifest(readFileSync(findAppYml(), 'utf8'), o);
      process.stdout.write(JSON.stringify(manifest, null, 2) + '\n');
    });
}
