#!/usr/bin/env node
import { createRequire as __shiplogCreateRequire } from 'node:module';
const require = __shiplogCreateRequire(import.meta.url);
import {
  MAX_REQUEST_BYTES,
  cosign,
  crashIfAsked,
  logSignatureVerdict,
  parseAddCheckpoint
} from "./chunk-NARCR5DQ.js";
import {
  EMPTY_ROOT,
  verifyConsistency
} from "./chunk-QEJERFSB.js";
import "./chunk-GCCZYBLX.js";
import {
  isShiplogError
} from "./chunk-KB55KBSJ.js";

// src/witness/server.ts
import { createServer } from "node:http";
var text = (status, body) => ({
  status,
  contentType: "text/plain; charset=utf-8",
  body: body.endsWith("\n") ? body : `${body}
`
});
async function addCheckpoint(cfg, body) {
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
  if (verdict === "bad-signature")
    return text(403, `a signature by a known key of "${cp.origin}" does not verify`);
  if (verdict === "unsigned") return text(403, `no signature by a known key of "${cp.origin}"`);
  if (cp.size === 0 && !root.equals(EMPTY_ROOT))
    return text(422, "a checkpoint of size 0 must have the empty tree root");
  return cfg.state.serialise(cp.origin, () => {
    const stored = cfg.state.read(cp.origin);
    const storedSize = stored?.size ?? 0;
    const say = (what) => cfg.log?.(`${cp.origin} ${oldSize}->${cp.size}: ${what}`);
    if (oldSize !== storedSize) {
      say(`conflict, stored size ${storedSize}`);
      return { status: 409, contentType: "text/x.tlog.size", body: `${storedSize}
` };
    }
    if (oldSize === 0 && proof.length > 0) {
      say("refused: a proof from size 0");
      return text(422, "the consistency proof from size 0 must be empty");
    }
    if (stored && !verifyConsistency(oldSize, cp.size, stored.root, root, proof)) {
      say(`refused: not consistent with the stored root ${stored.root.toString("base64")}`);
      return text(
        422,
        oldSize === cp.size ? `size ${cp.size} was cosigned with a different root` : `the consistency proof from size ${oldSize} does not verify`
      );
    }
    crashIfAsked("after-check");
    const time = Math.floor((cfg.now ?? (() => Date.now() / 1e3))());
    const line = cosign(cp.body, cfg.key, cfg.name, time);
    if (!stored || cp.size > stored.size) {
      const logSignatures = req.checkpointText.slice(cp.body.length + 1);
      cfg.state.write({
        origin: cp.origin,
        size: cp.size,
        root,
        note: `${cp.body}
${ownLinesRemoved(logSignatures, cfg.name)}${line}`
      });
    }
    say("cosigned");
    return text(200, line);
  });
}
function ownLinesRemoved(signatureText, name) {
  return signatureText.split("\n").filter((l) => l !== "" && !l.startsWith(`\u2014 ${name} `)).map((l) => `${l}
`).join("");
}
async function readBody(req) {
  const chunks = [];
  let length = 0;
  for await (const chunk of req) {
    length += chunk.length;
    if (length > MAX_REQUEST_BYTES) return void 0;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
async function route(cfg, req) {
  const path = (req.url ?? "/").split("?")[0];
  if (path === "/add-checkpoint") {
    if (req.method !== "POST") return text(405, "add-checkpoint takes a POST");
    const body = await readBody(req);
    if (!body) return text(413, `the request is larger than ${MAX_REQUEST_BYTES} bytes`);
    let decoded;
    try {
      decoded = new TextDecoder("utf-8", { fatal: true }).decode(body);
    } catch {
      return text(400, "the request is not valid UTF-8");
    }
    return addCheckpoint(cfg, decoded);
  }
  const m = /^\/([0-9a-f]{64})\/checkpoint$/.exec(path);
  if (m && (req.method === "GET" || req.method === "HEAD")) {
    const note = cfg.state.readByHash(m[1]);
    return note ? { status: 200, contentType: "text/plain; charset=utf-8", body: note } : text(404, "no checkpoint cosigned for that origin");
  }
  return text(404, "not found");
}
function answer(res, a) {
  res.writeHead(a.status, { "content-type": a.contentType, "content-length": Buffer.byteLength(a.body) });
  res.end(a.body);
}
async function startWitness(cfg, listen) {
  const server = createServer((req, res) => {
    route(cfg, req).then(
      (a) => answer(res, a),
      (e) => {
        cfg.log?.(`error: ${e.message}`);
        answer(res, text(500, "the witness could not read or store its state"));
      }
    );
  });
  server.keepAliveTimeout = 3e4;
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const addr = server.address();
  const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    server,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    })
  };
}
export {
  addCheckpoint,
  startWitness
};
