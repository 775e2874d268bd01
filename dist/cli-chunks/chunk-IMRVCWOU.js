#!/usr/bin/env node
import { createRequire as __shiplogCreateRequire } from 'node:module';
const require = __shiplogCreateRequire(import.meta.url);
import {
  CatFileSession,
  actorLogin,
  catFileFeed,
  currentApprovers,
  git,
  lastLines
} from "./chunk-UFE3WVNL.js";
import {
  HASH_BYTES,
  appendToEdge,
  checkOrigin,
  checkpointSigner,
  consistencyProof,
  leafHash,
  nodeHash,
  parseCheckpoint,
  require_proper_lockfile,
  rootFromEdge,
  signCheckpoint,
  verifyConsistency
} from "./chunk-QEJERFSB.js";
import {
  COMMIT_PATTERN,
  GENESIS_PREV,
  HASH_PATTERN,
  canonicalJson,
  isCanonicalJson,
  sha256Hex
} from "./chunk-GCCZYBLX.js";
import {
  ShiplogError,
  __toESM
} from "./chunk-KB55KBSJ.js";

// src/export/spool.ts
import { randomBytes } from "node:crypto";
import {
  closeSync,
  createReadStream,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeSync
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { createInterface } from "node:readline";
var FLUSH_AT = 1 << 20;
var Spool = class _Spool {
  constructor(path) {
    this.path = path;
    this.fd = openSync(path, "wx", 384);
  }
  path;
  fd;
  buf = [];
  size = 0;
  /** Lines written. */
  count = 0;
  /** A spool in the temporary folder (removed by `remove`). */
  static temporary(what) {
    return new _Spool(join(tmpdir(), `shiplog-${what}-${process.pid}-${randomBytes(6).toString("hex")}.tmp`));
  }
  /** A spool beside `target`, to become it by `commitTo` (same filesystem: the rename is atomic). */
  static beside(target) {
    const dir = dirname(target);
    try {
      mkdirSync(dir, { recursive: true });
      return new _Spool(
        join(dir, `.${basename(target)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`)
      );
    } catch (e) {
      throw new ShiplogError("BAD_INPUT", `cannot write "${target}": ${e.message}`);
    }
  }
  /** Appends text (the caller adds newlines). */
  write(text) {
    this.buf.push(text);
    this.size += text.length;
    this.count++;
    if (this.size >= FLUSH_AT) this.flush();
  }
  flush() {
    if (this.fd === void 0) throw new ShiplogError("BAD_INPUT", `spool ${this.path} is closed`);
    if (this.buf.length) writeSync(this.fd, this.buf.join(""));
    this.buf = [];
    this.size = 0;
  }
  /** Flushes, syncs and closes; the file stays. */
  close() {
    if (this.fd === void 0) return;
    this.flush();
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = void 0;
  }
  /** Closes and renames the spool to `target`. */
  commitTo(target) {
    this.close();
    renameSync(this.path, target);
  }
  /** The spooled text, one line at a time (without its newline). */
  async *lines() {
    this.close();
    const rl = createInterface({ input: createReadStream(this.path, "utf8"), crlfDelay: Infinity });
    for await (const line of rl) yield line;
  }
  /** The spooled text in chunks, as written. */
  chunks() {
    this.close();
    return createReadStream(this.path, { encoding: "utf8", highWaterMark: 1 << 20 });
  }
  remove() {
    if (this.fd !== void 0) closeSync(this.fd);
    this.fd = void 0;
    rmSync(this.path, { force: true });
  }
};

// src/report/model.ts
var BADGES = {
  approved: { label: "approved", tone: "good" },
  unapproved: { label: "unapproved", tone: "bad" },
  overridden: { label: "overridden", tone: "warn" },
  // A direct push skipped review altogether: an auditor should notice it, not a failure though.
  "no-pull-request": { label: "no pull request", tone: "warn" },
  "not-collected": { label: "not collected", tone: "neutral" }
};
function badgeOf(statement) {
  const raw = statement.predicate.approval?.status;
  const status = raw && raw in BADGES ? raw : "not-collected";
  return { status, ...BADGES[status] };
}
function badgeFor(status) {
  return { status, ...BADGES[status] };
}
function toRow(e) {
  const p = e.statement.predicate;
  const pr = p.approval?.pull_request;
  const status = p.details?.status;
  return {
    seq: e.seq,
    hash: e.hash,
    timestamp: p.timestamp,
    type: p.type,
    environment: p.environment,
    repository: p.repository,
    commit: p.commit,
    branch: p.branch,
    ...e.branch ? { shard: e.branch } : {},
    actor: actorLogin(e.statement),
    approvers: currentApprovers(e.statement),
    staleApprovers: staleApprovers(e.statement),
    badge: badgeOf(e.statement),
    pullRequest: pr && typeof pr === "object" ? {
      number: typeof pr.number === "number" ? pr.number : void 0,
      title: typeof pr.title === "string" ? pr.title : void 0
    } : void 0,
    deployStatus: p.type === "deploy" && typeof status === "string" ? status : void 0,
    version: typeof p.details?.version === "string" ? p.details.version : void 0,
    details: p.details,
    statement: e.statement
  };
}
function staleApprovers(s) {
  const list = s.predicate.approval?.approvers;
  if (!Array.isArray(list)) return [];
  return list.filter((a) => typeof a?.login === "string" && a.stale === true).map((a) => a.login);
}
var BADGE_ORDER = Object.keys(BADGES);
function toRows(entries) {
  return entries.map(toRow).sort((a, b) => b.seq - a.seq);
}

// src/report/csv.ts
var CSV_COLUMNS = [
  "seq",
  "hash",
  "timestamp",
  "type",
  "environment",
  "repository",
  "commit",
  "actor",
  "approval_status",
  "approvers",
  "pr_number",
  "details_json",
  // "no" for an entry a verification problem names, or every entry when a problem names none.
  "verified"
];
function csvHeaderLine() {
  return CSV_COLUMNS.map(csvCell).join(",") + "\r\n";
}
function csvRowStart(e) {
  const r = toRow(e);
  return [
    String(r.seq),
    r.hash,
    r.timestamp,
    r.type,
    r.environment ?? "",
    r.repository,
    r.commit,
    r.actor ?? "",
    r.badge.status,
    r.approvers.join(" "),
    r.pullRequest?.number === void 0 ? "" : String(r.pullRequest.number),
    r.details === void 0 ? "" : JSON.stringify(r.details)
  ].map(csvCell).join(",");
}
function csvCell(value) {
  const safe = neutraliseFormula(value);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
function neutraliseFormula(value) {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

// src/ledger/problem-groups.ts
function shapeOf(p) {
  const message = p.message.replace(/sha256:[0-9a-f]{64}/g, "sha256:#").replace(/\b[0-9a-f]{40}\b/g, "#").replace(/\bcommit [0-9a-f]{12}\b/g, "commit #").replace(/\b\d+\b/g, "N");
  return `${p.check}\0${message}`;
}
var count = (n) => n.toLocaleString("en-US");
function summarise(check, problems) {
  const first = problems[0];
  const n = problems.length;
  if (n === 1) return first.message;
  if (check === "signature") {
    const keyids = /signed with keyid ([^)]*)\)/.exec(first.message)?.[1];
    if (keyids && keyids !== "none")
      return `${count(n)} entries are signed by keyid ${keyids}\u2026, which is not among the trusted keys \u2014 did you pass the right --trusted-key?`;
    return `${count(n)} entries carry no signature at all`;
  }
  const what = problems.every((p) => p.seq !== void 0) ? "entries" : "problems";
  return `${count(n)} ${what} fail the ${check} check the same way, e.g. ${first.message}`;
}
function groupProblems(problems, keep = 5) {
  const groups = /* @__PURE__ */ new Map();
  problems.forEach((p, i) => {
    const key = shapeOf(p);
    const g = groups.get(key);
    if (g) g.all.push(p);
    else groups.set(key, { check: p.check, all: [p], order: i });
  });
  return [...groups.values()].sort((a, b) => b.all.length - a.all.length || a.order - b.order).map((g) => ({
    check: g.check,
    count: g.all.length,
    summary: summarise(g.check, g.all),
    first: g.all.slice(0, keep)
  }));
}
function renderProblems(problems, table, keep = 5) {
  const groups = groupProblems(problems, keep).filter((g) => g.count > keep);
  if (groups.length === 0) return table([...problems]);
  const big = new Set(groups.map((g) => shapeOf(g.first[0])));
  const rest = problems.filter((p) => !big.has(shapeOf(p)));
  const out = [];
  for (const g of groups) {
    out.push(g.summary);
    out.push(indent(table(g.first)));
    out.push(`  \u2026 and ${count(g.count - g.first.length)} more like these (--json lists every one)`);
  }
  if (rest.length)
    out.push(`${count(rest.length)} other ${rest.length === 1 ? "problem" : "problems"}:`, table(rest));
  return out.join("\n");
}
var indent = (text) => text.split("\n").map((l) => l ? `  ${l}` : l).join("\n");

// src/ledger/statement.ts
var STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
var PREDICATE_TYPE = "https://shiplog.dev/attestations/change/v1";
var CHANGE_TYPES = [
  "deploy",
  "migration",
  "config-override",
  "override",
  "override-review",
  "merge",
  "reconciliation"
];
var TYPE_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
var MAX_TYPE_LENGTH = 64;
var RECORDABLE_TYPES = ["deploy", "migration", "config-override"];
function buildStatement(predicate, serverUrl = "https://github.com") {
  return {
    _type: STATEMENT_TYPE,
    subject: [
      {
        name: `git+${serverUrl.replace(/\/+$/, "")}/${predicate.repository}`,
        digest: { gitCommit: predicate.commit }
      }
    ],
    predicateType: PREDICATE_TYPE,
    predicate: dropUndefined(predicate)
  };
}
function statementBytes(statement) {
  return Buffer.from(canonicalJson(statement), "utf8");
}
function dropUndefined(o) {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== void 0));
}
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
  if (typeof p.type !== "string" || p.type.length > MAX_TYPE_LENGTH || !TYPE_NAME.test(p.type))
    fail(
      `predicate.type must be a type name (a-z, 0-9 and "-", at most ${MAX_TYPE_LENGTH} characters), e.g. ${CHANGE_TYPES.join(", ")}`
    );
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

// src/ledger/record-input.ts
var DEPLOY_STATUSES = ["success", "failure", "started", "rolled-back"];
var MAX_ENVIRONMENT_LENGTH = 200;
var MAX_DETAILS_BYTES = 64 * 1024;
var MAX_REASON_LENGTH = 1e3;
var CONFIG_KEY_PATTERN = /^[\w.\-/:[\]]{1,200}$/;
var OWNER_NAME = /^[\w.-]+\/[\w.-]+$/;
var LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
var isWellFormed = (s) => !LONE_SURROGATE.test(s);
function refuse(message) {
  throw new ShiplogError("BAD_INPUT", message);
}
function environmentProblem(value) {
  if (value.trim() === "") return "must not be empty or blank";
  if (value !== value.trim()) return "must not start or end with spaces";
  if (/[\u0000-\u001f\u007f]/.test(value)) return "must not contain tabs, newlines or control characters";
  if (value.length > MAX_ENVIRONMENT_LENGTH) return `is longer than ${MAX_ENVIRONMENT_LENGTH} characters`;
  if (!isWellFormed(value)) return "is not valid Unicode";
  return void 0;
}
function configKeyProblem(key) {
  if (key.includes("="))
    return 'lists key names only; a line containing "=" looks like a value, and values never go into the ledger';
  if (!CONFIG_KEY_PATTERN.test(key))
    return `"${key.slice(0, 60)}" is not a key name (letters, digits and _ . - / : [ ], at most 200)`;
  return void 0;
}
function decodeUtf8(bytes, what) {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return refuse(`${what} is not valid UTF-8`);
  }
}
function wellFormed(value) {
  if (typeof value === "string") return isWellFormed(value);
  if (Array.isArray(value)) return value.every(wellFormed);
  if (value && typeof value === "object")
    return Object.entries(value).every(([k, v]) => isWellFormed(k) && wellFormed(v));
  return true;
}
function checkNewEntry(entry) {
  if (!CHANGE_TYPES.includes(entry.type))
    refuse(`entry type "${String(entry.type)}" is not one of ${CHANGE_TYPES.join(", ")}`);
  if (typeof entry.repository !== "string" || !OWNER_NAME.test(entry.repository))
    refuse(`repository must be OWNER/NAME (got "${String(entry.repository)}")`);
  if (entry.environment !== void 0) {
    const problem = environmentProblem(entry.environment);
    if (problem) refuse(`environment ${problem}`);
  } else if (entry.type === "deploy") {
    refuse("a deploy needs an environment (where did it go?)");
  }
  if (entry.branch !== void 0 && /[\u0000-\u001f\u007f]/.test(entry.branch))
    refuse("branch must not contain control characters");
  if (!wellFormed(entry)) refuse("the entry contains text that is not valid Unicode");
  const details = entry.details;
  if (details !== void 0) {
    if (typeof details !== "object" || details === null || Array.isArray(details))
      refuse("details must be a JSON object");
    const size = Buffer.byteLength(JSON.stringify(details));
    if (size > MAX_DETAILS_BYTES)
      refuse(`details are ${size} bytes; at most ${MAX_DETAILS_BYTES} bytes (64 KiB) fit in an entry`);
  }
  if (entry.type === "deploy") checkDeployDetails(details ?? {});
  if (entry.type === "config-override") checkConfigOverrideDetails(details ?? {});
}
function checkDeployDetails(d) {
  if (d.status !== void 0 && !DEPLOY_STATUSES.includes(d.status))
    refuse(`deploy status must be one of ${DEPLOY_STATUSES.join(", ")} (got ${JSON.stringify(d.status)})`);
}
function checkConfigOverrideDetails(d) {
  if (typeof d.reason !== "string" || d.reason.trim() === "")
    refuse("a config-override needs a reason (details.reason): say why the override is needed");
  if (d.reason.length > MAX_REASON_LENGTH)
    refuse(`the config-override reason is longer than ${MAX_REASON_LENGTH} characters`);
  if (d.keys !== void 0) {
    if (!Array.isArray(d.keys)) refuse("config-override details.keys must be a list of key names");
    for (const key of d.keys) {
      if (typeof key !== "string") refuse("config-override details.keys must be a list of key names");
      const problem = configKeyProblem(key);
      if (problem) refuse(`config-override key ${problem}`);
    }
  }
  if (d.keys === void 0 && d.files === void 0)
    refuse("a config-override needs details.keys or details.files (what was overridden)");
  for (const field of ["values", "value", "env", "secrets"])
    if (field in d)
      refuse(`config-override details.${field}: values never go into the ledger; list key names`);
}

// src/ledger/append.ts
import { setTimeout as sleep } from "node:timers/promises";

// src/ledger/clock.ts
var CLOCK_SKEW_MS = 5 * 6e4;

// src/ledger/dsse.ts
import { sign as cryptoSign, verify as cryptoVerify } from "node:crypto";
var IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";
function pae(payloadType, payload) {
  const type = Buffer.from(payloadType, "utf8");
  const head = Buffer.from(`DSSEv1 ${type.length} ${payloadType} ${payload.length} `, "utf8");
  return Buffer.concat([head, payload]);
}
function entryHashOfPae(paeBytes) {
  return `sha256:${sha256Hex(paeBytes)}`;
}
function signEnvelope(payload, key) {
  const paeBytes = pae(IN_TOTO_PAYLOAD_TYPE, payload);
  const sig = cryptoSign(null, paeBytes, key.privateKey);
  return {
    envelope: {
      payloadType: IN_TOTO_PAYLOAD_TYPE,
      payload: Buffer.from(payload).toString("base64"),
      signatures: [{ keyid: key.keyid, sig: sig.toString("base64") }]
    },
    hash: entryHashOfPae(paeBytes)
  };
}
var BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
function isBase64(text) {
  return BASE64.test(text);
}
function decodePayload(text) {
  if (text.length === 0 || text.length % 4 !== 0 || text.includes("-") || text.includes("_"))
    return void 0;
  const pad = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const bytes = Buffer.from(text, "base64");
  return bytes.length === text.length / 4 * 3 - pad ? bytes : void 0;
}
function readEnvelope(text) {
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
  const payload = typeof o.payload === "string" ? decodePayload(o.payload) : void 0;
  if (!payload) throw new ShiplogError("BAD_INPUT", "envelope payload is not standard base64");
  if (!Array.isArray(o.signatures) || o.signatures.length === 0) {
    throw new ShiplogError("BAD_INPUT", "envelope has no signatures");
  }
  for (const s of o.signatures) {
    if (typeof s !== "object" || s === null)
      throw new ShiplogError("BAD_INPUT", "envelope signature is not an object");
    const sig = s;
    if (typeof sig.keyid !== "string" || typeof sig.sig !== "string" || !isBase64(sig.sig) || sig.sig.length === 0) {
      throw new ShiplogError("BAD_INPUT", 'envelope signature needs string "keyid" and base64 "sig"');
    }
  }
  return { envelope: o, payload };
}
function signatureCandidates(envelope, trusted) {
  const out = [];
  for (const s of envelope.signatures) {
    const sig = Buffer.from(s.sig, "base64");
    if (sig.length === 64) out.push({ sig, hint: trusted.findIndex((k) => k.keyid === s.keyid) });
  }
  return out;
}
function signerIndex(paeBytes, candidates, keys) {
  for (const c of candidates) {
    if (c.hint >= 0 && cryptoVerify(null, paeBytes, keys[c.hint], c.sig)) return c.hint;
    for (let k = 0; k < keys.length; k++) {
      if (k !== c.hint && cryptoVerify(null, paeBytes, keys[k], c.sig)) return k;
    }
  }
  return -1;
}
function findSigner(paeBytes, envelope, trusted) {
  const i = signerIndex(
    paeBytes,
    signatureCandidates(envelope, trusted),
    trusted.map((k) => k.publicKey)
  );
  return i >= 0 ? trusted[i] : void 0;
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
  let payload;
  try {
    ({ envelope, payload } = readEnvelope(text));
  } catch (e) {
    throw new EntryProblem("envelope", e.message);
  }
  const paeBytes = pae(envelope.payloadType, payload);
  const hash3 = entryHashOfPae(paeBytes);
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
  return { envelope, statement, hash: hash3, paeBytes };
}

