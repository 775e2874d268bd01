/**
 * Splunk HTTP Event Collector: batches POSTed to /services/collector/event as concatenated JSON
 * event objects, `Authorization: Splunk <token>`. HTTP 200 with `{"text":"Success","code":0}` is
 * the only success; 503 (busy), other 5xx, 429 and network errors may pass later and are retried;
 * any other answer (400 bad data, 401/403 token) is final and names HEC's code and text.
 *
 * A 200 means HEC accepted the batch. With indexer acknowledgement off (the default, and what this
 * client uses) Splunk may still lose accepted events inside its own pipeline if it crashes.
 */
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import { ShiplogError } from '../../errors.ts';
import { fqdnHostname } from '../syslog.ts';
import { describeError, type TlsFiles } from './connect.ts';
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  DeliveryError,
  withBodyWithin,
  type OutboundMessage,
  type Transport,
} from './transport.ts';

export interface HecOptions {
  url: URL;
  /** The HEC token: the caller reads it from the environment. Never logged, never in errors. */
  token: string;
  /** `host` of every event; this machine's FQDN by default (its name when it has none). */
  host?: string;
  source?: string;
  /** Default `shiplog:<format>`. */
  sourcetype?: string;
  index?: string;
  tls?: TlsFiles;
  /** Split a batch into several POSTs above this many bytes (HEC's default limit is 1 MB). */
  maxBodyBytes?: number;
  /** One event's JSON at most this many bytes (Splunk cuts a line at 10 000 by default); 8192. */
  maxMessageBytes?: number;
  timeoutMs?: number;
}

export const HEC_EVENT_PATH = '/services/collector/event';

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** One HEC event object as text; `body` is already a JSON object, embedded without re-parsing. */
export function hecEvent(
  m: OutboundMessage,
  meta: { host: string; source: string; sourcetype: string; index?: string },
): string {
  const head: Record<string, unknown> = {
    ...(m.time !== undefined ? { time: m.time / 1000 } : {}),
    host: meta.host,
    source: meta.source,
    sourcetype: meta.sourcetype,
    ...(meta.index ? { index: meta.index } : {}),
    // Indexed fields: a search can drop copies of an event by its entry hash.
    fields: {
      entry_hash: m.id,
      ...(m.seq !== undefined ? { seq: String(m.seq) } : {}),
      ...(m.type ? { type: m.type } : {}),
    },
  };
  const text = JSON.stringify(head);
  return `${text.slice(0, -1)},"event":${m.body}}`;
}

interface HecAnswer {
  status: number;
  text?: string;
  code?: number;
  raw: string;
}

export function openHec(options: HecOptions): Transport {
  const url = options.url;
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new ShiplogError(
      'USAGE',
      `HEC needs https:// (plain http:// only to localhost): ${url.protocol}//${url.host}`,
    );
  }
  if (!options.token)
    throw new ShiplogError('USAGE', 'no HEC token: set it in the environment variable the command names');
  if (/[\r\n]/.test(options.token)) throw new ShiplogError('USAGE', 'the HEC token holds a line break');
  const path = url.pathname === '/' || url.pathname === '' ? HEC_EVENT_PATH : url.pathname;
  const destination = `${url.protocol}//${url.host}${path}`;
  const tls = options.tls ?? {};
  const agent =
    url.protocol === 'https:'
      ? new Agent({
          keepAlive: true,
          ca: tls.caFile ? readFileSync(tls.caFile) : undefined,
          cert: tls.certFile ? readFileSync(tls.certFile) : undefined,
          key: tls.keyFile ? readFileSync(tls.keyFile) : undefined,
          servername: tls.servername,
          rejectUnauthorized: tls.rejectUnauthorized ?? true,
          minVersion: 'TLSv1.2',
        })
      : new HttpAgent({ keepAlive: true });
  const meta = {
    host: options.host ?? '',
    source: options.source ?? 'shiplog',
    sourcetype: options.sourcetype ?? 'shiplog',
    index: options.index,
  };
  const maxBytes = options.maxBodyBytes ?? 1_000_000;
  const timeout = options.timeoutMs ?? 30_000;

  function post(body: Buffer): Promise<HecAnswer> {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(
        {
          host: url.hostname.replace(/^\[|\]$/g, ''),
          port: url.port || (url.protocol === 'https:' ? 443 : 80),
          path: path + url.search,
          method: 'POST',
          agent,
          headers: {
            Authorization: `Splunk ${options.token}`,
            'Content-Type': 'application/json',
            'Content-Length': body.length,
          },
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (e) =>
            reject(new DeliveryError(`${destination}: ${describeError(e)}`, true, { cause: e })),
          );
          res.on('end', () => {
            const raw = Buffer.concat(chunks).toString('utf8');
            let parsed: { text?: unknown; code?: unknown } = {};
            try {
              parsed = JSON.parse(raw) as typeof parsed;
            } catch {
              parsed = {};
            }
            resolve({
              status: res.statusCode ?? 0,
              text: typeof parsed.text === 'string' ? parsed.text : undefined,
              code: typeof parsed.code === 'number' ? parsed.code : undefined,
              raw,
            });
          });
        },
      );
      req.setTimeout(timeout, () => req.destroy(new Error(`no answer within ${timeout} ms`)));
      req.on('error', (e) => {
        const code = (e as NodeJS.ErrnoException).code ?? '';
        const certificate = /CERT|SELF_SIGNED|UNABLE_TO_|ALTNAME|DEPTH_ZERO/.test(code);
        reject(
          new DeliveryError(
            `${destination}: ${describeError(e)}${certificate ? ' (the collector certificate is not trusted; pass its CA with --ca FILE)' : ''}`,
            !certificate,
            { cause: e },
          ),
        );
      });
      req.end(body);
    });
  }

  function check(a: HecAnswer): void {
    // Only HEC's own success answer counts: a proxy's 200 page is not a delivery.
    if (a.status === 200 && a.code === 0) return;
    const said =
      a.text !== undefined
        ? `"${a.text}"${a.code !== undefined ? ` (code ${a.code})` : ''}`
        : a.raw.slice(0, 200);
    const retryable = a.status === 429 || a.status >= 500;
    throw new DeliveryError(
      `${destination} ${retryable ? 'could not take' : 'refused'} the batch: HTTP ${a.status} ${said}`.trim(),
      retryable,
    );
  }

  return {
    destination,
    async send(batch: readonly OutboundMessage[]): Promise<void> {
      // The machine's FQDN where it has one, as syslog's HOSTNAME: one name for this sender in the SIEM.
      if (!meta.host) meta.host = await fqdnHostname();
      // Several POSTs when the batch is large; the batch is delivered when all of them are.
      let parts: string[] = [];
      let size = 0;
      for (const m of batch) {
        const e = hecEvent(withBodyWithin(m, options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES), meta);
        const n = Buffer.byteLength(e);
        if (parts.length && size + n > maxBytes) {
          check(await post(Buffer.from(parts.join(''), 'utf8')));
          parts = [];
          size = 0;
        }
        parts.push(e);
        size += n;
      }
      if (parts.length) check(await post(Buffer.from(parts.join(''), 'utf8')));
    },
    async close(): Promise<void> {
      agent.destroy();
    },
  };
}
