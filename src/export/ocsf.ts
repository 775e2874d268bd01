/**
 * Ledger entries as OCSF events (Open Cybersecurity Schema Framework, https://schema.ocsf.io), so a
 * SIEM files a deploy, a migration or an override next to the rest of its security data.
 *
 * Every event keeps what the ledger knows: `metadata.uid` is the entry hash (the stable id a
 * receiver de-duplicates on), `metadata.sequence` the seq, `unmapped.shiplog` the whole statement
 * with the ledger position and signer, and `raw_data` the signed DSSE envelope, so anyone holding
 * the public key can check an event against the signature without going back to the repository.
 */
import { createHash } from 'node:crypto';
import { actorLogin } from '../ledger/where.ts';
import { entryTimeMs, entryType, type ExportEntry } from './entry.ts';

/** The OCSF version the events declare in `metadata.version`. */
export const OCSF_VERSION = '1.3.0';

export type OcsfEvent = Record<string, unknown> & {
  activity_id: number;
  category_uid: number;
  class_uid: number;
  type_uid: number;
  time: number;
  severity_id: number;
  metadata: Record<string, unknown>;
};

export interface OcsfClass {
  uid: number;
  name: string;
  category_uid: number;
  category_name: string;
  /**
   * Profiles the events of this class declare in `metadata.profiles`: in OCSF 1.3.0 `actor` is an
   * attribute of Application Lifecycle, Entity Management and the Findings only through the `host`
   * profile (profiles/host.json), so an event carrying it must say so.
   */
  profiles: readonly string[];
}

/**
 * The classes shiplog emits, as OCSF 1.3.0 defines them (github.com/ocsf/ocsf-schema at tag 1.3.0;
 * the compiled copy the tests validate against is test/fixtures/ocsf-1.3.0, see its README).
 */
export const OCSF_CLASSES = {
  /** events/application/application_lifecycle.json: `app` (a product) required; 8 Update. */
  applicationLifecycle: {
    uid: 6002,
    name: 'Application Lifecycle',
    category_uid: 6,
    category_name: 'Application Activity',
    profiles: ['host'],
  },
  /**
   * events/application/datastore_activity.json: `actor` and `src_endpoint` required (class
   * attributes, no profile), at least one of database, databucket, table; 2 Update.
   */
  datastoreActivity: {
    uid: 6005,
    name: 'Datastore Activity',
    category_uid: 6,
    category_name: 'Application Activity',
    profiles: [],
  },
  /** events/iam/entity_management.json: `entity` (a managed_entity) required; 3 Update, 99 Other. */
  entityManagement: {
    uid: 3004,
    name: 'Entity Management',
    category_uid: 3,
    category_name: 'Identity & Access Management',
    profiles: ['host'],
  },
  /** events/findings/compliance_finding.json: `finding_info` and `compliance` required; 1 Create. */
  complianceFinding: {
    uid: 2003,
    name: 'Compliance Finding',
    category_uid: 2,
    category_name: 'Findings',
    profiles: [],
  },
} as const satisfies Record<string, OcsfClass>;

export interface OcsfOptions {
  /** shiplog's version for `metadata.product.version` (recommended, not required). */
  productVersion?: string;
}

const SEVERITY = ['Unknown', 'Informational', 'Low', 'Medium', 'High', 'Critical', 'Fatal'] as const;
export type SeverityName = 'informational' | 'low' | 'medium' | 'high' | 'critical';
const SEVERITY_ID: Record<SeverityName, number> = {
  informational: 1,
  low: 2,
  medium: 3,
  high: 4,
  critical: 5,
};

interface Activity {
  id: number;
  /** `activity_name`: the activity's caption, or for 99 Other the source's own word. */
  name: string;
  /** The caption `type_name` takes when `name` is the source's word (activity 99 Other). */
  caption?: string;
}
const UPDATE_APP: Activity = { id: 8, name: 'Update' };
const UPDATE_DATA: Activity = { id: 2, name: 'Update' };
const UPDATE_ENTITY: Activity = { id: 3, name: 'Update' };
const CREATE_FINDING: Activity = { id: 1, name: 'Create' };