// src/ledger/git-objects.ts
import { createHash, hash as cryptoHash, randomBytes as randomBytes2 } from "node:crypto";
import { mkdirSync as mkdirSync2, renameSync as renameSync2, writeFileSync, existsSync, unlinkSync } from "node:fs";
import { join as join2 } from "node:path";
import { deflateSync } from "node:zlib";
var TREE_MODE = "40000";
var BLOB_MODE = "100644";
function parseTree(data) {
  const entries = [];
  let pos = 0;
  while (pos < data.length) {
    const sp = data.indexOf(32, pos);
    const nul = data.indexOf(0, sp);
    if (sp < 0 || nul < 0 || nul + 21 > data.length) throw new Error("malformed tree object");
    entries.push({
      mode: data.subarray(pos, sp).toString("latin1"),
      name: data.subarray(sp + 1, nul).toString("utf8"),
      sha: data.subarray(nul + 1, nul + 21).toString("hex")
    });
    pos = nul + 21;
  }
  return entries;
}
function sortKey(e) {
  return e.mode === TREE_MODE ? `${e.name}/` : e.name;
}
function serializeTree(entries) {
  const keyed = [...entries].map((e) => ({ e, key: sortKey(e) }));
  const ascii = keyed.every((k) => /^[\x00-\x7f]*$/.test(k.key));
  keyed.sort(
    ascii ? (a, b) => a.key < b.key ? -1 : a.key > b.key ? 1 : 0 : (a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key))
  );
  let size = 0;
  const heads = keyed.map(({ e }) => {
    const head = Buffer.from(`${e.mode} ${e.name}\0`, "utf8");
    size += head.length + 20;
    return head;
  });
  const out = Buffer.allocUnsafe(size);
  let pos = 0;
  keyed.forEach(({ e }, i) => {
    pos += heads[i].copy(out, pos);
    pos += out.write(e.sha, pos, "hex");
  });
  return out;
}
function serializeCommit(c) {
  const ident = (d) => `${c.author.name} <${c.author.email}> ${Math.floor(d.getTime() / 1e3)} +0000`;
  const lines2 = [
    `tree ${c.tree}`,
    ...c.parents.map((p) => `parent ${p}`),
    `author ${ident(c.author.date)}`,
    `committer ${ident(c.committerDate ?? c.author.date)}`
  ];
  return Buffer.from(`${lines2.join("\n")}

${c.message}`, "utf8");
}
function parseCommit(data) {
  const text = data.toString("utf8");
  const split = text.indexOf("\n\n");
  const header = split < 0 ? text : text.slice(0, split);
  const message = split < 0 ? "" : text.slice(split + 2);
  const tree = /^tree ([0-9a-f]{40})$/m.exec(header)?.[1];
  if (!tree) throw new Error("commit object has no tree");
  const parents = [...header.matchAll(/^parent ([0-9a-f]{40})$/gm)].map((m) => m[1]);
  const when = /^committer .*> (\d{1,15}) [+-]\d{4}$/m.exec(header)?.[1];
  const authored = /^author .*> (\d{1,15}) [+-]\d{4}$/m.exec(header)?.[1];
  return {
    tree,
    parents,
    message,
    ...when ? { committerTime: Number(when) } : {},
    ...authored ? { authorTime: Number(authored) } : {}
  };
}
function objectId(type, content) {
  const header = `${type} ${content.length}\0`;
  if (content.length <= 2048) return cryptoHash("sha1", Buffer.concat([Buffer.from(header), content]), "hex");
  return createHash("sha1").update(header).update(content).digest("hex");
}
function writeLooseObject(gitDir, type, content) {
  const sha = objectId(type, content);
  const dir = join2(gitDir, "objects", sha.slice(0, 2));
  const file = join2(dir, sha.slice(2));
  if (existsSync(file)) return sha;
  mkdirSync2(dir, { recursive: true });
  const tmp = join2(dir, `.tmp-${process.pid}-${randomBytes2(6).toString("hex")}`);
  writeFileSync(tmp, deflateSync(Buffer.concat([Buffer.from(`${type} ${content.length}\0`), content])));
  try {
    renameSync2(tmp, file);
  } catch (e) {
    if (!existsSync(file)) throw e;
    unlinkSync(tmp);
  }
  return sha;
}

// src/ledger/index-model.ts
import { hash as hash2 } from "node:crypto";

// src/ledger/tree-bytes.ts
import { hash } from "node:crypto";
var TreeBytes = class {
  bytes;
  headerLength;
  offsets = /* @__PURE__ */ new Map();
  constructor(entries) {
    const content = serializeTree(entries);
    const header = Buffer.from(`tree ${content.length}\0`);
    this.headerLength = header.length;
    this.bytes = Buffer.concat([header, content]);
    let pos = this.headerLength;
    while (pos < this.bytes.length) {
      const nul = this.bytes.indexOf(0, pos);
      const space = this.bytes.indexOf(32, pos);
      this.offsets.set(this.bytes.toString("utf8", space + 1, nul), nul + 1);
      pos = nul + 21;
    }
  }
  /** Sets the id of an existing entry; false when there is no entry of that name. */
  patch(name, oid) {
    const at = this.offsets.get(name);
    if (at === void 0) return false;
    this.bytes.write(oid, at, 20, "hex");
    return true;
  }
  oid() {
    return hash("sha1", this.bytes, "hex");
  }
  /** A copy of the tree's content (the bytes are patched in place later). */
  content() {
    return Buffer.from(this.bytes.subarray(this.headerLength));
  }
};

// src/ledger/layout.ts
var ENTRY_FILE = "entry.json";
var CHECKPOINT_FILE = "checkpoint";
var COSIGNED_FILE = "cosigned";
var INDEX_DIR = "index";
var DEPLOYS_FILE = "deploys";
var DEPLOYS_PATH = `${INDEX_DIR}/${DEPLOYS_FILE}`;
var SEALED_FILE = "sealed";
var SEGMENT_CAP = 8192;
var LIST_CAP = 8192;
var DEPLOY_STACK = 5;
function bucketDir(commit) {
  return `${INDEX_DIR}/${commit[0]}/${commit[1]}`;
}
function sealedName(level) {
  return level === 1 ? SEALED_FILE : `${SEALED_FILE}-${level}`;
}
function sealedLevel(name) {
  if (name === SEALED_FILE) return 1;
  const m = /^sealed-([2-9]|[1-9]\d)$/.exec(name);
  return m ? Number(m[1]) : void 0;
}
function segmentSeq(name) {
  return /^(0|[1-9]\d{0,15})$/.test(name) ? Number(name) : void 0;
}
function formatIndexLine(l) {
  return `${l.commit}	${l.seq}	${l.hash.slice("sha256:".length)}	${l.blob}	${l.type}	${l.environment ?? ""}	${l.repository}
`;
}
var LINE = /^([0-9a-f]{40})\t(0|[1-9]\d{0,15})\t([0-9a-f]{64})\t([0-9a-f]{40})\t([a-z-]{1,40})\t([^\t\n]*)\t([^\t\n/]+\/[^\t\n/]+)$/;
function parseIndexLine(text) {
  const m = LINE.exec(text);
  if (!m) return void 0;
  return {
    commit: m[1],
    seq: Number(m[2]),
    hash: `sha256:${m[3]}`,
    blob: m[4],
    type: m[5],
    ...m[6] ? { environment: m[6] } : {},
    repository: m[7]
  };
}
function parseSegment(text) {
  return text.split("\n").filter((l) => l !== "").map(parseIndexLine);
}
function formatSealedRef(r) {
  return `${r.first}	${r.last}	${r.blob}
`;
}
function parseSealedList(text) {
  const out = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const m = /^(0|[1-9]\d{0,15})\t(0|[1-9]\d{0,15})\t([0-9a-f]{40})$/.exec(line);
    if (!m) return void 0;
    out.push({ first: Number(m[1]), last: Number(m[2]), blob: m[3] });
  }
  return out;
}
function formatDeploys(states) {
  return [...states].sort((a, b) => cmp(a.repository, b.repository) || cmp(a.environment, b.environment)).map(
    (s) => `${s.repository}	${s.environment}	${s.deploys.map((d) => `${d.seq}:${d.commit}:${d.blob}`).join(" ") || "-"}
`
  ).join("");
}
function cmp(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}
function parseDeploys(text) {
  const out = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const [repository, environment, stack, extra] = line.split("	");
    if (!repository || !environment || !stack || extra !== void 0) return void 0;
    const deploys = [];
    for (const item of stack === "-" ? [] : stack.split(" ")) {
      const m = /^(0|[1-9]\d{0,15}):([0-9a-f]{40}):([0-9a-f]{40})$/.exec(item);
      if (!m) return void 0;
      deploys.push({ seq: Number(m[1]), commit: m[2], blob: m[3] });
    }
    out.push({ repository, environment, deploys });
  }
  return out;
}
function checkCommitPrefix(prefix) {
  const p = prefix.toLowerCase();
  if (!/^[0-9a-f]{4,40}$/.test(p)) {
    throw new ShiplogError("USAGE", `commit "${prefix}" must be 4 to 40 hex characters`);
  }
  return p;
}
function checkIndexText(what, value) {
  if (value !== void 0 && /[\u0000-\u001f\u007f]/.test(value)) {
    throw new ShiplogError("BAD_INPUT", `${what} must not contain tabs, newlines or control characters`);
  }
}

// src/ledger/index-model.ts
var HEAD = 16;
var HEX = "0123456789abcdef";
function blobObject(content) {
  return { type: "blob", oid: objectId("blob", content), content };
}
function bad(path, why) {
  throw new ShiplogError("BAD_INPUT", `ledger index ${path}: ${why} (run "shiplog verify")`);
}
var IndexModel = class _IndexModel {
  constructor(reader, tolerant = false) {
    this.reader = reader;
    this.tolerant = tolerant;
  }
  reader;
  tolerant;
  shelves = /* @__PURE__ */ new Map();
  deploys;
  deployStates;
  extras = [];
  tree;
  /** The index of an empty ledger. */
  static empty() {
    const m = new _IndexModel();
    m.deployStates = [];
    return m;
  }
  /** The index held by the tree `indexTree` (undefined: none yet); parts are read when needed. */
  static async at(indexTree, reader, opts = {}) {
    const m = new _IndexModel(reader, opts.tolerant);
    if (!indexTree) {
      m.deployStates = [];
      return m;
    }
    for (const e of parseTree(await reader.tree(indexTree))) {
      if (e.name === DEPLOYS_FILE && e.mode === BLOB_MODE) m.deploys = { oid: e.sha };
      else if (e.mode === TREE_MODE && e.name.length === 1 && HEX.includes(e.name))
        m.shelves.set(e.name, { oid: e.sha, read: false, buckets: /* @__PURE__ */ new Map(), extras: [] });
      else m.extra(m.extras, `${INDEX_DIR}/${e.name}`, e, "is not part of a shiplog index");
    }
    return m;
  }
  /** True when `apply(line, deploy)` can run without reading anything first. */
  ready(line, deploy) {
    const shelf = this.shelves.get(line.commit[0]);
    if (shelf && !shelf.read) return false;
    const bucket = shelf?.buckets.get(line.commit[1]);
    if (bucket && !bucket.read) return false;
    if (deploy && !this.deployStates) return false;
    const open = bucket?.open;
    if (!open) return true;
    if (!open.blob.content) return false;
    if (open.blob.content.length + Buffer.byteLength(formatIndexLine(line)) <= SEGMENT_CAP) return true;
    return [...bucket.lists.values()].every((l) => l.content !== void 0);
  }
  extra(into, path, e, why) {
    if (!this.tolerant) bad(path, why);
    into.push(e);
  }
  /** Blob ids a step for this commit (and deploy) may read, to fetch them in one round trip. */
  async wantedBlobs(commit, deploy) {
    const bucket = await this.bucket(commit);
    const out = [];
    if (bucket.open && !bucket.open.blob.content) out.push(bucket.open.blob.oid);
    const list = bucket.lists.get(1);
    if (list && !list.content) out.push(list.oid);
    if (deploy && this.deploys && !this.deployStates) out.push(this.deploys.oid);
    return out;
  }
  /** The `index/deploys` blob, when the index has one (for prefetching with other objects). */
  deploysBlob() {
    return this.deploys?.oid;
  }
  /** Reads everything `apply(line, deploy)` will touch. */
  async prepare(line, deploy) {
    const bucket = await this.bucket(line.commit);
    if (deploy) await this.deployState();
    if (!bucket.open) return;
    const open = await this.content(bucket.open.blob, `${bucketPath(line.commit)}/${bucket.open.name}`);
    if (open.length + Buffer.byteLength(formatIndexLine(line)) <= SEGMENT_CAP) return;
    for (const [level, list] of bucket.lists)
      await this.content(list, `${bucketPath(line.commit)}/${sealedName(level)}`);
  }
  /**
   * Adds one entry's line (and deploy change); returns the new index tree id and every object the
   * step created. Synchronous: what it touches must have been read first (`prepare`).
   */
  apply(line, deploy, opts = {}) {
    const record = opts.objects !== false;
    const objects = [];
    const files = [];
    const dir = bucketPath(line.commit);
    const h1 = line.commit[0];
    const h2 = line.commit[1];
    const newShelf = !this.shelves.has(h1);
    const shelf = this.shelfNow(h1);
    const newBucket = !shelf.buckets.has(h2) || !shelf.buckets.get(h2).oid;
    const bucket = this.bucketNow(shelf, h2);
    const text = Buffer.from(formatIndexLine(line));
    const open = bucket.open;
    let sameNames = !!open && !!bucket.tree;
    if (open && need(open.blob.content, "open segment").length + text.length <= SEGMENT_CAP) {
      appendTo(open.blob, text);
      if (record) objects.push({ type: "blob", oid: open.blob.oid, content: open.blob.content });
      if (record) files.push({ path: `${dir}/${open.name}`, content: open.blob.content });
    } else {
      sameNames = false;
      if (open) {
        for (const level of this.seal(bucket, open, objects))
          files.push({ path: `${dir}/${sealedName(level)}`, content: bucket.lists.get(level).content });
        files.push({ path: `${dir}/${open.name}` });
      }
      const blob = { oid: "" };
      appendTo(blob, text);
      if (record) objects.push({ type: "blob", oid: blob.oid, content: blob.content });
      bucket.open = { name: String(line.seq), blob };
      files.push({ path: `${dir}/${line.seq}`, content: blob.content });
    }
    const hadDeploys = !!this.deploys;
    const deploysChanged = !!deploy && this.applyDeploy(line, deploy, objects);
    if (deploysChanged) files.push({ path: `${INDEX_DIR}/${DEPLOYS_FILE}`, content: this.deploys.content });
    let bucketTree = bucket.tree;
    if (!(sameNames && bucketTree?.patch(bucket.open.name, bucket.open.blob.oid)))
      bucketTree = bucket.tree = new TreeBytes([...bucketEntries(bucket), ...bucket.extras]);
    bucket.oid = bucketTree.oid();
    let shelfTree = shelf.tree;
    if (newBucket || !shelfTree?.patch(h2, bucket.oid)) {
      shelfTree = shelf.tree = new TreeBytes([
        ...[...shelf.buckets].filter(([, b]) => !b.read || b.open || b.lists.size || b.extras.length).map(([name, b]) => ({ mode: TREE_MODE, name, sha: b.oid })),
        ...shelf.extras
      ]);
    }
    shelf.oid = shelfTree.oid();
    let indexTree = this.tree;
    const patched = !newShelf && !!indexTree?.patch(h1, shelf.oid) && (!deploysChanged || hadDeploys && indexTree.patch(DEPLOYS_FILE, this.deploys.oid));
    if (!patched) indexTree = this.tree = new TreeBytes(this.indexEntries());
    const tree = indexTree.oid();
    if (record) {
      objects.push(
        { type: "tree", oid: bucket.oid, content: bucketTree.content() },
        { type: "tree", oid: shelf.oid, content: shelfTree.content() },
        { type: "tree", oid: tree, content: indexTree.content() }
      );
    }
    return { tree, objects, files };
  }
  /** The deploys in force per (repository, environment), newest first. */
  async deployStatesNow() {
    return this.deployState();
  }
  /** The files of the bucket for subject commits starting with `prefix` (at least 2 hex digits). */
  async bucketFiles(prefix) {
    const b = await this.bucket(prefix);
    return {
      prefix: prefix.slice(0, 2),
      open: b.open ? { first: Number(b.open.name), oid: b.open.blob.oid } : void 0,
      lists: [...b.lists].map(([level, list]) => ({ level, oid: list.oid })).sort((x, y) => y.level - x.level)
    };
  }
  /** The two-hex-digit prefixes that have a bucket. */
  async prefixes() {
    const out = [];
    for (const h1 of [...this.shelves.keys()].sort()) {
      await this.bucket(`${h1}0`);
      for (const [h2, b] of this.shelves.get(h1).buckets)
        if (!b.read || b.open || b.lists.size) out.push(h1 + h2);
    }
    return out.sort();
  }
  /** Seals the open segment into the lists; returns the levels whose list changed. */
  seal(bucket, open, objects) {
    const changed = [];
    const first = Number(open.name);
    const lines2 = open.blob.content.toString("utf8").trimEnd().split("\n");
    const last = parseIndexLine(lines2[lines2.length - 1])?.seq ?? first;
    let ref = Buffer.from(formatSealedRef({ first, last, blob: open.blob.oid }));
    for (let level = 1; ; level++) {
      const list = bucket.lists.get(level);
      const content = list ? need(list.content, sealedName(level)) : Buffer.alloc(0);
      if (content.length === 0 || content.length + ref.length <= LIST_CAP) {
        const o2 = blobObject(Buffer.concat([content, ref]));
        objects.push(o2);
        bucket.lists.set(level, { oid: o2.oid, content: o2.content });
        changed.push(level);
        return changed;
      }
      const refs = parseSealedList(content.toString("utf8"));
      if (!refs?.length) bad(sealedName(level), "does not parse");
      const o = blobObject(ref);
      objects.push(o);
      bucket.lists.set(level, { oid: o.oid, content: o.content });
      changed.push(level);
      ref = Buffer.from(
        formatSealedRef({ first: refs[0].first, last: refs[refs.length - 1].last, blob: list.oid })
      );
    }
  }
  /** Updates index/deploys; false when the entry changes nothing there. */
  applyDeploy(line, change, objects) {
    const states = need(this.deployStates, DEPLOYS_FILE);
    let state = states.find(
      (s) => s.repository === change.repository && s.environment === change.environment
    );
    if (!state) {
      state = { repository: change.repository, environment: change.environment, deploys: [] };
      states.push(state);
    } else if (change.kind === "other") return false;
    if (change.kind !== "other") state.deploys = state.deploys.filter((d) => d.commit !== line.commit);
    if (change.kind === "success") {
      state.deploys.unshift({ seq: line.seq, commit: line.commit, blob: line.blob });
      state.deploys.length = Math.min(state.deploys.length, DEPLOY_STACK);
    }
    const o = blobObject(Buffer.from(formatDeploys(states)));
    if (o.oid === this.deploys?.oid) return false;
    objects.push(o);
    this.deploys = { oid: o.oid, content: o.content };
    return true;
  }
  indexEntries() {
    const entries = [...this.shelves].filter(([, s]) => s.oid !== void 0).map(([name, s]) => ({ mode: TREE_MODE, name, sha: s.oid }));
    if (this.deploys) entries.push({ mode: BLOB_MODE, name: DEPLOYS_FILE, sha: this.deploys.oid });
    return [...entries, ...this.extras];
  }
  shelfNow(h1) {
    let shelf = this.shelves.get(h1);
    if (!shelf) {
      shelf = { read: true, buckets: /* @__PURE__ */ new Map(), extras: [] };
      this.shelves.set(h1, shelf);
    }
    if (!shelf.read) bad(`${INDEX_DIR}/${h1}`, "was not read before the step");
    return shelf;
  }
  bucketNow(shelf, h2) {
    let bucket = shelf.buckets.get(h2);
    if (!bucket) {
      bucket = { read: true, lists: /* @__PURE__ */ new Map(), extras: [] };
      shelf.buckets.set(h2, bucket);
    }
    if (!bucket.read) bad(`bucket ${h2}`, "was not read before the step");
    return bucket;
  }
  async bucket(commit) {
    const h1 = commit[0];
    const h2 = commit[1];
    const known = this.shelves.get(h1);
    if (known && !known.read) {
      for (const e of parseTree(await this.reader.tree(known.oid))) {
        if (e.mode !== TREE_MODE || e.name.length !== 1 || !HEX.includes(e.name))
          this.extra(known.extras, `${INDEX_DIR}/${h1}/${e.name}`, e, "is not a bucket folder");
        else known.buckets.set(e.name, { oid: e.sha, read: false, lists: /* @__PURE__ */ new Map(), extras: [] });
      }
      known.read = true;
    }
    const shelf = this.shelfNow(h1);
    const b = shelf.buckets.get(h2);
    if (b && !b.read) {
      const dir = bucketPath(commit);
      for (const e of parseTree(await this.reader.tree(b.oid))) {
        const level = e.mode === BLOB_MODE ? sealedLevel(e.name) : void 0;
        if (level !== void 0) b.lists.set(level, { oid: e.sha });
        else if (e.mode === BLOB_MODE && segmentSeq(e.name) !== void 0 && !b.open)
          b.open = { name: e.name, blob: { oid: e.sha } };
        else this.extra(b.extras, `${dir}/${e.name}`, e, "is neither the open segment nor a sealed list");
      }
      b.read = true;
    }
    return this.bucketNow(shelf, h2);
  }
  async content(blob, what) {
    if (!blob.content) blob.content = await this.reader.blob(blob.oid);
    if (!blob.content) bad(what, `blob ${blob.oid} is missing`);
    return blob.content;
  }
  async deployState() {
    if (this.deployStates) return this.deployStates;
    if (!this.deploys) return this.deployStates = [];
    const parsed = parseDeploys((await this.content(this.deploys, DEPLOYS_FILE)).toString("utf8"));
    if (!parsed) bad(DEPLOYS_FILE, "does not parse");
    return this.deployStates = parsed;
  }
};
function appendTo(blob, line) {
  const old = blob.content ?? Buffer.alloc(0);
  const length = old.length + line.length;
  if (!blob.backing || HEAD + length > blob.backing.length) {
    const backing = Buffer.allocUnsafe(HEAD + Math.max(SEGMENT_CAP, length) + 256);
    old.copy(backing, HEAD);
    blob.backing = backing;
  }
  line.copy(blob.backing, HEAD + old.length);
  const header = `blob ${length}\0`;
  blob.backing.write(header, HEAD - header.length, "latin1");
  blob.content = blob.backing.subarray(HEAD, HEAD + length);
  blob.oid = hash2("sha1", blob.backing.subarray(HEAD - header.length, HEAD + length), "hex");
}
function need(value, what) {
  if (value === void 0) bad(what, "was not read before the step");
  return value;
}
function bucketPath(commit) {
  return `${INDEX_DIR}/${commit[0]}/${commit[1]}`;
}
function bucketEntries(bucket) {
  const entries = [];
  if (bucket.open) entries.push({ mode: BLOB_MODE, name: bucket.open.name, sha: bucket.open.blob.oid });
  for (const [level, list] of bucket.lists)
    entries.push({ mode: BLOB_MODE, name: sealedName(level), sha: list.oid });
  return entries;
}

