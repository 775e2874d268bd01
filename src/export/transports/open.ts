/**
 * A destination URL to a transport: `syslog+tcp://host:port`, `syslog+tls://host:port`,
 * `relp://host:port`, or an HEC URL `https://host[:port][/path]` (`http://` to loopback only).
 */
import { ShiplogError } from '../../errors.ts';
import type { TlsFiles } from './connect.ts';
import { openHec } from './hec.ts';
import { openRelp } from './relp.ts';
import { openSyslogStream } from './syslog-stream.ts';
import type { Transport } from './transport.ts';

export interface TransportOptions {
  tls?: TlsFiles;
  /** HEC token (read from the environment by the caller). */
  token?: string;
  /** syslog HOSTNAME / HEC host; this machine's FQDN where known, else its name, by default. */
  hostname?: string;
  /** syslog SD-ID NAME@PEN for the hash and seq (no structured data without it). */
  sdId?: string;
  /** Largest message (syslog: the whole SYSLOG-MSG; HEC: one event's JSON), default 8192. */
  maxMessageBytes?: number;
  /** HEC sourcetype; the forwarder passes `shiplog:<format>`. */
  sourcetype?: string;
  index?: string;
  /** RELP window. */
  window?: number;
  connectTimeoutMs?: number;
  /** RELP acknowledgement / HEC response / TCP write timeout. */
  timeoutMs?: number;
}

function hostPort(url: URL, what: string): { host: string; port: number } {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!host) throw new ShiplogError('USAGE', `${what} URL needs a host: ${url.href}`);
  if (!url.port)
    throw new ShiplogError('USAGE', `${what} URL needs a port, e.g. ${url.protocol}//${host}:6514`);
  return { host, port: Number(url.port) };
}

export function openTransport(destination: string, options: TransportOptions = {}): Transport {
  let url: URL;
  try {
    url = new URL(destination);
  } catch {
    throw new ShiplogError('USAGE', `not a destination URL: ${destination}`);
  }
  const stream = {
    connectTimeoutMs: options.connectTimeoutMs,
    hostname: options.hostname,
    sdId: options.sdId,
    maxMessageBytes: options.maxMessageBytes,
  };
  switch (url.protocol) {
    case 'syslog+tcp:':
      return openSyslogStream({ ...hostPort(url, 'syslog'), ...stream, writeTimeoutMs: options.timeoutMs });
    case 'syslog+tls:':
      return openSyslogStream({
        ...hostPort(url, 'syslog'),
        ...stream,
        tls: options.tls ?? {},
        writeTimeoutMs: options.timeoutMs,
      });
    case 'relp:':
      return openRelp({
        ...hostPort(url, 'RELP'),
        ...stream,
        window: options.window,
        ackTimeoutMs: options.timeoutMs,
      });
    case 'https:':
    case 'http:':
      return openHec({
        url,
        token: options.token ?? '',
        host: options.hostname,
        sourcetype: options.sourcetype,
        index: options.index,
        tls: options.tls,
        maxMessageBytes: options.maxMessageBytes,
        timeoutMs: options.timeoutMs,
      });
    default:
      throw new ShiplogError(
        'USAGE',
        `unknown destination scheme "${url.protocol}": use syslog+tcp://, syslog+tls://, relp:// or https:// (Splunk HEC)`,
      );
  }
}
