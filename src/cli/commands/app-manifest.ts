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
import { ShiplogError } from '../../errors.ts';

export interface ManifestFlags {
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
    .action(async (o: ManifestFlags) => {
      // The YAML parser loads only for this command, not with every CLI start.
      const { buildManifest } = await import('./app-manifest-build.ts');
      const manifest = buildManifest(readFileSync(findAppYml(), 'utf8'), o);
      process.stdout.write(JSON.stringify(manifest, null, 2) + '\n');
    });
}
