/**
 * What the app knows beyond Probot's own settings, read once at start from its environment:
 * - SHIPLOG_SIGNING_KEY: PEM Ed25519 key the app signs override entries with (without it, overrides
 *   are refused: an override that is not on the ledger did not happen);
 * - SHIPLOG_LEDGER_REMOTE: any git URL or path that replaces the ledger repository named by the
 *   policy (self-hosted mirrors, tests); it never receives the installation token;
 * - SHIPLOG_CACHE_DIR: where ledger clones are kept.
 * A signing key that is set but unusable stops the app at start rather than at the first override.
 */
import { loadSigningKey, type SigningKey } from '../ledger/keys.ts';

type Env = Record<string, string | undefined>;

export interface AppSettings {
  /** The app's own id: its check runs are the only ones it trusts as state. */
  appId: number;
  /** Web base of the GitHub server (https://github.com, or the GHE host). */
  serverUrl: string;
  signingKey?: SigningKey;
  ledgerRemote?: string;
  cacheDir?: string;
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
  };
}
