/**
 * RFC 5424 syslog messages, framed for a stream by RFC 6587 octet counting (the length, a space,
 * the message: no delimiter that the JSON body could ever contain).
 */
import { hostname as osHostname } from 'node:os';
import type { OutboundMessage } from './transports/transport.ts';

/**
 * SD-ID of the element carrying the entry hash and seq. 32473 is the private enterprise number
 * RFC 5612 reserves for documentation; shiplog has none of its own, and receivers match the whole
 * SD-ID string anyway.
 */
export const SHIPLOG_SD_ID = 'shiplog@32473';

export interface SyslogOptions {
  /** HOSTNAME field; defaults to this machine's name. */
  hostname?: string;
  /** Facility 0-23; default 13 (log audit). */
  facility?: number;
  /** Prefix MSG with a UTF-8 BOM, which RFC 5424 §6.4 uses to declare the MSG as UTF-8 (default true). */
  bom?: boolean;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** PRINTUSASCII (33-126) only, at most `max` characters, `-` (NILVALUE) when nothing is left. */
export function headerField(value: string | undefined, max: number): string {
  const clean = (value ?? '').replace(/[^\x21-\x7e]/g, '').slice(0, max);
  return clean === '' ? '-' : clean;
}

/** PARAM-VALUE escaping (RFC 5424 §6.3.3): '"', '\' and ']' get a backslash. */
export function sdValue(value: string): string {
  return value.replace(/["\\\]]/g, (c) => `\\${c}`);
}

export function syslogTimestamp(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '-';
  // toISOString gives FULL-DATE "T" FULL-TIME with 3 fraction digits and "Z": valid RFC 3339 for 5424.
  return new Date(ms).toISOString();
}

export function defaultHostname(): string {
  return headerField(osHostname(), 255);
}

/** One RFC 5424 message for one outbound entry: HEADER SP STRUCTURED-DATA SP MSG. */
export function syslogMessage(m: OutboundMessage, options: SyslogOptions = {}): Buffer {
  const facility = options.facility ?? 13;
  const severity = m.severity ?? 6;
  const params = [`hash="${sdValue(m.id)}"`, ...(m.seq !== undefined ? [`seq="${m.seq}"`] : [])];
  const header = [
    `<${facility * 8 + severity}>1`,
    syslogTimestamp(m.time),
    options.hostname !== undefined ? headerField(options.hostname, 255) : defaultHostname(),
    'shiplog',
    '-',
    headerField(m.type, 32),
    `[${SHIPLOG_SD_ID} ${params.join(' ')}]`,
  ].join(' ');
  const body = Buffer.from(m.body, 'utf8');
  return Buffer.concat([Buffer.from(header + ' ', 'ascii'), ...(options.bom === false ? [] : [BOM]), body]);
}

/** RFC 6587 §3.4.1 octet-counted frame: MSG-LEN SP SYSLOG-MSG. */
export function octetCounted(message: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${message.length} `, 'ascii'), message]);
}