// src/ledger/tree/tiles.ts
import { hash as cryptoHash2 } from "node:crypto";
var TREE_DIR = "tree";
var ENTRIES_DIR = "entries";
var OID_BYTES = 20;
var TILE_HEIGHT = 8;
var TILE_WIDTH = 2 ** TILE_HEIGHT;
function bad2(what) {
  throw new ShiplogError("BAD_INPUT", `ledger tree tiles: ${what} (run "shiplog verify")`);
}
function countAt(size, level) {
  return Math.floor(size / TILE_WIDTH ** level);
}
function foldHashes(tile, from, count2) {
  let layer = [];
  for (let i = 0; i < count2; i++)
    layer.push(tile.subarray((from + i) * HASH_BYTES, (from + i + 1) * HASH_BYTES));
  while (layer.length > 1) {
    const up = [];
    for (let i = 0; i < layer.length; i += 2) up.push(nodeHash(layer[i], layer[i + 1]));
    layer = up;
  }
  return Buffer.from(layer[0]);
}
var TileModel = class _TileModel {
  constructor(size, reader) {
    this.size = size;
    this.reader = reader;
  }
  size;
  reader;
  levels = [];
  /** The entry tiles: one level of blob ids, kept like a hash level. */
  entries = { lists: /* @__PURE__ */ new Map() };
  dir;
  dirOid;
  edge;
  static empty() {
    const m = new _TileModel(0);
    m.edge = [];
    return m;
  }
  /**
   * The tiles held by the folder `dirTree` for a tree of `size` leaves (undefined: an empty tree).
   * The folder's shape must be exactly what `size` implies; blobs are read when needed.
   */
  static async at(dirTree, size, reader) {
    const m = new _TileModel(size, reader);
    if (size === 0) {
      if (dirTree) bad2(`an empty ledger has no ${TREE_DIR}/ folder`);
      m.edge = [];
      return m;
    }
    if (!dirTree) bad2(`no ${TREE_DIR}/ folder`);
    const names = parseTree(await reader.tree(dirTree));
    const folder = async (name, count2) => {
      const e = names.find((n) => n.name === name);
      if (!e || e.mode !== TREE_MODE) bad2(`no ${TREE_DIR}/${name}/ folder for a tree of ${size}`);
      return readLevel(reader, e.sha, count2, `${TREE_DIR}/${name}`);
    };
    for (let L = 0; countAt(size, L) > 0; L++) m.levels.push(await folder(String(L), countAt(size, L)));
    m.entries = await folder(ENTRIES_DIR, size);
    if (names.length !== m.levels.length + 1) bad2(`unexpected names in ${TREE_DIR}/`);
    m.dirOid = dirTree;
    return m;
  }
  get treeSize() {
    return this.size;
  }
  /** The folder's tree id (undefined for an empty tree). */
  get treeId() {
    return this.dirOid;
  }
  /**
   * Blob ids the next `apply` (and `root`) may read, to fetch them in one round trip; with `every`,
   * what any number of later applies may read (the sealed lists too).
   */
  wantedBlobs(opts = {}) {
    const out = [];
    const want = (level, count2) => {
      if (level.partial && !level.partial.blob.content) out.push(level.partial.blob.oid);
      if (opts.every || count2 % TILE_WIDTH === TILE_WIDTH - 1) {
        const list = level.lists.get(1);
        if (list && !list.content) out.push(list.oid);
      }
    };
    for (const [L, level] of this.levels.entries()) want(level, countAt(this.size, L));
    want(this.entries, this.size);
    return out;
  }
  /**
   * Every blob the folder names (partial and newest full tiles, sealed lists): what a proof about
   * recent entries reads, so a caller can fetch it with other objects in one round trip.
   */
  heldBlobs(which = "all") {
    const out = [];
    for (const level of which === "all" ? [...this.levels, this.entries] : [this.entries]) {
      if (level.partial) out.push(level.partial.blob.oid);
      if (level.full) out.push(level.full.blob.oid);
      for (const list of level.lists.values()) out.push(list.oid);
    }
    return out;
  }
  /** Reads everything `apply` and `root` will touch; with `every`, for any number of applies. */
  async prepare(opts = {}) {
    const read = async (level, count2) => {
      if (level.partial) await this.content(level.partial.blob);
      if (opts.every || count2 % TILE_WIDTH === TILE_WIDTH - 1)
        for (const list of level.lists.values()) await this.content(list);
    };
    for (const [L, level] of this.levels.entries()) await read(level, countAt(this.size, L));
    await read(this.entries, this.size);
    const partial = this.entries.partial?.blob.content;
    if (partial && partial.length !== this.size % TILE_WIDTH * OID_BYTES)
      bad2(`${TREE_DIR}/${ENTRIES_DIR}/${this.entries.partial.index} holds ${partial.length} bytes`);
    this.edge ??= this.edgeFromTiles();
  }
  /** A copy of the tree's right edge (after `prepare`). */
  rightEdge() {
    if (!this.edge) this.edge = this.edgeFromTiles();
    return this.edge.slice();
  }
  /** The Merkle root of the tree as it stands (after `prepare`). */
  root() {
    if (!this.edge) this.edge = this.edgeFromTiles();
    return rootFromEdge(this.edge, this.size);
  }
  /** The right edge: for each tile level from the top, the complete subtrees of its partial tile. */
  edgeFromTiles() {
    const edge = [];
    for (let L = this.levels.length - 1; L >= 0; L--) {
      const partial = this.levels[L].partial;
      if (!partial) continue;
      const tile = need2(partial.blob.content, `${TREE_DIR}/${L}/${partial.index}`);
      const width = tile.length / HASH_BYTES;
      if (width !== countAt(this.size, L) % TILE_WIDTH)
        bad2(`${TREE_DIR}/${L}/${partial.index} holds ${width} hashes`);
      let at = 0;
      for (let b = TILE_HEIGHT - 1; b >= 0; b--) {
        if (width & 1 << b) {
          edge.push(foldHashes(tile, at, 1 << b));
          at += 1 << b;
        }
      }
    }
    return edge;
  }
  /**
   * Adds leaf `size`; returns the new folder's tree id and the objects the step made (unless
   * `objects: false`, for verify, which only compares ids). Synchronous: `prepare` first.
   */
  apply(leaf, entryBlob, opts = {}) {
    const record = opts.objects !== false;
    const objects = [];
    const files = [];
    const edge = this.edge ?? (this.edge = this.edgeFromTiles());
    let carry = leaf;
    let rest = this.size;
    while (rest % 2 === 1) {
      carry = nodeHash(edge.pop(), carry);
      rest = Math.floor(rest / 2);
    }
    edge.push(carry);
    let hash3 = leaf;
    let sameNames = true;
    const changed = [];
    for (let L = 0; ; L++) {
      const count2 = countAt(this.size, L);
      let level = this.levels[L];
      if (!level) {
        level = { lists: /* @__PURE__ */ new Map() };
        this.levels.push(level);
        sameNames = false;
      }
      changed.push(L);
      const step = this.pushRecord(level, count2, hash3, TILE_WIDTH * HASH_BYTES, `${TREE_DIR}/${L}`, {
        record,
        objects,
        files
      });
      if (step.renamed) sameNames = false;
      if (!step.filled) break;
      hash3 = foldHashes(step.filled, 0, TILE_WIDTH);
    }
    const entriesRenamed = this.stepEntries(entryBlob, record, objects, files);
    this.size += 1;
    for (const L of changed) this.retree(this.levels[L], sameNames, record, objects);
    if (!(sameNames && !entriesRenamed && this.dir?.patch("0", this.levels[0].oid) && this.dir.patch(ENTRIES_DIR, this.entries.oid)))
      this.dir = new TreeBytes([
        ...this.levels.map((l, L) => ({ mode: TREE_MODE, name: String(L), sha: l.oid })),
        { mode: TREE_MODE, name: ENTRIES_DIR, sha: this.entries.oid }
      ]);
    this.dirOid = this.dir.oid();
    if (record) objects.push({ type: "tree", oid: this.dirOid, content: this.dir.content() });
    return { tree: this.dirOid, objects, files, root: rootFromEdge(edge, this.size) };
  }
  /**
   * Adds entry `size`'s blob id to the entry tiles (sealing a full tile as a hash level does);
   * returns whether a name in tree/entries/ changed (so the folder is rebuilt, not patched).
   */
  stepEntries(entryBlob, record, objects, files) {
    if (!/^[0-9a-f]{40}$/.test(entryBlob)) bad2(`"${entryBlob}" is not an entry blob id`);
    const dir = `${TREE_DIR}/${ENTRIES_DIR}`;
    const { renamed } = this.pushRecord(
      this.entries,
      this.size,
      Buffer.from(entryBlob, "hex"),
      TILE_WIDTH * OID_BYTES,
      dir,
      {
        record,
        objects,
        files
      }
    );
    this.retree(this.entries, !renamed, record, objects);
    return renamed;
  }
  /**
   * Appends one record to a level's partial tile (opening one when none is open). A tile that
   * fills is immutable: it becomes the level's newest full tile, kept in the tree (so its blob is
   * reachable) in place of the previous one, and is listed by blob id in the sealed lists. Returns
   * whether the level's names changed, and the full tile's content when one filled.
   */
  pushRecord(level, count2, rec, capacity, dir, out) {
    let renamed = false;
    if (!level.partial) {
      level.partial = { index: Math.floor(count2 / TILE_WIDTH), blob: { oid: "" } };
      renamed = true;
    }
    const { index, blob } = level.partial;
    need2(blob.content ?? (count2 % TILE_WIDTH === 0 ? Buffer.alloc(0) : void 0), dir);
    appendRecord(blob, rec, capacity);
    if (out.record) {
      const content = Buffer.from(blob.content);
      out.objects.push({ type: "blob", oid: blob.oid, content });
      out.files.push({ path: `${dir}/${index}`, content });
    }
    if (blob.content.length < capacity) return { renamed };
    if (out.record && level.full) out.files.push({ path: `${dir}/${level.full.index}` });
    level.full = { index, blob: { oid: blob.oid } };
    for (const n of this.seal(level, { first: index, last: index, blob: blob.oid }, out.objects))
      if (out.record)
        out.files.push({ path: `${dir}/${sealedName(n)}`, content: level.lists.get(n).content });
    level.partial = void 0;
    return { renamed: true, filled: blob.content };
  }
  /** A changed level's tree: its partial tile's id patched in place when no name changed. */
  retree(level, sameNames, record, objects) {
    const name = level.partial ? String(level.partial.index) : void 0;
    if (!(sameNames && name && level.tree?.patch(name, level.partial.blob.oid)))
      level.tree = new TreeBytes(levelEntries(level));
    level.oid = level.tree.oid();
    if (record) objects.push({ type: "tree", oid: level.oid, content: level.tree.content() });
  }
  /** The git blob id of entry `seq`'s entry.json, from the entry tiles (reading sealed lists as needed). */
  async entryBlob(seq) {
    if (!Number.isSafeInteger(seq) || seq < 0 || seq >= this.size)
      bad2(`no entry ${seq} in a tree of ${this.size}`);
    const T = Math.floor(seq / TILE_WIDTH);
    const path = `${TREE_DIR}/${ENTRIES_DIR}/${T}`;
    const tile = this.entries.partial?.index === T ? await this.content(this.entries.partial.blob) : await this.reader.blob(await this.entryTileOid(seq));
    if (this.entries.partial?.index !== T && tile.length !== TILE_WIDTH * OID_BYTES)
      bad2(`full tile ${path} holds ${tile.length} bytes`);
    const at = seq % TILE_WIDTH * OID_BYTES;
    if (tile.length < at + OID_BYTES) bad2(`${path} is short`);
    return tile.subarray(at, at + OID_BYTES).toString("hex");
  }
  /** The blob id of the entry tile holding `seq`. */
  entryTileOid(seq) {
    return this.findTile(this.entries, Math.floor(seq / TILE_WIDTH), `${TREE_DIR}/${ENTRIES_DIR}`);
  }
  /** Appends a ref to the level's sealed lists, sealing full lists one level up; returns the lists changed. */
  seal(level, ref, objects) {
    const changed = [];
    let line = Buffer.from(formatSealedRef(ref));
    for (let n = 1; ; n++) {
      const list = level.lists.get(n);
      const content = list ? need2(list.content, sealedName(n)) : Buffer.alloc(0);
      if (content.length === 0 || content.length + line.length <= LIST_CAP) {
        const data = Buffer.concat([content, line]);
        const oid2 = objectId("blob", data);
        objects.push({ type: "blob", oid: oid2, content: data });
        level.lists.set(n, { oid: oid2, content: data });
        changed.push(n);
        return changed;
      }
      const refs = parseSealedList(content.toString("utf8"));
      if (!refs?.length) bad2(`${sealedName(n)} does not parse`);
      const oid = objectId("blob", line);
      objects.push({ type: "blob", oid, content: line });
      level.lists.set(n, { oid, content: line });
      changed.push(n);
      line = Buffer.from(
        formatSealedRef({ first: refs[0].first, last: refs[refs.length - 1].last, blob: list.oid })
      );
    }
  }
  /**
   * Stored hashes for proofs over the tree as it stands: a complete subtree is folded out of the one
   * tile that holds its level's hashes, found by blob id through the sealed lists.
   */
  hashReader() {
    return {
      hash: async (level, index) => {
        const L = Math.floor(level / TILE_HEIGHT);
        const width = 2 ** (level - L * TILE_HEIGHT);
        const first = index * width;
        const tile = await this.tile(L, Math.floor(first / TILE_WIDTH));
        const at = first % TILE_WIDTH;
        if ((at + width) * HASH_BYTES > tile.length)
          bad2(`tile ${L}/${Math.floor(first / TILE_WIDTH)} is short`);
        return foldHashes(tile, at, width);
      }
    };
  }
  /** The blob id of tile T of level L (reading sealed lists as needed). */
  async tileOid(L, T) {
    const level = this.levels[L];
    if (!level) bad2(`no tile level ${L}`);
    return this.findTile(level, T, `${TREE_DIR}/${L}`);
  }
  async findTile(level, T, path) {
    return (await this.findTiles([{ level, T, path }]))[0];
  }
  /**
   * Blob ids of tiles, found through the sealed lists. Lists nest (the newest refs are in level 1;
   * each higher list holds full lower lists), so a tile in a list of level n takes n - 1 more list
   * reads; with `fetch`, the lists every wanted tile needs at one depth come in one round trip.
   */
  async findTiles(wants, fetch) {
    const out = [];
    let pending = [];
    for (const [at, { level, T, path }] of wants.entries()) {
      if (level.partial?.index === T) out[at] = level.partial.blob.oid;
      else if (level.full?.index === T) out[at] = level.full.blob.oid;
      else {
        const hit = await this.listed(level, T, path);
        if (hit.down === 0) out[at] = hit.blob;
        else pending.push({ at, T, path, ...hit });
      }
    }
    while (pending.length) {
      await fetch?.(pending.map((p) => p.blob));
      const next = [];
      for (const p of pending) {
        const inner = parseSealedList((await this.reader.blob(p.blob)).toString("utf8"));
        const ref = inner?.find((r) => r.first <= p.T && p.T <= r.last);
        if (!ref) bad2(`tile ${p.path}/${p.T} is not in its sealed list`);
        if (p.down === 1) out[p.at] = ref.blob;
        else next.push({ ...p, blob: ref.blob, down: p.down - 1 });
      }
      pending = next;
    }
    return out;
  }
  /** The ref of the top-level list entry covering tile T, and how many list levels lie below it. */
  async listed(level, T, path) {
    const top = Math.max(0, ...level.lists.keys());
    for (let n = 1; n <= top; n++) {
      const list = level.lists.get(n);
      if (!list) continue;
      const refs = parseSealedList((await this.content(list)).toString("utf8"));
      if (!refs) bad2(`${path}/${sealedName(n)} does not parse`);
      const hit = refs.find((r) => r.first <= T && T <= r.last);
      if (hit) return { blob: hit.blob, down: n - 1 };
    }
    bad2(`tile ${path}/${T} is not listed`);
  }
  /**
   * The blobs a proof over these hash coordinates reads, and the entry tiles of these seqs, with
   * the sealed lists they need fetched on the way (one round trip per list depth for all).
   */
  async tilesFor(coords, entrySeqs, fetch) {
    const wants = [];
    for (const [level, index] of coords) {
      const L = Math.floor(level / TILE_HEIGHT);
      const T = Math.floor(index * 2 ** (level - L * TILE_HEIGHT) / TILE_WIDTH);
      const at = this.levels[L];
      if (!at) bad2(`no tile level ${L}`);
      wants.push({ level: at, T, path: `${TREE_DIR}/${L}` });
    }
    for (const seq of entrySeqs)
      wants.push({
        level: this.entries,
        T: Math.floor(seq / TILE_WIDTH),
        path: `${TREE_DIR}/${ENTRIES_DIR}`
      });
    return [...new Set(await this.findTiles(wants, fetch))];
  }
  async tile(L, T) {
    const level = this.levels[L];
    if (level?.partial?.index === T) return this.content(level.partial.blob);
    const oid = await this.tileOid(L, T);
    const tile = await this.reader.blob(oid);
    if (tile.length !== TILE_WIDTH * HASH_BYTES) bad2(`full tile ${L}/${T} holds ${tile.length} bytes`);
    return tile;
  }
  async content(blob) {
    if (!blob.content) {
      if (!this.reader) bad2(`blob ${blob.oid} was not read`);
      blob.content = await this.reader.blob(blob.oid);
    }
    return blob.content;
  }
};
async function readLevel(reader, sha, count2, path) {
  const level = { lists: /* @__PURE__ */ new Map(), oid: sha };
  const partialIndex = Math.floor(count2 / TILE_WIDTH);
  for (const f of parseTree(await reader.tree(sha))) {
    const list = f.mode === BLOB_MODE ? sealedLevel(f.name) : void 0;
    if (list !== void 0) level.lists.set(list, { oid: f.sha });
    else if (f.mode === BLOB_MODE && f.name === String(partialIndex) && count2 % TILE_WIDTH !== 0)
      level.partial = { index: partialIndex, blob: { oid: f.sha } };
    else if (f.mode === BLOB_MODE && f.name === String(partialIndex - 1))
      level.full = { index: partialIndex - 1, blob: { oid: f.sha } };
    else bad2(`unexpected ${path}/${f.name}`);
  }
  if (count2 % TILE_WIDTH !== 0 && !level.partial) bad2(`no partial tile ${path}/${partialIndex}`);
  if (count2 >= TILE_WIDTH && !level.full) bad2(`no full tile ${path}/${partialIndex - 1}`);
  if (count2 >= TILE_WIDTH && !level.lists.has(1)) bad2(`no ${path}/sealed`);
  return level;
}
function levelEntries(level) {
  const entries = [];
  if (level.full) entries.push({ mode: BLOB_MODE, name: String(level.full.index), sha: level.full.blob.oid });
  if (level.partial)
    entries.push({ mode: BLOB_MODE, name: String(level.partial.index), sha: level.partial.blob.oid });
  for (const [n, list] of level.lists) entries.push({ mode: BLOB_MODE, name: sealedName(n), sha: list.oid });
  return entries;
}
function need2(value, what) {
  if (value === void 0) bad2(`${what} was not read before the step`);
  return value;
}
var HEAD2 = 16;
function appendRecord(blob, h, capacity) {
  const old = blob.content ?? Buffer.alloc(0);
  const length = old.length + h.length;
  if (!blob.backing || HEAD2 + length > blob.backing.length) {
    const backing = Buffer.allocUnsafe(HEAD2 + capacity);
    old.copy(backing, HEAD2);
    blob.backing = backing;
  } else if (blob.content && blob.content.buffer !== blob.backing.buffer) {
    old.copy(blob.backing, HEAD2);
  }
  h.copy(blob.backing, HEAD2 + old.length);
  const header = `blob ${length}\0`;
  blob.backing.write(header, HEAD2 - header.length, "latin1");
  blob.content = blob.backing.subarray(HEAD2, HEAD2 + length);
  blob.oid = cryptoHash2("sha1", blob.backing.subarray(HEAD2 - header.length, HEAD2 + length), "hex");
}

