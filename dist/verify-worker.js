import { createRequire as __shiplogCreateRequire } from 'node:module';
const require = __shiplogCreateRequire(import.meta.url);
var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __commonJS = (cb, mod) => function __require() {
  try {
    return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
  } catch (e) {
    throw mod = 0, e;
  }
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));

// node_modules/canonicalize/lib/canonicalize.js
var require_canonicalize = __commonJS({
  "node_modules/canonicalize/lib/canonicalize.js"(exports, module) {
    "use strict";
    module.exports = function serialize(object) {
      if (typeof object === "number" && isNaN(object)) {
        throw new Error("NaN is not allowed");
      }
      if (typeof object === "number" && !isFinite(object)) {
        throw new Error("Infinity is not allowed");
      }
      if (object === null || typeof object !== "object") {
        return JSON.stringify(object);
      }
      if (object.toJSON instanceof Function) {
        return serialize(object.toJSON());
      }
      if (Array.isArray(object)) {
        const values2 = object.reduce((t, cv, ci) => {
          const comma = ci === 0 ? "" : ",";
          const value = cv === void 0 || typeof cv === "symbol" ? null : cv;
          return `${t}${comma}${serialize(value)}`;
        }, "");
        return `[${values2}]`;
      }
      const values = Object.keys(object).sort().reduce((t, cv) => {
        if (object[cv] === void 0 || typeof object[cv] === "symbol") {
          return t;
        }
        const comma = t.length === 0 ? "" : ",";
        return `${t}${comma}${serialize(cv)}:${serialize(object[cv])}`;
      }, "");
      return `{${values}}`;
    };
  }
});

// src/ledger/verify-worker.ts
import { parentPort, workerData } from "node:worker_threads";

// src/errors.ts
var exitCodes = {
  VERIFY_FAILED: 1,
  GATE_FAILED: 1,
  APPEND_EXHAUSTED: 1,
  GIT_FAILED: 1,
  GIT_TIMEOUT: 1,
  GITHUB_API: 1,
  FORBIDDEN: 1
};
var ShiplogError = class extends Error {
  code;
  exitCode;
  details;
  constructor(code, message, options) {
    super(message, options?.cause === void 0 ? void 0 : { cause: options.cause });
    this.name = "ShiplogError";
    this.code = code;
    this.exitCode = exitCodes[code] ?? 2;
    this.details = options?.details;
  }
};

// src/ledger/dsse.ts
import { sign as cryptoSign, verify as cryptoVerify } from "node:crypto";

// src/ledger/encoding.ts
var import_canonicalize = __toESM(require_canonicalize(), 1);
import { createHash } from "node:crypto";
function canonicalJson(value) {
  let out;
  try {
    out = (0, import_canonicalize.default)(value);
  } catch (e) {
    throw new ShiplogError("BAD_INPUT", `value cannot be written as canonical JSON: ${e.message}`);
  }
  if (out === void 0) throw new ShiplogError("BAD_INPUT", "value cannot be written as canonical JSON");
  return out;
}
function isCanonicalJson(text, value) {
  const order = keyOrder(value);
  if (order === "integer-keys") return canonicalJson(value) === text;
  return order === "sorted" && JSON.stringify(value) === text;
}
var INTEGER_KEY = /^(0|[1-9]\d*)$/;
function keyOrder(value) {
  if (typeof value !== "object" || value === null) return "sorted";
  const children = Array.isArray(value) ? value : Object.values(value);
  if (!Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.some((k) => INTEGER_KEY.test(k))) return "integer-keys";
    for (let i = 1; i < keys.length; i++) if (!(keys[i - 1] < keys[i])) return "unsorted";
  }
  let result = "sorted";
  for (const child of children) {
    const r = keyOrder(child);
    if (r === "integer-keys") return r;
    if (r === "unsorted") result = r;
  }
  return result;
}
function sha256Hex(data) {
  return createHash("sha256").update(data).digest("hex");
}
var GENESIS_PREV = `sha256:${"0".repeat(64)}`;
var HASH_PATTERN = /^sha256:[0-9a-f]{64}$/;
var COMMIT_PATTERN = /^[0-9a-f]{40}$/;

