/**
 * What a witness needs of a checkpoint note beyond the ledger's own parser: its root as bytes, and
 * the log-signature verdict with signed-note's rules (unknown keys ignored; a known key's failed
 * signature spoils the note).
 */
import { verify as cryptoVerify } from 'node:crypto';
import { noteKeyHash, type ParsedCheckpoint } from '../ledger/checkpoint.ts';
import type { TrustedKey } from '../ledger/keys.ts';

export function checkpointRoot(cp: ParsedCheckpoint): Buffer {
  return cp.root;
}

export type LogSignatureVerdict = 'signed' | 'unsigned' | 'bad-signature';

export function logSignatureVerdict(cp: ParsedCheckpoint, keys: readonly TrustedKey[]): LogSignatureVerdict {
  let signed = false;
  for (const s of cp.signatures) {
    for (const k of keys) {
      if (!noteKeyHash(s.name, k.raw).equals(s.keyHash)) continue;
      if (s.sig.length !== 64 || !cryptoVerify(null, Buffer.from(cp.body, 'utf8'), k.publicKey, s.sig))
        return 'bad-signature';
      signed = true;
    }
  }
  return signed ? 'signed' : 'unsigned';
}
