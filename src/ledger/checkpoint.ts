/**
 * Checkpoints: C2SP tlog-checkpoint signed notes. The body is the origin, the tree size (entries)
 * and the base64 RFC 6962 Merkle root over the entry hashes (see tree/merkle.ts); a blank line;
 * then signature lines "— <name> <base64(4-byte key hash || Ed25519 signature)>". Any C2SP
 * checkpoint verifier accepts them unchanged; extension lines are neither written nor accepted.
 */
import { sign as cryptoSign, verify as cryptoVerify } from 'node:crypto';
import { ShiplogError } from '../errors.ts';
import { sha256Bytes } from './encoding.ts';
import { rawPublicKey, type SigningKey, type TrustedKey } from './keys.ts';

export interface Checkpoint {
  origin: string;
  size: number;
  /** The RFC 6962 Merkle root of the first `size` entries (32 bytes). */
  root: Buffer;
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
  if (c.root.length !== 32) throw new ShiplogError('BAD_INPUT', 'checkpoint: a Merkle root is 32 bytes');
  return `${c.origin}\n${c.size}\n${c.root.toString('base64')}\n`;
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
  if (lines.length !== 3) bad('body needs exactly an origin, a tree size and a root hash');
  const [origin, sizeText, rootB64] = lines as [string, string, string];
  if (!origin || /\s/.test(origin)) bad('origin line is empty or has spaces');
  if (!/^(0|[1-9]\d{0,15})$/.test(sizeText))
    bad(`tree size "${sizeText.slice(0, 40)}" is not a decimal number`);
  const root = Buffer.from(rootB64, 'base64');
  if (root.length !== 32 || root.toString('base64') !== rootB64) bad('root hash is not 32 bytes of base64');
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
  return { origin, size: Number(sizeText), root, body, signatures };
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