// src/ledger/ledger-commit.ts
function ledgerCommitMessage(t) {
  const title = ["shiplog:", `#${t.seq}`, t.type, t.environment, t.subject.slice(0, 7)].filter(Boolean).join(" ").replace(/[\r\n]+/g, " ");
  return `${title}

Shiplog-Seq: ${t.seq}
Shiplog-Entry: ${t.entry}
Shiplog-Origin: ${t.origin}
Shiplog-Subject: ${t.subject}
`;
}
function readTrailers(message) {
  const get = (name) => {
    const values = [...message.matchAll(new RegExp(`^${name}: (.*)$`, "gm"))].map((m) => m[1].trim());
    return values.length === 1 ? values[0] : values.length > 1 ? "(repeated)" : void 0;
  };
  return {
    seq: get("Shiplog-Seq"),
    entry: get("Shiplog-Entry"),
    origin: get("Shiplog-Origin"),
    subject: get("Shiplog-Subject")
  };
}
function validTrailers(raw) {
  if (!raw.seq || !/^(0|[1-9]\d{0,15})$/.test(raw.seq)) return void 0;
  if (!raw.entry || !HASH_PATTERN.test(raw.entry)) return void 0;
  if (!raw.origin || !/^[^\s+]+$/.test(raw.origin)) return void 0;
  if (!raw.subject || !COMMIT_PATTERN.test(raw.subject)) return void 0;
  return { seq: Number(raw.seq), entry: raw.entry, origin: raw.origin, subject: raw.subject };
}

// src/ledger/store.ts
var import_proper_lockfile = __toESM(require_proper_lockfile(), 1);
import { existsSync as existsSync3, mkdirSync as mkdirSync3, readFileSync, renameSync as renameSync3, rmSync as rmSync2, writeFileSync as writeFileSync2 } from "node:fs";
import { homedir, tmpdir as tmpdir2 } from "node:os";
import { isAbsolute, join as join4, resolve } from "node:path";
import { randomBytes as randomBytes3 } from "node:crypto";

