import { createHash } from 'node:crypto';
import canonicalizeLib from 'canonicalize';
import { ShiplogError } from '../errors.ts';

/** RFC 8785 canonical JSON. Throws for values JSON cannot represent (undefined, functions, NaN). */
export function canonicalJson(value: unknown): string {
  let out: string | undefined;
  try {
    out = (canonicalizeLib as unknown as (v: unknown) => string | undefined)(value);
  } catch (e) {
    throw new ShiplogError('BAD_INPUT', `value cannot be written as canonical JSON: ${(e as Error).message}`);
  }
  if (out === undefined) throw new ShiplogError('BAD_INPUT', 'value cannot be written as canonical JSON');
  return out;
}

// SHA-256 from node:crypto (OpenSSL): hashing every entry's PAE is on verify's hot path, where the
// native hash is about five times faster than a JavaScript one for the same bytes.
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function sha256Bytes(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

export const GENESIS_PREV = `sha256:${'0'.repeat(64)}`;
export const HASH_PATTERN = /^sha256:[0-9a-f]{64}$/;
export const COMMIT_PATTERN = /^[0-9a-f]{40}$/;
