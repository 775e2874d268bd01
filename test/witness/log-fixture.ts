/** A toy transparency log for witness tests: leaves, signed checkpoints and consistency proofs. */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noteKeyHash } from '../../src/ledger/checkpoint.ts';
import {
  loadSigningKey,
  loadTrustedKey,
  rawPublicKey,
  type SigningKey,
  type TrustedKey,
} from '../../src/ledger/keys.ts';
import {
  consistencyProof,
  leafHash,
  rootFromLeafHashes,
  type HashReader,
} from '../../src/ledger/tree/merkle.ts';
import { formatAddCheckpoint } from '../../src/witness/request.ts';

export interface KeyFiles {
  key: SigningKey;
  trusted: TrustedKey;
  keyFile: string;
  pubFile: string;
}

export function keyFiles(dir: string, stem: string): KeyFiles {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const keyFile = join(dir, `${stem}.key`);
  const pubFile = join(dir, `${stem}.pub`);
  writeFileSync(keyFile, privatePem, { mode: 0o600 });
  writeFileSync(pubFile, publicPem);
  return {
    key: loadSigningKey(privatePem, keyFile),
    trusted: loadTrustedKey(publicPem, pubFile),
    keyFile,
    pubFile,
  };
}

export function tempDir(prefix = 'shiplog-witness-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Leaf i of fork `fork`: forks share leaves below `from` and differ from there on. */
function leaf(i: number, fork: string, from: number): Buffer {
  const tag = i < from ? 'main' : fork;
  return leafHash(createHash('sha256').update(`${tag}/${i}`).digest());
}

export class ToyLog {
  constructor(
    readonly origin: string,
    readonly key: SigningKey,
    readonly fork = 'main',
    readonly forkFrom = Infinity,
  ) {}

  leaves(size: number): Buffer[] {
    return Array.from({ length: size }, (_, i) => leaf(i, this.fork, this.forkFrom));
  }

  root(size: number): Buffer {
    return rootFromLeafHashes(this.leaves(size));
  }

  reader(size: number): HashReader {
    const leaves = this.leaves(size);
    return {
      hash: (level, index) => rootFromLeafHashes(leaves.slice(index * 2 ** level, (index + 1) * 2 ** level)),
    };
  }

  /** A C2SP checkpoint signed by `signer` (default: the log's key) with the origin as key name. */
  checkpoint(size: number, signer: SigningKey = this.key): string {
    const body = `${this.origin}\n${size}\n${this.root(size).toString('base64')}\n`;
    const sig = sign(null, Buffer.from(body), signer.privateKey);
    const keyHash = noteKeyHash(this.origin, rawPublicKey(signer.publicKey));
    return `${body}\n\u2014 ${this.origin} ${Buffer.concat([keyHash, sig]).toString('base64')}\n`;
  }

  async request(oldSize: number, size: number, signer?: SigningKey): Promise<string> {
    const proof = await consistencyProof(oldSize, size, this.reader(size));
    return formatAddCheckpoint(oldSize, proof, this.checkpoint(size, signer));
  }
}

export interface Answer {
  status: number;
  type: string;
  body: string;
}

export async function post(url: string, body: string): Promise<Answer> {
  const r = await fetch(`${url}/add-checkpoint`, { method: 'POST', body });
  return { status: r.status, type: r.headers.get('content-type') ?? '', body: await r.text() };
}
