/**
 * Where an export goes: a file written aside and renamed into place (a half-written export could
 * be mistaken for a complete one), or stdout with its back-pressure respected. Both take the text
 * in parts, so an export bigger than one JavaScript string can hold still goes out.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ShiplogError } from '../errors.ts';

/** Parts are joined into writes of about this many characters. */
const CHUNK = 1 << 20;

function* chunked(parts: Iterable<string>): Iterable<string> {
  let buf = '';
  for (const p of parts) {
    buf += p;
    if (buf.length >= CHUNK) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}

/**
 * Writes `parts` to a temporary file beside `path`, syncs it and renames it into place, then syncs
 * the folder (the rename is durable only once the folder's entry is on disk). A failure leaves the
 * old file as it was and is a BAD_INPUT error naming `what` (default: the path).
 */
export async function writeFileAtomically(
  path: string,
  parts: Iterable<string>,
  what = `"${path}"`,
): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    const fh = await open(tmp, 'wx', 0o644);
    try {
      for (const chunk of chunked(parts)) await fh.write(chunk, null, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    if (e instanceof ShiplogError) throw e;
    throw new ShiplogError('BAD_INPUT', `cannot write ${what}: ${(e as Error).message}`);
  }
  try {
    const d = await open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // Some filesystems refuse fsync on a folder; the rename itself has happened.
  }
}

export async function writeToStdout(parts: Iterable<string> | AsyncIterable<string>): Promise<void> {
  const chunks = Symbol.asyncIterator in parts ? parts : chunked(parts);
  for await (const chunk of chunks) {
    if (!process.stdout.write(chunk)) {
      await new Promise<void>((resolve) => process.stdout.once('drain', resolve));
    }
  }
}
