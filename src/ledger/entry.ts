/** Decoding and checking one stored entry file. Pure: shared by verify, its workers and queries. */
import { ShiplogError } from '../errors.ts';
import { readEnvelope, pae, entryHashOfPae, type Envelope } from './dsse.ts';
import { isCanonicalJson } from './encoding.ts';
import { parseStatement, type Statement } from './statement.ts';

export interface DecodedEntry {
  envelope: Envelope;
  statement: Statement;
  hash: string;
  paeBytes: Buffer;
}

export type EntryProblemKind = 'envelope' | 'payload' | 'statement' | 'signature';

export class EntryProblem extends Error {
  constructor(
    readonly kind: EntryProblemKind,
    message: string,
  ) {
    super(message);
  }
}

/** Decodes an entry file, checking envelope shape, canonical payload and statement shape. */
export function decodeEntry(text: string): DecodedEntry {
  let envelope: Envelope;
  let payload: Buffer;
  try {
    ({ envelope, payload } = readEnvelope(text));
  } catch (e) {
    throw new EntryProblem('envelope', (e as Error).message);
  }
  const paeBytes = pae(envelope.payloadType, payload);
  const hash = entryHashOfPae(paeBytes);
  const payloadText = payload.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(payloadText);
  } catch (e) {
    throw new EntryProblem('payload', `payload is not JSON: ${(e as Error).message}`);
  }
  if (!isCanonicalJson(payloadText, value) || Buffer.byteLength(payloadText) !== payload.length) {
    throw new EntryProblem('payload', 'payload is not RFC 8785 canonical JSON');
  }
  let statement: Statement;
  try {
    statement = parseStatement(value);
  } catch (e) {
    throw new EntryProblem('statement', e instanceof ShiplogError ? e.message : String(e));
  }
  return { envelope, statement, hash, paeBytes };
}
