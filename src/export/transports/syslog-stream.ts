/**
 * Syslog over TCP (`syslog+tcp://`) or TLS (`syslog+tls://`, RFC 5425): RFC 5424 messages in RFC
 * 6587 octet-counted frames.
 *
 * Plain syslog has no acknowledgement. `send` resolves once the frames are written and flushed to
 * the kernel's socket: that proves the bytes left this process, not that the collector stored
 * them. A collector that crashes or drops the connection can lose what was in flight and in its
 * own buffers, and the forwarder's cursor may already have moved past it (at-most-once across a
 * crash). RELP is the transport that knows.
 */
import type { Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { connectStream, describeError, tlsOptions, type StreamTarget } from './connect.ts';
import { fittedSyslogMessage, fqdnHostname, octetCounted, type SyslogOptions } from '../syslog.ts';
import { DeliveryError, type OutboundMessage, type Transport } from './transport.ts';

export interface SyslogStreamOptions extends StreamTarget, SyslogOptions {
  /** Give up a write the kernel has not taken within this time (default 30 s). */
  writeTimeoutMs?: number;
}

export function openSyslogStream(options: SyslogStreamOptions): Transport {
  const tls: ConnectionOptions | undefined = options.tls ? tlsOptions(options) : undefined;
  const destination = `syslog+${tls ? 'tls' : 'tcp'}://${options.host}:${options.port}`;
  let socket: Socket | undefined;
  // Set when the peer closed or reset: the next batch starts a new connection.
  let broken: Error | undefined;

  async function connection(): Promise<Socket> {
    if (socket && !socket.destroyed && !broken && socket.writable) return socket;
    socket?.destroy();
    broken = undefined;
    const s = await connectStream(options, tls);
    s.on('error', (e) => {
      broken = e;
    });
    s.on('close', () => {
      broken ??= new Error('connection closed by the collector');
    });
    // A syslog collector never talks back; reading keeps a FIN or RST from going unnoticed.
    s.on('data', () => {});
    s.on('end', () => {
      broken ??= new Error('the collector ended the connection');
      s.destroy();
    });
    socket = s;
    return s;
  }

  function write(s: Socket, data: Buffer): Promise<void> {
    const timeout = options.writeTimeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        s.destroy();
        reject(new DeliveryError(`${destination}: write not taken within ${timeout} ms`, true));
      }, timeout);
      const onClose = () => fail(broken ?? new Error('connection closed'));
      const fail = (e: Error) => {
        clearTimeout(timer);
        s.off('close', onClose);
        reject(new DeliveryError(`${destination}: ${describeError(e)}`, true, { cause: e }));
      };
      s.once('close', onClose);
      s.write(data, (err) => {
        clearTimeout(timer);
        s.off('close', onClose);
        if (err) fail(err);
        else if (broken) fail(broken);
        else resolve();
      });
    });
  }

  return {
    destination,
    async send(batch: readonly OutboundMessage[]): Promise<void> {
      if (batch.length === 0) return;
      const s = await connection();
      options.hostname ??= await fqdnHostname();
      const frames = Buffer.concat(batch.map((m) => octetCounted(fittedSyslogMessage(m, options))));
      await write(s, frames);
    },
    async close(): Promise<void> {
      const s = socket;
      socket = undefined;
      if (!s || s.destroyed) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          s.destroy();
          resolve();
        }, 5_000);
        s.end(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      s.destroy();
    },
  };
}
