#!/usr/bin/env node
import { createRequire as __shiplogCreateRequire } from 'node:module';
const require = __shiplogCreateRequire(import.meta.url);
var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __require = /* @__PURE__ */ ((x) => typeof require !== "undefined" ? require : typeof Proxy !== "undefined" ? new Proxy(x, {
  get: (a, b) => (typeof require !== "undefined" ? require : a)[b]
}) : x)(function(x) {
  if (typeof require !== "undefined") return require.apply(this, arguments);
  throw Error('Dynamic require of "' + x + '" is not supported');
});
var __commonJS = (cb, mod) => function __require2() {
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
function isShiplogError(e, code) {
  return e instanceof ShiplogError && (code === void 0 || e.code === code);
}
function errorMessage(e) {
  return e instanceof Error ? e.message : String(e);
}

export {
  __require,
  __commonJS,
  __toESM,
  ShiplogError,
  isShiplogError,
  errorMessage
};
