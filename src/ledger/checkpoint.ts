/**
 * Checkpoints in the C2SP signed-note form: origin, entry count and head hash, a blank line, and
 * signature lines "— <name> <base64(4-byte key hash || Ed25519 signature)>".
 */
import { sign as cryptoSign, verify as cryptoVerify } from 'node:crypto';
import { ShiplogError } from '../errors.ts';
import { HASH_PATTERN, sha256Bytes } from './encoding.ts';
import { rawPublicKey, type SigningKey, type TrustedKey } from './keys.ts';

export interface Checkpoint {
  origin: string;
  size: number;
  /** "sha256:<hex>" of the newest entry (the head of the chain). */
  head: string;
}

export interface ParsedCheckpoint extends Checkpoint {
  body: string;
  signatures: { name: string; keyHash: Buffer; sig: Buffer }[];
}

const EM_DASH = '\u2014';
const ED25519_SIG_TYPE = 0x01;

export function checkOrigin(origin: string): string {
  if (!/^[^\s+]+$/.test(origin) || origin.length > 200) {
    throw new ShiplogError('USAGE', `ledger origin "${origin}" must be one word with no spaces or "+"`);
  }
  return origin;
}

export function noteKeyHash(name: string, raw: Buffer): Buffer {
  const material = Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), Buffer.from([ED25519_SIG_TYPE]), raw]);
  return Buffer.from(sha256Bytes(material).subarray(0, 4));
}

export function checkpointBody(c: Checkpoint): string {
  const hex = c.head.slice('sha256:'.length);
  return `${c.origin}\n${c.size}\n${Buffer.from(hex, 'hex').toString('base64')}\n`;
}

export function signCheckpoint(c: Checkpoint, key: SigningKey): string {
  const body = checkpointBody(c);
  const sig = cryptoSign(null, Buffer.from(body, 'utf8'), key.privateKey);
  const keyHash = noteKeyHash(c.origin, rawPublicKey(key.publicKey));
  return `${body}\n${EM_DASH} ${c.origin} ${Buffer.concat([keyHash, sig]).toString('base64')}\n`;
}

function bad(message: string): never {
  throw new ShiplogError('BAD_INPUT', `checkpoint: ${message}`);
}

export function parseCheckpoint(text: string): ParsedCheckpoint {
  if (text.length > 64 * 1024) bad('larger than 64 KiB');
  const split = text.indexOf('\n\n');
  if (split < 0) bad('no blank line between the body and the signatures');
  const body = text.slice(0, split + 1);
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3) bad('body needs an origin, an entry count and a head hash');
  const [origin, sizeText, headB64] = lines as [string, string, string];
  if (!origin || /\s/.test(origin)) bad('origin line is empty or has spaces');
  if (!/^(0|[1-9]\d{0,15})$/.test(sizeText))
    bad(`entry count "${sizeText.slice(0, 40)}" is not a decimal number`);
  const headBytes = Buffer.from(headB64, 'base64');
  if (headBytes.length !== 32 || headBytes.toString('base64') !== headB64)
    bad('head hash is not 32 bytes of base64');
  const sigText = text.slice(split + 2);
  if (!sigText.endsWith('\n')) bad('signature lines must end with a newline');
  const signatures = sigText
    .slice(0, -1)
    .split('\n')
    .map((line) => {
      const m = new RegExp(`^${EM_DASH} (\\S+) ([A-Za-z0-9+/=]+)$`).exec(line);
      if (!m) bad(`malformed signature line "${line.slice(0, 80)}"`);
      const blob = Buffer.from(m[2]!, 'base64');
      if (blob.length < 5) bad('signature too short');
      return { name: m[1]!, keyHash: blob.subarray(0, 4), sig: blob.subarray(4) };
    });
  if (signatures.length === 0) bad('no signature lines');
  const head = `sha256:${headBytes.toString('hex')}`;
  if (!HASH_PATTERN.test(head)) bad('head hash is malformed');
  return { origin, size: Number(sizeText), head, body, signatures };
}

/** The trusted key that signed this checkpoint, or undefined. */
export function checkpointSigner(cp: ParsedCheckpoint, trusted: TrustedKey[]): TrustedKey | undefined {
  for (const s of cp.signatures) {
    for (const k of trusted) {
      if (!noteKeyHash(s.name, k.raw).equals(s.keyHash) || s.sig.length !== 64) continue;
      if (cryptoVerify(null, Buffer.from(cp.body, 'utf8'), k.publicKey, s.sig)) return k;
    }
  }
  return undefined;
}
