/**
 * The forwarding cursor: how far delivery to one destination is known complete, per ledger shard,
 * as the signed checkpoint of that point (what `--since` takes next time) plus its seq and hash.
 *
 * ```json
 * {
 *   "shiplog_cursor": 1,
 *   "destination": "relp://siem.example:2514",
 *   "format": "ocsf",
 *   "updated": "2026-01-01T00:00:00.000Z",
 *   "positions": [
 *     { "shard": "shiplog", "seq": 41, "hash": "sha256:…", "checkpoint": "origin\n42\n…\n\n— origin …\n" }
 *   ]
 * }
 * ```
 * `shard` is absent when one ledger is exported. The file is replaced atomically (temporary file,
 * fsync, rename, fsync of the folder): a crash leaves the old cursor or the new one, never half.
 */
import { readFile } from 'node:fs/promises';
import { ShiplogError } from '../errors.ts';
import { HASH_PATTERN } from '../ledger/encoding.ts';
import { writeFileAtomically } from './out-file.ts';

export const CURSOR_VERSION = 1;

export interface CursorPosition {
  shard?: string;
  seq: number;
  hash: string;
  checkpoint: string;
}

export interface Cursor {
  destination: string;
  format: string;
  updated: string;
  positions: CursorPosition[];
}

function bad(path: string, why: string): never {
  throw new ShiplogError(
    'BAD_INPUT',
    `cursor file ${path} ${why}; fix or remove it (removing sends everything again)`,
  );
}

/** undefined when there is no cursor yet (nothing delivered). */
export async function readCursor(path: string): Promise<Cursor | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ShiplogError('USAGE', `cannot read cursor file ${path}: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    bad(path, 'is not JSON');
  }
  const o = raw as Record<string, unknown> | null;
  if (typeof o !== 'object' || o === null || o.shiplog_cursor !== CURSOR_VERSION) {
    bad(path, `is not a shiplog cursor (version ${CURSOR_VERSION})`);
  }
  if (typeof o.destination !== 'string' || !Array.isArray(o.positions))
    bad(path, 'lacks destination or positions');
  const positions = (o.positions as unknown[]).map((p): CursorPosition => {
    const q = p as Record<string, unknown> | null;
    if (
      !q ||
      !Number.isSafeInteger(q.seq) ||
      (q.seq as number) < 0 ||
      typeof q.hash !== 'string' ||
      !HASH_PATTERN.test(q.hash) ||
      typeof q.checkpoint !== 'string' ||
      (q.shard !== undefined && typeof q.shard !== 'string')
    ) {
      bad(path, 'has a malformed position');
    }
    return {
      ...(q.shard !== undefined ? { shard: q.shard as string } : {}),
      seq: q.seq as number,
      hash: q.hash as string,
      checkpoint: q.checkpoint as string,
    };
  });
  return {
    destination: o.destination as string,
    format: typeof o.format === 'string' ? o.format : '',
    updated: typeof o.updated === 'string' ? o.updated : '',
    positions,
  };
}

export function cursorText(c: Cursor): string {
  return (
    JSON.stringify(
      {
        shiplog_cursor: CURSOR_VERSION,
        destination: c.destination,
        format: c.format,
        updated: c.updated,
        positions: c.positions,
      },
      null,
      2,
    ) + '\n'
  );
}

export async function writeCursor(path: string, c: Cursor): Promise<void> {
  try {
    await writeFileAtomically(path, [cursorText(c)], `cursor file ${path}`);
  } catch (e) {
    // a cursor that cannot be written is the caller's setting to fix, as it always was
    throw e instanceof ShiplogError ? new ShiplogError('USAGE', e.message, { cause: e }) : e;
  }
}

export function positionOf(c: Cursor | undefined, shard: string | undefined): CursorPosition | undefined {
  return c?.positions.find((p) => p.shard === shard);
}
