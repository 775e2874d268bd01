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

// src/ledger/dsse.ts
import { sign as cryptoSign, verify as cryptoVerify } from "node:crypto";

// src/errors.ts
var exitCodes = {
  VERIFY_FAILED: 1,
  GATE_FAILED: 1,
  APPEND_EXHAUSTED: 1,
  GIT_FAILED: 1,
  GIT_TIMEOUT: 1,
  GITHUB_API: 1,
  FORBIDDEN: 1,
  // A collector that stayed down past the retries, or refused what was sent (bad token, bad data):
  // the cursor stays where delivery is known complete, and a re-run goes on from there.
  DELIVERY_FAILED: 1,
  DELIVERY_REJECTED: 1
};
var ShiplogError = class extends Error {
  code;
  exitCode;
  details;
  constructor(code, message, options) {
    super(message, options?.cause === void 0 ? void 0 : { cause: options.cause });
    this.name = "ShiplogError";
    this.code = code;
    this.exitCode = options?.exitCode ?? exitCodes[code] ?? 2;
    this.details = options?.details;
  }
};

// src/ledger/encoding.ts
var import_canonicalize = __toESM(require_canonicalize(), 1);
import { createHash, hash as cryptoHash } from "node:crypto";
function sha256Hex(data) {
  return cryptoHash("sha256", data, "hex");
}
var GENESIS_PREV = `sha256:${"0".repeat(64)}`;

// src/ledger/dsse.ts
function signerIndex(paeBytes, candidates, keys2) {
  for (const c of candidates) {
    if (c.hint >= 0 && cryptoVerify(null, paeBytes, keys2[c.hint], c.sig)) return c.hint;
    for (let k = 0; k < keys2.length; k++) {
      if (k !== c.hint && cryptoVerify(null, paeBytes, keys2[k], c.sig)) return k;
    }
  }
  return -1;
}

// src/ledger/keys.ts
import { createPrivateKey, createPublicKey, generateKeyPairSync } from "node:crypto";
function keyidOf(publicKey) {
  return sha256Hex(publicKey.export({ type: "spki", format: "der" }));
}
var rawKeys = /* @__PURE__ */ new WeakMap();
function rawPublicKey(publicKey) {
  let raw = rawKeys.get(publicKey);
  if (!raw) {
    const der = publicKey.export({ type: "spki", format: "der" });
    raw = der.subarray(der.length - 32);
    rawKeys.set(publicKey, raw);
  }
  return raw;
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

// src/ledger/signature-pool.ts
function* unpackBatch(b) {
  let p = 0;
  let s = 0;
  for (let i = 0; i < b.paeEnds.length; i++) {
    const paeBytes = b.pae.subarray(p, b.paeEnds[i]);
    p = b.paeEnds[i];
    const candidates = [];
    for (; s < b.sigEnds[i]; s++)
      candidates.push({ sig: b.sigs.subarray(s * 64, s * 64 + 64), hint: b.hints[s] });
    yield { paeBytes, candidates, keyids: [] };
  }
}

// src/ledger/verify-worker.ts
var keys = workerData.pems.map(
  (pem, i) => loadTrustedKey(pem, `trusted key ${i + 1}`).publicKey
);
parentPort?.on("message", (batch) => {
  const signers = new Int32Array(batch.paeEnds.length);
  let i = 0;
  for (const job of unpackBatch(batch)) signers[i++] = signerIndex(job.paeBytes, job.candidates, keys);
  parentPort.postMessage({ id: batch.id, signers }, [signers.buffer]);
});
