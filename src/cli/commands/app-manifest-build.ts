/** app.yml as the JSON of GitHub's app manifest flow (see app-manifest.ts, which loads this lazily). */
import { parse as parseYaml } from 'yaml';
import { ShiplogError } from '../../errors.ts';
import type { ManifestFlags } from './app-manifest.ts';

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
