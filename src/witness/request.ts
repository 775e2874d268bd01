/**
 * The body of a tlog-witness `add-checkpoint` request, parsed once at the edge:
 *
 *   old <size>\n
 *   <base64 hash>\n        zero to 63 consistency proof lines
 *   \n
 *   <checkpoint>           a signed note (origin, size, base64 RFC 6962 root, signature lines)
 */
import { ShiplogError } from '../errors.ts';
import { parseCheckpoint, type ParsedCheckpoint } from '../ledger/checkpoint.ts';
import { checkpointRoot } from './note.ts';

export const MAX_PROOF_LINES = 63;
/** A checkpoint is at most 64 KiB; the old size and proof add under 4 KiB. */
export const MAX_REQUEST_BYTES = 70 * 1024;

export interface AddCheckpointRequest {
  oldSize: number;
  proof: Buffer[];
  checkpoint: ParsedCheckpoint;
  /** The checkpoint's RFC 6962 root (32 bytes). */
  root: Buffer;
  /** The checkpoint note as sent (body and signature lines). */
  checkpointText: string;
}

function bad(message: string): never {
  throw new ShiplogError('BAD_INPUT', message);
}

const SIZE = /^(0|[1-9]\d{0,15})$/;

export function parseAddCheckpoint(text: string): AddCheckpointRequest {
  // signed-note: valid UTF-8 (checked by the caller's decoder) and no control characters but "\n".
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x0a) || c === 0x7f) bad('the request holds control characters');
  }
  const first = text.indexOf('\n');
  const oldLine = first < 0 ? text : text.slice(0, first);
  const m = /^old (.*)$/.exec(oldLine);
  if (!m || !SIZE.test(m[1]!)) bad('the request must start with "old <size>" (decimal, no leading zeroes)');
  const oldSize = Number(m[1]);
  const proof: Buffer[] = [];
  let at = first + 1;
  for (;;) {
    const end = text.indexOf('\n', at);
    if (end < 0) bad('no blank line between the consistency proof and the checkpoint');
    const line = text.slice(at, end);
    at = end + 1;
    if (line === '') break;
    if (proof.length === MAX_PROOF_LINES) bad(`more than ${MAX_PROOF_LINES} consistency proof lines`);
    const hash = Buffer.from(line, 'base64');
    if (hash.length !== 32 || hash.toString('base64') !== line)
      bad(`consistency proof line ${proof.length + 1} is not a base64 SHA-256 hash`);
    proof.push(hash);
  }
  const checkpointText = text.slice(at);
  let checkpoint: ParsedCheckpoint;
  try {
    checkpoint = parseCheckpoint(checkpointText);
  } catch (e) {
    bad((e as Error).message);
  }
  if (oldSize > checkpoint.size)
    bad(`old size ${oldSize} is larger than the checkpoint's size ${checkpoint.size}`);
  return { oldSize, proof, checkpoint, root: checkpointRoot(checkpoint), checkpointText };
}

/** The request body a writer sends. */
export function formatAddCheckpoint(
  oldSize: number,
  proof: readonly Buffer[],
  checkpointText: string,
): string {
  return `old ${oldSize}\n${proof.map((h) => `${h.toString('base64')}\n`).join('')}\n${checkpointText}`;
}