// src/ledger/object-presence.ts
import { existsSync as existsSync2, openSync as openSync2, readdirSync, readSync, closeSync as closeSync2, statSync } from "node:fs";
import { join as join3 } from "node:path";
var IDX_MAGIC = 4285812579;
var PackIndex = class _PackIndex {
  constructor(ids, fanout) {
    this.ids = ids;
    this.fanout = fanout;
  }
  ids;
  fanout;
  static read(file) {
    const fd = openSync2(file, "r");
    try {
      const head = Buffer.alloc(8 + 256 * 4);
      if (readSync(fd, head, 0, head.length, 0) !== head.length) return void 0;
      if (head.readUInt32BE(0) !== IDX_MAGIC || head.readUInt32BE(4) !== 2) return void 0;
      const fanout = new Uint32Array(256);
      for (let i = 0; i < 256; i++) fanout[i] = head.readUInt32BE(8 + i * 4);
      const count2 = fanout[255];
      const ids = Buffer.alloc(count2 * 20);
      if (readSync(fd, ids, 0, ids.length, head.length) !== ids.length) return void 0;
      return new _PackIndex(ids, fanout);
    } finally {
      closeSync2(fd);
    }
  }
  has(oid) {
    let lo = oid[0] === 0 ? 0 : this.fanout[oid[0] - 1];
    let hi = this.fanout[oid[0]];
    while (lo < hi) {
      const mid = lo + hi >>> 1;
      const c = this.ids.compare(oid, 0, 20, mid * 20, mid * 20 + 20);
      if (c === 0) return true;
      if (c > 0) hi = mid;
      else lo = mid + 1;
    }
    return false;
  }
};
var indexes = /* @__PURE__ */ new Map();
function packIndexes(gitDir) {
  const dir = join3(gitDir, "objects", "pack");
  if (!existsSync2(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    if (!name.endsWith(".idx")) continue;
    const file = join3(dir, name);
    const key = `${file}:${statSync(file).size}`;
    if (!indexes.has(key)) indexes.set(key, PackIndex.read(file));
    const idx = indexes.get(key);
    if (idx) out.push(idx);
  }
  return out;
}
function missingObjects(gitDir, oids) {
  let packs;
  return oids.filter((oid) => {
    if (existsSync2(join3(gitDir, "objects", oid.slice(0, 2), oid.slice(2)))) return false;
    packs ??= packIndexes(gitDir);
    const raw = Buffer.from(oid, "hex");
    return !packs.some((p) => p.has(raw));
  });
}

// src/ledger/store.ts
function checkBranchName(branch) {
  if (!/^[A-Za-z0-9._/-]+$/.test(branch) || branch.startsWith("-") || branch.includes("..") || branch.endsWith("/")) {
    throw new ShiplogError("USAGE", `ledger branch "${branch}" is not a valid branch name`);
  }
  return branch;
}
function resolveRemote(remote) {
  const r = remote.trim();
  if (!r) throw new ShiplogError("USAGE", "no ledger remote given (--remote)");
  if (r.startsWith("-")) throw new ShiplogError("USAGE", `remote "${r}" looks like an option; refusing it`);
  if (/[\0\n\r]/.test(r)) throw new ShiplogError("USAGE", "remote contains control characters");
  if (/^[a-z][a-z0-9+.-]*::/i.test(r))
    throw new ShiplogError("USAGE", `remote helper URLs ("${r.split("::")[0]}::") are not allowed`);
  if (/^(https?|ssh|git):\/\//i.test(r)) return { url: r, isLocal: false };
  if (/^file:\/\//i.test(r)) return { url: r, isLocal: true };
  if (/^[^/\\]+@[^/:]+:/.test(r)) return { url: r, isLocal: false };
  const path = isAbsolute(r) ? r : resolve(r);
  if (!existsSync3(path)) throw new ShiplogError("REMOTE_NOT_FOUND", `ledger remote "${r}" does not exist`);
  return { url: path, isLocal: true };
}
function defaultCacheRoot() {
  if (process.env.SHIPLOG_CACHE_DIR) return process.env.SHIPLOG_CACHE_DIR;
  if (process.env.RUNNER_TEMP) return join4(process.env.RUNNER_TEMP, "shiplog-cache");
  const base = process.env.XDG_CACHE_HOME || join4(homedir(), ".cache");
  return join4(base, "shiplog");
}
function authConfig(token, isLocal) {
  if (!token || isLocal) return {};
  const basic = Buffer.from(`x-access-token:${token}`).toString("base64");
  return { "http.extraHeader": `AUTHORIZATION: basic ${basic}` };
}
function writableRoot(preferred) {
  try {
    mkdirSync3(preferred, { recursive: true });
    const probe = join4(preferred, `.probe-${process.pid}-${randomBytes3(4).toString("hex")}`);
    writeFileSync2(probe, "");
    rmSync2(probe);
    return preferred;
  } catch {
    const fallback = join4(tmpdir2(), `shiplog-cache-${process.getuid?.() ?? "user"}`);
    try {
      mkdirSync3(fallback, { recursive: true });
      return fallback;
    } catch (e) {
      throw new ShiplogError(
        "BAD_INPUT",
        `cannot write a ledger cache in ${preferred} or ${fallback}: ${e.message} (set SHIPLOG_CACHE_DIR)`
      );
    }
  }
}
async function openRepo(location, mode) {
  checkBranchName(location.branch);
  const { url, isLocal } = resolveRemote(location.remote);
  const root = writableRoot(location.cacheDir ?? defaultCacheRoot());
  const key = sha256Hex(`${url}\0${location.branch}`).slice(0, 24);
  const gitDir = join4(root, key, `${mode}.git`);
  if (!existsSync3(join4(gitDir, "config"))) {
    const tmp = `${gitDir}.tmp-${process.pid}-${randomBytes3(4).toString("hex")}`;
    for (const d of ["objects/info", "objects/pack", "refs/heads", "refs/tags"])
      mkdirSync3(join4(tmp, d), { recursive: true });
    writeFileSync2(join4(tmp, "HEAD"), "ref: refs/heads/main\n");
    const partial = mode === "tip" ? "	repositoryformatversion = 1\n[extensions]\n	partialClone = origin\n" : "	repositoryformatversion = 0\n";
    const promisor = mode === "tip" ? "	promisor = true\n	partialclonefilter = blob:none\n" : "";
    writeFileSync2(
      join4(tmp, "config"),
      `[core]
	bare = true
${partial}[remote "origin"]
	url = ${configValue(url)}
${promisor}`
    );
    try {
      renameSync3(tmp, gitDir);
    } catch {
      rmSync2(tmp, { recursive: true, force: true });
      if (!existsSync3(join4(gitDir, "config")))
        throw new ShiplogError("GIT_FAILED", `could not create cache ${gitDir}`);
    }
  }
  return { gitDir, location, url, isLocal, mode };
}
function configValue(v) {
  return `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}
var TIP_REF = {
  tip: "refs/shiplog/tip",
  history: "refs/shiplog/history-tip"
};
function fetchArgs(repo, extra) {
  const args = ["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--no-auto-gc", ...extra];
  if (repo.isLocal) args.push("--upload-pack=git -c uploadpack.allowFilter=true upload-pack");
  return args;
}
async function runFetch(repo, args, config = {}, input) {
  const release = await lockRepo(repo.gitDir);
  try {
    return await git(args, {
      gitDir: repo.gitDir,
      allowFail: true,
      ...input !== void 0 ? { input } : {},
      config: { ...authConfig(repo.location.token, repo.isLocal), ...config }
    });
  } finally {
    await release();
  }
}
var UNREACHABLE = /Connection refused|Could not resolve host|Name or service not known|Temporary failure in name resolution|Failed to connect|Couldn't connect|Connection timed out|timed out|No route to host|Network is unreachable|Authentication failed|Permission denied|could not read Username|terminal prompts disabled|The requested URL returned error: 40[13]|Host key verification failed/i;
function gitReason(text) {
  const lines2 = text.split("\n").map((l) => l.trim()).filter(Boolean);
  const hit = lines2.find((l) => UNREACHABLE.test(l)) ?? lines2.find((l) => /^(fatal|error):/i.test(l));
  return (hit ?? lines2[0] ?? "(no message)").replace(/^(fatal|error):\s*/i, "");
}
function unreachableRemote(remote, text) {
  if (!UNREACHABLE.test(text)) return void 0;
  return new ShiplogError(
    "REMOTE_UNREACHABLE",
    `ledger remote "${redact(remote)}" cannot be reached: ${gitReason(text)}`
  );
}
function fetchFailure(repo, err) {
  const offline = unreachableRemote(repo.location.remote, err);
  if (offline) return offline;
  if (/does not appear to be a git repository|not found|repository .* does not exist|No such file/i.test(err)) {
    return new ShiplogError(
      "REMOTE_NOT_FOUND",
      `ledger remote "${redact(repo.location.remote)}" is not a reachable git repository: ${lastLines(err, 1)}`
    );
  }
  return new ShiplogError(
    "GIT_FAILED",
    `fetching the ledger from "${redact(repo.location.remote)}" failed: ${lastLines(err)}`
  );
}
async function fetchTip(repo, opts = {}) {
  const ref = TIP_REF[repo.mode];
  const extra = repo.mode === "tip" ? [`--depth=${Math.max(1, opts.depth ?? 1)}`, "--filter=blob:none"] : [];
  const result = await runFetch(
    repo,
    fetchArgs(repo, [...extra, "origin", `+refs/heads/${repo.location.branch}:${ref}`])
  );
  if (result.code === 0) return { commit: readRef(repo.gitDir, ref) };
  if (/couldn't find remote ref/i.test(result.stderr)) return void 0;
  throw fetchFailure(repo, result.stderr);
}
async function fetchObjects(repo, oids) {
  const wanted = [...new Set(oids)];
  if (wanted.length === 0) return;
  const missing = missingObjects(repo.gitDir, wanted);
  if (missing.length === 0) return;
  const result = await runFetch(
    repo,
    fetchArgs(repo, ["--filter=blob:none", "--stdin", "origin"]),
    { "fetch.negotiationAlgorithm": "noop" },
    missing.join("\n") + "\n"
  );
  if (result.code !== 0) throw fetchFailure(repo, result.stderr);
}
async function fetchAncestry(repo, commit, depth, opts) {
  const filter = opts.trees ? "--filter=blob:none" : "--filter=tree:0";
  const result = await runFetch(
    repo,
    fetchArgs(repo, [`--depth=${Math.max(1, depth)}`, filter, "origin", commit])
  );
  if (result.code !== 0) throw fetchFailure(repo, result.stderr);
}
async function listLedgerBranches(location) {
  const { url, isLocal } = resolveRemote(location.remote);
  const r = await git(["ls-remote", "--heads", url, "refs/heads/shiplog", "refs/heads/shiplog/*"], {
    allowFail: true,
    config: authConfig(location.token, isLocal)
  });
  if (r.code !== 0) {
    const offline = unreachableRemote(location.remote, r.stderr);
    if (offline) throw offline;
    if (/does not appear to be a git repository|not found|No such file|Could not read from remote/i.test(
      r.stderr
    )) {
      throw new ShiplogError(
        "REMOTE_NOT_FOUND",
        `ledger remote "${redact(location.remote)}" is not a reachable git repository: ${lastLines(r.stderr, 2)}`
      );
    }
    throw new ShiplogError(
      "GIT_FAILED",
      `listing the ledger branches of "${redact(location.remote)}" failed: ${lastLines(r.stderr, 2)}`
    );
  }
  return r.stdout.toString("utf8").split("\n").map((l) => /^[0-9a-f]{40}\trefs\/heads\/(.+)$/.exec(l)?.[1]).filter((b) => !!b && (b === "shiplog" || b.startsWith("shiplog/"))).sort();
}
function redact(url) {
  return url.replace(/\/\/[^@/]+@/, "//***@");
}
function readRef(gitDir, ref) {
  const loose = join4(gitDir, ref);
  if (existsSync3(loose)) return readFileSync(loose, "utf8").trim();
  const packed = readFileSync(join4(gitDir, "packed-refs"), "utf8");
  const line = packed.split("\n").find((l) => l.endsWith(` ${ref}`));
  if (!line) throw new ShiplogError("GIT_FAILED", `fetched ref ${ref} not found in ${gitDir}`);
  return line.slice(0, 40);
}
async function lockRepo(gitDir) {
  try {
    return await import_proper_lockfile.default.lock(gitDir, {
      realpath: false,
      stale: 1e4,
      retries: { retries: 400, minTimeout: 10, maxTimeout: 150, factor: 1.3, randomize: true }
    });
  } catch (e) {
    throw new ShiplogError(
      "GIT_FAILED",
      `could not lock the ledger cache ${gitDir}: ${e.message}`
    );
  }
}
function cachedTip(repo) {
  const file = join4(repo.gitDir, TIP_REF[repo.mode]);
  if (!existsSync3(file)) return void 0;
  const commit = readFileSync(file, "utf8").trim();
  return /^[0-9a-f]{40}$/.test(commit) ? { commit } : void 0;
}
function rememberTip(repo, commit) {
  const file = join4(repo.gitDir, TIP_REF[repo.mode]);
  const tmp = `${file}.${process.pid}.${randomBytes3(4).toString("hex")}`;
  try {
    mkdirSync3(join4(file, ".."), { recursive: true });
    writeFileSync2(tmp, `${commit}
`);
    renameSync3(tmp, file);
  } catch {
    rmSync2(tmp, { force: true });
  }
}
async function pushCommit(repo, commit) {
  const r = await git(
    [
      "push",
      "--quiet",
      "--porcelain",
      "--no-verify",
      // Full objects: a thin pack would delta against blobs this cache never fetched.
      "--no-thin",
      "origin",
      `${commit}:refs/heads/${repo.location.branch}`
    ],
    { gitDir: repo.gitDir, allowFail: true, config: authConfig(repo.location.token, repo.isLocal) }
  );
  const text = `${r.stdout.toString("utf8")}
${r.stderr}`;
  if (r.code === 0) return { outcome: "pushed", message: "" };
  const conflict = /'(refs\/heads\/[^']+)' exists; cannot create '(refs\/heads\/[^']+)'/.exec(text);
  if (conflict) {
    const [, existing, wanted] = conflict;
    throw new ShiplogError(
      "USAGE",
      `cannot create ledger branch "${wanted.slice(11)}": the remote holds "${existing.slice(11)}", and git cannot hold both; pass --ledger-branch ${existing.slice(11)} to append to that ledger`
    );
  }
  const offline = unreachableRemote(repo.location.remote, text);
  if (offline) throw offline;
  if (/\[rejected\]|non-fast-forward|fetch first|stale info|cannot lock ref|failed to update ref/i.test(text)) {
    return { outcome: "lost-race", message: lastLines(text, 2) };
  }
  if (/\[remote rejected\]|pre-receive hook declined/i.test(text))
    return { outcome: "rejected", message: lastLines(text, 2) };
  if (/does not appear to be a git repository|Could not read from remote/i.test(text)) {
    throw new ShiplogError(
      "REMOTE_NOT_FOUND",
      `cannot push to ledger remote "${redact(repo.location.remote)}": ${lastLines(text, 1)}`
    );
  }
  return { outcome: "rejected", message: lastLines(text, 2) };
}

// src/ledger/lookup.ts
async function bucketLines(view, buckets, from = 0, to = Infinity) {
  const tipSeq2 = view.tip.seq;
  const overlaps = (p) => p.first <= to && p.last >= from;
  const segments = [];
  let lists = [];
  for (const b of buckets) {
    if (b.open && overlaps({ first: b.open.first, last: tipSeq2 }))
      segments.push({ oid: b.open.oid, first: b.open.first, last: tipSeq2 });
    for (const l of b.lists)
      lists.push({ oid: l.oid, level: l.level, first: 0, last: b.open?.first ?? tipSeq2 });
  }
  while (lists.length) {
    const texts2 = await view.objects.blobs(lists.map((l) => l.oid));
    const next = [];
    lists.forEach((l, i) => {
      const refs = parseSealedList(texts2[i].toString("utf8"));
      if (!refs) throw damaged(`sealed list ${l.oid}`);
      for (const r of refs.filter(overlaps)) {
        if (l.level === 1) segments.push(part(r));
        else next.push({ ...part(r), level: l.level - 1 });
      }
    });
    lists = next;
  }
  const texts = await view.objects.blobs(segments.map((s) => s.oid));
  const out = [];
  texts.forEach((t, i) => {
    for (const line of parseSegment(t.toString("utf8"))) {
      if (!line) throw damaged(`segment ${segments[i].oid}`);
      if (line.seq >= from && line.seq <= to) out.push(line);
    }
  });
  return out.sort((a, b) => a.seq - b.seq);
}
function part(r) {
  return { oid: r.blob, first: r.first, last: r.last };
}
function damaged(what) {
  return new ShiplogError("BAD_INPUT", `the ledger index ${what} does not parse (run "shiplog verify")`);
}
async function entriesForCommit(view, prefix, keep, limit) {
  return entriesForCommits(view, [prefix], keep, limit);
}
async function entriesForCommits(view, prefixes, keep, limit) {
  const wanted = [...new Set(prefixes.map((p) => p.toLowerCase()))];
  if (!wanted.length) return [];
  const buckets = /* @__PURE__ */ new Map();
  for (const p of wanted) {
    const files2 = await view.index.bucketFiles(p);
    buckets.set(files2.prefix, files2);
  }
  const match = (l) => wanted.some((p) => l.commit.startsWith(p)) && keep(l);
  const files = [...buckets.values()];
  await view.objects.fetch(
    files.flatMap((f) => [f.open?.oid, ...f.lists.map((l) => l.oid)]).filter((o) => !!o)
  );
  const hits = [];
  for (const f of files) if (f.open) hits.push(...(await segmentLines(view, f.open.oid)).filter(match));
  let refs = [];
  let lists = files.flatMap((f) => f.lists);
  while (lists.length) {
    const next = [];
    for (const l of lists) {
      const parsed = parseSealedList((await view.objects.blob(l.oid)).toString("utf8"));
      if (!parsed) throw damaged(`sealed list ${l.oid}`);
      if (l.level === 1) refs.push(...parsed);
      else next.push(...parsed.map((r) => ({ level: l.level - 1, oid: r.blob })));
    }
    if (next.length) await view.objects.fetch(next.map((n) => n.oid));
    lists = next;
  }
  refs = refs.sort((a, b) => a.first - b.first);
  await view.objects.fetch([...refs.map((r) => r.blob), ...hits.map((h) => h.blob)]);
  for (const r of refs) hits.push(...(await segmentLines(view, r.blob)).filter(match));
  const newest = hits.sort((a, b) => b.seq - a.seq).slice(0, limit);
  return readEntries(view, newest);
}
async function segmentLines(view, oid) {
  return parseSegment((await view.objects.blob(oid)).toString("utf8")).map((l) => {
    if (!l) throw damaged(`segment ${oid}`);
    return l;
  });
}
async function allBuckets(view) {
  const out = [];
  for (const p of await view.index.prefixes()) out.push(await view.index.bucketFiles(p));
  return out;
}
async function lineForSeq(view, seq) {
  if (seq > view.tip.seq) return void 0;
  const tiles = await TileModel.at(view.tip.treeDir, view.tip.seq + 1, view.objects);
  const fetch = (oids) => view.objects.fetch(oids);
  await fetch(tiles.heldBlobs("entries"));
  await fetch(await tiles.tilesFor([], [seq], fetch));
  return { seq, blob: await tiles.entryBlob(seq) };
}
async function newestLines(view, keep, limit) {
  const buckets = await allBuckets(view);
  const top = view.tip.seq;
  if (limit === void 0) return (await bucketLines(view, buckets)).filter(keep).reverse();
  let window = Math.max(64, limit * 4);
  for (; ; ) {
    const from = Math.max(0, top - window + 1);
    const found = (await bucketLines(view, buckets, from, top)).filter(keep).reverse();
    if (found.length >= limit || from === 0) return found.slice(0, limit);
    window *= 4;
  }
}
async function* newestLinesByWindow(view, keep, window = 8192) {
  const buckets = await allBuckets(view);
  for (let to = view.tip.seq; to >= 0; to -= window) {
    const lines2 = (await bucketLines(view, buckets, Math.max(0, to - window + 1), to)).filter(keep);
    if (lines2.length) yield lines2.reverse();
  }
}
async function readEntries(view, lines2) {
  const texts = await view.objects.blobs(lines2.map((l) => l.blob));
  return lines2.map((l, i) => ({ ...decodeAt(`seq ${l.seq}`, texts[i]), seq: l.seq, blob: l.blob }));
}
async function readEntryAt(view, line) {
  const [entry] = await readEntries(view, [line]);
  if (entry.statement.predicate.seq !== line.seq)
    throw new ShiplogError(
      "VERIFY_FAILED",
      `the ledger's tiles name entry ${entry.statement.predicate.seq} at seq ${line.seq}; run "shiplog verify"`
    );
  return entry;
}
function decodeAt(where, data) {
  try {
    return decodeEntry(data.toString("utf8"));
  } catch (e) {
    if (e instanceof EntryProblem)
      throw new ShiplogError(
        "BAD_INPUT",
        `${where}: ${e.message} (run "shiplog verify" for the full picture)`
      );
    throw e;
  }
}
var MAX_WALK = 2e4;
async function ledgerCommitOfSeq(repo, tip, seq) {
  if (seq === tip.seq) return tip.commit;
  const back = tip.seq - seq;
  if (back < 0 || back > MAX_WALK) return void 0;
  await fetchAncestry(repo, tip.commit, back + 1, { trees: false });
  const r = await git(["rev-list", "--first-parent", "--max-count=1", `--skip=${back}`, tip.commit], {
    gitDir: repo.gitDir,
    allowFail: true
  });
  const found = r.stdout.toString("utf8").trim();
  return /^[0-9a-f]{40}$/.test(found) ? found : void 0;
}

// src/ledger/tip.ts
var TipObjects = class {
  constructor(repo) {
    this.repo = repo;
    this.cat = new CatFileSession(repo.gitDir);
  }
  repo;
  cat;
  /** Makes sure these objects are here, with one fetch for all that are missing. */
  async fetch(oids) {
    await fetchObjects(this.repo, oids);
  }
  async object(oid, type) {
    if (missingObjects(this.repo.gitDir, [oid]).length) await this.fetch([oid]);
    const [obj] = await this.cat.get([oid]);
    if (!obj || obj.type !== type) {
      throw new ShiplogError("GIT_FAILED", `ledger ${type} ${oid} could not be read from the remote`);
    }
    return obj.data;
  }
  /** Several blobs, fetched together when missing, in the order asked. */
  async blobs(oids) {
    await this.fetch(oids);
    const objs = await this.cat.get(oids);
    return objs.map((o, i) => {
      if (!o || o.type !== "blob")
        throw new ShiplogError("GIT_FAILED", `ledger blob ${oids[i]} could not be read from the remote`);
      return o.data;
    });
  }
  tree(oid) {
    return this.object(oid, "tree");
  }
  blob(oid) {
    return this.object(oid, "blob");
  }
  close() {
    this.cat.close();
  }
};
function notLedger(commit, why) {
  throw new ShiplogError(
    "BAD_INPUT",
    `the ledger branch tip ${commit} is not a shiplog v2 ledger commit (${why}); run "shiplog verify" and check the branch name`
  );
}
async function readTipCommit(objects, commit) {
  const c = parseCommit(await objects.object(commit, "commit"));
  const trailers = validTrailers(readTrailers(c.message));
  if (!trailers) notLedger(commit, "missing or malformed Shiplog-Seq/-Entry/-Origin/-Subject trailers");
  let entryBlob;
  let checkpointBlob;
  let indexTree;
  let treeDir;
  let cosignedBlob;
  for (const e of parseTree(await objects.tree(c.tree))) {
    if (e.name === ENTRY_FILE && e.mode === BLOB_MODE) entryBlob = e.sha;
    else if (e.name === CHECKPOINT_FILE && e.mode === BLOB_MODE) checkpointBlob = e.sha;
    else if (e.name === INDEX_DIR && e.mode === TREE_MODE) indexTree = e.sha;
    else if (e.name === TREE_DIR && e.mode === TREE_MODE) treeDir = e.sha;
    else if (e.name === COSIGNED_FILE && e.mode === BLOB_MODE) cosignedBlob = e.sha;
    else notLedger(commit, `unexpected "${e.name}" in its tree`);
  }
  if (!entryBlob || !checkpointBlob) notLedger(commit, `no ${ENTRY_FILE} or ${CHECKPOINT_FILE}`);
  return {
    ...trailers,
    commit,
    tree: c.tree,
    entryBlob,
    checkpointBlob,
    indexTree,
    ...treeDir ? { treeDir } : {},
    ...cosignedBlob ? { cosignedBlob } : {},
    ...c.committerTime !== void 0 ? { committerTime: c.committerTime } : {},
    ...c.authorTime !== void 0 ? { authorTime: c.authorTime } : {}
  };
}
async function openTip(location) {
  const repo = await openRepo(location, "tip");
  const remote = await fetchTip(repo);
  if (!remote) {
    throw new ShiplogError(
      "BRANCH_NOT_FOUND",
      `the ledger branch "${location.branch}" does not exist on "${location.remote}" (nothing has been recorded yet, or the branch name is wrong)`
    );
  }
  const objects = new TipObjects(repo);
  try {
    const tip = await readTipCommit(objects, remote.commit);
    const index = await IndexModel.at(tip.indexTree, objects);
    return { repo, objects, tip, index, close: () => objects.close() };
  } catch (e) {
    objects.close();
    throw e;
  }
}

// src/ledger/append.ts
function deployChange(p) {
  if (p.type !== "deploy" || !p.environment) return void 0;
  const status = p.details?.status;
  if (status === void 0 || status === "success")
    return { repository: p.repository, environment: p.environment, kind: "success" };
  if (status === "rolled-back")
    return { repository: p.repository, environment: p.environment, kind: "rolled-back" };
  return { repository: p.repository, environment: p.environment, kind: "other" };
}
function indexLineOf(p, hash3, blob) {
  return {
    commit: p.commit,
    seq: p.seq,
    hash: hash3,
    blob,
    type: p.type,
    ...p.environment ? { environment: p.environment } : {},
    repository: p.repository
  };
}
function entryHashBytes(hash3) {
  return Buffer.from(hash3.slice("sha256:".length), "hex");
}
function entryFileBytes(envelope) {
  return Buffer.from(JSON.stringify(envelope) + "\n");
}
function ledgerCommitDate(entryTime, parentSeconds) {
  const t = Math.floor(entryTime.getTime() / 1e3);
  return new Date(Math.max(t, parentSeconds ?? t) * 1e3);
}
function defaultOrigin(location) {
  const { url, isLocal } = resolveRemote(location.remote);
  let home;
  if (isLocal) home = `localhost/${url.replace(/^file:\/\//i, "")}`;
  else {
    const scp = /^[^/\\]+@([^/:]+):(.*)$/.exec(url);
    home = scp ? `${scp[1]}/${scp[2]}` : url.replace(/^[a-z]+:\/\/([^@/]*@)?/i, "");
  }
  const clean = `${home.replace(/\.git\/*$/i, "").replace(/[\\/]+/g, "/").replace(/\/$/, "")}/${location.branch}`.replace(/[\s+]/g, "_").replace(/\/+/g, "/");
  return clean.length > 200 ? clean.slice(clean.length - 200) : clean;
}
async function buildOn(gitDir, objects, tip, index, tiles, req) {
  const seq = tip ? tip.seq + 1 : 0;
  const prev = tip ? tip.entry : GENESIS_PREV;
  refuseClockBehind(req, tip);
  const origin = tip ? tip.origin : checkOrigin(req.origin ?? defaultOrigin(req.location));
  const predicate = { seq, prev, ...req.entry };
  const statement = buildStatement(predicate, req.serverUrl);
  const { envelope, hash: hash3 } = signEnvelope(statementBytes(statement), req.key);
  const entryBytes = entryFileBytes(envelope);
  const entryBlob = writeLooseObject(gitDir, "blob", entryBytes);
  const line = indexLineOf(statement.predicate, hash3, entryBlob);
  const deploy = deployChange(statement.predicate);
  await objects.fetch([...await index.wantedBlobs(line.commit, deploy), ...tiles.wantedBlobs()]);
  await index.prepare(line, deploy);
  await tiles.prepare();
  const step = index.apply(line, deploy);
  const treeStep = tiles.apply(leafHash(entryHashBytes(hash3)), entryBlob);
  const checkpoint = signCheckpoint({ origin, size: seq + 1, root: treeStep.root }, req.key);
  const checkpointBlob = writeLooseObject(gitDir, "blob", Buffer.from(checkpoint));
  for (const o of [...step.objects, ...treeStep.objects]) writeLooseObject(gitDir, o.type, o.content);
  const cosignedBlob = req.cosigned !== void 0 ? writeLooseObject(gitDir, "blob", Buffer.from(req.cosigned)) : tip?.cosignedBlob;
  const root = writeLooseObject(
    gitDir,
    "tree",
    serializeTree([
      { mode: BLOB_MODE, name: ENTRY_FILE, sha: entryBlob },
      { mode: BLOB_MODE, name: CHECKPOINT_FILE, sha: checkpointBlob },
      ...cosignedBlob ? [{ mode: BLOB_MODE, name: COSIGNED_FILE, sha: cosignedBlob }] : [],
      { mode: TREE_MODE, name: INDEX_DIR, sha: step.tree },
      { mode: TREE_MODE, name: TREE_DIR, sha: treeStep.tree }
    ])
  );
  const authorDate = new Date(req.entry.timestamp);
  const commit = writeLooseObject(
    gitDir,
    "commit",
    serializeCommit({
      tree: root,
      parents: tip ? [tip.commit] : [],
      author: { name: "shiplog", email: "shiplog@users.noreply.github.com", date: authorDate },
      committerDate: ledgerCommitDate(authorDate, tip?.committerTime),
      message: ledgerCommitMessage({
        seq,
        entry: hash3,
        origin,
        subject: req.entry.commit,
        type: req.entry.type,
        environment: req.entry.environment
      })
    })
  );
  return { seq, hash: hash3, commit, envelope, checkpoint };
}
function refuseClockBehind(req, tip) {
  if (tip?.authorTime === void 0) return;
  const t = Date.parse(req.entry.timestamp);
  const tipMs = tip.authorTime * 1e3;
  if (t >= tipMs + 999 - CLOCK_SKEW_MS) return;
  throw new AppendError(
    `the entry is timestamped ${req.entry.timestamp}, ${Math.round((tipMs - t) / 1e3)} s before the ledger's newest entry (seq ${tip.seq}, ${new Date(tipMs).toISOString()}); verify allows ${CLOCK_SKEW_MS / 6e4} minutes of clock skew. Check this machine's clock (or the timestamp given) and record again`,
    provisionalEnvelope(req),
    void 0,
    "BAD_INPUT"
  );
}
async function findDuplicate(objects, index, entry) {
  const files = await index.bucketFiles(entry.commit);
  const listOid = files.lists.find((l) => l.level === 1)?.oid;
  await objects.fetch([files.open?.oid, listOid].filter((o) => !!o));
  const lines2 = files.open ? segmentLines2(await objects.blob(files.open.oid)) : [];
  if (listOid && lines2.length < 16) {
    const refs = parseSealedList((await objects.blob(listOid)).toString("utf8")) ?? [];
    const last = refs[refs.length - 1];
    if (last) lines2.push(...segmentLines2(await objects.blob(last.blob)));
  }
  const candidates = lines2.filter(
    (l) => l.commit === entry.commit && l.type === entry.type && (l.environment ?? "") === (entry.environment ?? "")
  );
  if (candidates.length === 0) return void 0;
  const blobs = await objects.blobs(candidates.map((c) => c.blob));
  for (let i = candidates.length - 1; i >= 0; i--) {
    try {
      if (decodeEntry(blobs[i].toString("utf8")).statement.predicate.idempotency_key === entry.idempotency_key)
        return { seq: candidates[i].seq, blob: candidates[i].blob };
    } catch {
    }
  }
  return void 0;
}
function segmentLines2(b) {
  return parseSegment(b.toString("utf8")).filter((l) => !!l);
}
function backoffMs(attempt) {
  const max = Number(process.env.SHIPLOG_APPEND_BACKOFF_MAX_MS) || 2e3;
  const cap = Math.min(max, 40 * 2 ** Math.min(attempt, 10));
  return Math.floor(cap / 2 + Math.random() * (cap / 2));
}
var AppendError = class extends ShiplogError {
  envelope;
  /** `code` keeps what stopped the append (USAGE for a branch git cannot create, REMOTE_UNREACHABLE...). */
  constructor(message, envelope, cause, code = "APPEND_EXHAUSTED") {
    super(code, message, { cause, details: { envelope } });
    this.envelope = envelope;
  }
};
async function appendEntry(req) {
  checkNewEntry(req.entry);
  checkIndexText("environment", req.entry.environment);
  checkIndexText("repository", req.entry.repository);
  const maxAttempts = req.maxAttempts ?? (Number(process.env.SHIPLOG_APPEND_ATTEMPTS) || 30);
  const repo = await openRepo(req.location, "tip");
  let lastEnvelope;
  let lastReason = "";
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const objects = new TipObjects(repo);
    try {
      const guess = attempt === 1 ? cachedTip(repo) : void 0;
      const remoteTip = guess ?? await fetchTip(repo);
      const tip = remoteTip ? await readTipCommit(objects, remoteTip.commit) : void 0;
      const index = tip ? await IndexModel.at(tip.indexTree, objects) : IndexModel.empty();
      const tiles = tip ? await TileModel.at(tip.treeDir, tip.seq + 1, objects) : TileModel.empty();
      if (tip && req.entry.idempotency_key && !req.allowDuplicate) {
        const dup = await findDuplicate(objects, index, req.entry);
        if (dup)
          return { ...await describeExisting(repo, objects, tip, dup), attempts: attempt, duplicate: true };
      }
      const built = await buildOn(repo.gitDir, objects, tip, index, tiles, req);
      lastEnvelope = built.envelope;
      const pushed = await pushCommit(repo, built.commit);
      if (pushed.outcome === "pushed") {
        rememberTip(repo, built.commit);
        return { ...built, attempts: attempt, duplicate: false };
      }
      if (pushed.outcome === "rejected")
        throw new AppendError(`the remote refused the push (not retried): ${pushed.message}`, built.envelope);
      lastReason = "another writer appended first";
    } catch (e) {
      if (e instanceof ShiplogError && !["GIT_FAILED", "GIT_TIMEOUT"].includes(e.code)) {
        if (e instanceof AppendError || !lastEnvelope) throw e;
        throw new AppendError(e.message, lastEnvelope, e, e.code);
      }
      lastReason = e.message;
    } finally {
      objects.close();
    }
    if (attempt < maxAttempts) {
      req.onRetry?.(attempt, lastReason);
      await sleep(backoffMs(attempt));
    }
  }
  const envelope = lastEnvelope ?? provisionalEnvelope(req);
  throw new AppendError(`could not append after ${maxAttempts} attempts: ${lastReason}`, envelope);
}
function provisionalEnvelope(req) {
  const statement = buildStatement({ seq: 0, prev: GENESIS_PREV, ...req.entry }, req.serverUrl);
  return signEnvelope(statementBytes(statement), req.key).envelope;
}
async function describeExisting(repo, objects, tip, dup) {
  const [entryBytes, checkpoint] = await objects.blobs([dup.blob, tip.checkpointBlob]);
  const decoded = decodeEntry(entryBytes.toString("utf8"));
  const commit = await ledgerCommitOfSeq(repo, tip, dup.seq) ?? "";
  return {
    seq: dup.seq,
    hash: decoded.hash,
    commit,
    envelope: decoded.envelope,
    checkpoint: checkpoint.toString("utf8")
  };
}

// src/ledger/verify.ts
import { availableParallelism } from "node:os";

// src/ledger/check-entry.ts
function decodeForVerify(input, trusted) {
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
    const job = {
      paeBytes: entry.paeBytes,
      candidates: signatureCandidates(entry.envelope, trusted),
      keyids: entry.envelope.signatures.map((s) => s.keyid)
    };
    return { facts, job, entry };
  } catch (e) {
    facts.problem = e instanceof EntryProblem ? { kind: e.kind, message: e.message } : { kind: "envelope", message: String(e) };
    return { facts };
  }
}
function applySigner(facts, job, signer, trusted) {
  if (signer >= 0) {
    facts.keyid = trusted[signer].keyid;
    return;
  }
  const ids = job.keyids.map((k) => k.slice(0, 16)).join(", ");
  facts.problem = {
    kind: "signature",
    message: `no signature by a trusted key (signed with keyid ${ids || "none"})`
  };
}

