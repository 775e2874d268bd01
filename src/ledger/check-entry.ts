/**
 * The per-entry part of verification, kept free of git and threads. It is split in two so the
 * main thread can decode and check the shape of entries while worker threads spend their time
 * only on Ed25519 (the one cost that dominates verify).
 */
import { signatureCandidates, signerIndex, type SignatureCandidate } from './dsse.ts';
import { decodeEntry, EntryProblem, type DecodedEntry } from './entry.ts';
import type { TrustedKey } from './keys.ts';

export interface EntryCheckInput {
  path: string;
  text: string;
}

export interface EntryFacts {
  path: string;
  seq?: number;
  hash?: string;
  prev?: string;
  commit?: string;
  type?: string;
  environment?: string;
  idempotencyKey?: string;
  keyid?: string;
  problem?: { kind: string; message: string };
}

/** What is left to check once an entry decoded: does a trusted key sign these PAE bytes? */
export interface SignatureJob {
  paeBytes: Uint8Array;
  candidates: SignatureCandidate[];
  /** The keyids the envelope names, for the message when no trusted key signed it. */
  keyids: string[];
}

/** Decodes and checks everything but the signature. No job means the entry already failed. */
export function decodeForVerify(
  input: EntryCheckInput,
  trusted: TrustedKey[],
): { facts: EntryFacts; job?: SignatureJob; entry?: DecodedEntry } {
  const facts: EntryFacts = { path: input.path };
  try {
    const entry = decodeEntry(input.text);
    const p = entry.statement.predicate;
    Object.assign(facts, {
      seq: p.seq,
      hash: entry.hash,
      prev: p.prev,
      commit: p.commit,
      type: p.type,
      environment: p.environment,
      idempotencyKey: p.idempotency_key,
    });
    const job = {
      paeBytes: entry.paeBytes,
      candidates: signatureCandidates(entry.envelope, trusted),
      keyids: entry.envelope.signatures.map((s) => s.keyid),
    };
    return { facts, job, entry };
  } catch (e) {
    facts.problem =
      e instanceof EntryProblem
        ? { kind: e.kind, message: e.message }
        : { kind: 'envelope', message: String(e) };
    return { facts };
  }
}

/** Records the outcome of the signature check (`signer` indexes `trusted`, -1 for none). */
export function applySigner(
  facts: EntryFacts,
  job: SignatureJob,
  signer: number,
  trusted: TrustedKey[],
): void {
  if (signer >= 0) {
    facts.keyid = trusted[signer]!.keyid;
    return;
  }
  const ids = job.keyids.map((k) => k.slice(0, 16)).join(', ');
  facts.problem = {
    kind: 'signature',
    message: `no signature by a trusted key (signed with keyid ${ids || 'none'})`,
  };
}

/** The whole check on this thread (small ledgers, and where no workers are wanted). */
export function checkEntryText(input: EntryCheckInput, trusted: TrustedKey[]): EntryFacts {
  const { facts, job } = decodeForVerify(input, trusted);
  if (job)
    applySigner(
      facts,
      job,
      signerIndex(
        job.paeBytes,
        job.candidates,
        trusted.map((k) => k.publicKey),
      ),
      trusted,
    );
  return facts;
}
