/**
 * The witness's memory: per origin, the latest checkpoint it cosigned, in `<dir>/<sha256(origin)>`
 * (the note as it was returned: body, the log's signatures and the witness's cosignature).
 *
 * The compare-and-store is what keeps a witness honest, so it is atomic and durable:
 *  - one process owns a state folder (a lock file, taken at open and refreshed while it runs);
 *  - requests for one origin run one at a time, from reading the stored size to writing the new one;
 *  - a write is temp file → fsync → rename → fsync of the folder, and the answer (the cosignature)
 *    leaves only after that. A crash at any point leaves the old record or the new one, and a
 *    cosignature is only ever given for a record already on disk, so no two inconsistent
 *    checkpoints of one origin are ever both cosigned.
 * An unreadable record fails closed (the origin is refused), never read as "seen nothing".
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { ShiplogError } from '../errors.ts';
import { parseCheckpoint } from '../ledger/checkpoint.ts';
import { checkpointRoot } from './note.ts';

export interface WitnessRecord {
  origin: string;
  size: number;
  root: Buffer;
  /** The cosigned checkpoint note. */
  note: string;
}

/** A test-only hook: the process kills itself at this point of a store (see tests/witness). */
export type CrashPoint = 'after-check' | 'after-temp' | 'after-rename';
const CRASH_ENV = 'SHIPLOG_WITNESS_TEST_CRASH';

export function crashIfAsked(point: CrashPoint): void {
  if (process.env[CRASH_ENV] === point) process.kill(process.pid, 'SIGKILL');
}

export function originHash(origin: string): string {
  return createHash('sha256').update(origin, 'utf8').digest('hex');
}

const LOCK_STALE_MS = 5000;
const TEMP_PREFIX = '.tmp-';

export class WitnessState {
  private readonly queues = new Map<string, Promise<unknown>>();

  private constructor(
    readonly dir: string,
    private readonly release: () => Promise<void>,
  ) {}

  /**
   * Opens (and creates) the state folder and takes its lock. A lock left by a killed process is
   * taken over once it is stale (not refreshed for 5 s), so a restart waits at most that long.
   */
  static async open(dir: string, opts: { onLockLost?: (e: Error) => void } = {}): Promise<WitnessState> {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(dir, {
        lockfilePath: join(dir, 'witness.lock'),
        stale: LOCK_STALE_MS,
        retries: { retries: 12, minTimeout: 250, maxTimeout: 1000, factor: 1.5 },
        realpath: false,
        onCompromised:
          opts.onLockLost ??
          ((e) => {
            // Another process may now write this folder: stop rather than risk two writers.
            process.stderr.write(`shiplog witness: lost the state folder's lock (${e.message}); stopping\n`);
            process.exit(1);
          }),
      });
    } catch (e) {
      throw new ShiplogError(
        'USAGE',
        `the witness state folder ${dir} is in use by another witness process (${(e as Error).message})`,
      );
    }
    // Temp files are writes that never reached their rename: the record they would have replaced
    // is still the valid one.
    for (const name of readdirSync(dir))
      if (name.startsWith(TEMP_PREFIX)) rmSync(join(dir, name), { force: true });
    return new WitnessState(dir, release);
  }

  async close(): Promise<void> {
    await this.release();
  }

  /** Runs `fn` after every earlier call for the same origin has finished. */
  serialise<T>(origin: string, fn: () => Promise<T> | T): Promise<T> {
    const previous = this.queues.get(origin) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.queues.set(origin, tail);
    void tail.then(() => {
      if (this.queues.get(origin) === tail) this.queues.delete(origin);
    });
    return run;
  }

  private path(origin: string): string {
    return join(this.dir, originHash(origin));
  }

  /** The stored record, undefined when the origin was never cosigned; throws when unreadable. */
  read(origin: string): WitnessRecord | undefined {
    let text: string;
    try {
      text = readFileSync(this.path(origin), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    try {
      const cp = parseCheckpoint(text);
      if (cp.origin !== origin) throw new Error(`it holds origin "${cp.origin}"`);
      return { origin, size: cp.size, root: checkpointRoot(cp), note: text };
    } catch (e) {
      throw new Error(`the stored record for origin "${origin}" is unreadable: ${(e as Error).message}`);
    }
  }

  readByHash(hash: string): string | undefined {
    if (!/^[0-9a-f]{64}$/.test(hash)) return undefined;
    try {
      return readFileSync(join(this.dir, hash), 'utf8');
    } catch {
      return undefined;
    }
  }

  write(record: WitnessRecord): void {
    const temp = join(this.dir, `${TEMP_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`);
    const fd = openSync(temp, 'wx', 0o600);
    try {
      const bytes = Buffer.from(record.note, 'utf8');
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    crashIfAsked('after-temp');
    renameSync(temp, this.path(record.origin));
    crashIfAsked('after-rename');
    const dirFd = openSync(this.dir, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  }
}
