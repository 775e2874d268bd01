#!/usr/bin/env node
import { createRequire as __shiplogCreateRequire } from 'node:module';
const require = __shiplogCreateRequire(import.meta.url);
import {
  ShiplogError
} from "./chunk-KB55KBSJ.js";

// src/reconcile/redeliver.ts
var DELIVERY_RETENTION_MS = 3 * 864e5;
function deliveredOk(d) {
  return d.statusCode >= 200 && d.statusCode < 300;
}
function planRedeliveries(deliveries, since) {
  const inWindow2 = deliveries.filter((d) => Date.parse(d.deliveredAt) >= since.getTime());
  const byGuid = /* @__PURE__ */ new Map();
  for (const d of inWindow2) byGuid.set(d.guid, [...byGuid.get(d.guid) ?? [], d]);
  const redeliver = [];
  let recovered = 0;
  for (const attempts of byGuid.values()) {
    const failed = attempts.filter((d) => !deliveredOk(d));
    if (!failed.length) continue;
    if (attempts.some(deliveredOk)) {
      recovered++;
      continue;
    }
    redeliver.push(failed.reduce((a, b) => newer(b, a) ? b : a));
  }
  const first = (attempts) => Math.min(...attempts.map((d) => Date.parse(d.deliveredAt)));
  redeliver.sort((a, b) => first(byGuid.get(a.guid)) - first(byGuid.get(b.guid)) || a.id - b.id);
  return {
    redeliver,
    deliveries: inWindow2.length,
    failed: inWindow2.filter((d) => !deliveredOk(d)).length,
    recovered
  };
}
var newer = (a, b) => Date.parse(a.deliveredAt) > Date.parse(b.deliveredAt) || a.deliveredAt === b.deliveredAt && a.id > b.id;

// src/audit/entry.ts
function deployOutcome(p) {
  if (p.type !== "deploy") return void 0;
  const status = p.details?.status;
  if (status === void 0 || status === "success") return "success";
  if (status === "failure" || status === "started" || status === "rolled-back") return status;
  return "unknown";
}
var isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
var str = (v) => typeof v === "string" ? v : void 0;
var list = (v) => Array.isArray(v) ? v : [];
function reviewers(v) {
  return list(v).filter(isObject).filter((r) => typeof r.login === "string").map((r) => ({
    login: r.login,
    ...r.stale === true ? { stale: true } : {},
    ...typeof r.reason === "string" ? { reason: r.reason } : {}
  }));
}
function approvalView(v) {
  if (!isObject(v) || typeof v.status !== "string") return void 0;
  return {
    status: v.status,
    approvers: reviewers(v.approvers),
    changes_requested: reviewers(v.changes_requested),
    not_counted: reviewers(v.not_counted)
  };
}
function loginOf(v) {
  return str(v) ?? (isObject(v) ? str(v.login) : void 0);
}
function changeSetOf(p) {
  const raw = p.change_set;
  if (raw === void 0) return void 0;
  if (!isObject(raw)) return { readable: false, problem: "predicate.change_set is not an object" };
  const commits = raw.commits;
  if (!isObject(commits) || !Number.isSafeInteger(commits.count))
    return { readable: false, problem: "predicate.change_set.commits has no count" };
  if (typeof raw.complete !== "boolean")
    return { readable: false, problem: "predicate.change_set.complete is missing" };
  const prs = [];
  for (const pr of list(raw.pull_requests)) {
    if (!isObject(pr) || !Number.isSafeInteger(pr.number)) continue;
    prs.push({
      number: pr.number,
      title: str(pr.title),
      author: loginOf(pr.author),
      merged_at: str(pr.merged_at),
      // Evidence missing from a PR is no approval: an unknown status never reads as approved.
      approval: approvalView(pr.approval) ?? {
        status: "unknown",
        approvers: [],
        changes_requested: [],
        not_counted: []
      }
    });
  }
  const removed = raw.removed_commits;
  return {
    readable: true,
    base: str(raw.base) ?? null,
    relation: str(raw.relation) ?? "unknown",
    commits: {
      count: commits.count,
      list: list(commits.list).filter(isObject).filter((c) => typeof c.sha === "string").map((c) => ({
        sha: c.sha,
        pull_request: Number.isSafeInteger(c.pull_request) ? c.pull_request : null
      }))
    },
    pull_requests: prs,
    uncovered_commits: list(raw.uncovered_commits).filter(isObject).filter((c) => typeof c.sha === "string").map((c) => ({
      sha: c.sha,
      author: str(c.author) ?? "unknown",
      message: str(c.message) ?? "",
      reason: ["no-pull-request", "unapproved-pull-request"].includes(c.reason) ? c.reason : "unknown"
    })),
    removed_commits: {
      count: isObject(removed) && Number.isSafeInteger(removed.count) ? removed.count : 0
    },
    complete: raw.complete,
    truncated: list(raw.truncated).filter((t) => typeof t === "string")
  };
}
function pullRequestOf(p) {
  const raw = isObject(p.details?.pull_request) ? p.details.pull_request : p.approval?.pull_request;
  if (!isObject(raw) || !Number.isSafeInteger(raw.number)) return void 0;
  return { number: raw.number, title: str(raw.title), author: loginOf(raw.author) };
}
function reviewedOverride(p) {
  const o = p.details?.override;
  if (!isObject(o)) return {};
  return {
    hash: str(o.hash),
    seq: Number.isSafeInteger(o.seq) ? o.seq : void 0,
    at: str(o.at)
  };
}
function reviewedAt(p) {
  const review = p.details?.review;
  const candidates = [p.details?.reviewed_at, isObject(review) ? review.submitted_at : void 0];
  return candidates.find((t) => typeof t === "string" && !Number.isNaN(Date.parse(t))) ?? p.timestamp;
}
function actorOf(p) {
  return loginOf(p.actor);
}
function detailString(p, key) {
  return str(p.details?.[key]);
}
var shortSha = (sha) => sha.slice(0, 7);
function quoted(text, max = 80) {
  const one = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ").trim();
  return `"${one.length > max ? `${one.slice(0, max - 1)}\u2026` : one}"`;
}

