#!/usr/bin/env node
import { createRequire as __shiplogCreateRequire } from 'node:module';
const require = __shiplogCreateRequire(import.meta.url);
import {
  complianceFinding
} from "./chunk-2U7BYBLZ.js";
import "./chunk-HU7NOGPT.js";
import "./chunk-GCCZYBLX.js";
import "./chunk-KB55KBSJ.js";

// src/export/findings.ts
import { createHash } from "node:crypto";
var EXCEPTION_SEVERITY = {
  "uncovered-commits": "high",
  "unapproved-pr": "high",
  "direct-push-deploy": "high",
  "unrecorded-deploy": "high",
  "incomplete-evidence": "medium",
  "approval-not-collected": "medium",
  "override-not-reviewed": "medium",
  "override-reviewed-late": "low"
};
function stableUid(parts) {
  return `sha256:${createHash("sha256").update(JSON.stringify(parts)).digest("hex")}`;
}
function shortSha(c) {
  return c.slice(0, 7);
}
function exceptionFinding(x, options = {}) {
  const where = `${x.repository}${x.environment ? ` ${x.environment}` : ""}`;
  const time = Date.parse(x.timestamp);
  return complianceFinding(
    {
      uid: stableUid(["audit", x.kind, x.hash, x.pull_requests ?? [], x.commits ?? []]),
      title: `${x.kind}: ${where} at ${shortSha(x.commit)}`,
      desc: x.why,
      time: Number.isNaN(time) ? 0 : time,
      severity: EXCEPTION_SEVERITY[x.kind] ?? "medium",
      status: "fail",
      control: `audit:${x.kind}`,
      types: [`audit:${x.kind}`],
      entry: { seq: x.seq, hash: x.hash },
      resources: [{ type: "Git Commit", name: `${x.repository}@${shortSha(x.commit)}`, uid: x.commit }],
      details: {
        kind: x.kind,
        repository: x.repository,
        commit: x.commit,
        ...x.environment !== void 0 ? { environment: x.environment } : {},
        ...x.shard !== void 0 ? { shard: x.shard } : {},
        ...x.pull_requests ? { pull_requests: x.pull_requests } : {},
        ...x.commits ? { commits: x.commits } : {}
      }
    },
    options
  );
}
var ALARM_WHAT = {
  "force-push": "was force-pushed (history rewritten)",
  deleted: "was deleted",
  "unexpected-commits": "received commits that are not ledger appends",
  "non-linear": "is no longer a straight line of appends"
};
function alarmFinding(alarm, time, options = {}) {
  const what = ALARM_WHAT[alarm.kind] ?? alarm.kind;
  return complianceFinding(
    {
      uid: stableUid(["alarm", alarm.kind, alarm.repository, alarm.branch, alarm.key]),
      title: `ledger alarm: ${alarm.repository} branch ${alarm.branch} ${what}`,
      desc: [`pushed by ${alarm.pusher}`, ...alarm.problems].join("; "),
      time,
      severity: "critical",
      status: "fail",
      control: `alarm:${alarm.kind}`,
      types: [`alarm:${alarm.kind}`],
      resources: [{ type: "Ledger Branch", name: alarm.branch, uid: `${alarm.repository}:${alarm.branch}` }],
      details: {
        kind: alarm.kind,
        repository: alarm.repository,
        branch: alarm.branch,
        pusher: alarm.pusher,
        ...alarm.before ? { before: alarm.before } : {},
        ...alarm.after ? { after: alarm.after } : {},
        problems: alarm.problems
      }
    },
    options
  );
}
function renderFindingsOcsf(exceptions, options = {}) {
  return exceptions.map((x) => JSON.stringify(exceptionFinding(x, options)) + "\n").join("");
}
export {
  alarmFinding,
  exceptionFinding,
  renderFindingsOcsf
};