// src/ledger/history.ts
import { StringDecoder } from "node:string_decoder";
var FORMAT = "%x01%H %P%x02%T%x02%B%x03";
async function readHistory(gitDir, tip, opts = {}) {
  const commits = [];
  await streamHistory(gitDir, tip, (c) => commits.push(c), opts);
  return commits;
}
async function streamHistory(gitDir, tip, onCommit, opts = {}) {
  let count2 = 0;
  const parser = new HistoryParser((c) => {
    count2++;
    onCommit(c);
  });
  const decoder = new StringDecoder("utf8");
  const args = ["log", "--first-parent", "--reverse", `--format=${FORMAT}`];
  if (opts.max !== void 0) args.push(`--max-count=${opts.max}`);
  await git([...args, tip, "--"], {
    gitDir,
    bulkOutput: true,
    onStdout: (chunk) => {
      parser.push(decoder.write(chunk));
      return opts.backPressure?.();
    }
  });
  parser.push(decoder.end());
  return count2;
}
var HistoryParser = class {
  commits = [];
  pending = [];
  sink;
  /** Each commit goes to `sink` as it is parsed; without one, into `commits`. */
  constructor(sink) {
    this.sink = sink ?? ((c) => this.commits.push(c));
  }
  push(text) {
    if (!text.includes("")) {
      if (text) this.pending.push(text);
      return;
    }
    const out = this.pending.join("") + text;
    this.pending = [out.slice(parseRecords(out, this.sink))];
  }
};
function own(s) {
  return Buffer.from(s, "latin1").toString("latin1");
}
function parseRecords(out, sink) {
  let pos = 0;
  while (pos < out.length) {
    const start = out.indexOf("", pos);
    if (start < 0) return out.length;
    const end = out.indexOf("", start);
    if (end < 0) return start;
    const [head = "", tree = "", ...body] = out.slice(start + 1, end).split("");
    const [sha = "", ...parents] = head.trim().split(" ").filter(Boolean).map(own);
    sink({ sha, parents, tree: own(tree.trim()), trailers: readTrailers(body.join("")) });
    pos = end + 1;
  }
  return pos;
}

// src/ledger/index-diagnosis.ts
var NULL_OID = "0".repeat(40);
async function indexChanges(gitDir, parent, commit) {
  const args = ["diff-tree", "-r", "--no-renames", "--no-abbrev", "-z", "--raw"];
  args.push(...parent ? [parent, commit] : ["--root", commit], "--", INDEX_DIR);
  const out = (await git(args, { gitDir })).stdout.toString("utf8").split("\0");
  const changes = [];
  for (let i = 0; i + 1 < out.length; i += 2) {
    const meta = out[i].replace(/^[^:]*:/, "").split(" ");
    if (meta.length < 5) continue;
    changes.push({ oldBlob: meta[2], newBlob: meta[3], status: meta[4], path: out[i + 1] });
  }
  return changes;
}
function knownIndexPath(path) {
  if (path === DEPLOYS_PATH) return true;
  const m = /^index\/[0-9a-f]\/[0-9a-f]\/([^/]+)$/.exec(path);
  return !!m && (segmentSeq(m[1]) !== void 0 || sealedLevel(m[1]) !== void 0);
}
async function lines(reader, oid) {
  if (oid === NULL_OID) return [];
  return (await reader.blob(oid)).toString("utf8").split("\n").filter(Boolean);
}
function lineDifferences(found, want) {
  if (!found) return "it does not parse as an index line";
  const fields = ["commit", "seq", "hash", "blob", "type", "environment", "repository"];
  return fields.filter((f) => (found[f] ?? "") !== (want[f] ?? "")).map(
    (f) => `${f} is ${found[f] ?? "(none)"} but ${f === "blob" ? "the entry's entry.json is" : "the entry says"} ${want[f] ?? "(none)"}`
  ).join("; ");
}
async function diagnoseIndex(gitDir, m, reader) {
  const where = { commit: m.commit, seq: m.line?.seq };
  const short2 = m.commit.slice(0, 12);
  const problems = [];
  let changes;
  try {
    changes = await indexChanges(gitDir, m.parent, m.commit);
  } catch (e) {
    return [
      {
        check: "index",
        ...where,
        message: `commit ${short2}: its index could not be compared: ${e.message}`
      }
    ];
  }
  if (!m.line) {
    return [
      {
        check: "index",
        ...where,
        message: `commit ${short2}: its index could not be checked (its entry is unreadable)`
      }
    ];
  }
  const dir = `${bucketDir(m.line.commit)}/`;
  const want = formatIndexLine(m.line).trimEnd();
  const added = [];
  const removed = [];
  const sealedRefs = /* @__PURE__ */ new Set();
  for (const c of changes) {
    if (!knownIndexPath(c.path)) {
      problems.push({
        check: "tree",
        ...where,
        file: c.path,
        message: `commit ${short2} ${c.status === "D" ? "removes" : "holds"} ${c.path}, which is no part of the ledger's index`
      });
      continue;
    }
    if (c.path === DEPLOYS_PATH) continue;
    const name = c.path.slice(c.path.lastIndexOf("/") + 1);
    if (!c.path.startsWith(dir)) {
      problems.push({
        check: "index",
        ...where,
        file: c.path,
        message: `commit ${short2} changes ${c.path}, but its entry (seq ${m.line.seq}, commit ${m.line.commit.slice(0, 12)}) belongs in ${dir}`
      });
      continue;
    }
    const before = await lines(reader, c.oldBlob);
    const after = await lines(reader, c.newBlob);
    if (sealedLevel(name) !== void 0) {
      const old = new Set(before);
      for (const l of after)
        if (!old.has(l)) for (const r of parseSealedList(l) ?? []) sealedRefs.add(r.blob);
      continue;
    }
    const count2 = /* @__PURE__ */ new Map();
    for (const l of before) count2.set(l, (count2.get(l) ?? 0) + 1);
    for (const l of after) {
      const n = count2.get(l) ?? 0;
      if (n > 0) count2.set(l, n - 1);
      else added.push(l);
    }
    if (c.status === "D" && sealedRefs.has(c.oldBlob)) continue;
    if (c.status === "D") {
      const sealedLater = changes.some(
        (x) => sealedLevel(x.path.slice(x.path.lastIndexOf("/") + 1)) !== void 0
      );
      if (sealedLater) continue;
    }
    for (const [l, n] of count2) for (let i = 0; i < n; i++) removed.push(l);
  }
  if (removed.length) {
    const seqs = removed.map((l) => parseIndexLine(l)?.seq ?? "?").join(", ");
    problems.push({
      check: "index",
      ...where,
      message: `commit ${short2} changes or removes index lines recorded before it (seq ${seqs})`
    });
  }
  const extra = added.filter((l) => l !== want);
  if (added.length !== 1 || extra.length) {
    if (added.length === 1) {
      problems.push({
        check: "index",
        ...where,
        message: `commit ${short2}: the index line for seq ${m.line.seq} is wrong: ${lineDifferences(parseIndexLine(extra[0]), m.line)}`
      });
    } else if (added.length !== 1 || !removed.length) {
      problems.push({
        check: "index",
        ...where,
        message: `commit ${short2} adds ${added.length} index lines; one entry adds exactly one${extra.length ? ` (also: seq ${extra.map((l) => parseIndexLine(l)?.seq ?? "?").join(", ")})` : ""}`
      });
    }
  }
  if (problems.length === 0) {
    problems.push({
      check: "index",
      ...where,
      message: `commit ${short2}: the index is not its parent's index plus the line of seq ${m.line.seq}${changes.some((c) => c.path === DEPLOYS_PATH) || m.line.type === "deploy" ? ` (${DEPLOYS_PATH} does not summarise the deploys the entries record)` : ""}`
    });
  }
  return problems;
}

