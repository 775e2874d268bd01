import { createHash, hash as cryptoHash } from 'node:crypto';
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

/**
 * True when `text` is exactly the RFC 8785 form of `value` (which is `JSON.parse(text)`). RFC 8785
 * serialises primitives as ECMAScript's JSON.stringify does and orders keys by UTF-16 code units,
 * so this equals `canonicalJson(value) === text` while costing one native stringify and a key walk.
 */
export function isCanonicalJson(text: string, value: unknown): boolean {
  const order = keyOrder(value);
  // JavaScript lists integer-like keys first, so such objects take the library's slower path.
  if (order === 'integer-keys') return canonicalJson(value) === text;
  return order === 'sorted' && JSON.stringify(value) === text;
}

const INTEGER_KEY = /^(0|[1-9]\d*)$/;

function keyOrder(value: unknown): 'sorted' | 'unsorted' | 'integer-keys' {
  if (typeof value !== 'object' || value === null) return 'sorted';
  const children = Array.isArray(value) ? value : Object.values(value);
  if (!Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.some((k) => INTEGER_KEY.test(k))) return 'integer-keys';
    for (let i = 1; i < keys.length; i++) if (!(keys[i - 1]! < keys[i]!)) return 'unsorted';
  }
  let result: 'sorted' | 'unsorted' | 'integer-keys' = 'sorted';
  for (const child of children) {
    const r = keyOrder(child);
    if (r === 'integer-keys') return r;
    if (r === 'unsorted') result = r;
  }
  return result;
}

// SHA-256 from node:crypto (OpenSSL): hashing every entry's PAE is on verify's hot path, where the
// native hash is about five times faster than a JavaScript one for the same bytes.
// The one-shot form saves a hash object per entry on verify's hot path.
export function sha256Hex(data: Uint8Array | string): string {
  return cryptoHash('sha256', data, 'hex');
}

export function sha256Bytes(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

export const GENESIS_PREV = `sha256:${'0'.repeat(64)}`;
export const HASH_PATTERN = /^sha256:[0-9a-f]{64}$/;
export const COMMIT_PATTERN = /^[0-9a-f]{40}$/;