// src/ledger/dsse.ts
var IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";
function pae(payloadType, payload) {
  const type = Buffer.from(payloadType, "utf8");
  const head = Buffer.from(`DSSEv1 ${type.length} ${payloadType} ${payload.length} `, "utf8");
  return Buffer.concat([head, payload]);
}
function entryHashOfPae(paeBytes) {
  return `sha256:${sha256Hex(paeBytes)}`;
}
var BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
function parseEnvelope(text) {
  let raw;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ShiplogError("BAD_INPUT", `envelope is not JSON: ${e.message}`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ShiplogError("BAD_INPUT", "envelope is not a JSON object");
  }
  const o = raw;
  const extra = Object.keys(o).filter((k) => !["payloadType", "payload", "signatures"].includes(k));
  if (extra.length)
    throw new ShiplogError("BAD_INPUT", `envelope has unexpected field(s): ${extra.join(", ")}`);
  if (o.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    throw new ShiplogError("BAD_INPUT", `envelope payloadType must be "${IN_TOTO_PAYLOAD_TYPE}"`);
  }
  if (typeof o.payload !== "string" || o.payload.length === 0 || o.payload.length % 4 !== 0 || !BASE64.test(o.payload)) {
    throw new ShiplogError("BAD_INPUT", "envelope payload is not standard base64");
  }
  if (!Array.isArray(o.signatures) || o.signatures.length === 0) {
    throw new ShiplogError("BAD_INPUT", "envelope has no signatures");
  }
  for (const s of o.signatures) {
    if (typeof s !== "object" || s === null)
      throw new ShiplogError("BAD_INPUT", "envelope signature is not an object");
    const sig = s;
    if (typeof sig.keyid !== "string" || typeof sig.sig !== "string" || !BASE64.test(sig.sig) || sig.sig.length === 0) {
      throw new ShiplogError("BAD_INPUT", 'envelope signature needs string "keyid" and base64 "sig"');
    }
  }
  return o;
}
function findSigner(paeBytes, envelope, trusted2) {
  for (const s of envelope.signatures) {
    const sig = Buffer.from(s.sig, "base64");
    if (sig.length !== 64) continue;
    const hinted = trusted2.filter((k) => k.keyid === s.keyid);
    const rest = trusted2.filter((k) => k.keyid !== s.keyid);
    for (const k of [...hinted, ...rest]) {
      if (cryptoVerify(null, paeBytes, k.publicKey, sig)) return k;
    }
  }
  return void 0;
}

// src/ledger/statement.ts
var STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
var PREDICATE_TYPE = "https://shiplog.dev/attestations/change/v1";
var CHANGE_TYPES = ["deploy", "migration", "config-override", "override"];
function fail(message) {
  throw new ShiplogError("BAD_INPUT", message);
}
function parseStatement(value) {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    fail("statement is not a JSON object");
  const s = value;
  if (s._type !== STATEMENT_TYPE) fail(`statement _type must be "${STATEMENT_TYPE}"`);
  if (s.predicateType !== PREDICATE_TYPE) fail(`statement predicateType must be "${PREDICATE_TYPE}"`);
  if (!Array.isArray(s.subject) || s.subject.length === 0)
    fail("statement subject must be a non-empty array");
  for (const sub of s.subject) {
    const o = sub;
    if (typeof o?.name !== "string" || typeof o.digest?.gitCommit !== "string" || !COMMIT_PATTERN.test(o.digest.gitCommit)) {
      fail("statement subject needs a name and a 40-hex digest.gitCommit");
    }
  }
  const p = s.predicate;
  if (typeof p !== "object" || p === null || Array.isArray(p)) fail("statement predicate is not an object");
  if (!Number.isSafeInteger(p.seq) || p.seq < 0)
    fail("predicate.seq must be a non-negative integer");
  if (typeof p.prev !== "string" || !HASH_PATTERN.test(p.prev))
    fail('predicate.prev must be "sha256:" + 64 hex');
  if (!CHANGE_TYPES.includes(p.type))
    fail(`predicate.type must be one of ${CHANGE_TYPES.join(", ")}`);
  if (typeof p.timestamp !== "string" || Number.isNaN(Date.parse(p.timestamp)))
    fail("predicate.timestamp must be a date");
  if (typeof p.repository !== "string" || !/^[^/\s]+\/[^/\s]+$/.test(p.repository)) {
    fail("predicate.repository must be OWNER/NAME");
  }
  if (typeof p.commit !== "string" || !COMMIT_PATTERN.test(p.commit)) fail("predicate.commit must be 40 hex");
  const subject0 = s.subject[0];
  if (subject0.digest.gitCommit !== p.commit) fail("predicate.commit differs from the subject digest");
  for (const k of ["environment", "branch", "idempotency_key"]) {
    if (p[k] !== void 0 && typeof p[k] !== "string") fail(`predicate.${k} must be a string`);
  }
  return s;
}