// src/ledger/signature-pool.ts
import { existsSync as existsSync4 } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
function packBatch(id, jobs) {
  let paeLen = 0;
  let sigCount = 0;
  for (const j of jobs) {
    paeLen += j.paeBytes.length;
    sigCount += j.candidates.length;
  }
  const b = {
    id,
    pae: new Uint8Array(paeLen),
    paeEnds: new Uint32Array(jobs.length),
    sigs: new Uint8Array(sigCount * 64),
    sigEnds: new Uint32Array(jobs.length),
    hints: new Int32Array(sigCount)
  };
  let p = 0;
  let s = 0;
  jobs.forEach((j, i) => {
    b.pae.set(j.paeBytes, p);
    p += j.paeBytes.length;
    b.paeEnds[i] = p;
    for (const c of j.candidates) {
      b.sigs.set(c.sig, s * 64);
      b.hints[s++] = c.hint;
    }
    b.sigEnds[i] = s;
  });
  return b;
}
function startWorker(pems) {
  const self = import.meta.url;
  if (!self.endsWith(".ts")) {
    const here = new URL("./verify-worker.js", self);
    const up = new URL("../verify-worker.js", self);
    const script = existsSync4(fileURLToPath(here)) || !existsSync4(fileURLToPath(up)) ? here : up;
    return new Worker(script, { workerData: { pems } });
  }
  const target = JSON.stringify(new URL("./verify-worker.ts", self).href);
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${target}); });`;
  return new Worker(boot, { eval: true, workerData: { pems } });
}
var SignaturePool = class {
  workers;
  next = 0;
  ids = 0;
  waiting = /* @__PURE__ */ new Map();
  maxInFlight;
  drained = [];
  /** Set once a worker failed (or could not start): every batch, pending or later, fails with it. */
  failed;
  closing = false;
  constructor(size, trusted) {
    const pems = trusted.map((k) => k.publicKey.export({ type: "spki", format: "pem" }).toString());
    this.maxInFlight = size * 4;
    this.workers = Array.from({ length: size }, () => {
      const w = startWorker(pems);
      w.on(
        "message",
        (m) => this.settle(m.id, (p) => p.resolve(m.signers))
      );
      const fail2 = (e) => {
        this.failed ??= e;
        for (const id of [...this.waiting.keys()]) this.settle(id, (p) => p.reject(this.failed));
      };
      w.on("error", fail2);
      w.on("exit", (code) => {
        if (!this.closing) fail2(new Error(`a signature worker stopped (exit code ${code})`));
      });
      return w;
    });
  }
  /** Signer index per job (into the trusted keys), or -1. */
  run(jobs) {
    if (this.failed) return Promise.reject(this.failed);
    const batch = packBatch(this.ids++, jobs);
    const w = this.workers[this.next++ % this.workers.length];
    return new Promise((resolve2, reject) => {
      this.waiting.set(batch.id, { resolve: resolve2, reject });
      w.postMessage(batch, [
        batch.pae.buffer,
        batch.paeEnds.buffer,
        batch.sigs.buffer,
        batch.sigEnds.buffer,
        batch.hints.buffer
      ]);
    });
  }
  /** Resolves once there is room for another batch; undefined when there already is. */
  room() {
    if (this.waiting.size < this.maxInFlight) return void 0;
    return new Promise((resolve2) => this.drained.push(resolve2));
  }
  settle(id, how) {
    const p = this.waiting.get(id);
    if (!p) return;
    this.waiting.delete(id);
    how(p);
    if (this.waiting.size < this.maxInFlight) for (const d of this.drained.splice(0)) d();
  }
  async close() {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
};

// src/ledger/tree/proofs.ts
async function proveFromTiles(tiles, objects, run, entrySeqs = []) {
  const coords = [];
  const zero = Buffer.alloc(32);
  await run({
    hash: (level, index) => {
      coords.push([level, index]);
      return zero;
    }
  });
  await objects.fetch(await tiles.tilesFor(coords, entrySeqs, (oids) => objects.fetch(oids)));
  return run(tiles.hashReader());
}

// src/ledger/verify.ts
var ROOT_NAMES = /* @__PURE__ */ new Set([ENTRY_FILE, CHECKPOINT_FILE, INDEX_DIR, TREE_DIR]);
var OPTIONAL_NAMES = /* @__PURE__ */ new Set([COSIGNED_FILE]);
var Checker = class {
  constructor(index, reader, trusted, pool, collect, start, tree, branch) {
    this.index = index;
    this.reader = reader;
    this.trusted = trusted;
    this.pool = pool;
    this.collect = collect;
    this.branch = branch;
    this.highest = start.seq - 1;
    this.start = start;
    this.edge = tree.edge;
    this.size = start.seq;
    this.tiles = tree.tiles;
    this.wantRootAt = tree.wantRootAt;
    if (tree.lastTimestamp) this.lastTime = { t: Date.parse(tree.lastTimestamp), seq: start.seq - 1 };
    this.repository = shardRepository(branch);
  }
  index;
  reader;
  trusted;
  pool;
  collect;
  branch;
  problems = [];
  positions = [];
  mismatches = [];
  verified = [];
  origin;
  tipCheckpointBlob;
  /** Incremental verify: the entry the earlier checkpoint ends with (stands in when nothing is new). */
  anchor;
  /** The highest seq seen so far, and every readable entry by seq (for repeats and prev links). */
  highest;
  bySeq = /* @__PURE__ */ new Map();
  start;
  prevRootExtras = /* @__PURE__ */ new Set();
  pending = [];
  batch = [];
  /** Entries for onEntry, waiting (with their batch) for the signature check. */
  outbox = [];
  /** The last hand-out to onEntry: batches may finish out of order, entries go out in order. */
  handedOut = Promise.resolve();
  onEntry;
  /** The Merkle tree's right edge, from the entries' own hashes (never from stored tiles). */
  edge;
  size;
  tiles;
  /** Roots wanted for an older checkpoint's size, by size. */
  roots = /* @__PURE__ */ new Map();
  /** The repository every entry must be for (lower case); the first entry's on a `shiplog` branch. */
  repository;
  lastTime;
  wantRootAt;
  /** Index work still running for an earlier commit: later commits wait their turn behind it. */
  busy;
  /**
   * Checks the next commit. Returns a promise when the caller should wait (index reads, busy
   * workers); commits handed over meanwhile are queued, so they are always checked in order.
   */
  step(item) {
    const wait = this.busy ? this.busy.then(() => this.stepNow(item)) : this.stepNow(item);
    if (!wait) return void 0;
    const tracked = wait.finally(() => {
      if (this.busy === tracked) this.busy = void 0;
    });
    this.busy = tracked;
    return tracked;
  }
  stepNow(item) {
    const { commit: c } = item;
    const at = this.positions.length;
    const where = { commit: c.sha };
    if (c.parents.length > 1) {
      this.problems.push({
        check: "history",
        ...where,
        message: `commit ${short(c.sha)} is a merge (${c.parents.length} parents); the ledger must be linear`
      });
    }
    const root = this.rootTree(item);
    const pos = { commit: c.sha };
    this.positions.push(pos);
    let facts;
    let job;
    let decoded;
    if (item.entry) {
      ({
        facts,
        job,
        entry: decoded
      } = decodeForVerify({ path: ENTRY_FILE, text: item.entry.data.toString("utf8") }, this.trusted));
      pos.facts = facts;
      pos.seq = facts.seq;
      pos.hash = facts.hash;
      if (facts.problem) {
        this.problems.push({
          check: facts.problem.kind,
          seq: facts.seq,
          ...where,
          file: ENTRY_FILE,
          message: facts.problem.message
        });
      }
    }
    this.chain(pos, c);
    this.trailers(pos, c);
    const treeRootOf = () => treeRoot.toString("base64");
    const leafInput = pos.hash ?? validTrailers(c.trailers)?.entry;
    const leaf = leafHash(leafInput ? entryHashBytes(leafInput) : Buffer.alloc(32));
    this.edge = appendToEdge(this.edge, this.size, leaf).edge;
    this.size += 1;
    const treeRoot = rootFromEdge(this.edge, this.size);
    if (this.wantRootAt === this.size) this.roots.set(this.size, treeRoot);
    this.checkpointFile(item, pos, treeRoot);
    if (decoded) {
      this.bound(decoded, pos, c.sha);
      this.inTime(decoded, pos, c.sha);
    }
    if (job) {
      if (this.onEntry && decoded && item.entry)
        this.outbox.push({
          pos: at,
          entry: this.verifiedOf(pos, decoded, item.entry.sha, root?.checkpoint, treeRootOf())
        });
      this.queueSignature(at, job);
      if (!this.pool) this.handOut(this.takeOutbox());
    }
    if (this.collect && decoded && item.entry)
      this.keep(pos, decoded, item.entry.sha, root?.checkpoint, treeRootOf());
    const indexWait = this.indexStep(item, at, root?.index, decoded);
    const tileWait = this.tileStep(c.sha, pos, root?.tree, leaf, root?.entry);
    const wait = indexWait && tileWait ? Promise.all([indexWait, tileWait]).then(() => void 0) : indexWait ?? tileWait;
    const room = job && this.batch.length === 0 ? this.pool?.room() : void 0;
    if (wait && room) return Promise.all([wait, room]).then(() => void 0);
    return wait ?? room;
  }
  /** No trusted tiles to start from: tile checks resume from the first commit's own tiles. */
  disableTiles() {
    this.tiles = void 0;
  }
  /**
   * Checkpoints that disagree with the tree the entries make. Reported at the end, and only those
   * not explained by a damaged entry before them (a deleted entry makes every later checkpoint
   * disagree; that is the seq check's to name).
   */
  checkpointMismatches = [];
  checkpointProblems() {
    const entryLevel = /* @__PURE__ */ new Set([
      "envelope",
      "payload",
      "statement",
      "signature",
      "seq",
      "prev",
      "trailer"
    ]);
    let first = Infinity;
    for (const p of this.problems) if (entryLevel.has(p.check)) first = Math.min(first, p.seq ?? -1);
    this.problems.push(...this.checkpointMismatches.filter((p) => (p.seq ?? -1) < first));
  }
  /** This commit's checkpoint: this ledger's origin, the tree's size and root after the entry. */
  checkpointFile(item, pos, root) {
    if (!item.checkpoint || item.checkpoint.type !== "blob") return;
    const where = {
      check: "checkpoint",
      seq: pos.seq,
      commit: item.commit.sha,
      file: CHECKPOINT_FILE
    };
    let cp;
    try {
      cp = parseCheckpoint(item.checkpoint.data.toString("utf8"));
    } catch (e) {
      this.checkpointMismatches.push({ ...where, message: e.message });
      return;
    }
    if (cp.size !== this.size) {
      this.checkpointMismatches.push({
        ...where,
        message: `checkpoint says the tree has ${cp.size} entries, but this commit's entry makes it ${this.size}`
      });
    } else if (!cp.root.equals(root)) {
      this.checkpointMismatches.push({
        ...where,
        message: `checkpoint root ${cp.root.toString("base64")} is not the Merkle root of the entries (${root.toString("base64")})`
      });
    }
    if (this.origin && cp.origin !== this.origin) {
      this.checkpointMismatches.push({
        ...where,
        message: `checkpoint origin "${cp.origin}" differs from the ledger's "${this.origin}"`
      });
    }
  }
  /** Every entry is for the repository whose ledger this branch is. */
  bound(d, pos, commit) {
    const repo = d.statement.predicate.repository.toLowerCase();
    this.repository ??= repo;
    if (repo !== this.repository) {
      this.problems.push({
        check: "repository",
        seq: pos.seq,
        commit,
        file: ENTRY_FILE,
        message: `entry ${pos.seq} is for repository "${d.statement.predicate.repository}", but branch "${this.branch}" holds the ledger of "${this.repository}"`
      });
    }
  }
  /** Timestamps never go back by more than the clock skew. */
  inTime(d, pos, commit) {
    const t = Date.parse(d.statement.predicate.timestamp);
    if (Number.isNaN(t)) return;
    const before = this.lastTime;
    this.lastTime = { t, seq: pos.seq };
    if (before && t < before.t - CLOCK_SKEW_MS) {
      this.problems.push({
        check: "timestamp",
        seq: pos.seq,
        commit,
        file: ENTRY_FILE,
        message: `entry ${pos.seq} is timestamped ${d.statement.predicate.timestamp}, ${Math.round((before.t - t) / 1e3)} s before entry ${before.seq} (more than the ${CLOCK_SKEW_MS / 6e4}-minute clock skew allowed)`
      });
    }
  }
  /**
   * This commit's tiles must be its parent's plus this entry's leaf (and its entry.json's blob id in
   * the entry tiles). A mismatch is named once; the model then takes the commit's tiles as they
   * are, so later commits are judged on their own step.
   */
  tileStep(commit, pos, actual, leaf, entryBlob) {
    if (this.tiles) {
      let expected;
      try {
        expected = this.tiles.apply(leaf, entryBlob ?? "0".repeat(40), { objects: false }).tree;
      } catch {
        expected = void 0;
      }
      if (expected !== void 0 && expected === actual) return void 0;
      if (actual !== void 0)
        this.problems.push({
          check: "tiles",
          seq: pos.seq,
          commit,
          file: TREE_DIR,
          message: `commit ${short(commit)}'s Merkle tiles (${TREE_DIR}/) are not its parent's plus this entry's leaf and blob id`
        });
    }
    this.tiles = void 0;
    if (actual === void 0) return void 0;
    const size = this.size;
    return TileModel.at(actual, size, this.reader).then(
      async (m) => {
        await m.prepare({ every: true });
        this.tiles = m;
      },
      () => void 0
    );
  }
  rootTree(item) {
    const c = item.commit;
    if (!item.root || item.root.type !== "tree") {
      this.problems.push({
        check: "tree",
        commit: c.sha,
        message: `commit ${short(c.sha)} has no readable tree`
      });
      return void 0;
    }
    let index;
    let checkpoint;
    let tree;
    let entry;
    const extras = /* @__PURE__ */ new Set();
    const seen = /* @__PURE__ */ new Set();
    for (const e of parseTree(item.root.data)) {
      seen.add(e.name);
      const expected = e.name === INDEX_DIR || e.name === TREE_DIR ? TREE_MODE : BLOB_MODE;
      if (!(ROOT_NAMES.has(e.name) || OPTIONAL_NAMES.has(e.name)) || e.mode !== expected)
        extras.add(`${e.name} (${e.mode})`);
      else if (e.name === INDEX_DIR) index = e.sha;
      else if (e.name === TREE_DIR) tree = e.sha;
      else if (e.name === CHECKPOINT_FILE) checkpoint = e.sha;
      else if (e.name === ENTRY_FILE) entry = e.sha;
    }
    const added = [...extras].filter((x) => !this.prevRootExtras.has(x));
    if (added.length) {
      this.problems.push({
        check: "tree",
        commit: c.sha,
        file: added[0].split(" ")[0],
        message: `commit ${short(c.sha)} holds ${added.join(", ")} at the top of its tree; a ledger commit holds only ${ENTRY_FILE}, ${CHECKPOINT_FILE}, ${INDEX_DIR}/, ${TREE_DIR}/ and optionally ${COSIGNED_FILE}`
      });
    }
    this.prevRootExtras = extras;
    const missing = [...ROOT_NAMES].filter((n) => !seen.has(n));
    if (missing.length) {
      this.problems.push({
        check: "tree",
        commit: c.sha,
        message: `commit ${short(c.sha)} has no ${missing.join(", ")}`
      });
    }
    this.tipCheckpointBlob = checkpoint;
    return { index, checkpoint, tree, entry };
  }
  /**
   * Sequence: each entry must hold the seq after the highest so far. A gap, a repeat and an entry
   * out of order are each named once; the `prev` link is checked at the end (prevProblems), when
   * it is known which entries are trusted.
   */
  chain(pos, c) {
    if (pos.seq === void 0) {
      this.highest += 1;
      return;
    }
    const seq = pos.seq;
    const where = { seq, commit: c.sha };
    const earlier = this.bySeq.get(seq);
    if (earlier) {
      this.problems.push({
        check: "seq",
        ...where,
        message: `commit ${short(c.sha)} holds seq ${seq} again (first in commit ${short(earlier.commit)}): an entry was repeated`
      });
      return;
    }
    this.bySeq.set(seq, pos);
    if (seq < this.highest) {
      this.problems.push({
        check: "seq",
        ...where,
        message: `commit ${short(c.sha)} holds seq ${seq} after seq ${this.highest}: entries are out of order`
      });
      return;
    }
    if (seq > this.highest + 1) {
      const from = this.highest + 1;
      this.problems.push({
        check: "seq",
        ...where,
        message: `commit ${short(c.sha)} holds seq ${seq} where seq ${from} belongs: ${seq - from === 1 ? `entry ${from} is` : `entries ${from}..${seq - 1} are`} missing before it`
      });
    }
    this.highest = seq;
    pos.linked = true;
  }
  trailers(pos, c) {
    const t = validTrailers(c.trailers);
    const where = { seq: pos.seq, commit: c.sha };
    if (!t) {
      this.problems.push({
        check: "trailer",
        ...where,
        message: `commit ${short(c.sha)} lacks well-formed Shiplog-Seq, -Entry, -Origin and -Subject trailers`
      });
      return;
    }
    this.origin ??= t.origin;
    const f = pos.facts;
    const wrong = [];
    if (pos.seq !== void 0 && t.seq !== pos.seq) wrong.push(`Shiplog-Seq ${t.seq} (entry: ${pos.seq})`);
    if (f?.hash && t.entry !== f.hash) wrong.push(`Shiplog-Entry ${t.entry} (entry hashes to ${f.hash})`);
    if (f?.commit && t.subject !== f.commit) wrong.push(`Shiplog-Subject ${t.subject} (entry: ${f.commit})`);
    if (t.origin !== this.origin) wrong.push(`Shiplog-Origin "${t.origin}" (the ledger's: "${this.origin}")`);
    if (wrong.length)
      this.problems.push({
        check: "trailer",
        ...where,
        message: `commit ${short(c.sha)} trailers disagree with its entry: ${wrong.join("; ")}`
      });
  }
  queueSignature(at, job) {
    if (!this.pool) {
      const signer = signerIndex(
        job.paeBytes,
        job.candidates,
        this.trusted.map((k) => k.publicKey)
      );
      applySigner(this.positions[at].facts, job, signer, this.trusted);
      return;
    }
    this.batch.push({ pos: at, job });
    if (this.batch.length >= 256) this.flush();
  }
  flush() {
    if (!this.pool || !this.batch.length) return;
    const items = this.batch;
    const out = this.takeOutbox();
    this.batch = [];
    const checked = this.pool.run(items.map((b) => b.job)).then(
      (signers) => items.forEach((b, k) => applySigner(this.positions[b.pos].facts, b.job, signers[k], this.trusted))
    );
    const done = out.length ? this.handedOut = Promise.all([this.handedOut, checked]).then(() => this.handOut(out)) : checked;
    done.catch(() => void 0);
    this.pending.push(done);
  }
  takeOutbox() {
    const out = this.outbox;
    this.outbox = [];
    return out;
  }
  /** Hands entries whose signature a trusted key made to onEntry (the others are problems). */
  handOut(out) {
    for (const { pos, entry } of out) {
      const facts = this.positions[pos].facts;
      if (!facts || facts.problem || !facts.keyid) continue;
      entry.keyid = facts.keyid;
      this.onEntry(entry);
    }
  }
  async signatures() {
    this.flush();
    await Promise.all(this.pending);
  }
  keep(pos, d, blob, checkpointBlob, root) {
    this.verified.push(this.verifiedOf(pos, d, blob, checkpointBlob, root));
  }
  verifiedOf(pos, d, blob, checkpointBlob, root) {
    return {
      seq: pos.seq,
      hash: d.hash,
      ledgerCommit: pos.commit,
      blob,
      ...checkpointBlob ? { checkpointBlob } : {},
      root,
      statement: d.statement,
      envelope: d.envelope
    };
  }
  /** Checks this commit's index tree; returns a promise when parts of the index must be read. */
  indexStep(item, at, actual, d) {
    if (!d || !item.entry || !actual) {
      return this.resync(actual);
    }
    const line = indexLineOf(d.statement.predicate, d.hash, item.entry.sha);
    const deploy = deployChange(d.statement.predicate);
    const run = () => {
      const { tree } = this.index.apply(line, deploy, { objects: false });
      if (tree === actual) return void 0;
      this.mismatches.push({ at, parent: item.commit.parents[0], commit: item.commit.sha, line });
      return this.resync(actual);
    };
    if (this.index.ready(line, deploy)) return run();
    return this.index.prepare(line, deploy).then(
      () => run(),
      () => {
        this.mismatches.push({ at, parent: item.commit.parents[0], commit: item.commit.sha, line });
        return this.resync(actual);
      }
    );
  }
  resync(actual) {
    return IndexModel.at(actual, this.reader, { tolerant: true }).then((m) => {
      this.index = m;
    });
  }
  /**
   * `prev` links, reported only where the entry before is readable and trusted: a link into an
   * entry that is itself forged or unreadable says nothing new (that entry is already named).
   */
  prevProblems() {
    for (const p of this.positions) {
      if (!p.linked || p.seq === void 0 || !p.facts || p.facts.prev === void 0) continue;
      let expected;
      if (p.seq === this.start.seq) expected = this.start.prev;
      else {
        const before = this.bySeq.get(p.seq - 1);
        if (before?.facts && !before.facts.problem) expected = before.hash;
      }
      if (expected !== void 0 && p.facts.prev !== expected) {
        this.problems.push({
          check: "prev",
          seq: p.seq,
          commit: p.commit,
          message: `prev is ${p.facts.prev} but the entry before it hashes to ${expected}`
        });
      }
    }
  }
  signatureProblems() {
    for (const p of this.positions) {
      const prob = p.facts?.problem;
      if (prob?.kind === "signature")
        this.problems.push({
          check: "signature",
          seq: p.seq,
          commit: p.commit,
          file: ENTRY_FILE,
          message: prob.message
        });
    }
  }
};
function short(sha) {
  return sha.slice(0, 12);
}
var LocalObjects = class {
  cat;
  constructor(gitDir) {
    this.cat = new CatFileSession(gitDir);
  }
  async tree(oid) {
    return this.get(oid, "tree");
  }
  async blob(oid) {
    return this.get(oid, "blob");
  }
  async get(oid, type) {
    const [o] = await this.cat.get([oid]);
    if (!o || o.type !== type) throw new Error(`${type} ${oid} is missing`);
    return o.data;
  }
  close() {
    this.cat.close();
  }
};
async function verifyLedger(opts) {
  if (opts.since !== void 0) return verifySince(opts);
  const repo = await openRepo(opts.location, "history");
  const tip = await fetchTip(repo);
  if (!tip) throw branchNotFound(opts.location);
  const expected = await tipSeq(repo.gitDir, tip.commit).then((seq) => seq + 1);
  const reader = new LocalObjects(repo.gitDir);
  const pool = startPool(opts, expected);
  try {
    const checker = new Checker(
      IndexModel.empty(),
      reader,
      opts.trusted,
      pool,
      !!opts.collect,
      { seq: 0, prev: GENESIS_PREV },
      { tiles: TileModel.empty(), edge: [], wantRootAt: quietSize(opts.olderCheckpoint) },
      opts.location.branch
    );
    checker.onEntry = opts.onEntry;
    const count2 = await streamChecks(repo.gitDir, tip.commit, checker, expected, opts.onProgress);
    return await finish(opts, repo, reader, checker, count2, { tip: tip.commit, firstSeq: 0 });
  } finally {
    reader.close();
    await pool?.close();
  }
}
function quietSize(text) {
  if (text === void 0) return void 0;
  try {
    return parseCheckpoint(text).size;
  } catch {
    return void 0;
  }
}
function startPool(opts, count2) {
  const workersFrom = opts.workersFrom ?? 2e3;
  if (count2 < workersFrom || (opts.jobs ?? 1) < 1) return void 0;
  return new SignaturePool(Math.min(opts.jobs ?? 1, 64), opts.trusted);
}
async function tipSeq(gitDir, commit) {
  const r = await git(["cat-file", "commit", commit], { gitDir, allowFail: true });
  const seq = Number(readTrailers(r.stdout.toString("utf8")).seq);
  return Number.isSafeInteger(seq) && seq >= 0 ? seq : 0;
}
var AHEAD = 2e3;
async function streamChecks(gitDir, tip, checker, expected, onProgress) {
  const queue = [];
  let head = 0;
  let at = 0;
  let root;
  let entry;
  let caughtUp;
  const feed = catFileFeed(gitDir, (i, obj) => {
    if (i % 3 === 0) root = obj;
    else if (i % 3 === 1) entry = obj;
    else {
      const commit = queue[head];
      head++;
      if (head >= 4096) {
        queue.splice(0, head);
        head = 0;
      }
      if (caughtUp && queue.length - head <= AHEAD / 2) {
        caughtUp();
        caughtUp = void 0;
      }
      if (onProgress && at % PROGRESS_EVERY === 0) onProgress(at, Math.max(expected, at));
      at++;
      return checker.step({ commit, root, entry, checkpoint: obj });
    }
  });
  let count2;
  try {
    let first = true;
    count2 = await streamHistory(
      gitDir,
      tip,
      (c) => {
        if (first && c.parents.length > 0)
          checker.problems.push({
            check: "history",
            commit: c.sha,
            message: `the first ledger commit ${short(c.sha)} has a parent: the branch is not an orphan`
          });
        first = false;
        queue.push(c);
        feed.request(c.tree);
        feed.request(`${c.tree}:${ENTRY_FILE}`);
        feed.request(`${c.tree}:${CHECKPOINT_FILE}`);
      },
      {
        backPressure: () => queue.length - head > AHEAD ? new Promise((resolve2, reject) => {
          caughtUp = resolve2;
          feed.done.catch(reject);
        }) : void 0
      }
    );
  } finally {
    feed.end();
  }
  await feed.done;
  await checker.signatures();
  onProgress?.(count2, count2);
  return count2;
}
var PROGRESS_EVERY = 500;
function shardRepository(branch) {
  return /^shiplog\/([^/]+\/[^/]+)$/i.exec(branch)?.[1]?.toLowerCase();
}
function originNamesBranch(origin, branch) {
  const o = origin.toLowerCase();
  const b = branch.toLowerCase();
  return o === b || o.endsWith(`/${b}`);
}
async function finish(opts, repo, reader, checker, count2, at) {
  checker.signatureProblems();
  checker.prevProblems();
  checker.checkpointProblems();
  for (const m of checker.mismatches) {
    checker.problems.push(...await diagnoseIndex(repo.gitDir, m, reader));
  }
  const last = checker.positions[checker.positions.length - 1] ?? checker.anchor;
  const checkpointText = checker.tipCheckpointBlob ? (await reader.blob(checker.tipCheckpointBlob)).toString("utf8") : void 0;
  const checkpoint = checkCheckpoint(checkpointText, opts.trusted, checker.problems, at.tip);
  const origin = checker.origin ?? checkpoint?.origin;
  if (origin !== void 0 && !originNamesBranch(origin, opts.location.branch)) {
    checker.problems.push({
      check: "origin",
      commit: at.tip,
      file: CHECKPOINT_FILE,
      message: `the ledger's origin "${origin}" is not that of branch "${opts.location.branch}": a ledger copied from another branch or repository`
    });
  }
  const entries = last?.seq !== void 0 ? last.seq + 1 : count2;
  const older = opts.olderCheckpoint ? checkOlder(opts.olderCheckpoint, opts.trusted, entries, checker.roots, checker.origin, checker.problems) : void 0;
  const problems = checker.problems.sort((a, b) => (a.seq ?? -1) - (b.seq ?? -1));
  const keys = /* @__PURE__ */ new Set();
  for (const p of checker.positions) if (p.facts?.keyid) keys.add(p.facts.keyid);
  if (opts.collect) {
    const keyOf = new Map(checker.positions.map((p) => [p.commit, p.facts?.keyid]));
    for (const v of checker.verified) v.keyid = keyOf.get(v.ledgerCommit);
  }
  return {
    ok: problems.length === 0,
    remote: opts.location.remote,
    branch: opts.location.branch,
    tip: at.tip,
    entries,
    checked: checker.positions.length,
    head: last?.hash,
    checkpoint,
    ...checkpointText !== void 0 ? { checkpointText } : {},
    olderCheckpoint: older,
    ...at.since ? { since: at.since } : {},
    keys: [...keys],
    problems,
    ...opts.collect ? { verified: checker.verified.filter((v) => v.seq >= at.firstSeq) } : {}
  };
}
function checkCheckpoint(text, trusted, problems, tip) {
  const where = { commit: tip, file: CHECKPOINT_FILE };
  if (text === void 0) {
    problems.push({ check: "checkpoint", ...where, message: "the ledger tip has no checkpoint file" });
    return void 0;
  }
  let cp;
  try {
    cp = parseCheckpoint(text);
  } catch (e) {
    problems.push({ check: "checkpoint", ...where, message: e.message });
    return void 0;
  }
  if (!checkpointSigner(cp, trusted)) {
    problems.push({
      check: "checkpoint",
      ...where,
      message: "checkpoint signature is not valid for any trusted key"
    });
  }
  return summary(cp);
}
function summary(cp) {
  return { origin: cp.origin, size: cp.size, root: cp.root.toString("base64") };
}
function checkOlder(text, trusted, entries, roots, origin, problems) {
  let cp;
  try {
    cp = parseCheckpoint(text);
  } catch (e) {
    problems.push({ check: "consistency", message: `older checkpoint: ${e.message}` });
    return void 0;
  }
  const before = problems.length;
  checkOlderSignature(cp, trusted, origin, problems);
  if (cp.size > entries) {
    problems.push({
      check: "consistency",
      message: `the ledger has ${entries} entries but an earlier checkpoint saw ${cp.size}: entries were removed (truncation or rewrite)`
    });
  } else if (cp.size > 0 && !roots.get(cp.size)?.equals(cp.root)) {
    problems.push({
      check: "consistency",
      seq: cp.size - 1,
      message: `the first ${cp.size} entries have Merkle root ${roots.get(cp.size)?.toString("base64") ?? "(unknown)"} but the earlier checkpoint recorded ${cp.root.toString("base64")}: history was rewritten (fork)`
    });
  }
  return { ...summary(cp), consistent: problems.length === before };
}
function checkOlderSignature(cp, trusted, origin, problems) {
  if (!checkpointSigner(cp, trusted))
    problems.push({ check: "consistency", message: "the older checkpoint is not signed by a trusted key" });
  if (origin && cp.origin !== origin) {
    problems.push({
      check: "consistency",
      message: `the older checkpoint is for "${cp.origin}", not this ledger ("${origin}")`
    });
  }
}
function branchNotFound(location) {
  return new ShiplogError(
    "BRANCH_NOT_FOUND",
    `the ledger branch "${location.branch}" does not exist on "${location.remote}" (nothing has been recorded yet, or the branch name is wrong)`
  );
}
var SINCE_PREFETCH = 32;
async function verifySince(opts) {
  let cp;
  try {
    cp = parseCheckpoint(opts.since);
  } catch (e) {
    throw new ShiplogError("BAD_INPUT", `--since: ${e.message}`);
  }
  const since = summary(cp);
  if (cp.size === 0 || !opts.sinceCommit) {
    const whole = await verifyLedger({ ...opts, since: void 0, olderCheckpoint: opts.since });
    return { ...whole, since };
  }
  const repo = await openRepo(opts.location, "tip");
  const remote = await fetchTip(repo, { depth: SINCE_PREFETCH });
  if (!remote) throw branchNotFound(opts.location);
  const objects = new TipObjects(repo);
  let pool;
  try {
    const tip = await readTipCommit(objects, remote.commit);
    const problems = [];
    checkOlderSignature(cp, opts.trusted, tip.origin, problems);
    const count2 = tip.seq - (cp.size - 1) + 1;
    if (count2 < 1) {
      problems.push({
        check: "consistency",
        message: `the ledger has ${tip.seq + 1} entries but the checkpoint given to --since saw ${cp.size}: entries were removed (truncation or rewrite)`
      });
      return {
        ok: false,
        remote: opts.location.remote,
        branch: opts.location.branch,
        tip: tip.commit,
        entries: tip.seq + 1,
        checked: 0,
        head: tip.entry,
        since,
        keys: [],
        problems
      };
    }
    if (count2 > SINCE_PREFETCH) await fetchAncestry(repo, tip.commit, count2, { trees: true });
    const commits = await readHistory(repo.gitDir, tip.commit, { max: count2 });
    const anchor = commits[0];
    if (anchor.sha !== opts.sinceCommit) {
      problems.push({
        check: "consistency",
        seq: cp.size - 1,
        commit: anchor.sha,
        message: `entry ${cp.size - 1} is now in ledger commit ${short(anchor.sha)}, but the checkpoint was verified at ${short(opts.sinceCommit)}: the history at or below the checkpoint was rewritten`
      });
    }
    const roots = await Promise.all(commits.map((c) => objects.tree(c.tree)));
    const fileOf = (r, name) => parseTree(r).find((e) => e.name === name)?.sha;
    const entryBlobs = roots.map((r) => fileOf(r, ENTRY_FILE));
    const checkpointBlobs = roots.map((r) => fileOf(r, CHECKPOINT_FILE));
    const anchorIndex = parseTree(roots[0]).find((e) => e.name === INDEX_DIR && e.mode === TREE_MODE)?.sha;
    const index = await IndexModel.at(anchorIndex, objects, { tolerant: true });
    const anchorDir = fileOf(roots[0], TREE_DIR);
    await fetchObjects(repo, [
      ...[...entryBlobs, ...checkpointBlobs].filter((b) => !!b),
      ...await sinceReads(objects, index, commits.slice(1), { dir: anchorDir, size: cp.size }, tip)
    ]);
    const anchorTiles = await tilesAt(objects, anchorDir, cp.size);
    if (!anchorTiles || !anchorTiles.root().equals(cp.root)) {
      problems.push({
        check: "consistency",
        seq: cp.size - 1,
        commit: anchor.sha,
        file: TREE_DIR,
        message: `the Merkle tiles of ledger commit ${short(anchor.sha)} ${anchorTiles ? `give root ${anchorTiles.root().toString("base64")}` : "are unreadable"}, not the checkpoint's ${cp.root.toString("base64")}`
      });
    }
    const anchorEntry = entryBlobs[0] ? (await objects.blobs([entryBlobs[0]]))[0] : void 0;
    let anchorDecoded;
    try {
      anchorDecoded = anchorEntry ? decodeEntry(anchorEntry.toString("utf8")) : void 0;
    } catch {
      anchorDecoded = void 0;
    }
    if (anchorDecoded?.statement.predicate.seq !== cp.size - 1) {
      problems.push({
        check: "consistency",
        seq: cp.size - 1,
        commit: anchor.sha,
        message: `ledger commit ${short(anchor.sha)} does not hold entry ${cp.size - 1}, the checkpoint's last`
      });
    }
    pool = startPool(opts, count2);
    const checker = new Checker(
      index,
      objects,
      opts.trusted,
      pool,
      !!opts.collect,
      { seq: cp.size, prev: anchorDecoded?.hash ?? "" },
      {
        tiles: anchorTiles ?? TileModel.empty(),
        edge: anchorTiles ? anchorTiles.rightEdge() : [],
        lastTimestamp: anchorDecoded?.statement.predicate.timestamp
      },
      opts.location.branch
    );
    if (!anchorTiles) checker.disableTiles();
    checker.problems.push(...problems);
    checker.origin = tip.origin;
    checker.onEntry = opts.onEntry;
    checker.repository ??= anchorDecoded?.statement.predicate.repository.toLowerCase();
    checker.anchor = { seq: cp.size - 1, hash: anchorDecoded?.hash, commit: anchor.sha };
    checker.tipCheckpointBlob = checkpointBlobs[0];
    await prefetchIndex(index, objects, entryBlobs.slice(1));
    await runSinceChecks(
      repo,
      commits.slice(1),
      roots.slice(1),
      entryBlobs.slice(1),
      checkpointBlobs.slice(1),
      checker,
      opts.onProgress
    );
    await checkConsistencyProof(objects, tip, cp, checker.problems);
    return await finish(opts, repo, objects, checker, commits.length - 1, {
      tip: tip.commit,
      firstSeq: cp.size,
      since
    });
  } finally {
    objects.close();
    await pool?.close();
  }
}
async function tilesAt(objects, dir, size) {
  try {
    const tiles = await TileModel.at(dir, size, objects);
    await objects.fetch(tiles.wantedBlobs({ every: true }));
    await tiles.prepare({ every: true });
    return tiles;
  } catch {
    return void 0;
  }
}
async function checkConsistencyProof(objects, tip, old, problems) {
  const size = tip.seq + 1;
  if (size === old.size) return;
  let message;
  try {
    const cp = parseCheckpoint((await objects.blob(tip.checkpointBlob)).toString("utf8"));
    const tiles = await tilesAt(objects, tip.treeDir, size);
    if (!tiles) message = "the tip commit's Merkle tiles do not read";
    else {
      const proof = await proveFromTiles(tiles, objects, (r) => consistencyProof(old.size, size, r));
      if (!verifyConsistency(old.size, cp.size, old.root, cp.root, proof))
        message = `the tip checkpoint (size ${cp.size}) does not extend the checkpoint of size ${old.size}: the consistency proof fails`;
    }
  } catch (e) {
    message = `no consistency proof from size ${old.size} to ${size}: ${e.message}`;
  }
  if (message) problems.push({ check: "consistency", commit: tip.commit, file: CHECKPOINT_FILE, message });
}
async function sinceReads(objects, index, commits, anchor, tip) {
  const out = [];
  const held = async (dir, size) => {
    try {
      out.push(...(await TileModel.at(dir, size, objects)).heldBlobs());
    } catch {
    }
  };
  await held(anchor.dir, anchor.size);
  if (tip.treeDir !== anchor.dir) await held(tip.treeDir, tip.seq + 1);
  const subjects = new Set(
    commits.map((c) => c.trailers.subject).filter((s) => !!s && /^[0-9a-f]{40}$/.test(s))
  );
  for (const subject of subjects) out.push(...await index.wantedBlobs(subject));
  const deploys = index.deploysBlob();
  if (deploys) out.push(deploys);
  return out;
}
async function prefetchIndex(index, objects, entryBlobs) {
  const texts = await objects.blobs(entryBlobs.filter((b) => !!b));
  const wanted = /* @__PURE__ */ new Set();
  for (const t of texts) {
    try {
      const p = decodeEntry(t.toString("utf8")).statement.predicate;
      for (const oid of await index.wantedBlobs(p.commit, deployChange(p))) wanted.add(oid);
    } catch {
    }
  }
  await objects.fetch([...wanted]);
}
async function runSinceChecks(repo, commits, roots, entryBlobs, checkpointBlobs, checker, onProgress) {
  const cat = new CatFileSession(repo.gitDir);
  const none = "0".repeat(40);
  try {
    const entries = await cat.get(entryBlobs.map((b) => b ?? none));
    const checkpoints = await cat.get(checkpointBlobs.map((b) => b ?? none));
    for (let i = 0; i < commits.length; i++) {
      if (onProgress && i % PROGRESS_EVERY === 0) onProgress(i, commits.length);
      const c = commits[i];
      const root = { sha: c.tree, type: "tree", data: roots[i] };
      const entry = entryBlobs[i] ? entries[i] : void 0;
      const checkpoint = checkpointBlobs[i] ? checkpoints[i] : void 0;
      const wait = checker.step({ commit: c, root, entry, checkpoint });
      if (wait) await wait;
    }
    await checker.signatures();
    onProgress?.(commits.length, commits.length);
  } finally {
    cat.close();
  }
}
async function readLedgerBlob(location, oid) {
  for (const mode of ["history", "tip"]) {
    const repo = await openRepo(location, mode);
    if (missingObjects(repo.gitDir, [oid]).length === 0 || mode === "tip") {
      const objects = new TipObjects(repo);
      try {
        return (await objects.blob(oid)).toString("utf8");
      } finally {
        objects.close();
      }
    }
  }
  throw new ShiplogError("NOT_FOUND", `ledger blob ${oid} not found`);
}
function defaultJobs() {
  return availableParallelism();
}

export {
  checkBranchName,
  openRepo,
  listLedgerBranches,
  cachedTip,
  badgeOf,
  badgeFor,
  BADGE_ORDER,
  toRows,
  csvHeaderLine,
  csvRowStart,
  csvCell,
  groupProblems,
  renderProblems,
  findSigner,
  CHANGE_TYPES,
  RECORDABLE_TYPES,
  decodeEntry,
  checkCommitPrefix,
  TileModel,
  entriesForCommit,
  lineForSeq,
  newestLines,
  newestLinesByWindow,
  readEntries,
  readEntryAt,
  ledgerCommitOfSeq,
  MAX_DETAILS_BYTES,
  environmentProblem,
  decodeUtf8,
  checkNewEntry,
  TipObjects,
  readTipCommit,
  openTip,
  entryHashBytes,
  AppendError,
  appendEntry,
  proveFromTiles,
  verifyLedger,
  readLedgerBlob,
  defaultJobs,
  Spool
};
