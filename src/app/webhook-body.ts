/**
 * The webhook endpoint's front door, before Probot's middleware sees a byte: GitHub never sends a
 * payload over 25 MB (it drops larger ones), so anything bigger is not GitHub and is refused with
 * 413 — from `content-length` without reading the body, or, for a chunked body, as soon as the
 * count passes the cap. A request without the signature header is refused before its body is read
 * at all: nothing unauthenticated is read beyond what the signature check itself needs.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** GitHub caps webhook payloads at 25 MB. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

type Outcome = { ok: true; body: string } | { ok: false };

function refuse(req: IncomingMessage, res: ServerResponse, status: number, error: string): Outcome {
  // `connection: close` and no further reading: the rest of the body is never pulled off the socket.
  res.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
  res.end(JSON.stringify({ error }), () => req.destroy());
  return { ok: false };
}

/**
 * Reads a webhook body of at most `max` bytes, or answers the request (413 too large, 400 unsigned)
 * and says so. The caller hands the text on to Probot's middleware as `req.body`.
 */
export async function readWebhookBody(
  req: IncomingMessage,
  res: ServerResponse,
  max = MAX_WEBHOOK_BYTES,
): Promise<Outcome> {
  if (req.headers['x-hub-signature-256'] === undefined) {
    return refuse(req, res, 400, 'Required headers missing: x-hub-signature-256');
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) {
    return refuse(req, res, 413, `payload over GitHub's ${max}-byte cap`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      const b = chunk as Buffer;
      size += b.length;
      if (size > max) return refuse(req, res, 413, `payload over GitHub's ${max}-byte cap`);
      chunks.push(b);
    }
  } catch {
    if (!res.headersSent) return refuse(req, res, 400, 'the request body could not be read');
    return { ok: false };
  }
  return { ok: true, body: new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks)) };
}
