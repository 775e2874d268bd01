/** The keys a workflow trusts to have signed the ledger, from the `trusted-keys` input. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ShiplogError } from '../errors.ts';
import { loadSigningKey, loadTrustedKeys, trustedKeyOf, type TrustedKey } from '../ledger/keys.ts';
import { checkPattern } from './files.ts';
import type { ActionInputs } from './inputs.ts';
import { parseWitnessTargets, type WitnessTarget } from '../witness/client.ts';

/** `trusted-keys` holds PEM text, or workspace paths of PEM files (one a line). */
export function trustedKeysFrom(value: string, workspace: string): TrustedKey[] {
  if (value.includes('-----BEGIN')) return loadTrustedKeys(value, 'input "trusted-keys"');
  const paths = value
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  return paths.flatMap((p) => {
    const rel = checkPattern('trusted-keys', p);
    let text: string;
    try {
      text = readFileSync(join(workspace, rel), 'utf8');
    } catch (e) {
      throw new ShiplogError(
        'BAD_KEY',
        `input "trusted-keys": cannot read "${rel}": ${(e as Error).message}`,
      );
    }
    return loadTrustedKeys(text, `trusted key file ${rel}`);
  });
}

/**
 * Whose `merge` entries a deploy's change set believes: the workflow's own signing key (when it
 * has one) and the `trusted-keys` (the app's key, when the app signs with another).
 */
export function changeSetTrust(inputs: ActionInputs, workspace: string): TrustedKey[] {
  return [
    ...(inputs.signingKey
      ? [trustedKeyOf(loadSigningKey(inputs.signingKey, 'input "signing-key"'), 'input "signing-key"')]
      : []),
    ...(inputs.trustedKeys ? trustedKeysFrom(inputs.trustedKeys, workspace) : []),
  ];
}

/** The `witnesses` input: `URL=KEYFILE` lines, each KEYFILE a workspace path of a PEM public key. */
export function witnessTargets(value: string | undefined, workspace: string): WitnessTarget[] {
  return parseWitnessTargets(value, (path) =>
    readFileSync(join(workspace, checkPattern('witnesses', path)), 'utf8'),
  );
}
