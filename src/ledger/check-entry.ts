/**
 * The per-entry part of verification, kept free of git and threads so the main thread and the
 * worker threads run the very same code.
 */
import { checkSignature, decodeEntry, EntryProblem } from './entry.ts';
import { loadTrustedKey, type TrustedKey } from './keys.ts';

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

export function checkEntryText(input: EntryCheckInput, trusted: TrustedKey[]): EntryFacts {
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
    facts.keyid = checkSignature(entry, trusted).keyid;
  } catch (e) {
    facts.problem =
      e instanceof EntryProblem
        ? { kind: e.kind, message: e.message }
        : { kind: 'envelope', message: String(e) };
  }
  return facts;
}

export function trustedFromPems(pems: string[]): TrustedKey[] {
  return pems.map((pem, i) => loadTrustedKey(pem, `trusted key ${i + 1}`));
}