function head(cls: OcsfClass, activity: Activity, time: number, severityId: number): OcsfEvent {
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
    severity: SEVERITY[severityId] ?? 'Other',
    metadata: {},
  };
}

function product(options: OcsfOptions): Record<string, unknown> {
  return {
    name: 'shiplog',
    vendor_name: 'shiplog',
    ...(options.productVersion ? { version: options.productVersion } : {}),
  };
}

/** How loudly an entry should sound: what its approval says, not whether the change succeeded. */
export function approvalSeverity(entry: ExportEntry): SeverityName {
  // Missing evidence is not a clean bill: a deploy with no approval evidence or no actor is Medium.
  if (entryType(entry) === 'deploy' && !actorLogin(entry.statement)) return 'medium';
  switch (entry.statement.predicate.approval?.status) {
    case 'unapproved':
    case 'overridden':
    case 'not-collected':
      return 'medium';
    case 'no-pull-request':
      return 'low';
    default:
      return 'informational';
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

function compact<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function actorOf(entry: ExportEntry): Record<string, unknown> {
  const a = record(entry.statement.predicate.actor);
  const login = actorLogin(entry.statement);
  const id = a?.id;
  return compact({
    user: login
      ? compact({
          name: login,
          uid: typeof id === 'number' || typeof id === 'string' ? String(id) : undefined,
        })
      : undefined,
    // The actor object needs one of its members; shiplog recorded the change either way.
    app_name: 'shiplog',
  });
}

function runOf(entry: ExportEntry): Record<string, unknown> | undefined {
  return record(entry.statement.predicate.run);
}

/** Where the change came from: the CI run when recorded (objects/network_endpoint.json). */
function srcEndpoint(entry: ExportEntry): Record<string, unknown> {
  const run = runOf(entry);
  const url = str(run?.url);
  let hostname: string | undefined;
  const server = str(run?.server_url);
  if (server) {
    try {
      hostname = new URL(server).hostname;
    } catch {
      hostname = undefined;
    }
  }
  return compact({
    svc_name: run ? 'github-actions' : 'shiplog',
    uid: url,
    name: str(run?.workflow),
    hostname,
  });
}

function shortCommit(c: string): string {
  return c.slice(0, 7);
}

function describe(entry: ExportEntry, what: string): string {
  const p = entry.statement.predicate;
  const by = actorLogin(entry.statement);
  const approval = p.approval?.status;
  return [
    `${what} ${p.repository}@${shortCommit(p.commit)}`,
    p.environment ? `to ${p.environment}` : undefined,
    by ? `by ${by}` : undefined,
    approval ? `(${approval})` : undefined,
  ]
    .filter(Boolean)
    .join(' ');
}

type Mapped = { cls: OcsfClass; activity: Activity; body: Record<string, unknown>; message: string };

function statusOf(entry: ExportEntry): { status_id: number; status?: string } {
  if (entryType(entry) !== 'deploy') return { status_id: 1, status: 'Success' };
  const s = entry.statement.predicate.details?.status;
  // No status: recorded by a step that runs after the deploy succeeded (see ledger/where.ts).
  if (s === undefined || s === 'success') return { status_id: 1, status: 'Success' };
  if (s === 'failure') return { status_id: 2, status: 'Failure' };
  return { status_id: 99, status: String(s) };
}

function mapDeploy(entry: ExportEntry): Mapped {
  const p = entry.statement.predicate;
  const d = p.details ?? {};
  const owner = p.repository.split('/')[0];
  return {
    cls: OCSF_CLASSES.applicationLifecycle,
    activity: UPDATE_APP,
    body: {
      app: compact({
        name: p.repository,
        uid: entry.statement.subject[0]?.name,
        vendor_name: owner,
        version: str(d.version) ?? p.commit,
      }),
      actor: actorOf(entry),
    },
    message: describe(entry, str(d.status) === 'rolled-back' ? 'rollback of' : 'deploy of'),
  };
}

function mapMigration(entry: ExportEntry): Mapped {
  const p = entry.statement.predicate;
  const d = p.details ?? {};
  const name = str(d.database) ?? p.environment ?? p.repository;
  return {
    cls: OCSF_CLASSES.datastoreActivity,
    activity: UPDATE_DATA,
    body: {
      type_id: 1,
      type: 'Database',
      database: compact({
        name,
        uid: [p.repository, p.environment, str(d.database)].filter(Boolean).join('/'),
        desc: str(d.tool) ? `schema migration with ${String(d.tool)}` : 'schema migration',
        ...databaseType(str(d.engine) ?? str(d.tool)),
      }),
      actor: actorOf(entry),
      src_endpoint: srcEndpoint(entry),
    },
    message: describe(entry, 'migration of'),
  };
}

/** objects/database.json `type_id` (required in 1.3.0): from the engine when the entry names one. */
const RELATIONAL = /postgres|mysql|mariadb|sqlite|oracle|mssql|sql ?server|cockroach|aurora|redshift/i;
const NOSQL = /mongo|dynamo|cassandra|redis|couch|firestore|cosmos|elasticsearch|neo4j/i;
function databaseType(engine: string | undefined): { type_id: number; type: string } {
  if (engine && RELATIONAL.test(engine)) return { type_id: 1, type: 'Relational' };
  if (engine && NOSQL.test(engine)) return { type_id: 6, type: 'NoSQL' };
  return { type_id: 0, type: 'Unknown' };
}

function entityChange(
  entry: ExportEntry,
  entity: Record<string, unknown>,
  result: Record<string, unknown> | undefined,
  message: string,
  activity: Activity = UPDATE_ENTITY,
): Mapped {
  const d = entry.statement.predicate.details ?? {};
  return {
    cls: OCSF_CLASSES.entityManagement,
    activity,
    body: compact({
      // The entity kinds (Configuration, Branch…) are shiplog's words: managed_entity type_id 99 Other.
      entity: compact({ ...entity, type_id: 99 }),
      entity_result: result ? compact({ ...result, type_id: 99 }) : undefined,
      comment: str(d.reason) ?? str(d.comment),
      actor: actorOf(entry),
    }),
    message,
  };
}

function mapConfigOverride(entry: ExportEntry): Mapped {
  const p = entry.statement.predicate;
  const d = p.details ?? {};
  const keys = Array.isArray(d.keys) ? d.keys.filter((k): k is string => typeof k === 'string') : [];
  const entity = {
    type: 'Configuration',
    name: keys.length ? keys.join(', ') : 'configuration',
    uid: `${p.repository}:${p.environment ?? '*'}:config`,
  };
  // Key names and value digests only: the ledger never holds secret values.
  return entityChange(
    entry,
    entity,
    { ...entity, data: compact({ keys, files: d.files, expires: d.expires }) },
    describe(entry, 'config override for'),
  );
}

function mapOverride(entry: ExportEntry): Mapped {
  const p = entry.statement.predicate;
  const entity = {
    type: 'Approval Gate',
    name: `${p.repository} approval policy`,
    uid: `${p.repository}@${p.commit}`,
  };
  return entityChange(
    entry,
    entity,
    { ...entity, data: compact({ approval: p.approval, details: p.details }) },
    describe(entry, 'break-glass override of the approval gate for'),
  );
}

function mapOverrideReview(entry: ExportEntry): Mapped {
  const p = entry.statement.predicate;
  const d = p.details ?? {};
  const reviewed = str(d.override) ?? str(d.override_hash) ?? str(d.entry);
  const entity = {
    type: 'Override',
    name: 'break-glass override',
    uid: reviewed ?? `${p.repository}@${p.commit}`,
  };
  return entityChange(
    entry,
    entity,
    { ...entity, data: compact({ details: p.details }) },
    describe(entry, 'review of the override for'),
  );
}

/**
 * A merge lands a pull request on a branch: an update of a managed entity (the branch) made by a
 * user through a management console, which is what Entity Management describes. OCSF 1.x has no
 * source-control class; Application Lifecycle would claim the code runs somewhere, which a merge
 * does not say.
 */
function mapMerge(entry: ExportEntry): Mapped {
  const p = entry.statement.predicate;
  const d = p.details ?? {};
  const branch = str(d.base) ?? str(d.branch) ?? p.branch ?? 'branch';
  const entity = { type: 'Branch', name: branch, uid: `${p.repository}:${branch}`, version: p.commit };
  return entityChange(
    entry,
    entity,
    { ...entity, data: compact({ details: p.details }) },
    describe(entry, 'merge of'),
  );
}

const PASS = new Set(['pass', 'passed', 'ok', 'clean', 'match', 'matched', 'success', 'reconciled']);
const FAIL = new Set(['fail', 'failed', 'failure', 'drift', 'mismatch', 'missing', 'diverged']);

/**
 * A reconciliation compares the ledger with what happened elsewhere (GitHub's deployments, a
 * database's migration table): the result of an evaluation against resources, which is what
 * Compliance Finding describes. Pass, Fail, or Warning when the entry does not say. Drift is High:
 * a deployment with no record is the alarm the app raises (`finding_info.types` then names
 * `alarm:unrecorded-deploy`, and `desc` counts each kind of difference).
 */
function reconciliationStatus(entry: ExportEntry): 'pass' | 'fail' | 'warning' {
  const d = entry.statement.predicate.details ?? {};
  const outcome = (str(d.status) ?? str(d.result) ?? '').toLowerCase();
  return PASS.has(outcome) ? 'pass' : FAIL.has(outcome) ? 'fail' : 'warning';
}

const RECONCILIATION_SEVERITY = { fail: 'high', warning: 'low', pass: 'informational' } as const;

/**
 * How loud the event for this entry is (its OCSF `severity_id`, and the syslog severity): a
 * reconciliation by what it found, any other entry by its approval evidence.
 */
export function entrySeverity(entry: ExportEntry): SeverityName {
  return entryType(entry) === 'reconciliation'
    ? RECONCILIATION_SEVERITY[reconciliationStatus(entry)]
    : approvalSeverity(entry);
}

function mapReconciliation(entry: ExportEntry, options: OcsfOptions): OcsfEvent {
  const p = entry.statement.predicate;
  const d = p.details ?? {};
  const status = reconciliationStatus(entry);
  const counts = Object.entries(record(d.counts) ?? {}).filter(
    (c): c is [string, number] => typeof c[1] === 'number' && c[1] > 0,
  );
  const event = complianceFinding(
    {
      uid: entry.hash,
      title: `reconciliation of ${p.repository}${p.environment ? ` ${p.environment}` : ''}: ${status}`,
      desc: counts.length ? counts.map(([k, n]) => `${k}: ${n}`).join(', ') : undefined,
      types: counts.some(([k]) => k === 'unrecorded-deploy') ? ['alarm:unrecorded-deploy'] : [],
      time: entryTimeMs(entry) ?? 0,
      severity: entrySeverity(entry),
      status,
      control: 'reconciliation',
      resources: [{ type: 'Git Repository', name: p.repository, uid: entry.statement.subject[0]?.name }],
    },
    options,
  );
  return withLedger(event, entry);
}

/**
 * A type this reader does not know yet (a newer writer): still a change some managed entity went
 * through, so Entity Management with activity 99 Other and the type as activity_name keeps it
 * searchable under a class every OCSF consumer accepts, instead of dropping it.
 */
function mapUnknown(entry: ExportEntry, type: string): Mapped {
  const p = entry.statement.predicate;
  const entity = {
    type: `shiplog ${type}`,
    name: `${p.repository}@${shortCommit(p.commit)}`,
    uid: entry.hash,
  };
  return entityChange(entry, entity, undefined, describe(entry, `${type} of`), {
    id: 99,
    name: type,
    caption: 'Other',
  });
}

function withLedger(event: OcsfEvent, entry: ExportEntry): OcsfEvent {
  event.metadata = compact({
    ...event.metadata,
    uid: entry.hash,
    sequence: entry.seq,
    log_name: entry.shard ?? 'shiplog',
    original_time: entry.statement.predicate.timestamp,
    correlation_uid: entry.statement.predicate.commit,
    labels: [entryType(entry)],
  });
  event.raw_data = JSON.stringify(entry.envelope);
  event.unmapped = {
    shiplog: compact({
      seq: entry.seq,
      entry_hash: entry.hash,
      ledger_commit: entry.ledgerCommit ?? null,
      signer_keyid: entry.keyid,
      shard: entry.shard,
      statement: entry.statement,
    }),
  };
  return event;
}

const MAPPERS: Record<string, (entry: ExportEntry) => Mapped> = {
  deploy: mapDeploy,
  migration: mapMigration,
  'config-override': mapConfigOverride,
  override: mapOverride,
  'override-review': mapOverrideReview,
  merge: mapMerge,
};

/** One ledger entry as one OCSF event of the class that fits its type. */
export function toOcsf(entry: ExportEntry, options: OcsfOptions = {}): OcsfEvent {
  const type = entryType(entry);
  if (type === 'reconciliation') return mapReconciliation(entry, options);
  const mapped = (MAPPERS[type] ?? ((e: ExportEntry) => mapUnknown(e, type)))(entry);
  const event = head(
    mapped.cls,
    mapped.activity,
    entryTimeMs(entry) ?? 0,
    SEVERITY_ID[approvalSeverity(entry)],
  );
  Object.assign(event, statusOf(entry), { message: mapped.message }, mapped.body);
  const profiles = 'actor' in mapped.body ? mapped.cls.profiles : [];
  event.metadata = {
    version: OCSF_VERSION,
    product: product(options),
    ...(profiles.length ? { profiles: [...profiles] } : {}),
  };
  return withLedger(event, entry);
}

export interface FindingInput {
  /** Stable id of the finding: the same problem found again gets the same uid. */
  uid?: string;
  title: string;
  desc?: string;
  time: Date | number;
  severity: SeverityName;
  status: 'pass' | 'warning' | 'fail';
  /** The check that produced it, e.g. `verify:signature` or `alarm:force-push`. */
  control: string;
  /** More `finding_info.types` besides `shiplog` (e.g. the exception kind). */
  types?: string[];
  /** Defaults to the shiplog change-control standard the ledger is evidence for. */
  standards?: string[];
  /** The ledger entry the finding concerns, when there is one. */
  entry?: { seq: number; hash: string };
  resources?: Record<string, unknown>[];
  details?: Record<string, unknown>;
  activity?: 'create' | 'update' | 'close';
}

const FINDING_ACTIVITY: Record<NonNullable<FindingInput['activity']>, Activity> = {
  create: CREATE_FINDING,
  update: { id: 2, name: 'Update' },
  close: { id: 3, name: 'Close' },
};
const COMPLIANCE_STATUS = { pass: [1, 'Pass'], warning: [2, 'Warning'], fail: [3, 'Fail'] } as const;

/**
 * A Compliance Finding (2003) for an audit exception or a ledger alarm: `shiplog audit` and the
 * alarms build theirs here so every finding carries the class's required attributes.
 */
export function complianceFinding(input: FindingInput, options: OcsfOptions = {}): OcsfEvent {
  const time = typeof input.time === 'number' ? input.time : input.time.getTime();
  const uid =
    input.uid ??
    `sha256:${createHash('sha256')
      .update(JSON.stringify([input.control, input.title, input.entry?.hash ?? null]))
      .digest('hex')}`;
  const cls = OCSF_CLASSES.complianceFinding;
  const event = head(cls, FINDING_ACTIVITY[input.activity ?? 'create'], time, SEVERITY_ID[input.severity]);
  const [statusId, statusName] = COMPLIANCE_STATUS[input.status];
  Object.assign(event, {
    message: input.title,
    status_id: input.activity === 'close' ? 4 : 1,
    status: input.activity === 'close' ? 'Resolved' : 'New',
    finding_info: compact({
      uid,
      title: input.title,
      desc: input.desc,
      created_time: time,
      types: ['shiplog', ...(input.types ?? [])],
    }),
    compliance: {
      standards: input.standards ?? ['shiplog change control'],
      control: input.control,
      status_id: statusId,
      status: statusName,
    },
    resources: input.resources,
    unmapped:
      input.details || input.entry
        ? { shiplog: compact({ ...input.entry, details: input.details }) }
        : undefined,
  });
  event.metadata = compact({
    version: OCSF_VERSION,
    product: product(options),
    uid,
    ...(input.entry ? { sequence: input.entry.seq, correlation_uid: input.entry.hash } : {}),
  });
  return compact(event);
}
