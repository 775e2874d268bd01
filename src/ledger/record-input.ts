/**
 * What any writer may put in a new ledger entry — the Action's `record`, the CLI's `record`, the
 * gate and the app all pass through `checkNewEntry` (appendEntry calls it), so a rule written here
 * holds for every writer. An entry can never be removed once pushed, so anything refused later is
 * refused too late: secrets, sizes that make every later command slow, names nobody can query.
 *
 * The small checks are exported for the edges (Action inputs, CLI flags) so they can name the input
 * or flag that is wrong before anything is signed.
 */
import { ShiplogError } from '../errors.ts';
import { CHANGE_TYPES, type ChangePredicate } from './statement.ts';

/** A deploy's `details.status`: what the documentation lists and `stats` counts. */
export const DEPLOY_STATUSES = ['success', 'failure', 'started', 'rolled-back'] as const;
export type DeployStatus = (typeof DEPLOY_STATUSES)[number];

/** Longest environment name (GitHub allows 255 bytes; ours end up in commit titles and index lines). */
export const MAX_ENVIRONMENT_LENGTH = 200;
/** Largest `details` object, as compact JSON (bytes). */
export const MAX_DETAILS_BYTES = 64 * 1024;
/** Longest config-override reason (characters). */
export const MAX_REASON_LENGTH = 1000;
/** A config key name: letters, digits and _ . - / : [ ], at most 200. Never `KEY=value`. */
export const CONFIG_KEY_PATTERN = /^[\w.\-/:[\]]{1,200}$/;
const OWNER_NAME = /^[\w.-]+\/[\w.-]+$/;
/** A lone UTF-16 surrogate: a string UTF-8 cannot carry (String.prototype.isWellFormed, pre-ES2024). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const isWellFormed = (s: string): boolean => !LONE_SURROGATE.test(s);

type NewEntryLike = Omit<ChangePredicate, 'seq' | 'prev'>;

function refuse(message: string): never {
  throw new ShiplogError('BAD_INPUT', message);
}

/**
 * An environment name: not empty or blank, no surrounding spaces, no control characters, not
 * longer than MAX_ENVIRONMENT_LENGTH. Returns the problem, or undefined when the name is fine.
 */
export function environmentProblem(value: string): string | undefined {
  if (value.trim() === '') return 'must not be empty or blank';
  if (value !== value.trim()) return 'must not start or end with spaces';
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(value)) return 'must not contain tabs, newlines or control characters';
  if (value.length > MAX_ENVIRONMENT_LENGTH) return `is longer than ${MAX_ENVIRONMENT_LENGTH} characters`;
  if (!isWellFormed(value)) return 'is not valid Unicode';
  return undefined;
}

/** A config-override key list entry: a name, never `NAME=value` (values are secret). */
export function configKeyProblem(key: string): string | undefined {
  if (key.includes('='))
    return 'lists key names only; a line containing "=" looks like a value, and values never go into the ledger';
  if (!CONFIG_KEY_PATTERN.test(key))
    return `"${key.slice(0, 60)}" is not a key name (letters, digits and _ . - / : [ ], at most 200)`;
  return undefined;
}

/**
 * Text read from a file or a flag as UTF-8: invalid bytes are refused, never replaced (a U+FFFD in
 * a signed entry is evidence that no longer says what was given).
 */
export function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return refuse(`${what} is not valid UTF-8`);
  }
}

/** Every string in a JSON value is well-formed Unicode (no lone surrogates, which UTF-8 cannot carry). */
function wellFormed(value: unknown): boolean {
  if (typeof value === 'string') return isWellFormed(value);
  if (Array.isArray(value)) return value.every(wellFormed);
  if (value && typeof value === 'object')
    return Object.entries(value).every(([k, v]) => isWellFormed(k) && wellFormed(v));
  return true;
}

/** Refuses an entry no writer may append (see the module comment). */
export function checkNewEntry(entry: NewEntryLike): void {
  if (!(CHANGE_TYPES as readonly string[]).includes(entry.type))
    refuse(`entry type "${String(entry.type)}" is not one of ${CHANGE_TYPES.join(', ')}`);
  if (typeof entry.repository !== 'string' || !OWNER_NAME.test(entry.repository))
    refuse(`repository must be OWNER/NAME (got "${String(entry.repository)}")`);
  if (entry.environment !== undefined) {
    const problem = environmentProblem(entry.environment);
    if (problem) refuse(`environment ${problem}`);
  } else if (entry.type === 'deploy') {
    refuse('a deploy needs an environment (where did it go?)');
  }
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (entry.branch !== undefined && /[\u0000-\u001f\u007f]/.test(entry.branch))
    refuse('branch must not contain control characters');
  if (!wellFormed(entry)) refuse('the entry contains text that is not valid Unicode');
  const details = entry.details;
  if (details !== undefined) {
    if (typeof details !== 'object' || details === null || Array.isArray(details))
      refuse('details must be a JSON object');
    const size = Buffer.byteLength(JSON.stringify(details));
    if (size > MAX_DETAILS_BYTES)
      refuse(`details are ${size} bytes; at most ${MAX_DETAILS_BYTES} bytes (64 KiB) fit in an entry`);
  }
  if (entry.type === 'deploy') checkDeployDetails(details ?? {});
  if (entry.type === 'config-override') checkConfigOverrideDetails(details ?? {});
}

function checkDeployDetails(d: Record<string, unknown>): void {
  if (d.status !== undefined && !(DEPLOY_STATUSES as readonly unknown[]).includes(d.status))
    refuse(`deploy status must be one of ${DEPLOY_STATUSES.join(', ')} (got ${JSON.stringify(d.status)})`);
}

function checkConfigOverrideDetails(d: Record<string, unknown>): void {
  if (typeof d.reason !== 'string' || d.reason.trim() === '')
    refuse('a config-override needs a reason (details.reason): say why the override is needed');
  if (d.reason.length > MAX_REASON_LENGTH)
    refuse(`the config-override reason is longer than ${MAX_REASON_LENGTH} characters`);
  if (d.keys !== undefined) {
    if (!Array.isArray(d.keys)) refuse('config-override details.keys must be a list of key names');
    for (const key of d.keys) {
      if (typeof key !== 'string') refuse('config-override details.keys must be a list of key names');
      const problem = configKeyProblem(key);
      if (problem) refuse(`config-override key ${problem}`);
    }
  }
  if (d.keys === undefined && d.files === undefined)
    refuse('a config-override needs details.keys or details.files (what was overridden)');
  // Values are secret: a `values` (or similar) field has no place in the ledger.
  for (const field of ['values', 'value', 'env', 'secrets'])
    if (field in d)
      refuse(`config-override details.${field}: values never go into the ledger; list key names`);
}
