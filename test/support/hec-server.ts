/**
 * A local HTTPS server that answers like Splunk's HTTP Event Collector, for the forwarding tests:
 * POST /services/collector/event (and /services/collector) with `Authorization: Splunk <token>`,
 * a body of concatenated JSON event objects, and HEC's documented answers:
 *   200 {"text":"Success","code":0}
 *   401 {"text":"Token is required","code":2} / {"text":"Invalid authorization","code":3}
 *   403 {"text":"Invalid token","code":4}
 *   400 {"text":"No data","code":5} / {"text":"Invalid data format","code":6}
 *       {"text":"Event field is required","code":12} / {"text":"Event field cannot be blank","code":13}
 *   503 {"text":"Server is busy","code":9}
 * Faults are scripted per request: busy (503), or accept the events and then drop the connection
 * before answering (the client cannot know they arrived).
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface HecEvent {
  time?: number;
  host?: string;
  source?: string;
  sourcetype?: string;
  index?: string;
  fields?: Record<string, unknown>;
  event: unknown;
}

export type HecFault = 'busy' | 'drop-after-accept';

export interface HecServer {
  url: string;
  token: string;
  /** Every event accepted, in arrival order (a re-sent event appears again). */
  events: HecEvent[];
  requests: number;
  /** Answers for the next requests, in order; null (or running out) serves the request normally. */
  faults: (HecFault | null)[];
  /** When set, decides per request (after `faults`): true answers 503 busy. */
  busyWhen?: (request: number) => boolean;
  close(): Promise<void>;
}

/** Splits concatenated JSON objects (whitespace allowed between them), as HEC reads its body. */
export function splitConcatenatedJson(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}') {
      depth--;
      if (depth < 0) throw new Error('unbalanced }');
      if (depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
    } else if (depth === 0 && !/\s/.test(c))
      throw new Error(`unexpected ${JSON.stringify(c)} between events`);
  }
  if (depth !== 0 || inString) throw new Error('truncated event');
  return out;
}

function answer(res: ServerResponse, status: number, text: string, code: number): void {
  const body = JSON.stringify({ text, code });
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

export async function startHecServer(options: {
  token: string;
  cert: string;
  key: string;
}): Promise<HecServer> {
  const state: HecServer = {
    url: '',
    token: options.token,
    events: [],
    requests: 0,
    faults: [],
    close: async () => {},
  };
  const server = createServer(
    { cert: readFileSync(options.cert), key: readFileSync(options.key) },
    (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const n = ++state.requests;
        const path = (req.url ?? '').split('?')[0];
        if (
          req.method !== 'POST' ||
          (path !== '/services/collector/event' && path !== '/services/collector')
        ) {
          return answer(res, 404, 'The requested URL was not found on this server.', 404);
        }
        const auth = req.headers.authorization;
        if (!auth) return answer(res, 401, 'Token is required', 2);
        const m = /^Splunk (\S+)$/.exec(auth);
        if (!m) return answer(res, 401, 'Invalid authorization', 3);
        if (m[1] !== state.token) return answer(res, 403, 'Invalid token', 4);
        const fault = state.faults.shift();
        if (fault === 'busy' || (fault === undefined && state.busyWhen?.(n)))
          return answer(res, 503, 'Server is busy', 9);
        const text = Buffer.concat(chunks).toString('utf8');
        if (text.trim() === '') return answer(res, 400, 'No data', 5);
        let parsed: unknown[];
        try {
          parsed = splitConcatenatedJson(text);
        } catch {
          return answer(res, 400, 'Invalid data format', 6);
        }
        for (const e of parsed) {
          const ev = e as Partial<HecEvent> | null;
          if (!ev || typeof ev !== 'object' || !('event' in ev))
            return answer(res, 400, 'Event field is required', 12);
          if (ev.event === '' || ev.event === null)
            return answer(res, 400, 'Event field cannot be blank', 13);
        }
        state.events.push(...(parsed as HecEvent[]));
        if (fault === 'drop-after-accept') {
          // Stored, but the client never hears so: it must send the batch again.
          req.socket.destroy();
          return;
        }
        answer(res, 200, 'Success', 0);
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.url = `https://127.0.0.1:${port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
