import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { ShiplogError } from '../errors.ts';
import { sha256Hex } from './encoding.ts';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyid: string;
}

export interface TrustedKey {
  publicKey: KeyObject;
  keyid: string;
  /** Raw 32-byte Ed25519 public key, used for signed-note key hashes. */
  raw: Buffer;
  source: string;
}

/** keyid = lowercase hex SHA-256 of the SubjectPublicKeyInfo DER. */
export function keyidOf(publicKey: KeyObject): string {
  return sha256Hex(publicKey.export({ type: 'spki', format: 'der' }));
}

// Exporting a key costs more than signing with it; a writer signs a checkpoint per append.
const rawKeys = new WeakMap<KeyObject, Buffer>();

export function rawPublicKey(publicKey: KeyObject): Buffer {
  let raw = rawKeys.get(publicKey);
  if (!raw) {
    // The SPKI DER of an Ed25519 key is a fixed 12-byte prefix followed by the 32 key bytes.
    const der = publicKey.export({ type: 'spki', format: 'der' });
    raw = der.subarray(der.length - 32);
    rawKeys.set(publicKey, raw);
  }
  return raw;
}

export function generateSigningKeyPem(): { privatePem: string; publicPem: string; keyid: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyid: keyidOf(publicKey),
  };
}

export function loadSigningKey(pem: string, source: string): SigningKey {
  if (!pem.includes('-----BEGIN')) {
    throw new ShiplogError('BAD_KEY', `${source} is not a PEM key (expected "-----BEGIN PRIVATE KEY-----")`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' });
  } catch (e) {
    // Never echo the key material: only say what is wrong with it.
    throw new ShiplogError('BAD_KEY', `${source} is not a readable private key: ${(e as Error).message}`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new ShiplogError(
      'BAD_KEY',
      `${source} is a ${privateKey.asymmetricKeyType ?? 'unknown'} key; shiplog signs with Ed25519 (make one with "shiplog keygen")`,
    );
  }
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyid: keyidOf(publicKey) };
}

export function loadTrustedKey(pem: string, source: string): TrustedKey {
  if (!pem.includes('-----BEGIN')) {
    throw new ShiplogError(
      'BAD_KEY',
      `${source} is not a PEM public key (expected "-----BEGIN PUBLIC KEY-----")`,
    );
  }
  if (pem.includes('PRIVATE KEY')) {
    throw new ShiplogError(
      'BAD_KEY',
      `${source} holds a private key; pass the public key (shiplog.pub) instead`,
    );
  }
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: pem, format: 'pem' });
  } catch (e) {
    throw new ShiplogError('BAD_KEY', `${source} is not a readable public key: ${(e as Error).message}`);
  }
  if (publicKey.asymmetricKeyType !== 'ed25519') {
    throw new ShiplogError(
      'BAD_KEY',
      `${source} is a ${publicKey.asymmetricKeyType ?? 'unknown'} key, not Ed25519`,
    );
  }
  return { publicKey, keyid: keyidOf(publicKey), raw: rawPublicKey(publicKey), source };
}

/** A signing key's public half, trusted: a writer believes what it signed itself. */
export function trustedKeyOf(key: SigningKey, source: string): TrustedKey {
  return { publicKey: key.publicKey, keyid: key.keyid, raw: rawPublicKey(key.publicKey), source };
}

/** Splits text holding one or more PEM public keys (the Action's multi-line input) into keys. */
export function loadTrustedKeys(text: string, source: string): TrustedKey[] {
  const blocks = text.match(/-----BEGIN [A-Z ]+-----[\s\S]*?-----END [A-Z ]+-----/g) ?? [];
  if (blocks.length === 0) throw new ShiplogError('BAD_KEY', `${source} holds no PEM public key`);
  return blocks.map((b, i) => loadTrustedKey(b, blocks.length > 1 ? `${source} (key ${i + 1})` : source));
}
