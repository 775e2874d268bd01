#!/usr/bin/env node
import { createRequire as __shiplogCreateRequire } from 'node:module';
const require = __shiplogCreateRequire(import.meta.url);
import {
  ShiplogError,
  __commonJS,
  __toESM
} from "./chunk-KB55KBSJ.js";

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

// src/ledger/encoding.ts
var import_canonicalize = __toESM(require_canonicalize(), 1);
import { createHash, hash as cryptoHash } from "node:crypto";
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
  return cryptoHash("sha256", data, "hex");
}
function sha256Bytes(data) {
  return createHash("sha256").update(data).digest();
}
var GENESIS_PREV = `sha256:${"0".repeat(64)}`;
var HASH_PATTERN = /^sha256:[0-9a-f]{64}$/;
var COMMIT_PATTERN = /^[0-9a-f]{40}$/;

export {
  canonicalJson,
  isCanonicalJson,
  sha256Hex,
  sha256Bytes,
  GENESIS_PREV,
  HASH_PATTERN,
  COMMIT_PATTERN
};
