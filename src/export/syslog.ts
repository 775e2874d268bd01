/**
 * RFC 5424 syslog messages, framed for a stream by RFC 6587 octet counting (the length, a space,
 * the message: no delimiter that the JSON body could ever contain).
 */
import { lookup, lookupService } from 'node:dns/promises';
import { hostname as osHostname } from 'node:os';
import { ShiplogError } from '../errors.ts';
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  MIN_MAX_MESSAGE_BYTES,
  withBodyWithin,
  type OutboundMessage,
} from './transports/transport.ts';

/**
 * RFC 5424 §6.3.2 / §7: an SD-ID without "@" must be registered with IANA, so structured data of
 * our own is `name@<private enterprise number>`, the number being the sender's organisation's
 * (https://www.iana.org/assignments/enterprise-numbers). shiplog has none, and 32473 is reserved
 * for documentation (RFC 5612), so there is no default: without `--sd-id` a message carries no
 * structured data (`-`) and the entry hash is in the JSON body (OCSF `metadata.uid`, JSONL
 * `entry_hash`); with it, `[<sd-id> hash="sha256:…" seq="12"]`. `name` is how the user gave it (the
 * CLI's flag, an Action input), for the message.
 */
export function parseSdId(value: string, name = '--sd-id'): string {
  const m = /^([^@=\]" ]{1,31})@([1-9][0-9]*(?:\.[0-9]+)*)$/.exec(value);
  if (!m || value.length > 32 || !/^[\x21-\x7e]+$/.test(value)) {
    throw new ShiplogError(
      'USAGE',
      `${name} "${value}" is not NAME@PEN: an SD-ID of at most 32 printable ASCII characters (no "=", "]", '"' or space), PEN your organisation's IANA private enterprise number (RFC 5424 §7.2.2)`,
    );
  }
  if (m[2]!.split('.')[0] === '32473') {
    throw new ShiplogError(
      'USAGE',
      `${name} "${value}": enterprise number 32473 is reserved for documentation (RFC 5612); use your organisation's own`,
    );
  }
  return value;
}

export interface SyslogOptions {
  /** HOSTNAME field; defaults to this machine's FQDN when known (see `fqdnHostname`), else its name. */
  hostname?: string;
  /** SD-ID (NAME@PEN, checked by `parseSdId`) of the element carrying hash and seq; none when absent. */
  sdId?: string;
  /** Whole SYSLOG-MSG at most this many bytes (default 8192): larger events are cut (truncate.ts). */
  maxMessageBytes?: number;
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

/**
 * RFC 5424 §6.2.4: HOSTNAME is the FQDN where known. os.hostname() is often the short name, so the
 * name's address is looked up and asked back for its canonical name (what /etc/hosts or DNS gives
 * first); a name that extends the short one with a domain is taken, anything else (no answer within
 * a second, an unrelated name, "localhost") leaves the machine's own name.
 */
export async function fqdnHostname(short = osHostname(), timeoutMs = 1000): Promise<string> {
  if (short.includes('.')) return headerField(short, 255);
  const ask = async (): Promise<string | undefined> => {
    const { address } = await lookup(short);
    const { hostname } = await lookupService(address, 0);
    return hostname.toLowerCase().startsWith(`${short.toLowerCase()}.`) ? hostname : undefined;
  };
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
    timer.unref();
  });
  try {
    const found = await Promise.race([ask().catch(() => undefined), late]);
    return headerField(found ?? short, 255);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The message for `m`, at most `maxMessageBytes` bytes: when the whole would be larger, the body is
 * cut to what the header leaves (m.shrink), never the message mid-JSON.
 */
export function fittedSyslogMessage(m: OutboundMessage, options: SyslogOptions = {}): Buffer {
  const max = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const whole = syslogMessage(m, options);
  if (whole.length <= max) return whole;
  const header = whole.length - Buffer.byteLength(m.body, 'utf8');
  return syslogMessage(withBodyWithin(m, max - header, max), options);
}

/** `--max-message-bytes`: a whole number from 2048 (RFC 5424's SHOULD) up. */
export function parseMaxMessageBytes(value: string, name = '--max-message-bytes'): number {
  const n = /^[0-9]+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < MIN_MAX_MESSAGE_BYTES) {
    throw new ShiplogError(
      'USAGE',
      `${name} must be a whole number of bytes, at least ${MIN_MAX_MESSAGE_BYTES} (got "${value}")`,
    );
  }
  return n;
}

/** One RFC 5424 message for one outbound entry: HEADER SP STRUCTURED-DATA SP MSG. */
export function syslogMessage(m: OutboundMessage, options: SyslogOptions = {}): Buffer {
  const facility = options.facility ?? 13;
  const severity = m.severity ?? 6;
  const params = [`hash="${sdValue(m.id)}"`, ...(m.seq !== undefined ? [`seq="${m.seq}"`] : [])];
  const sd = options.sdId ? `[${options.sdId} ${params.join(' ')}]` : '-';
  const header = [
    `<${facility * 8 + severity}>1`,
    syslogTimestamp(m.time),
    options.hostname !== undefined ? headerField(options.hostname, 255) : defaultHostname(),
    'shiplog',
    '-',
    headerField(m.type, 32),
    sd,
  ].join(' ');
  const body = Buffer.from(m.body, 'utf8');
  return Buffer.concat([Buffer.from(header + ' ', 'ascii'), ...(options.bom === false ? [] : [BOM]), body]);
}

/** RFC 6587 §3.4.1 octet-counted frame: MSG-LEN SP SYSLOG-MSG. */
export function octetCounted(message: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${message.length} `, 'ascii'), message]);
}