// src/text/duration.ts
var UNIT_MS = { s: 1e3, m: 6e4, h: 36e5, d: 864e5, w: 6048e5 };
var HOUR_MS = UNIT_MS.h;
var DAY_MS = UNIT_MS.d;
var MINUTE_MS = UNIT_MS.m;
var DURATION = /^([1-9][0-9]{0,5})(s|m|h|d|w)$/;
function durationMs(text, units = ["m", "h", "d", "w"]) {
  const m = DURATION.exec(text.trim());
  if (!m || !units.includes(m[2])) return void 0;
  return Number(m[1]) * UNIT_MS[m[2]];
}

// src/audit/window.ts
var DATE = /^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d))?$/;
function parseDuration(text, flag) {
  const ms = durationMs(text);
  if (ms === void 0)
    throw new ShiplogError("USAGE", `${flag} must be a duration like 72h, 30d or 2w (got "${text}")`);
  return ms;
}
var MAX_LOOKBACK_DAYS = 3650;
function parsePointInTime(text, flag, now) {
  const ms = durationMs(text);
  if (ms !== void 0) {
    if (ms > MAX_LOOKBACK_DAYS * DAY_MS)
      throw new ShiplogError(
        "USAGE",
        `${flag} ${text.trim()} reaches back to ${new Date(now.getTime() - ms).toISOString().slice(0, 10)}; a duration goes back at most ${MAX_LOOKBACK_DAYS}d (10 years) \u2014 give a date for an older start`
      );
    return new Date(now.getTime() - ms);
  }
  const t = DATE.test(text.trim()) ? Date.parse(text.trim()) : NaN;
  if (Number.isNaN(t)) {
    throw new ShiplogError(
      "USAGE",
      `${flag} must be a date (2026-03-01, 2026-03-01T09:00:00Z) or a duration back from now like 30d or 12h (got "${text}")`
    );
  }
  return new Date(t);
}
function formatWindow(ms) {
  if (ms % HOUR_MS === 0) return `${ms / HOUR_MS}h`;
  return `${Math.round(ms / MINUTE_MS)}m`;
}
function formatDuration(ms) {
  const s = Math.round(Math.abs(ms) / 1e3);
  const sign = ms < 0 ? "-" : "";
  if (s < 60) return `${sign}${s}s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${sign}${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${sign}${h}h${m % 60 ? ` ${m % 60}m` : ""}`;
  const d = Math.floor(h / 24);
  return `${sign}${d}d${h % 24 ? ` ${h % 24}h` : ""}`;
}
function formatTime(iso) {
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(:\d\d)?(\.\d+)?Z$/.exec(iso);
  if (!m) return iso;
  return `${m[1]} ${m[2]}${m[3] && m[3] !== ":00" ? m[3] : ""} UTC`;
}

