#!/usr/bin/env node
import { createRequire as __shiplogCreateRequire } from 'node:module';
const require = __shiplogCreateRequire(import.meta.url);
import {
  noteKeyHash,
  parseCheckpoint,
  rawPublicKey,
  require_proper_lockfile
} from "./chunk-QEJERFSB.js";
import {
  sha256Bytes
} from "./chunk-GCCZYBLX.js";
import {
  ShiplogError,
  __toESM
} from "./chunk-KB55KBSJ.js";

// src/witness/cosignature.ts
import { sign as cryptoSign, verify as cryptoVerify } from "node:crypto";
var EM_DASH = "\u2014";
var COSIGNATURE_V1_TYPE = 4;
var BLOB_LENGTH = 4 + 8 + 64;
function checkNoteName(name, what = "witness name") {
  if (!/^[^\s+\u2014\p{Cc}]{1,200}$/u.test(name)) {
    throw new ShiplogError("USAGE", `${what} "${name.slice(0, 80)}" must be one word with no spaces or "+"`);
  }
  return name;
}
function cosignatureKeyId(name, raw) {
  const material = Buffer.concat([Buffer.from(`${name}
`, "utf8"), Buffer.from([COSIGNATURE_V1_TYPE]), raw]);
  return Buffer.from(sha256Bytes(material).subarray(0, 4));
}
function cosignedMessage(body, time) {
  return Buffer.from(`cosignature/v1
time ${time}
${body}`, "utf8");
}
function witnessVkey(name, publicKey) {
  const raw = rawPublicKey(publicKey);
  const typed = Buffer.concat([Buffer.from([COSIGNATURE_V1_TYPE]), raw]);
  return `${name}+${cosignatureKeyId(name, raw).toString("hex")}+${typed.toString("base64")}`;
}
function cosign(body, key, name, time) {
  if (!Number.isSafeInteger(time) || time <= 0)
    throw new Error(`cosignature time ${time} is not a positive integer`);
  const sig = cryptoSign(null, cosignedMessage(body, time), key.privateKey);
  const stamp = Buffer.alloc(8);
  stamp.writeBigUInt64BE(BigInt(time));
  const blob = Buffer.concat([cosignatureKeyId(name, rawPublicKey(key.publicKey)), stamp, sig]);
  return `${EM_DASH} ${name} ${blob.toString("base64")}
`;
}
function parseCosignatureLine(line) {
  const m = /^\u2014 (\S+) ([A-Za-z0-9+/]+={0,2})$/u.exec(line);
  if (!m) return void 0;
  const blob = Buffer.from(m[2], "base64");
  if (blob.length !== BLOB_LENGTH || blob.toString("base64") !== m[2]) return void 0;
  const time = blob.readBigUInt64BE(4);
  if (time === 0n || time > BigInt(Number.MAX_SAFE_INTEGER)) return void 0;
  return { name: m[1], keyId: blob.subarray(0, 4), time: Number(time), sig: blob.subarray(12), line };
}
function signatureLines(text) {
  return text.split("\n").filter((l) => l.startsWith(EM_DASH));
}
function findCosignature(body, lines, key) {
  for (const line of lines) {
    const c = parseCosignatureLine(line);
    if (!c || !cosignatureKeyId(c.name, key.raw).equals(c.keyId)) continue;
    if (cryptoVerify(null, cosignedMessage(body, c.time), key.publicKey, c.sig)) return c;
  }
  return void 0;
}

// src/witness/note.ts
import { verify as cryptoVerify2 } from "node:crypto";
function checkpointRoot(cp) {
  return cp.root;
}
function logSignatureVerdict(cp, keys) {
  let signed = false;
  for (const s of cp.signatures) {
    for (const k of keys) {
      if (!noteKeyHash(s.name, k.raw).equals(s.keyHash)) continue;
      if (s.sig.length !== 64 || !cryptoVerify2(null, Buffer.from(cp.body, "utf8"), k.publicKey, s.sig))
        return "bad-signature";
      signed = true;
    }
  }
  return signed ? "signed" : "unsigned";
}

