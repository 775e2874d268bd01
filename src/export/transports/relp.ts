/**
 * RELP, rsyslog's Reliable Event Logging Protocol (https://www.rsyslog.com/doc/relp.html): every
 * syslog message is a command with a transaction number, and the collector answers each with
 * `rsp 200 OK` once it has taken the message. `send` resolves only when every message of the batch
 * was acknowledged, so the forwarder's cursor never runs ahead of the collector.
 *
 * Frames: TXNR SP COMMAND SP DATALEN [SP DATA] LF. The session opens with `open` offers
 * (relp_version, relp_software, commands=syslog); several commands may be in flight (the window);
 * `close` ends the session; a collector shutting down may send `serverclose` first.
 */
import type { Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { ShiplogError } from '../../errors.ts';
import { fittedSyslogMessage, fqdnHostname, type SyslogOptions } from '../syslog.ts';
import { connectStream, describeError, tlsOptions, type StreamTarget } from './connect.ts';
import { DeliveryError, type OutboundMessage, type Transport } from './transport.ts';

export interface RelpOptions extends StreamTarget, SyslogOptions {
  /** Commands in flight at most (librelp's default window is 128). */
  window?: number;
  /** Give up on an acknowledgement after this long (default 30 s): the batch is then retried. */
  ackTimeoutMs?: number;
}

/** relp_software offer: name, version, URL (informational; there is no project URL to give). */
export const RELP_SOFTWARE = 'shiplog,0.1.0,-';
const MAX_TXNR = 999_999_999;

export interface RelpFrame {
  txnr: number;
  command: string;
  data: Buffer;
}

export function encodeFrame(txnr: number, command: string, data: Buffer = Buffer.alloc(0)): Buffer {
  const head = `${txnr} ${command} ${data.length}`;
  return data.length === 0
    ? Buffer.from(`${head}\n`, 'ascii')
    : Buffer.concat([Buffer.from(`${head} `, 'ascii'), data, Buffer.from('\n', 'ascii')]);
}

/** Incremental frame reader: push bytes as they arrive, take whole frames out. */
export class RelpFrameReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): RelpFrame[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const frames: RelpFrame[] = [];
    for (;;) {
      const f = this.next();
      if (!f) break;
      frames.push(f);
    }
    return frames;
  }

  private next(): RelpFrame | undefined {
    // The header is short ASCII; find its three fields without decoding DATA.
    const sp1 = this.buf.indexOf(0x20);
    if (sp1 < 0) return this.tooLongHeader();
    const sp2 = this.buf.indexOf(0x20, sp1 + 1);
    if (sp2 < 0) return this.tooLongHeader();
    let end = sp2 + 1;
    while (end < this.buf.length && this.buf[end]! >= 0x30 && this.buf[end]! <= 0x39) end++;
    if (end === this.buf.length) return this.tooLongHeader();
    const txnrText = this.buf.subarray(0, sp1).toString('ascii');
    const command = this.buf.subarray(sp1 + 1, sp2).toString('ascii');
    const lenText = this.buf.subarray(sp2 + 1, end).toString('ascii');
    if (!/^\d{1,9}$/.test(txnrText) || !/^[a-z]{1,32}$/.test(command) || !/^\d{1,9}$/.test(lenText)) {
      throw new DeliveryError(
        `RELP: malformed frame header "${this.buf.subarray(0, 40).toString('latin1')}"`,
        true,
      );
    }
    const len = Number(lenText);
    let dataStart = end;
    if (this.buf[end] === 0x20) dataStart = end + 1;
    else if (len > 0 || this.buf[end] !== 0x0a)
      throw new DeliveryError('RELP: malformed frame (no space before data)', true);
    if (this.buf.length < dataStart + len + 1) return undefined;
    if (this.buf[dataStart + len] !== 0x0a) throw new DeliveryError('RELP: frame trailer is not LF', true);
    const data = Buffer.from(this.buf.subarray(dataStart, dataStart + len));
    this.buf = this.buf.subarray(dataStart + len + 1);
    return { txnr: Number(txnrText), command, data };
  }

  private tooLongHeader(): undefined {
    if (this.buf.length > 64 && this.buf.indexOf(0x0a) < 0 && this.buf.subarray(0, 64).indexOf(0x20) < 0) {
      throw new DeliveryError('RELP: no frame header in the first 64 bytes', true);
    }
    return undefined;
  }
}

/** "200 OK[\n…]" → {code, text, rest}. */
export function parseResponse(data: Buffer): { code: number; text: string; rest: string } {
  const s = data.toString('utf8');
  const nl = s.indexOf('\n');
  const line = nl < 0 ? s : s.slice(0, nl);
  const m = /^(\d{3})\s?(.*)$/.exec(line);
  return { code: m ? Number(m[1]) : 0, text: m ? m[2]! : line, rest: nl < 0 ? '' : s.slice(nl + 1) };
}

interface Pending {
  resolve(data: Buffer): void;
  reject(e: Error): void;
}

