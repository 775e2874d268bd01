/**
 * A C2SP tlog-witness over HTTP:
 *   POST /add-checkpoint            check a checkpoint against the last one cosigned for its
 *                                   origin, store it, answer with a cosignature/v1 line
 *   GET  /<sha256(origin)>/checkpoint  the latest checkpoint cosigned for that origin
 * Answers as the spec says: 200 cosignature, 400 malformed, 403 not signed by a known log key,
 * 404 unknown origin, 409 old size ≠ stored size (body: stored size, text/x.tlog.size), 422 bad
 * proof or a different root at the same size.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isShiplogError } from '../errors.ts';
import type { SigningKey, TrustedKey } from '../ledger/keys.ts';
import { EMPTY_ROOT, verifyConsistency } from '../ledger/tree/merkle.ts';
import { cosign } from './cosignature.ts';
import { logSignatureVerdict } from './note.ts';
import { MAX_REQUEST_BYTES, parseAddCheckpoint } from './request.ts';
import { crashIfAsked, type WitnessState } from './state.ts';

export interface WitnessConfig {
  key: SigningKey;
  /** The witness's note name (key name of its cosignature lines). */
  name: string;
  /** Known logs: origin → the public keys trusted to sign its checkpoints. */
  logs: ReadonlyMap<string, readonly TrustedKey[]>;
  state: WitnessState;
  /** POSIX seconds (tests may pin it). */
  now?: () => number;
  /** Called for every refused or accepted checkpoint of a known log (misbehaviour evidence). */
  log?: (line: string) => void;
}

export interface WitnessAnswer {
  status: number;
  contentType: string;
  body: string;
}

const text = (status: number, body: string): WitnessAnswer => ({
  status,
  contentType: 'text/plain; charset=utf-8',
  body: body.endsWith('\n') ? body : `${body}\n`,
});

/** The whole add-checkpoint decision, without HTTP. */
export async function addCheckpoint(cfg: WitnessConfig, body: string): Promise<WitnessAnswer> {
  let req;
  try {
    req = parseAddCheckpoint(body);
  } catch (e) {
    if (isShiplogError(e)) return text(400, e.message);
    throw e;
  }
  const { checkpoint: cp, oldSize, proof, root } = req;
  const keys = cfg.logs.get(cp.origin);
  if (!keys) return text(404, `unknown origin "${cp.origin}"`);
  const verdict = logSignatureVerdict(cp, keys);
  if (verdict === 'bad-signature')
    return text(403, `a signature by a known key of "${cp.origin}" does not verify`);
  if (verdict === 'unsigned') return text(403, `no signature by a known key of "${cp.origin}"`);
  if (cp.size === 0 && !root.equals(EMPTY_ROOT))
    return text(422, 'a checkpoint of size 0 must have the empty tree root');

  return cfg.state.serialise(cp.origin, () => {
    const stored = cfg.state.read(cp.origin);
    const storedSize = stored?.size ?? 0;
    const say = (what: string) => cfg.log?.(`${cp.origin} ${oldSize}->${cp.size}: ${what}`);
    if (oldSize !== storedSize) {
      say(`conflict, stored size ${storedSize}`);
      return { status: 409, contentType: 'text/x.tlog.size', body: `${storedSize}\n` };
    }
    if (oldSize === 0 && proof.length > 0) {
      say('refused: a proof from size 0');
      return text(422, 'the consistency proof from size 0 must be empty');
    }
    if (stored && !verifyConsistency(oldSize, cp.size, stored.root, root, proof)) {
      say(`refused: not consistent with the stored root ${stored.root.toString('base64')}`);
      return text(
        422,
        oldSize === cp.size
          ? `size ${cp.size} was cosigned with a different root`
          : `the consistency proof from size ${oldSize} does not verify`,
      );
    }
    crashIfAsked('after-check');
    const time = Math.floor((cfg.now ?? (() => Date.now() / 1000))());
    const line = cosign(cp.body, cfg.key, cfg.name, time);
    // Same size and root: the stored record already says so; only the new timestamp differs.
    if (!stored || cp.size > stored.size) {
      const logSignatures = req.checkpointText.slice(cp.body.length + 1);
      cfg.state.write({
        origin: cp.origin,
        size: cp.size,
        root,
        note: `${cp.body}\n${ownLinesRemoved(logSignatures, cfg.name)}${line}`,
      });
    }
    say('cosigned');
    return text(200, line);
  });
}

/** The submitted note's signature lines, without any earlier line of this witness's own name. */
function ownLinesRemoved(signatureText: string, name: string): string {
  return signatureText
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith(`\u2014 ${name} `))
    .map((l) => `${l}\n`)
    .join('');
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > MAX_REQUEST_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

async function route(cfg: WitnessConfig, req: IncomingMessage): Promise<WitnessAnswer> {
  const path = (req.url ?? '/').split('?')[0]!;
  if (path === '/add-checkpoint') {
    if (req.method !== 'POST') return text(405, 'add-checkpoint takes a POST');
    const body = await readBody(req);
    if (!body) return text(413, `the request is larger than ${MAX_REQUEST_BYTES} bytes`);
    let decoded: string;
    try {
      decoded = new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch {
      return text(400, 'the request is not valid UTF-8');
    }
    return addCheckpoint(cfg, decoded);
  }
  const m = /^\/([0-9a-f]{64})\/checkpoint$/.exec(path);
  if (m && (req.method === 'GET' || req.method === 'HEAD')) {
    const note = cfg.state.readByHash(m[1]!);
    return note
      ? { status: 200, contentType: 'text/plain; charset=utf-8', body: note }
      : text(404, 'no checkpoint cosigned for that origin');
  }
  return text(404, 'not found');
}

function answer(res: ServerResponse, a: WitnessAnswer): void {
  res.writeHead(a.status, { 'content-type': a.contentType, 'content-length': Buffer.byteLength(a.body) });
  res.end(a.body);
}

export interface RunningWitness {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Listens on host:port ("127.0.0.1:0" picks a free port). */
export async function startWitness(
  cfg: WitnessConfig,
  listen: { host: string; port: number },
): Promise<RunningWitness> {
  const server = createServer((req, res) => {
    route(cfg, req).then(
      (a) => answer(res, a),
      (e: unknown) => {
        // A state that cannot be read or written: refuse, and say so to the operator.
        cfg.log?.(`error: ${(e as Error).message}`);
        answer(res, text(500, 'the witness could not read or store its state'));
      },
    );
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
