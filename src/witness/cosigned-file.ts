/**
 * The ledger's `cosigned` file (in the tip tree, beside `checkpoint`): the checkpoints witnesses
 * cosigned, newest first, each a complete C2SP signed note — the checkpoint body, a blank line,
 * the log's signature line(s) and the witnesses' cosignature lines — separated by one blank line:
 *
 *   shiplog/acme/web          ← newest cosigned checkpoint
 *   42
 *   <base64 root>
 *
 *   — shiplog/acme/web <log signature>
 *   — witness.example/a <cosignature/v1>
 *   — witness.example/b <cosignature/v1>
 *
 *   shiplog/acme/web          ← an older one, kept only while it holds a witness the newer lack
 *   40
 *   …
 *
 * An older note stays only while it carries a signature line (name and key ID) that no newer note
 * has, so a witness that was down still counts with the last size it cosigned; the file holds at
 * most MAX_NOTES notes, so it stays small whatever the ledger's length.
 */
import { parseCheckpoint, type ParsedCheckpoint } from '../ledger/checkpoint.ts';

export const MAX_NOTES = 16;
const EM_DASH = '\u2014';

export interface CosignedNote {
  checkpoint: ParsedCheckpoint;
  /** Every signature line (log and witnesses), without newlines. */
  lines: string[];
}

/** The notes of a cosigned file; notes that do not parse are reported, not fatal. */
export function parseCosignedFile(text: string): { notes: CosignedNote[]; problems: string[] } {
  const notes: CosignedNote[] = [];
  const problems: string[] = [];
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length) {
    if (lines[i] === '') {
      i++;
      continue;
    }
    const start = i;
    while (i < lines.length && lines[i] !== '') i++; // the body
    i++; // the blank line
    while (i < lines.length && lines[i]!.startsWith(EM_DASH)) i++; // the signature lines
    const noteText = `${lines.slice(start, i).join('\n')}\n`;
    try {
      const checkpoint = parseCheckpoint(noteText);
      notes.push({
        checkpoint,
        lines: noteText
          .slice(checkpoint.body.length + 1)
          .split('\n')
          .filter(Boolean),
      });
    } catch (e) {
      problems.push(`cosigned note ${notes.length + problems.length + 1}: ${(e as Error).message}`);
      if (i === start) i++;
    }
  }
  return { notes, problems };
}

function noteText(n: CosignedNote): string {
  return `${n.checkpoint.body}\n${n.lines.map((l) => `${l}\n`).join('')}`;
}

function identity(line: string): string {
  // "— <name> <base64>": the name and the first 4 bytes (key ID) of the signature blob.
  const [, name = '', b64 = ''] = line.split(' ');
  return `${name} ${Buffer.from(b64, 'base64').subarray(0, 4).toString('hex')}`;
}

/**
 * The file after adding `cosignatures` (lines already checked by the caller) to `checkpointText`:
 * the new note first (merged with an earlier note of the same body), then the older notes still
 * holding a signer the newer ones lack.
 */
export function mergeCosigned(
  existing: string | undefined,
  checkpointText: string,
  cosignatures: string[],
): string {
  const cp = parseCheckpoint(checkpointText);
  const old = existing ? parseCosignedFile(existing).notes : [];
  const same = old.find((n) => n.checkpoint.body === cp.body);
  const lines = checkpointText
    .slice(cp.body.length + 1)
    .split('\n')
    .filter(Boolean);
  for (const l of [...cosignatures, ...(same?.lines ?? [])]) {
    const id = identity(l);
    // One line per signer: the first seen is the newest.
    if (!lines.some((x) => identity(x) === id)) lines.push(l);
  }
  const kept: CosignedNote[] = [{ checkpoint: cp, lines }];
  const seen = new Set(lines.map(identity));
  const older = old
    .filter((n) => n.checkpoint.body !== cp.body && n.checkpoint.size <= cp.size)
    .sort((a, b) => b.checkpoint.size - a.checkpoint.size);
  for (const n of older) {
    if (kept.length >= MAX_NOTES) break;
    const fresh = n.lines.map(identity).filter((id) => !seen.has(id));
    if (fresh.length === 0) continue;
    for (const id of fresh) seen.add(id);
    kept.push(n);
  }
  return kept.map(noteText).join('\n');
}