// src/ledger/entry.ts
var EntryProblem = class extends Error {
  constructor(kind, message) {
    super(message);
    this.kind = kind;
  }
  kind;
};
function decodeEntry(text) {
  let envelope;
  try {
    envelope = parseEnvelope(text);
  } catch (e) {
    throw new EntryProblem("envelope", e.message);
  }
  const payload = Buffer.from(envelope.payload, "base64");
  const paeBytes = pae(envelope.payloadType, payload);
  const hash = entryHashOfPae(paeBytes);
  const payloadText = payload.toString("utf8");
  let value;
  try {
    value = JSON.parse(payloadText);
  } catch (e) {
    throw new EntryProblem("payload", `payload is not JSON: ${e.message}`);
  }
  if (!isCanonicalJson(payloadText, value) || Buffer.byteLength(payloadText) !== payload.length) {
    throw new EntryProblem("payload", "payload is not RFC 8785 canonical JSON");
  }
  let statement;
  try {
    statement = parseStatement(value);
  } catch (e) {
    throw new EntryProblem("statement", e instanceof ShiplogError ? e.message : String(e));
  }
  return { envelope, statement, hash, paeBytes };
}
function checkSignature(entry, trusted2) {
  const signer = findSigner(entry.paeBytes, entry.envelope, trusted2);
  if (!signer) {
    const ids = entry.envelope.signatures.map((s) => s.keyid.slice(0, 16)).join(", ");
    throw new EntryProblem("signature", `no signature by a trusted key (signed with keyid ${ids || "none"})`);
  }
  return signer;
}

// src/ledger/keys.ts
import { createPrivateKey, createPublicKey, generateKeyPairSync } from "node:crypto";
function keyidOf(publicKey) {
  return sha256Hex(publicKey.export({ type: "spki", format: "der" }));
}
function rawPublicKey(publicKey) {
  const der = publicKey.export({ type: "spki", format: "der" });
  return der.subarray(der.length - 32);
}
function loadTrustedKey(pem, source) {
  if (!pem.includes("-----BEGIN")) {
    throw new ShiplogError(
      "BAD_KEY",
      `${source} is not a PEM public key (expected "-----BEGIN PUBLIC KEY-----")`
    );
  }
  if (pem.includes("PRIVATE KEY")) {
    throw new ShiplogError(
      "BAD_KEY",
      `${source} holds a private key; pass the public key (shiplog.pub) instead`
    );
  }
  let publicKey;
  try {
    publicKey = createPublicKey({ key: pem, format: "pem" });
  } catch (e) {
    throw new ShiplogError("BAD_KEY", `${source} is not a readable public key: ${e.message}`);
  }
  if (publicKey.asymmetricKeyType !== "ed25519") {
    throw new ShiplogError(
      "BAD_KEY",
      `${source} is a ${publicKey.asymmetricKeyType ?? "unknown"} key, not Ed25519`
    );
  }
  return { publicKey, keyid: keyidOf(publicKey), raw: rawPublicKey(publicKey), source };
}

// src/ledger/check-entry.ts
function checkEntryText(input, trusted2) {
  const facts = { path: input.path };
  try {
    const entry = decodeEntry(input.text);
    const p = entry.statement.predicate;
    Object.assign(facts, {
      seq: p.seq,
      hash: entry.hash,
      prev: p.prev,
      commit: p.commit,
      type: p.type,
      environment: p.environment,
      idempotencyKey: p.idempotency_key
    });
    facts.keyid = checkSignature(entry, trusted2).keyid;
  } catch (e) {
    facts.problem = e instanceof EntryProblem ? { kind: e.kind, message: e.message } : { kind: "envelope", message: String(e) };
  }
  return facts;
}
function trustedFromPems(pems) {
  return pems.map((pem, i) => loadTrustedKey(pem, `trusted key ${i + 1}`));
}

// src/ledger/verify-worker.ts
var trusted = trustedFromPems(workerData.pems);
parentPort?.on("message", (msg) => {
  parentPort.postMessage({ id: msg.id, facts: msg.items.map((item) => checkEntryText(item, trusted)) });
});
