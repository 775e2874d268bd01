/**
 * A spool: lines written to a file as verification produces them, read back only once the whole
 * ledger verified. Nothing may leave before the verdict (a ledger can fail at its last commit), and
 * holding every event in memory until then is what made a 100k export take ~1 GB. Writes are
 * synchronous and batched, so the producer (verify's per-entry callback) needs no back-pressure.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { ShiplogError } from '../errors.ts';

const FLUSH_AT = 1 << 20;

export class Spool {
  private fd: number | undefined;
  private buf: string[] = [];
  private size = 0;
  /** Lines written. */
  count = 0;

  private constructor(readonly path: string) {
    this.fd = openSync(path, 'wx', 0o600);
  }

  /** A spool in the temporary folder (removed by `remove`). */
  static temporary(what: string): Spool {
    return new Spool(join(tmpdir(), `shiplog-${what}-${process.pid}-${randomBytes(6).toString('hex')}.tmp`));
  }

  /** A spool beside `target`, to become it by `commitTo` (same filesystem: the rename is atomic). */
  static beside(target: string): Spool {
    const dir = dirname(target);
    try {
      mkdirSync(dir, { recursive: true });
      return new Spool(
        join(dir, `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`),
      );
    } catch (e) {
      throw new ShiplogError('BAD_INPUT', `cannot write "${target}": ${(e as Error).message}`);
    }
  }

  /** Appends text (the caller adds newlines). */
  write(text: string): void {
    this.buf.push(text);
    this.size += text.length;
    this.count++;
    if (this.size >= FLUSH_AT) this.flush();
  }

  private flush(): void {
    if (this.fd === undefined) throw new ShiplogError('BAD_INPUT', `spool ${this.path} is closed`);
    if (this.buf.length) writeSync(this.fd, this.buf.join(''));
    this.buf = [];
    this.size = 0;
  }

  /** Flushes, syncs and closes; the file stays. */
  close(): void {
    if (this.fd === undefined) return;
    this.flush();
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = undefined;
  }

  /** Closes and renames the spool to `target`. */
  commitTo(target: string): void {
    this.close();
    renameSync(this.path, target);
  }

  /** The spooled text, one line at a time (without its newline). */
  async *lines(): AsyncIterable<string> {
    this.close();
    const rl = createInterface({ input: createReadStream(this.path, 'utf8'), crlfDelay: Infinity });
    for await (const line of rl) yield line;
  }

  /** The spooled text in chunks, as written. */
  chunks(): AsyncIterable<string> {
    this.close();
    return createReadStream(this.path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  }

  remove(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    rmSync(this.path, { force: true });
  }
}