// src/reconcile/compare.ts
var DIFFERENCE_KINDS = ["unrecorded-deploy", "unmatched-entry"];
var DEFAULT_TOLERANCE_MS = 36e5;
var same = (a, b) => a.toLowerCase() === b.toLowerCase();
function runIdOf(run) {
  const id = run?.id;
  if (typeof id === "number" && Number.isSafeInteger(id)) return id;
  if (typeof id === "string" && /^\d{1,15}$/.test(id)) return Number(id);
  return void 0;
}
function ledgerDeploys(entries, scope) {
  const out = [];
  for (const e of entries) {
    const p = e.statement.predicate;
    if (deployOutcome(p) !== "success") continue;
    if (!same(p.repository, scope.repository) || !same(p.environment ?? "", scope.environment)) continue;
    const runId = runIdOf(p.run);
    out.push({
      seq: e.seq,
      hash: e.hash,
      commit: p.commit.toLowerCase(),
      environment: p.environment,
      timestamp: p.timestamp,
      time: Date.parse(p.timestamp),
      ...runId !== void 0 ? { runId } : {},
      ...e.branch !== void 0 ? { shard: e.branch } : {}
    });
  }
  return out;
}
function distance(d, time) {
  const start = Date.parse(d.createdAt);
  const end = Math.max(start, Date.parse(d.succeededAt ?? d.latest?.createdAt ?? d.createdAt));
  return time < start ? start - time : time > end ? time - end : 0;
}
function candidatePairs(deployments, entries, toleranceMs) {
  const byCommit = /* @__PURE__ */ new Map();
  entries.forEach((e, i) => byCommit.set(e.commit, [...byCommit.get(e.commit) ?? [], i]));
  const pairs = [];
  deployments.forEach((d, di) => {
    for (const ei of byCommit.get(d.sha.toLowerCase()) ?? []) {
      const e = entries[ei];
      if (!same(d.environment, e.environment)) continue;
      const bothRuns = d.runId !== void 0 && e.runId !== void 0;
      if (bothRuns && d.runId !== e.runId) continue;
      const gap = distance(d, e.time);
      if (!bothRuns && gap > toleranceMs) continue;
      pairs.push({ d: di, e: ei, rank: [bothRuns ? 0 : 1, d.succeededAt ? 0 : 1, gap] });
    }
  });
  return pairs.sort((a, b) => a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1] || a.rank[2] - b.rank[2]);
}
function inWindow(time, scope) {
  return time >= scope.since.getTime() && time <= scope.until.getTime();
}
function reconcile(deployments, entries, scope) {
  const toleranceMs = scope.toleranceMs ?? DEFAULT_TOLERANCE_MS;
  const ours = deployments.filter((d) => same(d.environment, scope.environment));
  const deploys = ledgerDeploys(entries, scope);
  const pairs = candidatePairs(ours, deploys, toleranceMs);
  const recordOf = /* @__PURE__ */ new Map();
  const used = /* @__PURE__ */ new Set();
  for (const p of pairs) {
    if (recordOf.has(p.d) || used.has(p.e)) continue;
    recordOf.set(p.d, p.e);
    used.add(p.e);
  }
  const maybeDeployment = new Set(pairs.map((p) => p.e));
  const windowed = ours.filter((d) => inWindow(Date.parse(d.createdAt), scope));
  const owed = windowed.filter((d) => d.succeededAt !== void 0);
  const windowedEntries = deploys.filter((e) => inWindow(e.time, scope));
  const usesDeployments = windowed.length > 0;
  const differences = [];
  ours.forEach((d, i) => {
    if (d.succeededAt === void 0 || !inWindow(Date.parse(d.createdAt), scope) || recordOf.has(i)) return;
    differences.push({ ...unrecorded(d), at: Date.parse(d.createdAt) });
  });
  if (usesDeployments) {
    deploys.forEach((e, i) => {
      if (!inWindow(e.time, scope) || maybeDeployment.has(i)) return;
      differences.push({ ...unmatched(e, ours, toleranceMs), at: e.time });
    });
  }
  differences.sort((a, b) => a.at - b.at);
  const counts = Object.fromEntries(
    DIFFERENCE_KINDS.map((k) => [k, differences.filter((x) => x.kind === k).length])
  );
  return {
    status: differences.length ? "drift" : "reconciled",
    repository: scope.repository,
    environment: scope.environment,
    since: scope.since.toISOString(),
    until: scope.until.toISOString(),
    tolerance_seconds: Math.round(toleranceMs / 1e3),
    uses_deployments: usesDeployments,
    compared: {
      deployments: windowed.length,
      successful_deployments: owed.length,
      entries: windowedEntries.length,
      recorded: owed.length - counts["unrecorded-deploy"]
    },
    counts,
    differences: differences.map(({ at: _at, ...d }) => d)
  };
}
function unrecorded(d) {
  const state = d.latest?.state ?? "success";
  const by = d.creator ? ` by ${d.creator}` : "";
  const run = d.runId !== void 0 ? ` (run ${d.runId})` : "";
  return {
    kind: "unrecorded-deploy",
    deployment_id: d.id,
    commit: d.sha,
    ref: d.ref,
    environment: d.environment,
    creator: d.creator,
    created_at: d.createdAt,
    succeeded_at: d.succeededAt,
    state,
    ...d.runId !== void 0 ? { run_id: d.runId } : {},
    why: `GitHub deployment ${d.id} of ${shortSha(d.sha)} (${d.ref}) to ${d.environment}${by}${run}, created ${formatTime(d.createdAt)}, succeeded ${formatTime(d.succeededAt)}${state === "success" ? "" : ` (now ${state})`}, has no deploy entry in the ledger`
  };
}
function unmatched(e, deployments, toleranceMs) {
  const ofCommit = deployments.filter((d) => d.sha.toLowerCase() === e.commit);
  let detail = `GitHub has no deployment of that commit to ${e.environment}`;
  if (ofCommit.length) {
    const otherRun = ofCommit.find(
      (d) => d.runId !== void 0 && e.runId !== void 0 && d.runId !== e.runId
    );
    detail = otherRun ? `GitHub's deployment of that commit (${otherRun.id}) was made by run ${otherRun.runId}, not run ${e.runId}` : `GitHub's deployments of that commit to ${e.environment} are more than ${formatWindow(toleranceMs)} away from it`;
  }
  const run = e.runId !== void 0 ? ` by run ${e.runId}` : "";
  return {
    kind: "unmatched-entry",
    seq: e.seq,
    hash: e.hash,
    commit: e.commit,
    environment: e.environment,
    timestamp: e.timestamp,
    ...e.runId !== void 0 ? { run_id: e.runId } : {},
    ...e.shard !== void 0 ? { shard: e.shard } : {},
    why: `deploy entry seq ${e.seq} records ${shortSha(e.commit)} to ${e.environment}${run} at ${formatTime(e.timestamp)}, but ${detail}`
  };
}

export {
  HOUR_MS,
  DAY_MS,
  parseDuration,
  parsePointInTime,
  formatWindow,
  formatDuration,
  formatTime,
  DELIVERY_RETENTION_MS,
  planRedeliveries,
  deployOutcome,
  approvalView,
  changeSetOf,
  pullRequestOf,
  reviewedOverride,
  reviewedAt,
  actorOf,
  detailString,
  shortSha,
  quoted,
  DEFAULT_TOLERANCE_MS,
  reconcile
};
