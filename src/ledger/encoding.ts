import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
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

export function sha256Hex(data: Uint8Array | string): string {
  return bytesToHex(sha256(typeof data === 'string' ? Buffer.from(data, 'utf8') : data));
}

export function sha256Bytes(data: Uint8Array): Uint8Array {
  return sha256(data);
}

export const GENESIS_PREV = `sha256:${'0'.repeat(64)}`;
export const HASH_PATTERN = /^sha256:[0-9a-f]{64}$/;
export const COMMIT_PATTERN = /^[0-9a-f]{40}$/;
