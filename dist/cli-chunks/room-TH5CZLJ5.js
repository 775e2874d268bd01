#!/usr/bin/env node
import { createRequire as __shiplogCreateRequire } from 'node:module';
const require = __shiplogCreateRequire(import.meta.url);
import {
  Spool,
  csvCell,
  readLedgerBlob,
  renderProblems,
  verifyLedger
} from "./chunk-IMRVCWOU.js";
import {
  alarmFinding,
  entrySeverity,
  entryTimeMs,
  entryType,
  toOcsf
} from "./chunk-XKOS33HO.js";
import {
  actorLogin,
  currentApprovers
} from "./chunk-UFE3WVNL.js";
import {
  parseCheckpoint
} from "./chunk-QEJERFSB.js";
import {
  HASH_PATTERN
} from "./chunk-GCCZYBLX.js";
import {
  ShiplogError,
  errorMessage
} from "./chunk-KB55KBSJ.js";

// src/export/checkpoint-set.ts
var LABEL = "# shard ";
function bad(source, why) {
  throw new ShiplogError("BAD_INPUT", `${source}: ${why}`);
}
function parseCheckpointSet(text, source) {
  const lines = text.split("\n");
  if (!lines.some((l) => l.startsWith(LABEL))) {
    try {
      parseCheckpoint(text);
    } catch (e) {
      bad(source, e.message);
    }
    return { labelled: false, text };
  }
  const shards = /* @__PURE__ */ new Map();
  let branch;
  let body = [];
  const close = () => {
    if (branch === void 0) return;
    while (body.length && body[body.length - 1] === "") body.pop();
    const cp = body.join("\n") + "\n";
    try {
      parseCheckpoint(cp);
    } catch (e) {
      bad(source, `shard ${branch}: ${e.message}`);
    }
    shards.set(branch, cp);
  };
  for (const line of lines) {
    if (line.startsWith(LABEL)) {
      close();
      branch = line.slice(LABEL.length).trim();
      if (!branch || /\s/.test(branch)) bad(source, `label line "${line.slice(0, 80)}" names no branch`);
      if (shards.has(branch)) bad(source, `shard ${branch} is listed twice`);
      body = [];
    } else if (branch === void 0) {
      if (line.trim() !== "") bad(source, `text before the first "${LABEL.trim()}" line`);
    } else body.push(line);
  }
  close();
  return { labelled: true, shards };
}
function formatCheckpointSet(shards) {
  let out = "";
  for (const [branch, cp] of shards) out += `${LABEL}${branch}
${cp.endsWith("\n") ? cp : `${cp}
`}`;
  return out;
}

// src/export/csv.ts
var EXPORT_CSV_COLUMNS = [
  "seq",
  "entry_hash",
  "ledger_commit",
  "signer_keyid",
  "shard",
  "timestamp",
  "type",
  "repository",
  "commit",
  "environment",
  "branch",
  "actor",
  "approval_status",
  "approvers",
  "statement_json"
];
function exportCsvRow(e) {
  const p = e.statement.predicate;
  return [
    String(e.seq),
    e.hash,
    e.ledgerCommit ?? "",
    e.keyid,
    e.shard ?? "",
    p.timestamp,
    entryType(e),
    p.repository,
    p.commit,
    p.environment ?? "",
    p.branch ?? "",
    actorLogin(e.statement) ?? "",
    p.approval?.status ?? "",
    currentApprovers(e.statement).join(" "),
    JSON.stringify(e.statement)
  ];
}
function csvLine(cells) {
  return cells.map(csvCell).join(",") + "\r\n";
}
function csvHeader() {
  return csvLine(EXPORT_CSV_COLUMNS);
}

// src/export/cursor.ts
import { readFile } from "node:fs/promises";

// src/export/out-file.ts
import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
var CHUNK = 1 << 20;
function* chunked(parts) {
  let buf = "";
  for (const p of parts) {
    buf += p;
    if (buf.length >= CHUNK) {
      yield buf;
      buf = "";
    }
  }
  if (buf) yield buf;
}
async function writeFileAtomically(path, parts, what = `"${path}"`) {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    const fh = await open(tmp, "wx", 420);
    try {
      for (const chunk of chunked(parts)) await fh.write(chunk, null, "utf8");
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    if (e instanceof ShiplogError) throw e;
    throw new ShiplogError("BAD_INPUT", `cannot write ${what}: ${e.message}`);
  }
  try {
    const d = await open(dir, "r");
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
  }
}
async function writeToStdout(parts) {
  const chunks = Symbol.asyncIterator in parts ? parts : chunked(parts);
  for await (const chunk of chunks) {
    if (!process.stdout.write(chunk)) {
      await new Promise((resolve) => process.stdout.once("drain", resolve));
    }
  }
}

// src/export/cursor.ts
var CURSOR_VERSION = 1;
function bad2(path, why) {
  throw new ShiplogError(
    "BAD_INPUT",
    `cursor file ${path} ${why}; fix or remove it (removing sends everything again)`
  );
}
async function readCursor(path) {
  let text;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    if (e.code === "ENOENT") return void 0;
    throw new ShiplogError("USAGE", `cannot read cursor file ${path}: ${e.message}`);
  }
  let raw;
  try {
    raw = JSON.parse(text);
  } catch {
    bad2(path, "is not JSON");
  }
  const o = raw;
  if (typeof o !== "object" || o === null || o.shiplog_cursor !== CURSOR_VERSION) {
    bad2(path, `is not a shiplog cursor (version ${CURSOR_VERSION})`);
  }
  if (typeof o.destination !== "string" || !Array.isArray(o.positions))
    bad2(path, "lacks destination or positions");
  const positions = o.positions.map((p) => {
    const q = p;
    if (!q || !Number.isSafeInteger(q.seq) || q.seq < 0 || typeof q.hash !== "string" || !HASH_PATTERN.test(q.hash) || typeof q.checkpoint !== "string" || q.shard !== void 0 && typeof q.shard !== "string") {
      bad2(path, "has a malformed position");
    }
    return {
      ...q.shard !== void 0 ? { shard: q.shard } : {},
      seq: q.seq,
      hash: q.hash,
      checkpoint: q.checkpoint
    };
  });
  return {
    destination: o.destination,
    format: typeof o.format === "string" ? o.format : "",
    updated: typeof o.updated === "string" ? o.updated : "",
    positions
  };
}
function cursorText(c) {
  return JSON.stringify(
    {
      shiplog_cursor: CURSOR_VERSION,
      destination: c.destination,
      format: c.format,
      updated: c.updated,
      positions: c.positions
    },
    null,
    2
  ) + "\n";
}
async function writeCursor(path, c) {
  try {
    await writeFileAtomically(path, [cursorText(c)], `cursor file ${path}`);
  } catch (e) {
    throw e instanceof ShiplogError ? new ShiplogError("USAGE", e.message, { cause: e }) : e;
  }
}
function positionOf(c, shard) {
  return c?.positions.find((p) => p.shard === shard);
}

