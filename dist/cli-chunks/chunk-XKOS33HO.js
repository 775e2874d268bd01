#!/usr/bin/env node
import { createRequire as __shiplogCreateRequire } from 'node:module';
const require = __shiplogCreateRequire(import.meta.url);
import {
  actorLogin
} from "./chunk-UFE3WVNL.js";

// src/export/findings.ts
import { createHash as createHash2 } from "node:crypto";

// src/export/ocsf.ts
import { createHash } from "node:crypto";

// src/export/entry.ts
function entryType(entry) {
  const t = entry.statement.predicate.type;
  return typeof t === "string" && t !== "" ? t : "unknown";
}
function entryTimeMs(entry) {
  const ms = Date.parse(entry.statement.predicate.timestamp);
  return Number.isNaN(ms) ? void 0 : ms;
}

// src/export/ocsf.ts
var OCSF_VERSION = "1.3.0";
var OCSF_CLASSES = {
  /** events/application/application_lifecycle.json: `app` (a product) required; 8 Update. */
  applicationLifecycle: {
    uid: 6002,
    name: "Application Lifecycle",
    category_uid: 6,
    category_name: "Application Activity",
    profiles: ["host"]
  },
  /**
   * events/application/datastore_activity.json: `actor` and `src_endpoint` required (class
   * attributes, no profile), at least one of database, databucket, table; 2 Update.
   */
  datastoreActivity: {
    uid: 6005,
    name: "Datastore Activity",
    category_uid: 6,
    category_name: "Application Activity",
    profiles: []
  },
  /** events/iam/entity_management.json: `entity` (a managed_entity) required; 3 Update, 99 Other. */
  entityManagement: {
    uid: 3004,
    name: "Entity Management",
    category_uid: 3,
    category_name: "Identity & Access Management",
    profiles: ["host"]
  },
  /** events/findings/compliance_finding.json: `finding_info` and `compliance` required; 1 Create. */
  complianceFinding: {
    uid: 2003,
    name: "Compliance Finding",
    category_uid: 2,
    category_name: "Findings",
    profiles: []
  }
};
var SEVERITY = ["Unknown", "Informational", "Low", "Medium", "High", "Critical", "Fatal"];
var SEVERITY_ID = {
  informational: 1,
  low: 2,
  medium: 3,
  high: 4,
  critical: 5
};
var UPDATE_APP = { id: 8, name: "Update" };
var UPDATE_DATA = { id: 2, name: "Update" };
var UPDATE_ENTITY = { id: 3, name: "Update" };
var CREATE_FINDING = { id: 1, name: "Create" };
function head(cls, activity, time, severityId) {
  return {
    activity_id: activity.id,
    activity_name: activity.name,
    category_uid: cls.category_uid,
    category_name: cls.category_name,
    class_uid: cls.uid,
    class_name: cls.name,
    type_uid: cls.uid * 100 + activity.id,
    type_name: `${cls.name}: ${activity.caption ?? activity.name}`,
    time,
    severity_id: severityId,
    severity: SEVERITY[severityId] ?? "Other",
    metadata: {}
  };
}
function product(options) {
  return {
    name: "shiplog",
    vendor_name: "shiplog",
    ...options.productVersion ? { version: options.productVersion } : {}
  };
}
function approvalSeverity(entry) {
  if (entryType(entry) === "deploy" && !actorLogin(entry.statement)) return "medium";
  switch (entry.statement.predicate.approval?.status) {
    case "unapproved":
    case "overridden":
    case "not-collected":
      return "medium";
    case "no-pull-request":
      return "low";
    default:
      return "informational";
  }
}
function str(v) {
  return typeof v === "string" && v !== "" ? v : void 0;
}
function record(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? v : void 0;
}
function compact(o) {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== void 0));
}
function actorOf(entry) {
  const a = record(entry.statement.predicate.actor);
  const login = actorLogin(entry.statement);
  const id = a?.id;
  return compact({
    user: login ? compact({
      name: login,
      uid: typeof id === "number" || typeof id === "string" ? String(id) : void 0
    }) : void 0,
    // The actor object needs one of its members; shiplog recorded the change either way.
    app_name: "shiplog"
  });
}
function runOf(entry) {
  return record(entry.statement.predicate.run);
}
function srcEndpoint(entry) {
  const run = runOf(entry);
  const url = str(run?.url);
  let hostname;
  const server = str(run?.server_url);
  if (server) {
    try {
      hostname = new URL(server).hostname;
    } catch {
      hostname = void 0;
    }
  }
  return compact({
    svc_name: run ? "github-actions" : "shiplog",
    uid: url,
    name: str(run?.workflow),
    hostname
  });
}
function shortCommit(c) {
  return c.slice(0, 7);
}
function describe(entry, what) {
  const p = entry.statement.predicate;
  const by = actorLogin(entry.statement);
  const approval = p.approval?.status;
  return [
    `${what} ${p.repository}@${shortCommit(p.commit)}`,
    p.environment ? `to ${p.environment}` : void 0,
    by ? `by ${by}` : void 0,
    approval ? `(${approval})` : void 0
  ].filter(Boolean).join(" ");
}
function statusOf(entry) {
  if (entryType(entry) !== "deploy") return { status_id: 1, status: "Success" };
  const s = entry.statement.predicate.details?.status;
  if (s === void 0 || s === "success") return { status_id: 1, status: "Success" };
  if (s === "failure") return { status_id: 2, status: "Failure" };
  return { status_id: 99, status: String(s) };
}
function mapDeploy(entry) {
  const p = entry.statement.predicate;
  const d = p.details ?? {};
  const owner = p.repository.split("/")[0];
  return {
    cls: OCSF_CLASSES.applicationLifecycle,
    activity: UPDATE_APP,
    body: {
      app: compact({
        name: p.repository,
        uid: entry.statement.subject[0]?.name,
        vendor_name: owner,
        version: str(d.version) ?? p.commit
      }),
      actor: actorOf(entry)
    },
    message: describe(entry, str(d.status) === "rolled-back" ? "rollback of" : "deploy of")
  };
}
function mapMigration(entry) {
  const p = entry.statement.predicate;
  const d = p.details ?? {};
  const name = str(d.database) ?? p.environment ?? p.repository;
  return {
    cls: OCSF_CLASSES.datastoreActivity,
    activity: UPDATE_DATA,
    body: {
      type_id: 1,
      type: "Database",
      database: compact({
        name,
        uid: [p.repository, p.environment, str(d.database)].filter(Boolean).join("/"),
        desc: str(d.tool) ? `schema migration with ${String(d.tool)}` : "schema migration",
        ...databaseType(str(d.engine) ?? str(d.tool))
      }),
      actor: actorOf(entry),
      src_endpoint: srcEndpoint(entry)
    },
    message: describe(entry, "migration of")
  };
}
var RELATIONAL = /postgres|mysql|mariadb|sqlite|oracle|mssql|sql ?server|cockroach|aurora|redshift/i;
var NOSQL = /mongo|dynamo|cassandra|redis|couch|firestore|cosmos|elasticsearch|neo4j/i;
function databaseType(engine) {
  if (engine && RELATIONAL.test(engine)) return { type_id: 1, type: "Relational" };
  if (engine && NOSQL.test(engine)) return { type_id: 6, type: "NoSQL" };
  return { type_id: 0, type: "Unknown" };
}
function entityChange(entry, entity, result, message, activity = UPDATE_ENTITY) {
  const d = entry.statement.predicate.details ?? {};
  return {
    cls: OCSF_CLASSES.entityManagement,
    activity,
    body: compact({
      // The entity kinds (Configuration, Branch…) are shiplog's words: managed_entity type_id 99 Other.
      entity: compact({ ...entity, type_id: 99 }),
      entity_result: result ? compact({ ...result, type_id: 99 }) : void 0,
      comment: str(d.reason) ?? str(d.comment),
      actor: actorOf(entry)
    }),
    message
  };
}
function mapConfigOverride(entry) {
  const p = entry.statement.predicate;
  const d = p.details ?? {};
  const keys = Array.isArray(d.keys) ? d.keys.filter((k) => typeof k === "string") : [];
  const entity = {
    type: "Configuration",
    name: keys.length ? keys.join(", ") : "configuration",
    uid: `${p.repository}:${p.environment ?? "*"}:config`
  };
  return entityChange(
    entry,
    entity,
    { ...entity, data: compact({ keys, files: d.files, expires: d.expires }) },
    describe(entry, "config override for")
  );
}
function mapOverride(entry) {
  const p = entry.statement.predicate;
  const entity = {
    type: "Approval Gate",
    name: `${p.repository} approval policy`,
    uid: `${p.repository}@${p.commit}`
  };
  return entityChange(
    entry,
    entity,
    { ...entity, data: compact({ approval: p.approval, details: p.details }) },
    describe(entry, "break-glass override of the approval gate for")
  );
}
function mapOverrideReview(entry) {
  const p = entry.statement.predicate;
  const d = p.details ?? {};
  const reviewed = str(d.override) ?? str(d.override_hash) ?? str(d.entry);
  const entity = {
    type: "Override",
    name: "break-glass override",
    uid: reviewed ?? `${p.repository}@${p.commit}`
  };
  return entityChange(
    entry,
    entity,
    { ...entity, data: compact({ details: p.details }) },
    describe(entry, "review of the override for")
  );
}
function mapMerge(entry) {
  const p = entry.statement.predicate;
  const d = p.details ?? {};
  const branch = str(d.base) ?? str(d.branch) ?? p.branch ?? "branch";
  const entity = { type: "Branch", name: branch, uid: `${p.repository}:${branch}`, version: p.commit };
  return entityChange(
    entry,
    entity,
    { ...entity, data: compact({ details: p.details }) },
    describe(entry, "merge of")
  );
}
var PASS = /* @__PURE__ */ new Set(["pass", "passed", "ok", "clean", "match", "matched", "success", "reconciled"]);
var FAIL = /* @__PURE__ */ new Set(["fail", "failed", "failure", "drift", "mismatch", "missing", "diverged"]);
function reconciliationStatus(entry) {
  const d = entry.statement.predicate.details ?? {};
  const outcome = (str(d.status) ?? str(d.result) ?? "").toLowerCase();
  return PASS.has(outcome) ? "pass" : FAIL.has(outcome) ? "fail" : "warning";
}
var RECONCILIATION_SEVERITY = { fail: "high", warning: "low", pass: "informational" };
function entrySeverity(entry) {
  return entryType(entry) === "reconciliation" ? RECONCILIATION_SEVERITY[reconciliationStatus(entry)] : approvalSeverity(entry);
}
function mapReconciliation(entry, options) {
  const p = entry.statement.predicate;
  const d = p.details ?? {};
  const status = reconciliationStatus(entry);
  const counts = Object.entries(record(d.counts) ?? {}).filter(
    (c) => typeof c[1] === "number" && c[1] > 0
  );
  const event = complianceFinding(
    {
      uid: entry.hash,
      title: `reconciliation of ${p.repository}${p.environment ? ` ${p.environment}` : ""}: ${status}`,
      desc: counts.length ? counts.map(([k, n]) => `${k}: ${n}`).join(", ") : void 0,
      types: counts.some(([k]) => k === "unrecorded-deploy") ? ["alarm:unrecorded-deploy"] : [],
      time: entryTimeMs(entry) ?? 0,
      severity: entrySeverity(entry),
      status,
      control: "reconciliation",
      resources: [{ type: "Git Repository", name: p.repository, uid: entry.statement.subject[0]?.name }]
    },
    options
  );
  return withLedger(event, entry);
}
function mapUnknown(entry, type) {
  const p = entry.statement.predicate;
  const entity = {
    type: `shiplog ${type}`,
    name: `${p.repository}@${shortCommit(p.commit)}`,
    uid: entry.hash
  };
  return entityChange(entry, entity, void 0, describe(entry, `${type} of`), {
    id: 99,
    name: type,
    caption: "Other"
  });
}
function withLedger(event, entry) {
  event.metadata = compact({
    ...event.metadata,
    uid: entry.hash,
    sequence: entry.seq,
    log_name: entry.shard ?? "shiplog",
    original_time: entry.statement.predicate.timestamp,
    correlation_uid: entry.statement.predicate.commit,
    labels: [entryType(entry)]
  });
  event.raw_data = JSON.stringify(entry.envelope);
  event.unmapped = {
    shiplog: compact({
      seq: entry.seq,
      entry_hash: entry.hash,
      ledger_commit: entry.ledgerCommit ?? null,
      signer_keyid: entry.keyid,
      shard: entry.shard,
      statement: entry.statement
    })
  };
  return event;
}
var MAPPERS = {
  deploy: mapDeploy,
  migration: mapMigration,
  "config-override": mapConfigOverride,
  override: mapOverride,
  "override-review": mapOverrideReview,
  merge: mapMerge
};
function toOcsf(entry, options = {}) {
  const type = entryType(entry);
  if (type === "reconciliation") return mapReconciliation(entry, options);
  const mapped = (MAPPERS[type] ?? ((e) => mapUnknown(e, type)))(entry);
  const event = head(
    mapped.cls,
    mapped.activity,
    entryTimeMs(entry) ?? 0,
    SEVERITY_ID[approvalSeverity(entry)]
  );
  Object.assign(event, statusOf(entry), { message: mapped.message }, mapped.body);
  const profiles = "actor" in mapped.body ? mapped.cls.profiles : [];
  event.metadata = {
    version: OCSF_VERSION,
    product: product(options),
    ...profiles.length ? { profiles: [...profiles] } : {}
  };
  return withLedger(event, entry);
}
var FINDING_ACTIVITY = {
  create: CREATE_FINDING,
  update: { id: 2, name: "Update" },
  close: { id: 3, name: "Close" }
};
var COMPLIANCE_STATUS = { pass: [1, "Pass"], warning: [2, "Warning"], fail: [3, "Fail"] };
function complianceFinding(input, options = {}) {
  const time = typeof input.time === "number" ? input.time : input.time.getTime();
  const uid = input.uid ?? `sha256:${createHash("sha256").update(JSON.stringify([input.control, input.title, input.entry?.hash ?? null])).digest("hex")}`;
  const cls = OCSF_CLASSES.complianceFinding;
  const event = head(cls, FINDING_ACTIVITY[input.activity ?? "create"], time, SEVERITY_ID[input.severity]);
  const [statusId, statusName] = COMPLIANCE_STATUS[input.status];
  Object.assign(event, {
    message: input.title,
    status_id: input.activity === "close" ? 4 : 1,
    status: input.activity === "close" ? "Resolved" : "New",
    finding_info: compact({
      uid,
      title: input.title,
      desc: input.desc,
      created_time: time,
      types: ["shiplog", ...input.types ?? []]
    }),
    compliance: {
      standards: input.standards ?? ["shiplog change control"],
      control: input.control,
      status_id: statusId,
      status: statusName
    },
    resources: input.resources,
    unmapped: input.details || input.entry ? { shiplog: compact({ ...input.entry, details: input.details }) } : void 0
  });
  event.metadata = compact({
    version: OCSF_VERSION,
    product: product(options),
    uid,
    ...input.entry ? { sequence: input.entry.seq, correlation_uid: input.entry.hash } : {}
  });
  return compact(event);
}

// src/export/findings.ts
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
  return `sha256:${createHash2("sha256").update(JSON.stringify(parts)).digest("hex")}`;
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
  entryType,
  entryTimeMs,
  entrySeverity,
  toOcsf,
  exceptionFinding,
  alarmFinding,
  renderFindingsOcsf
};
