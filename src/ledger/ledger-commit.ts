/**
 * A ledger commit's message: a readable title and the trailers that let a reader (or the next
 * append) know the commit's seq, entry hash, checkpoint origin and subject without opening a blob.
 * Trailer values are untrusted text in a damaged ledger: parsers validate every value.
 */
import { COMMIT_PATTERN, HASH_PATTERN } from './encoding.ts';

export interface CommitTrailers {
  seq: number;
  entry: string;
  origin: string;
  subject: string;
}

export function ledgerCommitMessage(t: CommitTrailers & { type: string; environment?: string }): string {
  const title = ['shiplog:', `#${t.seq}`, t.type, t.environment, t.subject.slice(0, 7)]
    .filter(Boolean)
    .join(' ')
    .replace(/[\r\n]+/g, ' ');
  return (
    `${title}\n\n` +
    `Shiplog-Seq: ${t.seq}\nShiplog-Entry: ${t.entry}\nShiplog-Origin: ${t.origin}\nShiplog-Subject: ${t.subject}\n`
  );
}

/** Raw trailer values as found (each may be missing or malformed). */
export interface RawTrailers {
  seq?: string;
  entry?: string;
  origin?: string;
  subject?: string;
}

export function readTrailers(message: string): RawTrailers {
  const get = (name: string): string | undefined => {
    const values = [...message.matchAll(new RegExp(`^${name}: (.*)$`, 'gm'))].map((m) => m[1]!.trim());
    // Two values for one trailer is as wrong as a wrong value: report it as unreadable.
    return values.length === 1 ? values[0] : values.length > 1 ? '(repeated)' : undefined;
  };
  return {
    seq: get('Shiplog-Seq'),
    entry: get('Shiplog-Entry'),
    origin: get('Shiplog-Origin'),
    subject: get('Shiplog-Subject'),
  };
}

/** The trailers when every one is present and well-formed. */
export function validTrailers(raw: RawTrailers): CommitTrailers | undefined {
  if (!raw.seq || !/^(0|[1-9]\d{0,15})$/.test(raw.seq)) return undefined;
  if (!raw.entry || !HASH_PATTERN.test(raw.entry)) return undefined;
  if (!raw.origin || !/^[^\s+]+$/.test(raw.origin)) return undefined;
  if (!raw.subject || !COMMIT_PATTERN.test(raw.subject)) return undefined;
  return { seq: Number(raw.seq), entry: raw.entry, origin: raw.origin, subject: raw.subject };
}