// src/export/jsonl.ts
function jsonlRecord(entry) {
  return {
    // The ledger's own fields come last so a statement field of the same name can never mask them.
    ...entry.statement,
    seq: entry.seq,
    entry_hash: entry.hash,
    ledger_commit: entry.ledgerCommit ?? null,
    signer_keyid: entry.keyid,
    ...entry.shard !== void 0 ? { shard: entry.shard } : {}
  };
}
function jsonlLine(entry) {
  return JSON.stringify(jsonlRecord(entry));
}

// src/export/truncate.ts
var OCSF_PLAN = {
  drop: ["raw_data"],
  lists: ["unmapped.shiplog.statement", "entity_result.data"],
  last: ["unmapped.shiplog.statement", "entity_result.data"],
  noteAt: "unmapped.shiplog"
};
var JSONL_PLAN = {
  drop: [],
  lists: ["predicate", "subject"],
  last: ["predicate.change_set", "predicate.details"],
  noteAt: ""
};
function at(root, path) {
  if (path === "") return void 0;
  const keys = path.split(".");
  let cur = root;
  for (const k of keys.slice(0, -1)) {
    if (typeof cur !== "object" || cur === null || Array.isArray(cur)) return void 0;
    cur = cur[k];
  }
  if (typeof cur !== "object" || cur === null || Array.isArray(cur)) return void 0;
  return { parent: cur, key: keys[keys.length - 1] };
}
function objectAt(root, path) {
  if (path === "") return root;
  const p = at(root, path);
  const v = p?.parent[p.key];
  return typeof v === "object" && v !== null && !Array.isArray(v) ? v : void 0;
}
function lists(value, path, out) {
  if (Array.isArray(value)) {
    if (value.length > 0) out.push({ path, list: value, size: JSON.stringify(value).length });
  } else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) lists(v, `${path}.${k}`, out);
  }
}
var bytes = (v) => Buffer.byteLength(JSON.stringify(v), "utf8");
function shrinkEvent(event, entry, plan, maxBytes, limit = maxBytes) {
  const whole = JSON.stringify(event);
  if (Buffer.byteLength(whole, "utf8") <= maxBytes) return whole;
  const e = structuredClone(event);
  const cut = [];
  const note = {
    max_message_bytes: limit,
    entry_hash: entry.hash,
    ledger_commit: entry.ledgerCommit ?? null,
    seq: entry.seq,
    ...entry.shard !== void 0 ? { shard: entry.shard } : {},
    cut
  };
  const holder = objectAt(e, plan.noteAt);
  if (!holder) throw new Error(`no ${plan.noteAt} to note the truncation in`);
  holder.truncated = note;
  const fits = () => bytes(e) <= maxBytes;
  const leaveOut = (path) => {
    const p = at(e, path);
    if (!p || !(p.key in p.parent)) return;
    delete p.parent[p.key];
    cut.push({ path });
  };
  for (const path of plan.drop) {
    leaveOut(path);
    if (fits()) return JSON.stringify(e);
  }
  const original = /* @__PURE__ */ new Map();
  for (; ; ) {
    const found = [];
    for (const root of plan.lists) {
      const o = objectAt(e, root);
      if (o) lists(o, root, found);
    }
    const longest = found.sort((a, b) => b.size - a.size)[0];
    if (!longest) break;
    const { path, list } = longest;
    if (!original.has(path)) original.set(path, list.length);
    list.length = Math.floor(list.length / 2);
    const of = original.get(path);
    const prior = cut.find((c) => c.path === path);
    if (prior) prior.kept = list.length;
    else cut.push({ path, kept: list.length, of });
    if (fits()) return JSON.stringify(e);
  }
  for (const path of plan.last) {
    for (let i = cut.length - 1; i >= 0; i--) if (cut[i].path.startsWith(`${path}.`)) cut.splice(i, 1);
    leaveOut(path);
    if (fits()) return JSON.stringify(e);
  }
  throw new ShiplogError(
    "USAGE",
    `entry seq ${entry.seq} (${entry.hash}) does not fit in ${limit} bytes even without its statement: raise --max-message-bytes`
  );
}

// src/export/format.ts
var STREAM_FORMATS = ["ocsf", "jsonl"];
function parseStreamFormat(value) {
  if (STREAM_FORMATS.includes(value)) return value;
  throw new ShiplogError("USAGE", `unknown format "${value}": use ${STREAM_FORMATS.join(" or ")}`);
}
function formatBody(entry, format, options = {}) {
  return format === "ocsf" ? JSON.stringify(toOcsf(entry, options)) : jsonlLine(entry);
}
var SYSLOG_SEVERITY = {
  informational: 6,
  low: 5,
  // notice
  medium: 4,
  // warning
  high: 3,
  // error
  critical: 2
};
function syslogSeverity(entry) {
  return SYSLOG_SEVERITY[entrySeverity(entry)];
}
function outboundMessage(entry, format, options = {}) {
  const event = format === "ocsf" ? toOcsf(entry, options) : jsonlRecord(entry);
  return {
    id: entry.hash,
    body: JSON.stringify(event),
    seq: entry.seq,
    type: entryType(entry),
    time: entryTimeMs(entry),
    severity: syslogSeverity(entry),
    shrink: (maxBodyBytes, limit) => shrinkEvent(event, entry, format === "ocsf" ? OCSF_PLAN : JSONL_PLAN, maxBodyBytes, limit)
  };
}

// src/export/transports/transport.ts
var DEFAULT_MAX_MESSAGE_BYTES = 8192;
var MIN_MAX_MESSAGE_BYTES = 2048;
function withBodyWithin(m, maxBodyBytes, limit = maxBodyBytes) {
  if (Buffer.byteLength(m.body, "utf8") <= maxBodyBytes) return m;
  if (!m.shrink) {
    throw new DeliveryError(
      `the event for ${m.id} is larger than ${maxBodyBytes} bytes and cannot be cut`,
      false
    );
  }
  return { ...m, body: m.shrink(maxBodyBytes, limit) };
}
var DeliveryError = class extends Error {
  retryable;
  constructor(message, retryable, options) {
    super(message, options?.cause === void 0 ? void 0 : { cause: options.cause });
    this.name = "DeliveryError";
    this.retryable = retryable;
  }
};
function isRetryable(e) {
  return e instanceof DeliveryError ? e.retryable : true;
}

