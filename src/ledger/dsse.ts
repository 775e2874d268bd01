import { sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { ShiplogError } from '../errors.ts';
import { sha256Hex } from './encoding.ts';
import type { SigningKey, TrustedKey } from './keys.ts';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

export interface Envelope {
  payloadType: string;
  payload: string;
  signatures: { keyid: string; sig: string }[];
}

/** DSSE pre-authentication encoding: "DSSEv1" SP len(type) SP type SP len(body) SP body. */
export function pae(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  const head = Buffer.from(`DSSEv1 ${type.length} ${payloadType} ${payload.length} `, 'utf8');
  return Buffer.concat([head, payload]);
}

/** The chain hash of an entry: "sha256:" + hex SHA-256 of its PAE bytes. */
export function entryHashOfPae(paeBytes: Uint8Array): string {
  return `sha256:${sha256Hex(paeBytes)}`;
}

export function signEnvelope(payload: Uint8Array, key: SigningKey): { envelope: Envelope; hash: string } {
  const paeBytes = pae(IN_TOTO_PAYLOAD_TYPE, payload);
  const sig = cryptoSign(null, paeBytes, key.privateKey);
  return {
    envelope: {
      payloadType: IN_TOTO_PAYLOAD_TYPE,
      payload: Buffer.from(payload).toString('base64'),
      signatures: [{ keyid: key.keyid, sig: sig.toString('base64') }],
    },
    hash: entryHashOfPae(paeBytes),
  };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Standard base64 (the alphabet and padding; verify decodes the payload once, later). */
function isBase64(text: string): boolean {
  return BASE64.test(text);
}

/** Checks the envelope's shape; returns it typed or throws a message naming the first problem. */
export function parseEnvelope(text: string): Envelope {
  return readEnvelope(text).envelope;
}

/**
 * The payload decoded, if it is standard base64: Node's decoder skips what is not base64 and
 * reads the URL-safe alphabet too, so the decoded length and those two characters settle it
 * without a pattern scan of the whole payload (verify does this for every entry).
 */
function decodePayload(text: string): Buffer | undefined {
  if (text.length === 0 || text.length % 4 !== 0 || text.includes('-') || text.includes('_'))
    return undefined;
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const bytes = Buffer.from(text, 'base64');
  return bytes.length === (text.length / 4) * 3 - pad ? bytes : undefined;
}

/** parseEnvelope, also handing back the decoded payload. */
export function readEnvelope(text: string): { envelope: Envelope; payload: Buffer } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ShiplogError('BAD_INPUT', `envelope is not JSON: ${(e as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ShiplogError('BAD_INPUT', 'envelope is not a JSON object');
  }
  const o = raw as Record<string, unknown>;
  const extra = Object.keys(o).filter((k) => !['payloadType', 'payload', 'signatures'].includes(k));
  if (extra.length)
    throw new ShiplogError('BAD_INPUT', `envelope has unexpected field(s): ${extra.join(', ')}`);
  if (o.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    throw new ShiplogError('BAD_INPUT', `envelope payloadType must be "${IN_TOTO_PAYLOAD_TYPE}"`);
  }
  const payload = typeof o.payload === 'string' ? decodePayload(o.payload) : undefined;
  if (!payload) throw new ShiplogError('BAD_INPUT', 'envelope payload is not standard base64');
  if (!Array.isArray(o.signatures) || o.signatures.length === 0) {
    throw new ShiplogError('BAD_INPUT', 'envelope has no signatures');
  }
  for (const s of o.signatures as unknown[]) {
    if (typeof s !== 'object' || s === null)
      throw new ShiplogError('BAD_INPUT', 'envelope signature is not an object');
    const sig = s as Record<string, unknown>;
    if (
      typeof sig.keyid !== 'string' ||
      typeof sig.sig !== 'string' ||
      !isBase64(sig.sig) ||
      sig.sig.length === 0
    ) {
      throw new ShiplogError('BAD_INPUT', 'envelope signature needs string "keyid" and base64 "sig"');
    }
  }
  return { envelope: o as unknown as Envelope, payload };
}

/** One signature to try: its raw bytes and the index of the trusted key its keyid names (-1: none). */
export interface SignatureCandidate {
  sig: Uint8Array;
  hint: number;
}

/** The envelope's signatures as candidates; a signature that is not 64 bytes can never verify. */
export function signatureCandidates(envelope: Envelope, trusted: TrustedKey[]): SignatureCandidate[] {
  const out: SignatureCandidate[] = [];
  for (const s of envelope.signatures) {
    const sig = Buffer.from(s.sig, 'base64');
    if (sig.length === 64) out.push({ sig, hint: trusted.findIndex((k) => k.keyid === s.keyid) });
  }
  return out;
}

/**
 * The index of the trusted key that made one of the signatures, or -1. The keyid is only a hint
 * for which key to try first: every trusted key is tried, and an untrusted keyid proves nothing.
 * Kept free of envelopes so worker threads run it on raw bytes.
 */
export function signerIndex(
  paeBytes: Uint8Array,
  candidates: SignatureCandidate[],
  keys: KeyObject[],
): number {
  for (const c of candidates) {
    if (c.hint >= 0 && cryptoVerify(null, paeBytes, keys[c.hint]!, c.sig)) return c.hint;
    for (let k = 0; k < keys.length; k++) {
      if (k !== c.hint && cryptoVerify(null, paeBytes, keys[k]!, c.sig)) return k;
    }
  }
  return -1;
}

/** Returns the trusted key that made one of the signatures, or undefined (see signerIndex). */
export function findSigner(
  paeBytes: Uint8Array,
  envelope: Envelope,
  trusted: TrustedKey[],
): TrustedKey | undefined {
  const i = signerIndex(
    paeBytes,
    signatureCandidates(envelope, trusted),
    trusted.map((k) => k.publicKey),
  );
  return i >= 0 ? trusted[i] : undefined;
}
