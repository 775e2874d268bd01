/** Writing a file handed to auditors: all or nothing. */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ShiplogError } from '../errors.ts';

/** A half-written file could be mistaken for a complete one: write aside, then rename. */
export function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new ShiplogError('BAD_INPUT', `cannot write "${path}": ${(e as Error).message}`);
  }
}