// src/export/forward.ts
var DEFAULT_RETRY = { attempts: 6, baseMs: 500, maxMs: 3e4 };
var quiet = { info: () => {
}, warning: () => {
} };
function backoffMs(attempt, policy, random = Math.random) {
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + random() * step / 2);
}
var defaultSleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
function shardName(shard) {
  return shard === void 0 ? "the ledger" : `shard ${shard}`;
}
function checkCheckpoint(text, entry) {
  const cp = parseCheckpoint(text);
  if (cp.size !== entry.seq + 1) {
    throw new ShiplogError(
      "BAD_INPUT",
      `checkpoint for seq ${entry.seq} says size ${cp.size}, expected size ${entry.seq + 1}`
    );
  }
}
async function forward(options) {
  const { transport, format } = options;
  const log = options.log ?? quiet;
  const policy = { ...DEFAULT_RETRY, ...options.retry };
  if (!Number.isSafeInteger(policy.attempts) || policy.attempts < 1) {
    throw new ShiplogError("USAGE", "retry attempts must be 1 or more");
  }
  const batchSize = options.batchSize ?? 100;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1)
    throw new ShiplogError("USAGE", "batch size must be 1 or more");
  const sleep = options.sleep ?? defaultSleep;
  let cursor = await readCursor(options.cursor.path);
  if (cursor && cursor.destination !== transport.destination) {
    throw new ShiplogError(
      "USAGE",
      `cursor file ${options.cursor.path} tracks ${cursor.destination}, not ${transport.destination}: use one cursor file per destination`
    );
  }
  const last = /* @__PURE__ */ new Map();
  for (const p of cursor?.positions ?? []) last.set(p.shard, { seq: p.seq, hash: p.hash });
  const result = { delivered: 0, batches: 0, skipped: 0, retries: 0, cursor };
  let batch = [];
  const deliver = async (entries) => {
    const tails = /* @__PURE__ */ new Map();
    for (const e of entries) tails.set(e.shard, e);
    const moved = [];
    for (const [shard, e] of tails) {
      const checkpoint = await options.cursor.checkpointAfter(e);
      checkCheckpoint(checkpoint, e);
      moved.push({ ...shard !== void 0 ? { shard } : {}, seq: e.seq, hash: e.hash, checkpoint });
    }
    const messages = entries.map((e) => outboundMessage(e, format, options.ocsf));
    const range = `seq ${entries[0].seq}\u2013${entries[entries.length - 1].seq}`;
    for (let attempt = 1; ; attempt++) {
      try {
        await transport.send(messages);
        break;
      } catch (e) {
        const where = cursorSummary(cursor);
        if (!isRetryable(e)) {
          throw new ShiplogError(
            "DELIVERY_REJECTED",
            `${transport.destination} refused ${range}: ${errorMessage(e)}. Nothing more was sent; the cursor stays ${where}`,
            { cause: e, details: { cursor } }
          );
        }
        if (attempt >= policy.attempts) {
          throw new ShiplogError(
            "DELIVERY_FAILED",
            `could not deliver ${range} to ${transport.destination} after ${attempt} attempt(s): ${errorMessage(e)}. The cursor stays ${where}; run again to send the rest`,
            { cause: e, details: { cursor } }
          );
        }
        const wait = backoffMs(attempt, policy, options.random);
        result.retries++;
        log.warning(
          `shiplog: ${range} not delivered (${errorMessage(e)}); attempt ${attempt + 1} in ${wait} ms`
        );
        await sleep(wait);
      }
    }
    const positions = [...(cursor?.positions ?? []).filter((p) => !tails.has(p.shard)), ...moved];
    cursor = {
      destination: transport.destination,
      format,
      updated: (/* @__PURE__ */ new Date()).toISOString(),
      positions
    };
    await writeCursor(options.cursor.path, cursor);
    result.cursor = cursor;
    result.delivered += entries.length;
    result.batches++;
    log.info(`shiplog: delivered ${range} (${entries.length}) to ${transport.destination}`);
  };
  for await (const entry of options.entries) {
    const prev = last.get(entry.shard);
    const done = positionOf(cursor, entry.shard);
    if (done && entry.seq <= done.seq) {
      if (entry.seq === done.seq && entry.hash !== done.hash) {
        throw new ShiplogError(
          "BAD_INPUT",
          `${shardName(entry.shard)} seq ${entry.seq} is ${entry.hash}, but the cursor delivered ${done.hash} there: the ledger was rewritten`
        );
      }
      result.skipped++;
      continue;
    }
    if (prev) {
      if (entry.seq !== prev.seq + 1) {
        throw new ShiplogError(
          "BAD_INPUT",
          `${shardName(entry.shard)}: seq ${entry.seq} does not follow seq ${prev.seq}; the stream would have a gap`
        );
      }
      if (entry.statement.predicate.prev !== prev.hash) {
        throw new ShiplogError(
          "BAD_INPUT",
          `${shardName(entry.shard)}: seq ${entry.seq} does not link to ${prev.hash} (prev ${entry.statement.predicate.prev})`
        );
      }
    }
    last.set(entry.shard, { seq: entry.seq, hash: entry.hash });
    batch.push(entry);
    if (batch.length >= batchSize) {
      await deliver(batch);
      batch = [];
    }
  }
  if (batch.length) await deliver(batch);
  return result;
}
function cursorSummary(c) {
  if (!c || c.positions.length === 0) return "empty (nothing delivered yet)";
  return c.positions.map((p) => `${p.shard !== void 0 ? `${p.shard} ` : ""}at seq ${p.seq} ${p.hash}`).join(", ");
}

// src/export/transports/hec.ts
import { readFileSync as readFileSync2 } from "node:fs";
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent, request as httpsRequest } from "node:https";

