/** The RELP client against a scripted server: window, out-of-order answers, errors, serverclose. */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeFrame, openRelp, RelpFrameReader, type RelpFrame } from '../../src/export/transports/relp.ts';
import { DeliveryError, type OutboundMessage } from '../../src/export/transports/transport.ts';

interface Script {
  /** What to answer to `open` (default 200 with commands=syslog). */
  open?: string;
  /** Called for each syslog command; return the response text, or undefined to hold it back. */
  syslog(frame: RelpFrame, conn: Conn): string | undefined;
}

interface Conn {
  socket: Socket;
  held: RelpFrame[];
  answer(txnr: number, text: string): void;
  inFlight: number;
  maxInFlight: number;
}

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function relpServer(script: Script): Promise<{ port: number; conns: Conn[]; received: string[] }> {
  const conns: Conn[] = [];
  const received: string[] = [];
  server = createServer((socket) => {
    const reader = new RelpFrameReader();
    const conn: Conn = {
      socket,
      held: [],
      inFlight: 0,
      maxInFlight: 0,
      answer(txnr, text) {
        conn.inFlight--;
        socket.write(encodeFrame(txnr, 'rsp', Buffer.from(text)));
      },
    };
    conns.push(conn);
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      for (const f of reader.push(chunk)) {
        if (f.command === 'open') {
          const text = script.open ?? '200 OK\nrelp_version=0\nrelp_software=test\ncommands=syslog';
          socket.write(encodeFrame(f.txnr, 'rsp', Buffer.from(text)));
        } else if (f.command === 'close') {
          socket.write(encodeFrame(f.txnr, 'rsp'));
          socket.end();
        } else if (f.command === 'syslog') {
          conn.inFlight++;
          conn.maxInFlight = Math.max(conn.maxInFlight, conn.inFlight);
          received.push(f.data.toString('utf8'));
          const text = script.syslog(f, conn);
          if (text !== undefined) conn.answer(f.txnr, text);
        }
      }
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { port: (server!.address() as { port: number }).port, conns, received };
}

const batch = (n: number, from = 0): OutboundMessage[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `sha256:${from + i}`,
    body: `{"n":${from + i}}`,
    seq: from + i,
  }));

async function rejection(p: Promise<unknown>): Promise<DeliveryError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DeliveryError) return e;
    throw e;
  }
  throw new Error('expected a DeliveryError');
}

describe('RELP client', () => {
  it('keeps at most `window` commands in flight and takes answers in any order', async () => {
    const s = await relpServer({
      syslog: (f, conn) => {
        conn.held.push(f);
        // Answer in bursts of 4, newest first.
        if (conn.held.length === 4)
          for (const h of conn.held.splice(0).reverse()) conn.answer(h.txnr, '200 OK');
        return undefined;
      },
    });
    const t = openRelp({ host: '127.0.0.1', port: s.port, window: 4 });
    await t.send(batch(40));
    await t.close();
    expect(s.received).toHaveLength(40);
    expect(s.conns[0]!.maxInFlight).toBe(4);
  });

  it('a batch with an answer other than 200 is not delivered, and may be retried', async () => {
    const s = await relpServer({ syslog: (f) => (f.data.includes('"n":3}') ? '500 queue full' : '200 OK') });
    const t = openRelp({ host: '127.0.0.1', port: s.port });
    const e = await rejection(t.send(batch(6)));
    expect(e.retryable).toBe(true);
    expect(e.message).toMatch(/500 queue full/);
    await t.close();
  });

  it('serverclose fails what is unanswered; the next send opens a new session', async () => {
    const s = await relpServer({
      syslog: (f, conn) => {
        if (conn === s.conns[0] && f.data.includes('"n":2}')) {
          conn.socket.write(encodeFrame(0, 'serverclose'));
          conn.socket.end();
          return undefined;
        }
        return '200 OK';
      },
    });
    const t = openRelp({ host: '127.0.0.1', port: s.port });
    const e = await rejection(t.send(batch(5)));
    expect(e.message).toMatch(/serverclose|closed/);
    await t.send(batch(5));
    await t.close();
    expect(s.conns).toHaveLength(2);
  });

  it('a collector that does not offer syslog is refused for good', async () => {
    const s = await relpServer({ open: '200 OK\nrelp_version=0\ncommands=', syslog: () => '200 OK' });
    const t = openRelp({ host: '127.0.0.1', port: s.port });
    const e = await rejection(t.send(batch(1)));
    expect(e.retryable).toBe(false);
    await t.close();
  });

  it('no answer within the timeout fails the batch', async () => {
    const s = await relpServer({ syslog: () => undefined });
    const t = openRelp({ host: '127.0.0.1', port: s.port, ackTimeoutMs: 100 });
    const e = await rejection(t.send(batch(3)));
    expect(e.message).toMatch(/no answer to syslog within 100 ms/);
    await t.close();
  });
});
