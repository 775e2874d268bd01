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
  /** Dotted paths that must be present (class attributes and required attributes of their objects). */
  required: readonly string[];
  /** Groups of dotted paths of which at least one must be present (the schema's `at_least_one`). */
  atLeastOne: readonly (readonly string[])[];
}

/**
 * What every OCSF 1.x event must carry. Sources, all in github.com/ocsf/ocsf-schema:
 * events/base_event.json with its classification and occurrence attributes (activity_id,
 * category_uid, class_uid, type_uid, severity_id, time) and `metadata`; objects/metadata.json
 * (`product` and `version` required); objects/product.json (`name` required in the 1.0 revision,
 * later `at_least_one` of name and uid: we always set name).
 */
const BASE_REQUIRED = [
  'activity_id',
  'category_uid',
  'class_uid',
  'type_uid',
  'time',
  'severity_id',
  'metadata',
  'metadata.version',
  'metadata.product',
  'metadata.product.name',
] as const;

/** objects/actor.json: `at_least_one` of process, user, invoked_by, session, app_name, app_uid. */
const ACTOR_ONE_OF = [
  'actor.process',
  'actor.user',
  'actor.invoked_by',
  'actor.session',
  'actor.app_name',
  'actor.app_uid',
] as const;

export const OCSF_CLASSES = {
  /**
   * events/application/application_lifecycle.json: `activity_id` and `app` (a product object)
   * required; activities 1 Install … 8 Update. Category 6 Application Activity
   * (events/application/application.json, categories.json).
   */
  applicationLifecycle: {
    uid: 6002,
    name: 'Application Lifecycle',
    category_uid: 6,
    category_name: 'Application Activity',
    required: [...BASE_REQUIRED, 'app', 'app.name'],
    atLeastOne: [],
  },
  /**
   * events/application/datastore_activity.json: `actor` and `src_endpoint` required, and
   * `at_least_one` of database, databucket, table; activity 2 Update; type_id 1 Database.
   * objects/network_endpoint.json: `at_least_one` of ip, uid, name, hostname, svc_name, …;
   * objects/database.json extends the entity constraint of name or uid (objects/_entity.json).
   */
  datastoreActivity: {
    uid: 6005,
    name: 'Datastore Activity',
    category_uid: 6,
    category_name: 'Application Activity',
    required: [...BASE_REQUIRED, 'actor', 'src_endpoint'],
    atLeastOne: [
      ['database', 'databucket', 'table'],
      ACTOR_ONE_OF,
      [
        'src_endpoint.ip',
        'src_endpoint.uid',
        'src_endpoint.name',
        'src_endpoint.hostname',
        'src_endpoint.svc_name',
        'src_endpoint.instance_uid',
        'src_endpoint.interface_uid',
        'src_endpoint.interface_name',
      ],
      ['database.name', 'database.uid'],
    ],
  },
  /**
   * events/iam/entity_management.json: `entity` (a managed_entity) required, `entity_result` and
   * `comment` recommended; activities 1 Create, 2 Read, 3 Update, 4 Delete. Category 3 Identity &
   * Access Management (events/iam/iam.json). objects/managed_entity.json extends
   * objects/_entity.json: `at_least_one` of name and uid.
   */
  entityManagement: {
    uid: 3004,
    name: 'Entity Management',
    category_uid: 3,
    category_name: 'Identity & Access Management',
    required: [...BASE_REQUIRED, 'entity'],
    atLeastOne: [['entity.name', 'entity.uid']],
  },
  /**
   * events/findings/compliance_finding.json: `compliance` required; events/findings/finding.json:
   * `finding_info` required, activities 1 Create, 2 Update, 3 Close. objects/finding_info.json:
   * `uid` required (title recommended: we always set it); objects/compliance.json: `standards`
   * required, status_id 1 Pass, 2 Warning, 3 Fail. Category 2 Findings.
   */
  complianceFinding: {
    uid: 2003,
    name: 'Compliance Finding',
    category_uid: 2,
    category_name: 'Findings',
    required: [...BASE_REQUIRED, 'finding_info', 'finding_info.uid', 'compliance', 'compliance.standards'],
    atLeastOne: [],
  },
} as const satisfies Record<string, OcsfClass>;

const CLASS_BY_UID = new Map<number, OcsfClass>(Object.values(OCSF_CLASSES).map((c) => [c.uid, c]));

export function ocsfClassOf(event: { class_uid: number }): OcsfClass | undefined {
  return CLASS_BY_UID.get(event.class_uid);
}

function valueAt(o: unknown, path: string): unknown {
  let cur = o;
  for (const key of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function present(v: unknown): boolean {
  if (v === undefined || v === null || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  return true;
}

/**
 * What the event lacks of its class's required attributes, plus type_uid arithmetic; empty when
 * complete. Used by the tests and available to anyone building findings by hand.
 */
export function missingRequired(event: OcsfEvent): string[] {
  const cls = ocsfClassOf(event);
  if (!cls) return [`class_uid ${event.class_uid} is not one shiplog emits`];
  const missing: string[] = cls.required.filter((p) => !present(valueAt(event, p)));
  for (const group of cls.atLeastOne) {
    if (!group.some((p) => present(valueAt(event, p)))) missing.push(`one of ${group.join(', ')}`);
  }
  if (event.category_uid !== cls.category_uid) missing.push(`category_uid ${cls.category_uid}`);
  if (event.type_uid !== event.class_uid * 100 + event.activity_id)
    missing.push('type_uid = class_uid * 100 + activity_id');
  return missing;
}

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
  name: string;
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
    type_name: `${cls.name}: ${activity.name}`,
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
  switch (entry.statement.predicate.approval?.status) {
    case 'unapproved':
    case 'overridden':
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
      }),
      actor: actorOf(entry),
      src_endpoint: srcEndpoint(entry),
    },
    message: describe(entry, 'migration of'),
  };
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
      entity: compact(entity),
      entity_result: result ? compact(result) : undefined,
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
 * Compliance Finding describes. Pass, Fail, or Warning when the entry does not say.
 */
function mapReconciliation(entry: ExportEntry, options: OcsfOptions): OcsfEvent {
  const p = entry.statement.predicate;
  const d = p.details ?? {};
  const outcome = (str(d.status) ?? str(d.result) ?? '').toLowerCase();
  const status = PASS.has(outcome) ? 'pass' : FAIL.has(outcome) ? 'fail' : 'warning';
  const event = complianceFinding(
    {
      uid: entry.hash,
      title: `reconciliation of ${p.repository}${p.environment ? ` ${p.environment}` : ''}: ${status}`,
      time: entryTimeMs(entry) ?? 0,
      severity: status === 'fail' ? 'high' : status === 'warning' ? 'low' : 'informational',
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
  return entityChange(entry, entity, undefined, describe(entry, `${type} of`), { id: 99, name: type });
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
  event.metadata = { version: OCSF_VERSION, product: product(options) };
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
      types: ['shiplog'],
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