/** One connection's RELP session: transaction numbers, the window, and the responses it waits for. */
class RelpSession {
  private readonly reader = new RelpFrameReader();
  private readonly pending = new Map<number, Pending>();
  private readonly waiters: (() => void)[] = [];
  private nextTxnr = 1;
  dead: Error | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly window: number,
    private readonly ackTimeoutMs: number,
    private readonly where: string,
  ) {
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const f of this.reader.push(chunk)) this.onFrame(f);
      } catch (e) {
        this.abort(e as Error);
      }
    });
    socket.on('error', (e) =>
      this.fail(new DeliveryError(`${where}: ${describeError(e)}`, true, { cause: e })),
    );
    socket.on('close', () =>
      this.fail(new DeliveryError(`${where}: connection closed by the collector`, true)),
    );
  }

  private takeTxnr(): number {
    const t = this.nextTxnr;
    this.nextTxnr = t >= MAX_TXNR ? 1 : t + 1;
    return t;
  }

  private onFrame(f: RelpFrame): void {
    if (f.command === 'serverclose') {
      // The collector is going away: whatever it has not answered must be sent again.
      return this.abort(
        new DeliveryError(`${this.where}: the collector closed the session (serverclose)`, true),
      );
    }
    if (f.command !== 'rsp') {
      return this.abort(new DeliveryError(`${this.where}: unexpected RELP command "${f.command}"`, true));
    }
    const p = this.pending.get(f.txnr);
    if (!p)
      return this.abort(new DeliveryError(`${this.where}: response to unknown transaction ${f.txnr}`, true));
    this.pending.delete(f.txnr);
    p.resolve(f.data);
    this.waiters.shift()?.();
  }

  /** Every command still waiting fails with `e`; the session is not used again. */
  fail(e: Error): void {
    if (this.dead) return;
    this.dead = e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
    for (const w of this.waiters.splice(0)) w();
  }

  private abort(e: Error): void {
    this.fail(e);
    this.socket.destroy();
  }

  /** Sends one command once the window has room; resolves with the response's DATA. */
  private async request(name: string, data?: Buffer): Promise<Buffer> {
    while (!this.dead && this.pending.size >= this.window) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    if (this.dead) throw this.dead;
    const txnr = this.takeTxnr();
    const answer = new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.abort(
          new DeliveryError(`${this.where}: no answer to ${name} within ${this.ackTimeoutMs} ms`, true),
        );
      }, this.ackTimeoutMs);
      this.pending.set(txnr, {
        resolve: (d) => {
          clearTimeout(timer);
          resolve(d);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
    this.socket.write(encodeFrame(txnr, name, data));
    return answer;
  }

  /** `open`: our offers out, the collector's back; it must accept the syslog command. */
  async open(): Promise<void> {
    const offers = Buffer.from(`relp_version=0\nrelp_software=${RELP_SOFTWARE}\ncommands=syslog`, 'ascii');
    const r = parseResponse(await this.request('open', offers));
    if (r.code !== 200) {
      throw new DeliveryError(
        `${this.where}: the collector refused the RELP session: ${r.code} ${r.text}`,
        false,
      );
    }
    const commands = /(?:^|\n)commands=([^\n]*)/.exec(r.rest)?.[1] ?? '';
    if (!commands.split(',').includes('syslog')) {
      throw new DeliveryError(`${this.where}: the RELP collector does not offer the syslog command`, false);
    }
  }

  /** Resolves when the collector acknowledged this message with 200. */
  async syslog(message: Buffer): Promise<void> {
    const r = parseResponse(await this.request('syslog', message));
    // Anything but 200 means "not taken": the forwarder sends the batch again later.
    if (r.code !== 200)
      throw new DeliveryError(`${this.where}: the collector answered ${r.code} ${r.text}`.trim(), true);
  }

  async close(): Promise<void> {
    if (this.dead) return;
    try {
      await this.request('close');
    } catch {
      // The session is over either way.
    }
  }
}

export function openRelp(options: RelpOptions): Transport {
  const tls: ConnectionOptions | undefined = options.tls ? tlsOptions(options) : undefined;
  const destination = `relp${tls ? '+tls' : ''}://${options.host}:${options.port}`;
  const window = options.window ?? 128;
  if (!Number.isSafeInteger(window) || window < 1)
    throw new ShiplogError('USAGE', 'RELP window must be 1 or more');
  let session: RelpSession | undefined;
  let socket: Socket | undefined;

  async function current(): Promise<RelpSession> {
    if (session && !session.dead) return session;
    socket?.destroy();
    const s = await connectStream(options, tls);
    socket = s;
    session = new RelpSession(s, window, options.ackTimeoutMs ?? 30_000, destination);
    await session.open();
    return session;
  }

  return {
    destination,
    async send(batch: readonly OutboundMessage[]): Promise<void> {
      if (batch.length === 0) return;
      const s = await current();
      options.hostname ??= await fqdnHostname();
      const acks = batch.map((m) => s.syslog(fittedSyslogMessage(m, options)));
      // Wait for every answer, then report the first failure: a partial batch is not delivered.
      const results = await Promise.allSettled(acks);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
    async close(): Promise<void> {
      const s = session;
      session = undefined;
      if (s) await s.close();
      socket?.end();
      socket?.destroy();
      socket = undefined;
    },
  };
}