// src/witness/request.ts
var MAX_PROOF_LINES = 63;
var MAX_REQUEST_BYTES = 70 * 1024;
function bad(message) {
  throw new ShiplogError("BAD_INPUT", message);
}
var SIZE = /^(0|[1-9]\d{0,15})$/;
function parseAddCheckpoint(text) {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 32 && c !== 10 || c === 127) bad("the request holds control characters");
  }
  const first = text.indexOf("\n");
  const oldLine = first < 0 ? text : text.slice(0, first);
  const m = /^old (.*)$/.exec(oldLine);
  if (!m || !SIZE.test(m[1])) bad('the request must start with "old <size>" (decimal, no leading zeroes)');
  const oldSize = Number(m[1]);
  const proof = [];
  let at = first + 1;
  for (; ; ) {
    const end = text.indexOf("\n", at);
    if (end < 0) bad("no blank line between the consistency proof and the checkpoint");
    const line = text.slice(at, end);
    at = end + 1;
    if (line === "") break;
    if (proof.length === MAX_PROOF_LINES) bad(`more than ${MAX_PROOF_LINES} consistency proof lines`);
    const hash = Buffer.from(line, "base64");
    if (hash.length !== 32 || hash.toString("base64") !== line)
      bad(`consistency proof line ${proof.length + 1} is not a base64 SHA-256 hash`);
    proof.push(hash);
  }
  const checkpointText = text.slice(at);
  let checkpoint;
  try {
    checkpoint = parseCheckpoint(checkpointText);
  } catch (e) {
    bad(e.message);
  }
  if (oldSize > checkpoint.size)
    bad(`old size ${oldSize} is larger than the checkpoint's size ${checkpoint.size}`);
  return { oldSize, proof, checkpoint, root: checkpointRoot(checkpoint), checkpointText };
}
function formatAddCheckpoint(oldSize, proof, checkpointText) {
  return `old ${oldSize}
${proof.map((h) => `${h.toString("base64")}
`).join("")}
${checkpointText}`;
}

// src/witness/state.ts
var import_proper_lockfile = __toESM(require_proper_lockfile(), 1);
import { createHash, randomBytes } from "node:crypto";
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync
} from "node:fs";
import { join } from "node:path";
var CRASH_ENV = "SHIPLOG_WITNESS_TEST_CRASH";
function crashIfAsked(point) {
  if (process.env[CRASH_ENV] === point) process.kill(process.pid, "SIGKILL");
}
function originHash(origin) {
  return createHash("sha256").update(origin, "utf8").digest("hex");
}
var LOCK_STALE_MS = 5e3;
var TEMP_PREFIX = ".tmp-";
var WitnessState = class _WitnessState {
  constructor(dir, release) {
    this.dir = dir;
    this.release = release;
  }
  dir;
  release;
  queues = /* @__PURE__ */ new Map();
  /**
   * Opens (and creates) the state folder and takes its lock. A lock left by a killed process is
   * taken over once it is stale (not refreshed for 5 s), so a restart waits at most that long.
   */
  static async open(dir, opts = {}) {
    mkdirSync(dir, { recursive: true, mode: 448 });
    let release;
    try {
      release = await import_proper_lockfile.default.lock(dir, {
        lockfilePath: join(dir, "witness.lock"),
        stale: LOCK_STALE_MS,
        retries: { retries: 12, minTimeout: 250, maxTimeout: 1e3, factor: 1.5 },
        realpath: false,
        onCompromised: opts.onLockLost ?? ((e) => {
          process.stderr.write(`shiplog witness: lost the state folder's lock (${e.message}); stopping
`);
          process.exit(1);
        })
      });
    } catch (e) {
      throw new ShiplogError(
        "USAGE",
        `the witness state folder ${dir} is in use by another witness process (${e.message})`
      );
    }
    for (const name of readdirSync(dir))
      if (name.startsWith(TEMP_PREFIX)) rmSync(join(dir, name), { force: true });
    return new _WitnessState(dir, release);
  }
  async close() {
    await this.release();
  }
  /** Runs `fn` after every earlier call for the same origin has finished. */
  serialise(origin, fn) {
    const previous = this.queues.get(origin) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => void 0);
    this.queues.set(origin, tail);
    void tail.then(() => {
      if (this.queues.get(origin) === tail) this.queues.delete(origin);
    });
    return run;
  }
  path(origin) {
    return join(this.dir, originHash(origin));
  }
  /** The stored record, undefined when the origin was never cosigned; throws when unreadable. */
  read(origin) {
    let text;
    try {
      text = readFileSync(this.path(origin), "utf8");
    } catch (e) {
      if (e.code === "ENOENT") return void 0;
      throw e;
    }
    try {
      const cp = parseCheckpoint(text);
      if (cp.origin !== origin) throw new Error(`it holds origin "${cp.origin}"`);
      return { origin, size: cp.size, root: checkpointRoot(cp), note: text };
    } catch (e) {
      throw new Error(`the stored record for origin "${origin}" is unreadable: ${e.message}`);
    }
  }
  readByHash(hash) {
    if (!/^[0-9a-f]{64}$/.test(hash)) return void 0;
    try {
      return readFileSync(join(this.dir, hash), "utf8");
    } catch {
      return void 0;
    }
  }
  write(record) {
    const temp = join(this.dir, `${TEMP_PREFIX}${process.pid}-${randomBytes(6).toString("hex")}`);
    const fd = openSync(temp, "wx", 384);
    try {
      const bytes = Buffer.from(record.note, "utf8");
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    crashIfAsked("after-temp");
    renameSync(temp, this.path(record.origin));
    crashIfAsked("after-rename");
    const dirFd = openSync(this.dir, "r");
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  }
};

export {
  checkNoteName,
  witnessVkey,
  cosign,
  signatureLines,
  findCosignature,
  checkpointRoot,
  logSignatureVerdict,
  MAX_REQUEST_BYTES,
  parseAddCheckpoint,
  formatAddCheckpoint,
  crashIfAsked,
  WitnessState
};
