/**
 * C2SP tlog-cosignature, the Ed25519 `cosignature/v1` type: a witness's signed statement that, at
 * a time, the checkpoint body is the largest consistent tree it has seen for the origin.
 *
 *   signed message  "cosignature/v1\ntime <t>\n" + checkpoint body (with its final newline)
 *   signature line  "— <name> base64(key ID ‖ u64 big-endian t ‖ 64-byte Ed25519 signature)"
 *   key ID          SHA-256(<name> "\n" 0x04 ‖ 32-byte public key)[:4]
 *
 * The message does not commit to the name, so a witness is its public key: a verifier matches a
 * line to a key by recomputing the key ID with the line's own name.
 */
import { sign as cryptoSign, verify as cryptoVerify } from 'node:crypto';
import { ShiplogError } from '../errors.ts';
import { sha256Bytes } from '../ledger/encoding.ts';
import { rawPublicKey, type SigningKey, type TrustedKey } from '../ledger/keys.ts';

const EM_DASH = '\u2014';
/** Signature type byte of timestamped Ed25519 cosignatures (C2SP signed-note). */
export const COSIGNATURE_V1_TYPE = 0x04;
const BLOB_LENGTH = 4 + 8 + 64;

export interface Cosignature {
  name: string;
  keyId: Buffer;
  /** POSIX seconds. */
  time: number;
  sig: Buffer;
  /** The signature line it was read from (no newline). */
  line: string;
}

/** A note key name: non-empty, no Unicode spaces, no "+" (C2SP signed-note). */
export function checkNoteName(name: string, what = 'witness name'): string {
  if (!/^[^\s+\u2014\p{Cc}]{1,200}$/u.test(name)) {
    throw new ShiplogError('USAGE', `${what} "${name.slice(0, 80)}" must be one word with no spaces or "+"`);
  }
  return name;
}

export function cosignatureKeyId(name: string, raw: Buffer): Buffer {
  const material = Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), Buffer.from([COSIGNATURE_V1_TYPE]), raw]);
  return Buffer.from(sha256Bytes(material).subarray(0, 4));
}

export function cosignedMessage(body: string, time: number): Buffer {
  return Buffer.from(`cosignature/v1\ntime ${time}\n${body}`, 'utf8');
}

/** The verifier key of a witness in the C2SP vkey form: name+hex(key ID)+base64(0x04 ‖ key). */
export function witnessVkey(name: string, publicKey: TrustedKey['publicKey']): string {
  const raw = rawPublicKey(publicKey);
  const typed = Buffer.concat([Buffer.from([COSIGNATURE_V1_TYPE]), raw]);
  return `${name}+${cosignatureKeyId(name, raw).toString('hex')}+${typed.toString('base64')}`;
}

/** One signature line (with its newline) cosigning `body` at `time` (POSIX seconds, > 0). */
export function cosign(body: string, key: SigningKey, name: string, time: number): string {
  if (!Number.isSafeInteger(time) || time <= 0)
    throw new Error(`cosignature time ${time} is not a positive integer`);
  const sig = cryptoSign(null, cosignedMessage(body, time), key.privateKey);
  const stamp = Buffer.alloc(8);
  stamp.writeBigUInt64BE(BigInt(time));
  const blob = Buffer.concat([cosignatureKeyId(name, rawPublicKey(key.publicKey)), stamp, sig]);
  return `${EM_DASH} ${name} ${blob.toString('base64')}\n`;
}

/** A note signature line read as a cosignature/v1, or undefined when it cannot be one. */
export function parseCosignatureLine(line: string): Cosignature | undefined {
  const m = /^\u2014 (\S+) ([A-Za-z0-9+/]+={0,2})$/u.exec(line);
  if (!m) return undefined;
  const blob = Buffer.from(m[2]!, 'base64');
  if (blob.length !== BLOB_LENGTH || blob.toString('base64') !== m[2]) return undefined;
  const time = blob.readBigUInt64BE(4);
  if (time === 0n || time > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return { name: m[1]!, keyId: blob.subarray(0, 4), time: Number(time), sig: blob.subarray(12), line };
}

/** The signature lines of a note or a witness's answer: every line that starts with the em dash. */
export function signatureLines(text: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(EM_DASH));
}

/**
 * The cosignature in `lines` that `key` made over `body`, or undefined. Lines from other keys are
 * ignored, as signed-note requires; a line whose name and key ID match but whose signature fails
 * is not a cosignature either.
 */
export function findCosignature(body: string, lines: string[], key: TrustedKey): Cosignature | undefined {
  for (const line of lines) {
    const c = parseCosignatureLine(line);
    if (!c || !cosignatureKeyId(c.name, key.raw).equals(c.keyId)) continue;
    if (cryptoVerify(null, cosignedMessage(body, c.time), key.publicKey, c.sig)) return c;
  }
  return undefined;
}