// src/export/syslog.ts
import { lookup, lookupService } from "node:dns/promises";
import { hostname as osHostname } from "node:os";
function parseSdId(value, name = "--sd-id") {
  const m = /^([^@=\]" ]{1,31})@([1-9][0-9]*(?:\.[0-9]+)*)$/.exec(value);
  if (!m || value.length > 32 || !/^[\x21-\x7e]+$/.test(value)) {
    throw new ShiplogError(
      "USAGE",
      `${name} "${value}" is not NAME@PEN: an SD-ID of at most 32 printable ASCII characters (no "=", "]", '"' or space), PEN your organisation's IANA private enterprise number (RFC 5424 \xA77.2.2)`
    );
  }
  if (m[2].split(".")[0] === "32473") {
    throw new ShiplogError(
      "USAGE",
      `${name} "${value}": enterprise number 32473 is reserved for documentation (RFC 5612); use your organisation's own`
    );
  }
  return value;
}
var BOM = Buffer.from([239, 187, 191]);
function headerField(value, max) {
  const clean = (value ?? "").replace(/[^\x21-\x7e]/g, "").slice(0, max);
  return clean === "" ? "-" : clean;
}
function sdValue(value) {
  return value.replace(/["\\\]]/g, (c) => `\\${c}`);
}
function syslogTimestamp(ms) {
  if (ms === void 0 || !Number.isFinite(ms)) return "-";
  return new Date(ms).toISOString();
}
function defaultHostname() {
  return headerField(osHostname(), 255);
}
async function fqdnHostname(short = osHostname(), timeoutMs = 1e3) {
  if (short.includes(".")) return headerField(short, 255);
  const ask = async () => {
    const { address } = await lookup(short);
    const { hostname } = await lookupService(address, 0);
    return hostname.toLowerCase().startsWith(`${short.toLowerCase()}.`) ? hostname : void 0;
  };
  let timer;
  const late = new Promise((resolve) => {
    timer = setTimeout(() => resolve(void 0), timeoutMs);
    timer.unref();
  });
  try {
    const found = await Promise.race([ask().catch(() => void 0), late]);
    return headerField(found ?? short, 255);
  } finally {
    clearTimeout(timer);
  }
}
function fittedSyslogMessage(m, options = {}) {
  const max = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const whole = syslogMessage(m, options);
  if (whole.length <= max) return whole;
  const header = whole.length - Buffer.byteLength(m.body, "utf8");
  return syslogMessage(withBodyWithin(m, max - header, max), options);
}
function parseMaxMessageBytes(value, name = "--max-message-bytes") {
  const n = /^[0-9]+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < MIN_MAX_MESSAGE_BYTES) {
    throw new ShiplogError(
      "USAGE",
      `${name} must be a whole number of bytes, at least ${MIN_MAX_MESSAGE_BYTES} (got "${value}")`
    );
  }
  return n;
}
function syslogMessage(m, options = {}) {
  const facility = options.facility ?? 13;
  const severity = m.severity ?? 6;
  const params = [`hash="${sdValue(m.id)}"`, ...m.seq !== void 0 ? [`seq="${m.seq}"`] : []];
  const sd = options.sdId ? `[${options.sdId} ${params.join(" ")}]` : "-";
  const header = [
    `<${facility * 8 + severity}>1`,
    syslogTimestamp(m.time),
    options.hostname !== void 0 ? headerField(options.hostname, 255) : defaultHostname(),
    "shiplog",
    "-",
    headerField(m.type, 32),
    sd
  ].join(" ");
  const body = Buffer.from(m.body, "utf8");
  return Buffer.concat([Buffer.from(header + " ", "ascii"), ...options.bom === false ? [] : [BOM], body]);
}
function octetCounted(message) {
  return Buffer.concat([Buffer.from(`${message.length} `, "ascii"), message]);
}

// src/export/transports/connect.ts
import { readFileSync } from "node:fs";
import { connect as netConnect } from "node:net";
import { connect as tlsConnect } from "node:tls";
function readPem(path, what) {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new ShiplogError("USAGE", `cannot read the ${what} file ${path}: ${e.message}`);
  }
}
function tlsOptions(target) {
  const t = target.tls ?? {};
  if (t.certFile === void 0 !== (t.keyFile === void 0)) {
    throw new ShiplogError("USAGE", "a client certificate needs both the certificate and its key");
  }
  return {
    host: target.host,
    port: target.port,
    servername: t.servername ?? (isIp(target.host) ? void 0 : target.host),
    ca: t.caFile ? readPem(t.caFile, "CA") : void 0,
    cert: t.certFile ? readPem(t.certFile, "client certificate") : void 0,
    key: t.keyFile ? readPem(t.keyFile, "client key") : void 0,
    rejectUnauthorized: t.rejectUnauthorized ?? true,
    minVersion: "TLSv1.2"
  };
}
function isIp(host) {
  return /^[\d.]+$/.test(host) || host.includes(":");
}
var CERT_ERRORS = /CERT|SELF_SIGNED|UNABLE_TO_|HOSTNAME|ERR_TLS_CERT_ALTNAME|DEPTH_ZERO|ALERT/i;
function describeError(e) {
  const err = e;
  return err?.code ? `${err.code}: ${err.message}` : String(e?.message ?? e);
}
function connectStream(target, tls) {
  const timeout = target.connectTimeoutMs ?? 1e4;
  const where = `${target.host}:${target.port}`;
  return new Promise((resolve, reject) => {
    const socket = tls ? tlsConnect(tls) : netConnect({ host: target.host, port: target.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new DeliveryError(`no connection to ${where} within ${timeout} ms`, true));
    }, timeout);
    socket.once(tls ? "secureConnect" : "connect", () => {
      clearTimeout(timer);
      socket.removeAllListeners("error");
      socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once("error", (e) => {
      clearTimeout(timer);
      socket.destroy();
      const code = e.code ?? "";
      if (tls && CERT_ERRORS.test(code + " " + e.message)) {
        reject(
          new DeliveryError(
            `TLS to ${where} failed: ${describeError(e)} (the collector's certificate is not trusted for this name; pass its CA with --ca FILE)`,
            false,
            { cause: e }
          )
        );
      } else reject(new DeliveryError(`cannot connect to ${where}: ${describeError(e)}`, true, { cause: e }));
    });
  });
}

// src/export/transports/hec.ts
var HEC_EVENT_PATH = "/services/collector/event";
function isLoopback(host) {
  const h = host.replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h);
}
function hecEvent(m, meta) {
  const head = {
    ...m.time !== void 0 ? { time: m.time / 1e3 } : {},
    host: meta.host,
    source: meta.source,
    sourcetype: meta.sourcetype,
    ...meta.index ? { index: meta.index } : {},
    // Indexed fields: a search can drop copies of an event by its entry hash.
    fields: {
      entry_hash: m.id,
      ...m.seq !== void 0 ? { seq: String(m.seq) } : {},
      ...m.type ? { type: m.type } : {}
    }
  };
  const text = JSON.stringify(head);
  return `${text.slice(0, -1)},"event":${m.body}}`;
}
function openHec(options) {
  const url = options.url;
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopback(url.hostname))) {
    throw new ShiplogError(
      "USAGE",
      `HEC needs https:// (plain http:// only to localhost): ${url.protocol}//${url.host}`
    );
  }
  if (!options.token)
    throw new ShiplogError("USAGE", "no HEC token: set it in the environment variable the command names");
  if (/[\r\n]/.test(options.token)) throw new ShiplogError("USAGE", "the HEC token holds a line break");
  const path = url.pathname === "/" || url.pathname === "" ? HEC_EVENT_PATH : url.pathname;
  const destination = `${url.protocol}//${url.host}${path}`;
  const tls = options.tls ?? {};
  const agent = url.protocol === "https:" ? new Agent({
    keepAlive: true,
    ca: tls.caFile ? readFileSync2(tls.caFile) : void 0,
    cert: tls.certFile ? readFileSync2(tls.certFile) : void 0,
    key: tls.keyFile ? readFileSync2(tls.keyFile) : void 0,
    servername: tls.servername,
    rejectUnauthorized: tls.rejectUnauthorized ?? true,
    minVersion: "TLSv1.2"
  }) : new HttpAgent({ keepAlive: true });
  const meta = {
    host: options.host ?? "",
    source: options.source ?? "shiplog",
    sourcetype: options.sourcetype ?? "shiplog",
    index: options.index
  };
  const maxBytes = options.maxBodyBytes ?? 1e6;
  const timeout = options.timeoutMs ?? 3e4;
  function post(body) {
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(
        {
          host: url.hostname.replace(/^\[|\]$/g, ""),
          port: url.port || (url.protocol === "https:" ? 443 : 80),
          path: path + url.search,
          method: "POST",
          agent,
          headers: {
            Authorization: `Splunk ${options.token}`,
            "Content-Type": "application/json",
            "Content-Length": body.length
          }
        },
        (res) => {
          const chunks = [];
          res.on("data", (c) => chunks.push(c));
          res.on(
            "error",
            (e) => reject(new DeliveryError(`${destination}: ${describeError(e)}`, true, { cause: e }))
          );
          res.on("end", () => {
            const raw = Buffer.concat(chunks).toString("utf8");
            let parsed = {};
            try {
              parsed = JSON.parse(raw);
            } catch {
              parsed = {};
            }
            resolve({
              status: res.statusCode ?? 0,
              text: typeof parsed.text === "string" ? parsed.text : void 0,
              code: typeof parsed.code === "number" ? parsed.code : void 0,
              raw
            });
          });
        }
      );
      req.setTimeout(timeout, () => req.destroy(new Error(`no answer within ${timeout} ms`)));
      req.on("error", (e) => {
        const code = e.code ?? "";
        const certificate = /CERT|SELF_SIGNED|UNABLE_TO_|ALTNAME|DEPTH_ZERO/.test(code);
        reject(
          new DeliveryError(
            `${destination}: ${describeError(e)}${certificate ? " (the collector certificate is not trusted; pass its CA with --ca FILE)" : ""}`,
            !certificate,
            { cause: e }
          )
        );
      });
      req.end(body);
    });
  }
  function check(a) {
    if (a.status === 200 && a.code === 0) return;
    const said = a.text !== void 0 ? `"${a.text}"${a.code !== void 0 ? ` (code ${a.code})` : ""}` : a.raw.slice(0, 200);
    const retryable = a.status === 429 || a.status >= 500;
    throw new DeliveryError(
      `${destination} ${retryable ? "could not take" : "refused"} the batch: HTTP ${a.status} ${said}`.trim(),
      retryable
    );
  }
  return {
    destination,
    async send(batch) {
      if (!meta.host) meta.host = await fqdnHostname();
      let parts = [];
      let size = 0;
      for (const m of batch) {
        const e = hecEvent(withBodyWithin(m, options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES), meta);
        const n = Buffer.byteLength(e);
        if (parts.length && size + n > maxBytes) {
          check(await post(Buffer.from(parts.join(""), "utf8")));
          parts = [];
          size = 0;
        }
        parts.push(e);
        size += n;
      }
      if (parts.length) check(await post(Buffer.from(parts.join(""), "utf8")));
    },
    async close() {
      agent.destroy();
    }
  };
}

