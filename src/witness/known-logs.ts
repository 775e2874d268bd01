/**
 * The logs a witness knows: origin → public keys trusted to sign that origin's checkpoints.
 * From `--log ORIGIN=KEYFILE` flags and/or a `--logs FILE` holding one "ORIGIN KEYFILE" per line
 * (`#` starts a comment; a relative KEYFILE is read from the config file's folder). An origin may
 * be named more than once to trust several keys (a key rotation).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ShiplogError } from '../errors.ts';
import { loadTrustedKey, type TrustedKey } from '../ledger/keys.ts';

export type KnownLogs = Map<string, TrustedKey[]>;

function readKey(path: string, what: string): TrustedKey {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ShiplogError('BAD_INPUT', `cannot read ${what} "${path}": ${(e as Error).message}`);
  }
  return loadTrustedKey(pem, `${what} "${path}"`);
}

function add(logs: KnownLogs, origin: string, key: TrustedKey, where: string): void {
  if (!/^[^\s+]{1,200}$/.test(origin))
    throw new ShiplogError('USAGE', `${where}: origin "${origin}" must be one word with no "+"`);
  const keys = logs.get(origin) ?? [];
  if (!keys.some((k) => k.keyid === key.keyid)) keys.push(key);
  logs.set(origin, keys);
}

export function knownLogsFrom(flags: string[] = [], configFile?: string): KnownLogs {
  const logs: KnownLogs = new Map();
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq <= 0) throw new ShiplogError('USAGE', `--log takes ORIGIN=KEYFILE (got "${flag}")`);
    const origin = flag.slice(0, eq);
    add(logs, origin, readKey(flag.slice(eq + 1), `log key of ${origin}`), '--log');
  }
  if (configFile) {
    let text: string;
    try {
      text = readFileSync(configFile, 'utf8');
    } catch (e) {
      throw new ShiplogError(
        'BAD_INPUT',
        `cannot read the logs file "${configFile}": ${(e as Error).message}`,
      );
    }
    text.split('\n').forEach((raw, i) => {
      const line = raw.replace(/#.*$/, '').trim();
      if (!line) return;
      const parts = line.split(/\s+/);
      const where = `${configFile} line ${i + 1}`;
      if (parts.length !== 2) throw new ShiplogError('BAD_INPUT', `${where}: expected "ORIGIN KEYFILE"`);
      const [origin, keyFile] = parts as [string, string];
      add(logs, origin, readKey(resolve(dirname(configFile), keyFile), `log key of ${origin}`), where);
    });
  }
  if (logs.size === 0)
    throw new ShiplogError('USAGE', 'the witness knows no log: pass --log ORIGIN=KEYFILE or --logs FILE');
  return logs;
}
