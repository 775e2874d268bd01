import { ShiplogError } from '../errors.ts';
import { canonicalJson, COMMIT_PATTERN, HASH_PATTERN } from './encoding.ts';

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
/** Stable, documented predicate type for every shiplog ledger entry (see docs/ledger-format.md). */
export const PREDICATE_TYPE = 'https://shiplog.dev/attestations/change/v1';

/**
 * Every entry type. `override` and `override-review` are written by the gate and the app (a
 * break-glass and the review that followed it), `merge` by the app when a pull request merges (the
 * approval decision as it stood), `reconciliation` by the app's sweep against GitHub deployments.
 */
export const CHANGE_TYPES = [
  'deploy',
  'migration',
  'config-override',
  'override',
  'override-review',
  'merge',
  'reconciliation',
] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];
/** What any entry type looks like, known or not: lower-case words joined by "-". */
export const TYPE_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
export const MAX_TYPE_LENGTH = 64;

/** Whether this version knows the type (a reader still accepts any TYPE_NAME, see parseStatement). */
export function isKnownType(type: string): type is ChangeType {
  return (CHANGE_TYPES as readonly string[]).includes(type);
}

/** The types a workflow may record; `override` is written only by the gate and the app. */
export const RECORDABLE_TYPES = ['deploy', 'migration', 'config-override'] as const;

export type ApprovalStatus = 'approved' | 'unapproved' | 'no-pull-request' | 'overridden' | 'not-collected';

export interface ChangePredicate {
  seq: number;
  prev: string;
  type: ChangeType;
  timestamp: string;
  repository: string;
  commit: string;
  environment?: string;
  branch?: string;
  /** The idempotency key of the workflow attempt that wrote this entry (run id, attempt, job, type). */
  idempotency_key?: string;
  actor?: Record<string, unknown>;
  run?: Record<string, unknown>;
  approval?: { status: ApprovalStatus } & Record<string, unknown>;
  /** The change type's own fields (deploy version and status, migration files, override keys...). */
  details?: Record<string, unknown>;
  /** Deploys: every commit the deploy ships since the environment's last one, with its approvals. */
  change_set?: Record<string, unknown>;
}

export interface Statement {
  _type: typeof STATEMENT_TYPE;
  subject: { name: string; digest: { gitCommit: string } }[];
  predicateType: typeof PREDICATE_TYPE;
  predicate: ChangePredicate;
}

export function buildStatement(predicate: ChangePredicate, serverUrl = 'https://github.com'): Statement {
  return {
    _type: STATEMENT_TYPE,
    subject: [
      {
        name: `git+${serverUrl.replace(/\/+$/, '')}/${predicate.repository}`,
        digest: { gitCommit: predicate.commit },
      },
    ],
    predicateType: PREDICATE_TYPE,
    predicate: dropUndefined(predicate),
  };
}

export function statementBytes(statement: Statement): Buffer {
  return Buffer.from(canonicalJson(statement), 'utf8');
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function fail(message: string): never {
  throw new ShiplogError('BAD_INPUT', message);
}

/** Validates a decoded statement (already known to be canonical JSON) and returns it typed. */
export function parseStatement(value: unknown): Statement {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail('statement is not a JSON object');
  const s = value as Record<string, unknown>;
  if (s._type !== STATEMENT_TYPE) fail(`statement _type must be "${STATEMENT_TYPE}"`);
  if (s.predicateType !== PREDICATE_TYPE) fail(`statement predicateType must be "${PREDICATE_TYPE}"`);
  if (!Array.isArray(s.subject) || s.subject.length === 0)
    fail('statement subject must be a non-empty array');
  for (const sub of s.subject as unknown[]) {
    const o = sub as { name?: unknown; digest?: { gitCommit?: unknown } } | null;
    if (
      typeof o?.name !== 'string' ||
      typeof o.digest?.gitCommit !== 'string' ||
      !COMMIT_PATTERN.test(o.digest.gitCommit)
    ) {
      fail('statement subject needs a name and a 40-hex digest.gitCommit');
    }
  }
  const p = s.predicate as Record<string, unknown> | null;
  if (typeof p !== 'object' || p === null || Array.isArray(p)) fail('statement predicate is not an object');
  if (!Number.isSafeInteger(p.seq) || (p.seq as number) < 0)
    fail('predicate.seq must be a non-negative integer');
  if (typeof p.prev !== 'string' || !HASH_PATTERN.test(p.prev))
    fail('predicate.prev must be "sha256:" + 64 hex');
  // Readers accept a type they do not know (a newer shiplog's), if it is a type name: it verifies,
  // and export keeps it (OCSF Entity Management, activity Other). Writers write only CHANGE_TYPES
  // (record-input.ts checkNewEntry), so a ledger never holds a type its own version cannot read.
  if (typeof p.type !== 'string' || p.type.length > MAX_TYPE_LENGTH || !TYPE_NAME.test(p.type))
    fail(
      `predicate.type must be a type name (a-z, 0-9 and "-", at most ${MAX_TYPE_LENGTH} characters), e.g. ${CHANGE_TYPES.join(', ')}`,
    );
  if (typeof p.timestamp !== 'string' || Number.isNaN(Date.parse(p.timestamp)))
    fail('predicate.timestamp must be a date');
  if (typeof p.repository !== 'string' || !/^[^/\s]+\/[^/\s]+$/.test(p.repository)) {
    fail('predicate.repository must be OWNER/NAME');
  }
  if (typeof p.commit !== 'string' || !COMMIT_PATTERN.test(p.commit)) fail('predicate.commit must be 40 hex');
  const subject0 = (s.subject as { digest: { gitCommit: string } }[])[0]!;
  if (subject0.digest.gitCommit !== p.commit) fail('predicate.commit differs from the subject digest');
  for (const k of ['environment', 'branch', 'idempotency_key'] as const) {
    if (p[k] !== undefined && typeof p[k] !== 'string') fail(`predicate.${k} must be a string`);
  }
  return s as unknown as Statement;
}