// src/export/transports/relp.ts
var RELP_SOFTWARE = "shiplog,0.1.0,-";
var MAX_TXNR = 999999999;
function encodeFrame(txnr, command, data = Buffer.alloc(0)) {
  const head = `${txnr} ${command} ${data.length}`;
  return data.length === 0 ? Buffer.from(`${head}
`, "ascii") : Buffer.concat([Buffer.from(`${head} `, "ascii"), data, Buffer.from("\n", "ascii")]);
}
var RelpFrameReader = class {
  buf = Buffer.alloc(0);
  push(chunk) {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const frames = [];
    for (; ; ) {
      const f = this.next();
      if (!f) break;
      frames.push(f);
    }
    return frames;
  }
  next() {
    const sp1 = this.buf.indexOf(32);
    if (sp1 < 0) return this.tooLongHeader();
    const sp2 = this.buf.indexOf(32, sp1 + 1);
    if (sp2 < 0) return this.tooLongHeader();
    let end = sp2 + 1;
    while (end < this.buf.length && this.buf[end] >= 48 && this.buf[end] <= 57) end++;
    if (end === this.buf.length) return this.tooLongHeader();
    const txnrText = this.buf.subarray(0, sp1).toString("ascii");
    const command = this.buf.subarray(sp1 + 1, sp2).toString("ascii");
    const lenText = this.buf.subarray(sp2 + 1, end).toString("ascii");
    if (!/^\d{1,9}$/.test(txnrText) || !/^[a-z]{1,32}$/.test(command) || !/^\d{1,9}$/.test(lenText)) {
      throw new DeliveryError(
        `RELP: malformed frame header "${this.buf.subarray(0, 40).toString("latin1")}"`,
        true
      );
    }
    const len = Number(lenText);
    let dataStart = end;
    if (this.buf[end] === 32) dataStart = end + 1;
    else if (len > 0 || this.buf[end] !== 10)
      throw new DeliveryError("RELP: malformed frame (no space before data)", true);
    if (this.buf.length < dataStart + len + 1) return void 0;
    if (this.buf[dataStart + len] !== 10) throw new DeliveryError("RELP: frame trailer is not LF", true);
    const data = Buffer.from(this.buf.subarray(dataStart, dataStart + len));
    this.buf = this.buf.subarray(dataStart + len + 1);
    return { txnr: Number(txnrText), command, data };
  }
  tooLongHeader() {
    if (this.buf.length > 64 && this.buf.indexOf(10) < 0 && this.buf.subarray(0, 64).indexOf(32) < 0) {
      throw new DeliveryError("RELP: no frame header in the first 64 bytes", true);
    }
    return void 0;
  }
};
function parseResponse(data) {
  const s = data.toString("utf8");
  const nl = s.indexOf("\n");
  const line = nl < 0 ? s : s.slice(0, nl);
  const m = /^(\d{3})\s?(.*)$/.exec(line);
  return { code: m ? Number(m[1]) : 0, text: m ? m[2] : line, rest: nl < 0 ? "" : s.slice(nl + 1) };
}
var RelpSession = class {
  constructor(socket, window, ackTimeoutMs, where) {
    this.socket = socket;
    this.window = window;
    this.ackTimeoutMs = ackTimeoutMs;
    this.where = where;
    socket.on("data", (chunk) => {
      try {
        for (const f of this.reader.push(chunk)) this.onFrame(f);
      } catch (e) {
        this.abort(e);
      }
    });
    socket.on(
      "error",
      (e) => this.fail(new DeliveryError(`${where}: ${describeError(e)}`, true, { cause: e }))
    );
    socket.on(
      "close",
      () => this.fail(new DeliveryError(`${where}: connection closed by the collector`, true))
    );
  }
  socket;
  window;
  ackTimeoutMs;
  where;
  reader = new RelpFrameReader();
  pending = /* @__PURE__ */ new Map();
  waiters = [];
  nextTxnr = 1;
  dead;
  takeTxnr() {
    const t = this.nextTxnr;
    this.nextTxnr = t >= MAX_TXNR ? 1 : t + 1;
    return t;
  }
  onFrame(f) {
    if (f.command === "serverclose") {
      return this.abort(
        new DeliveryError(`${this.where}: the collector closed the session (serverclose)`, true)
      );
    }
    if (f.command !== "rsp") {
      return this.abort(new DeliveryError(`${this.where}: unexpected RELP command "${f.command}"`, true));
    }
    const p = this.pending.get(f.txnr);
    if (!p)
      return this.abort(new DeliveryError(`${this.where}: response to unknown transaction ${f.txnr}`, true));
    this.pending.delete(f.txnr);
    p.resolve(f.data);
    this.waiters.shift()?.();
  }
  /** Every command still waiting fails with `e`; the session is not used again. */
  fail(e) {
    if (this.dead) return;
    this.dead = e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
    for (const w of this.waiters.splice(0)) w();
  }
  abort(e) {
    this.fail(e);
    this.socket.destroy();
  }
  /** Sends one command once the window has room; resolves with the response's DATA. */
  async request(name, data) {
    while (!this.dead && this.pending.size >= this.window) {
      await new Promise((resolve) => this.waiters.push(resolve));
    }
    if (this.dead) throw this.dead;
    const txnr = this.takeTxnr();
    const answer = new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.abort(
          new DeliveryError(`${this.where}: no answer to ${name} within ${this.ackTimeoutMs} ms`, true)
        );
      }, this.ackTimeoutMs);
      this.pending.set(txnr, {
        resolve: (d) => {
          clearTimeout(timer);
          resolve(d);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        }
      });
    });
    this.socket.write(encodeFrame(txnr, name, data));
    return answer;
  }
  /** `open`: our offers out, the collector's back; it must accept the syslog command. */
  async open() {
    const offers = Buffer.from(`relp_version=0
relp_software=${RELP_SOFTWARE}
commands=syslog`, "ascii");
    const r = parseResponse(await this.request("open", offers));
    if (r.code !== 200) {
      throw new DeliveryError(
        `${this.where}: the collector refused the RELP session: ${r.code} ${r.text}`,
        false
      );
    }
    const commands = /(?:^|\n)commands=([^\n]*)/.exec(r.rest)?.[1] ?? "";
    if (!commands.split(",").includes("syslog")) {
      throw new DeliveryError(`${this.where}: the RELP collector does not offer the syslog command`, false);
    }
  }
  /** Resolves when the collector acknowledged this message with 200. */
  async syslog(message) {
    const r = parseResponse(await this.request("syslog", message));
    if (r.code !== 200)
      throw new DeliveryError(`${this.where}: the collector answered ${r.code} ${r.text}`.trim(), true);
  }
  async close() {
    if (this.dead) return;
    try {
      await this.request("close");
    } catch {
    }
  }
};
function openRelp(options) {
  const tls = options.tls ? tlsOptions(options) : void 0;
  const destination = `relp${tls ? "+tls" : ""}://${options.host}:${options.port}`;
  const window = options.window ?? 128;
  if (!Number.isSafeInteger(window) || window < 1)
    throw new ShiplogError("USAGE", "RELP window must be 1 or more");
  let session;
  let socket;
  async function current() {
    if (session && !session.dead) return session;
    socket?.destroy();
    const s = await connectStream(options, tls);
    socket = s;
    session = new RelpSession(s, window, options.ackTimeoutMs ?? 3e4, destination);
    await session.open();
    return session;
  }
  return {
    destination,
    async send(batch) {
      if (batch.length === 0) return;
      const s = await current();
      options.hostname ??= await fqdnHostname();
      const acks = batch.map((m) => s.syslog(fittedSyslogMessage(m, options)));
      const results = await Promise.allSettled(acks);
      const failed = results.find((r) => r.status === "rejected");
      if (failed) throw failed.reason;
    },
    async close() {
      const s = session;
      session = void 0;
      if (s) await s.close();
      socket?.end();
      socket?.destroy();
      socket = void 0;
    }
  };
}

// src/export/transports/syslog-stream.ts
function openSyslogStream(options) {
  const tls = options.tls ? tlsOptions(options) : void 0;
  const destination = `syslog+${tls ? "tls" : "tcp"}://${options.host}:${options.port}`;
  let socket;
  let broken;
  async function connection() {
    if (socket && !socket.destroyed && !broken && socket.writable) return socket;
    socket?.destroy();
    broken = void 0;
    const s = await connectStream(options, tls);
    s.on("error", (e) => {
      broken = e;
    });
    s.on("close", () => {
      broken ??= new Error("connection closed by the collector");
    });
    s.on("data", () => {
    });
    s.on("end", () => {
      broken ??= new Error("the collector ended the connection");
      s.destroy();
    });
    socket = s;
    return s;
  }
  function write(s, data) {
    const timeout = options.writeTimeoutMs ?? 3e4;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        s.destroy();
        reject(new DeliveryError(`${destination}: write not taken within ${timeout} ms`, true));
      }, timeout);
      const onClose = () => fail(broken ?? new Error("connection closed"));
      const fail = (e) => {
        clearTimeout(timer);
        s.off("close", onClose);
        reject(new DeliveryError(`${destination}: ${describeError(e)}`, true, { cause: e }));
      };
      s.once("close", onClose);
      s.write(data, (err) => {
        clearTimeout(timer);
        s.off("close", onClose);
        if (err) fail(err);
        else if (broken) fail(broken);
        else resolve();
      });
    });
  }
  return {
    destination,
    async send(batch) {
      if (batch.length === 0) return;
      const s = await connection();
      options.hostname ??= await fqdnHostname();
      const frames = Buffer.concat(batch.map((m) => octetCounted(fittedSyslogMessage(m, options))));
      await write(s, frames);
    },
    async close() {
      const s = socket;
      socket = void 0;
      if (!s || s.destroyed) return;
      await new Promise((resolve) => {
        const timer = setTimeout(() => {
          s.destroy();
          resolve();
        }, 5e3);
        s.end(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      s.destroy();
    }
  };
}

// src/export/transports/open.ts
function hostPort(url, what) {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!host) throw new ShiplogError("USAGE", `${what} URL needs a host: ${url.href}`);
  if (!url.port)
    throw new ShiplogError("USAGE", `${what} URL needs a port, e.g. ${url.protocol}//${host}:6514`);
  return { host, port: Number(url.port) };
}
function openTransport(destination, options = {}) {
  let url;
  try {
    url = new URL(destination);
  } catch {
    throw new ShiplogError("USAGE", `not a destination URL: ${destination}`);
  }
  const stream = {
    connectTimeoutMs: options.connectTimeoutMs,
    hostname: options.hostname,
    sdId: options.sdId,
    maxMessageBytes: options.maxMessageBytes
  };
  switch (url.protocol) {
    case "syslog+tcp:":
      return openSyslogStream({ ...hostPort(url, "syslog"), ...stream, writeTimeoutMs: options.timeoutMs });
    case "syslog+tls:":
      return openSyslogStream({
        ...hostPort(url, "syslog"),
        ...stream,
        tls: options.tls ?? {},
        writeTimeoutMs: options.timeoutMs
      });
    case "relp:":
      return openRelp({
        ...hostPort(url, "RELP"),
        ...stream,
        window: options.window,
        ackTimeoutMs: options.timeoutMs
      });
    case "https:":
    case "http:":
      return openHec({
        url,
        token: options.token ?? "",
        host: options.hostname,
        sourcetype: options.sourcetype,
        index: options.index,
        tls: options.tls,
        maxMessageBytes: options.maxMessageBytes,
        timeoutMs: options.timeoutMs
      });
    default:
      throw new ShiplogError(
        "USAGE",
        `unknown destination scheme "${url.protocol}": use syslog+tcp://, syslog+tls://, relp:// or https:// (Splunk HEC)`
      );
  }
}

// src/export/alarms.ts
var LISTED = 5;
function ledgerAlarms(failed, gone) {
  const alarms = [];
  for (const s of failed) {
    const r = s.report;
    const rewritten = r.problems.some((p) => p.check === "consistency");
    const listed = r.problems.slice(0, LISTED).map((p) => `${p.check}${p.seq !== void 0 ? ` (seq ${p.seq})` : ""}: ${p.message}`);
    if (r.problems.length > LISTED)
      listed.push(`and ${r.problems.length - LISTED} more (run "shiplog verify")`);
    alarms.push({
      kind: rewritten ? "force-push" : "unexpected-commits",
      repository: r.remote,
      branch: r.branch,
      after: r.tip,
      pusher: "unknown (found by shiplog forward)",
      problems: listed,
      key: r.tip
    });
  }
  for (const g of gone)
    alarms.push({
      kind: "deleted",
      repository: g.remote,
      branch: g.branch,
      pusher: "unknown (found by shiplog forward)",
      problems: ["the cursor names this shard, but the remote no longer has it"],
      key: "deleted"
    });
  return alarms;
}
function alarmMessage(alarm, format, now, options = {}) {
  const finding = alarmFinding(alarm, now, options);
  const uid = finding.finding_info.uid;
  const body = format === "ocsf" ? finding : { ledger_alarm: { ...alarm, uid, time: now.toISOString() } };
  return {
    id: uid,
    body: JSON.stringify(body),
    type: "ledger-alarm",
    time: now.getTime(),
    severity: SYSLOG_SEVERITY.critical
  };
}

// src/export/verified-ledgers.ts
async function verifyAll(each, opts) {
  return each(async (location) => {
    const label = opts.labelled ? location.branch : void 0;
    const since = opts.since(location.branch);
    const from = since === void 0 ? 0 : parseCheckpoint(since).size;
    let count = 0;
    const { verified: _none, ...report } = await verifyLedger({
      location,
      trusted: opts.trusted,
      since,
      jobs: opts.jobs,
      onEntry: (v) => {
        if (v.seq < from) return;
        count++;
        opts.onEntry(
          {
            seq: v.seq,
            hash: v.hash,
            ledgerCommit: v.ledgerCommit,
            // onEntry hands over only entries a trusted key signed; the fallback keeps the type honest.
            keyid: v.keyid ?? "",
            statement: v.statement,
            envelope: v.envelope,
            ...label !== void 0 ? { shard: label } : {}
          },
          v.checkpointBlob
        );
      },
      ...opts.onProgress ? { onProgress: opts.onProgress } : {}
    });
    return { location, label, report, count };
  });
}
function refuseUnlessVerified(shards, gone, what, tell) {
  const failed = shards.filter((s) => !s.report.ok);
  if (failed.length === 0 && gone.length === 0) return;
  const lines = [];
  for (const s of failed) {
    const r = s.report;
    lines.push(`shiplog: ${r.branch}: ledger INVALID: ${r.problems.length} problem(s)`);
    const row = (p) => {
      const at2 = [
        p.seq !== void 0 ? `seq ${p.seq}` : "",
        p.commit ? `commit ${p.commit.slice(0, 12)}` : ""
      ].filter(Boolean).join(" ");
      return `${p.check}${at2 ? ` (${at2})` : ""}: ${p.message}`;
    };
    const text = renderProblems(r.problems, (rows) => rows.map(row).join("\n"));
    for (const l of text.split("\n")) lines.push(`  ${l}`);
  }
  for (const b of gone)
    lines.push(`shiplog: ${b}: the checkpoint file names this shard, but the remote no longer has it`);
  tell(lines);
  const names = [...failed.map((s) => s.report.branch), ...gone];
  throw new ShiplogError(
    "VERIFY_FAILED",
    `${names.join(", ")} did not verify (run "shiplog verify" for the full report); nothing was ${what}`
  );
}
function tipCheckpoint(s) {
  const text = s.report.checkpointText;
  if (text === void 0)
    throw new ShiplogError("VERIFY_FAILED", `${s.report.branch}: the tip has no checkpoint`);
  return text;
}
async function checkpointAfter(s, e, blob) {
  if (e.hash === s.report.head && s.report.checkpointText !== void 0) {
    const cp = parseCheckpoint(s.report.checkpointText);
    if (cp.size === e.seq + 1) return s.report.checkpointText;
  }
  if (!blob) {
    throw new ShiplogError(
      "VERIFY_FAILED",
      `${s.location.branch}: no checkpoint after seq ${e.seq} in its ledger commit`
    );
  }
  return readLedgerBlob(s.location, blob);
}
function checkCursor(cursor, o, destination, format) {
  if (!cursor) return;
  if (cursor.destination !== destination) {
    throw new ShiplogError(
      "USAGE",
      `cursor file ${o.path} tracks ${cursor.destination}, not ${destination}: use one cursor file per destination`
    );
  }
  if (cursor.format && cursor.format !== format) {
    throw new ShiplogError(
      "USAGE",
      `cursor file ${o.path} tracks a ${cursor.format} stream: pass ${o.hint.format} ${cursor.format}, or start a new cursor file for ${format}`
    );
  }
  for (const p of cursor.positions) {
    if (p.shard !== void 0 !== o.allShards) {
      throw new ShiplogError(
        "USAGE",
        o.allShards ? `cursor file ${o.path} was written by forward without ${o.hint.shards}: run it that way, or start a new cursor file` : `cursor file ${o.path} was written by forward ${o.hint.shards}: pass ${o.hint.shards}, or start a new cursor file`
      );
    }
    let cp;
    try {
      cp = parseCheckpoint(p.checkpoint);
    } catch (e) {
      throw new ShiplogError("BAD_INPUT", `cursor file ${o.path}: ${e.message}`);
    }
    if (cp.size !== p.seq + 1) {
      throw new ShiplogError(
        "BAD_INPUT",
        `cursor file ${o.path}: the position at seq ${p.seq} does not match its checkpoint (size ${cp.size}); fix or remove it (removing sends everything again)`
      );
    }
  }
}

// src/export/forward-ledger.ts
async function forwardLedgers(o) {
  const transport = openTransport(o.to, {
    tls: o.tls,
    token: o.token,
    sourcetype: `shiplog:${o.format}`,
    sdId: o.sdId,
    maxMessageBytes: o.maxMessageBytes
  });
  try {
    const cursor = await readCursor(o.cursorPath);
    checkCursor(
      cursor,
      { path: o.cursorPath, allShards: o.labelled, hint: o.hint },
      transport.destination,
      o.format
    );
    const spool = Spool.temporary("forward");
    try {
      return await forwardSpooled(o, transport, cursor, spool);
    } finally {
      spool.remove();
    }
  } finally {
    await transport.close();
  }
}
async function forwardSpooled(o, transport, cursor, spool) {
  const shards = await verifyAll(o.each, {
    trusted: o.trusted,
    jobs: o.jobs,
    labelled: o.labelled,
    since: (branch) => cursor?.positions.find((p) => p.shard === (o.labelled ? branch : void 0))?.checkpoint,
    onEntry: (entry, checkpointBlob) => spool.write(JSON.stringify({ entry, checkpointBlob }) + "\n"),
    ...o.onProgress ? { onProgress: o.onProgress } : {}
  });
  const gone = o.labelled ? (cursor?.positions ?? []).map((p) => p.shard).filter((b) => !shards.some((s) => s.location.branch === b)) : [];
  const failed = shards.filter((s) => !s.report.ok);
  if (failed.length || gone.length) {
    const remote = shards[0]?.location.remote ?? "";
    const alarms = ledgerAlarms(
      failed,
      gone.map((branch) => ({ remote, branch }))
    );
    try {
      await transport.send(
        alarms.map((a) => alarmMessage(a, o.format, /* @__PURE__ */ new Date(), { productVersion: o.productVersion }))
      );
      o.log.warning(
        `sent ${alarms.length} ledger alarm(s) to ${transport.destination}; no entry was forwarded`
      );
    } catch (e) {
      o.log.warning(`could not send the ledger alarm to ${transport.destination}: ${e.message}`);
    }
  }
  refuseUnlessVerified(shards, gone, "forwarded", o.tell);
  const byShard = new Map(shards.map((s) => [s.label, s]));
  const blobs = /* @__PURE__ */ new WeakMap();
  async function* entries() {
    for await (const line of spool.lines()) {
      const { entry, checkpointBlob } = JSON.parse(line);
      if (checkpointBlob) blobs.set(entry, checkpointBlob);
      yield entry;
    }
  }
  const result = await forward({
    entries: entries(),
    format: o.format,
    transport,
    cursor: {
      path: o.cursorPath,
      checkpointAfter: (e) => checkpointAfter(byShard.get(e.shard), e, blobs.get(e))
    },
    batchSize: o.batch,
    ...o.attempts !== void 0 ? { retry: { attempts: o.attempts } } : {},
    ocsf: { productVersion: o.productVersion },
    log: o.log
  });
  return { result, destination: transport.destination };
}
export {
  Spool,
  csvHeader,
  csvLine,
  exportCsvRow,
  formatBody,
  formatCheckpointSet,
  forward,
  forwardLedgers,
  openTransport,
  parseCheckpointSet,
  parseMaxMessageBytes,
  parseSdId,
  parseStreamFormat,
  readCursor,
  refuseUnlessVerified,
  tipCheckpoint,
  verifyAll,
  writeFileAtomically,
  writeToStdout
};
