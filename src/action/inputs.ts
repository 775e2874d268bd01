/**
 * Every input of the Action, read once into one typed object. `parseInputs` is pure: it gets the
 * raw strings through `get` (the runner's `INPUT_*` values in production, a map in tests), so the
 * commands never call `getInput` and every input error names the input it is about.
 */
import { ShiplogError } from '../errors.ts';
import { COMMIT_PATTERN } from '../ledger/encoding.ts';
import { isCentralLedger, writeBranch } from '../ledger/shards.ts';
import {
  configKeyProblem,
  DEPLOY_STATUSES,
  environmentProblem,
  type DeployStatus,
} from '../ledger/record-input.ts';
import { CHANGE_TYPES, RECORDABLE_TYPES, type ChangeType } from '../ledger/statement.ts';
import { parseMaxMessageBytes, parseSdId } from '../export/syslog.ts';
import { checkPattern } from './files.ts';

export const COMMANDS = ['record', 'verify', 'query', 'gate', 'forward'] as const;
export type Command = (typeof COMMANDS)[number];
export type RecordType = (typeof RECORDABLE_TYPES)[number];
export { DEPLOY_STATUSES, type DeployStatus };
export const MIGRATION_TOOLS = ['flyway', 'liquibase', 'atlas', 'prisma', 'other'] as const;
export type MigrationTool = (typeof MIGRATION_TOOLS)[number];

/** An artifact given by digest (`name@sha256:hex`) or by a glob of files to hash. */
export type ArtifactSpec =
  { kind: 'digest'; name: string; digest: string } | { kind: 'glob'; pattern: string };

export interface ActionInputs {
  command: Command;
  /** The change type to record (record) or to look for (query). */
  type?: ChangeType;
  /** PEM text; already masked by main.ts before parsing. */
  signingKey?: string;
  /** PEM text of one or more public keys, or workspace paths of PEM files (one a line). */
  trustedKeys?: string;
  /** record: witnesses to submit checkpoints to, `URL=KEYFILE` (workspace path) one a line. */
  witnesses?: string;
  token?: string;
  ledgerBranch: string;
  ledgerRepository: string;
  ledgerRemote?: string;
  /** An explicit `commit` input (validated); undefined means "the workflow's commit". */
  commitInput?: string;
  commit: string;
  environment?: string;
  version?: string;
  url?: string;
  status?: DeployStatus;
  artifacts: ArtifactSpec[];
  migrations: string[];
  migrationTool?: MigrationTool;
  database?: string;
  configKeys: string[];
  configFiles: string[];
  reason?: string;
  /** ISO timestamp. */
  expires?: string;
  overrideReason?: string;
  allowDuplicate: boolean;
  /** query: output the newest entry's inclusion proof bundle. */
  proof: boolean;
  /** verify: text of a checkpoint verified before (only what came after it is checked). */
  since?: string;
  /** record deploy: record a change set GitHub could not give completely (complete: false) instead of failing. */
  allowIncomplete: boolean;
  /** forward: the collector (syslog+tcp://, syslog+tls://, relp://, https:// Splunk HEC). */
  to?: string;
  /** forward: the cursor file, a workspace path. */
  cursor?: string;
  /** forward: ocsf | jsonl. */
  format?: string;
  /** forward: a workspace PEM file of CAs for the collector's certificate. */
  ca?: string;
  /** forward: the Splunk HEC token (masked by main.ts before parsing). */
  hecToken?: string;
  /** forward: syslog/RELP structured data under this NAME@PEN SD-ID. */
  sdId?: string;
  /** forward: the largest message (syslog) or event (HEC) sent. */
  maxMessageBytes?: number;
}

export type InputReader = (name: string) => string;

const MAX_TEXT = 1000;

function bad(input: string, message: string): never {
  throw new ShiplogError('USAGE', `input "${input}": ${message}`);
}

function oneOf<T extends string>(input: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    bad(input, `must be one of ${allowed.join(', ')} (got "${value}")`);
  }
  return value as T;
}

function lines(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** A free-text input: one line, no control characters, bounded (it ends up in commit titles and logs). */
function text(input: string, value: string, max = MAX_TEXT): string | undefined {
  return prose(input, value.includes('\n') ? bad(input, 'must be one line') : value, max);
}

/** Free text that may span lines (a reason written as a YAML block), still without other control characters. */
function prose(input: string, value: string, max = MAX_TEXT): string | undefined {
  if (value === '') return undefined;
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(value.replace(/\r\n/g, '\n')))
    bad(input, 'contains control characters');
  if (value.length > max) bad(input, `is longer than ${max} characters`);
  return value;
}

function boolean(input: string, value: string): boolean {
  const v = value.toLowerCase();
  if (v === '' || v === 'false') return false;
  if (v === 'true') return true;
  return bad(input, `must be true or false (got "${value}")`);
}

const DURATION = /^(\d+)\s*(m|min|h|d|w)$/i;
const UNIT_MS: Record<string, number> = {
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** `expires`: an ISO 8601 timestamp, or a duration from now such as `30m`, `4h`, `2d`, `1w`. */
export function parseExpires(value: string, now: Date): string {
  const d = DURATION.exec(value.trim());
  let at: number;
  if (d) {
    const amount = Number(d[1]);
    if (amount <= 0) bad('expires', 'a duration must be positive');
    at = now.getTime() + amount * UNIT_MS[d[2]!.toLowerCase()]!;
  } else {
    if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value.trim())) {
      bad(
        'expires',
        `must be an ISO timestamp (2026-05-01T18:00:00Z) or a duration like 4h or 2d (got "${value}")`,
      );
    }
    at = Date.parse(value.trim());
    if (Number.isNaN(at)) bad('expires', `"${value}" is not a valid date`);
  }
  if (at <= now.getTime()) bad('expires', `${new Date(at).toISOString()} is already in the past`);
  return new Date(at).toISOString();
}

function parseArtifacts(value: string): ArtifactSpec[] {
  return lines(value).map((line) => {
    const at = line.lastIndexOf('@sha256:');
    if (at > 0) {
      const name = line.slice(0, at).trim();
      const hex = line.slice(at + '@sha256:'.length).toLowerCase();
      if (!/^[0-9a-f]{64}$/.test(hex))
        bad('artifacts', `"${line}": the digest must be sha256: and 64 hex digits`);
      return { kind: 'digest', name: text('artifacts', name, 500)!, digest: `sha256:${hex}` };
    }
    return { kind: 'glob', pattern: checkPattern('artifacts', line) };
  });
}

/** Key names only: a line with `=` is most likely a value pasted by mistake, and values are secret. */
function parseConfigKeys(value: string): string[] {
  return lines(value).map((key) => {
    const problem = configKeyProblem(key);
    return problem ? bad('config-keys', problem) : key;
  });
}

/** The same rule for an environment name as every writer applies (ledger/record-input.ts). */
function environmentInput(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.includes('\n')) bad('environment', 'must be one line');
  const problem = environmentProblem(value);
  return problem ? bad('environment', problem) : value;
}

export function parseInputs(get: InputReader, env: NodeJS.ProcessEnv, now = new Date()): ActionInputs {
  const command = oneOf('command', get('command') || 'record', COMMANDS);
  const repository = env.GITHUB_REPOSITORY ?? '';

  const ledgerRepository = get('ledger-repository') || repository;
  if (!/^[\w.-]+\/[\w.-]+$/.test(ledgerRepository)) {
    bad('ledger-repository', `must be OWNER/NAME (got "${ledgerRepository}"; is GITHUB_REPOSITORY set?)`);
  }
  // A central ledger repository, or a mirror shared by many, holds one shard per source repository
  // (see ledger/shards.ts).
  const ledgerRemoteInput = get('ledger-remote') || undefined;
  const central = isCentralLedger({
    source: repository,
    ledgerRepository,
    ...(ledgerRemoteInput ? { remote: ledgerRemoteInput } : {}),
  });
  let ledgerBranch: string;
  try {
    ledgerBranch = writeBranch({ branch: get('ledger-branch') || undefined, central, repository });
  } catch (e) {
    bad(
      'ledger-branch',
      get('ledger-branch')
        ? `"${get('ledger-branch')}" is not a valid branch name`
        : `not given, and the shard of a central ledger needs GITHUB_REPOSITORY (${(e as Error).message})`,
    );
  }

  const commitInput = get('commit').toLowerCase() || undefined;
  const commit = commitInput ?? (env.GITHUB_SHA ?? '').toLowerCase();
  if (!COMMIT_PATTERN.test(commit)) {
    bad(
      'commit',
      commitInput
        ? `must be a full 40-hex commit sha (got "${commitInput}")`
        : 'not given and GITHUB_SHA is not set',
    );
  }

  const inputs: ActionInputs = {
    command,
    signingKey: get('signing-key') || undefined,
    trustedKeys: get('trusted-keys') || undefined,
    witnesses: get('witnesses') || undefined,
    token: get('token') || undefined,
    ledgerBranch,
    ledgerRepository,
    ledgerRemote: get('ledger-remote') || undefined,
    commitInput,
    commit,
    environment: environmentInput(get('environment')),
    version: text('version', get('version'), 200),
    url: text('url', get('url'), 2000),
    artifacts: parseArtifacts(get('artifacts')),
    migrations: lines(get('migrations')).map((p) => checkPattern('migrations', p)),
    database: text('database', get('database'), 200),
    configKeys: parseConfigKeys(get('config-keys')),
    configFiles: lines(get('config-files')).map((p) => checkPattern('config-files', p)),
    reason: prose('reason', get('reason').trim()),
    overrideReason: prose('override-reason', get('override-reason').trim()),
    allowDuplicate: boolean('allow-duplicate', get('allow-duplicate')),
    proof: boolean('proof', get('proof')),
    allowIncomplete: boolean('allow-incomplete', get('allow-incomplete')),
  };
  const since = get('since').trim();
  if (since) inputs.since = since;
  for (const input of ['to', 'cursor', 'format', 'ca', 'hec-token', 'sd-id', 'max-message-bytes'] as const) {
    const value = get(input).trim();
    if (!value) continue;
    if (command !== 'forward') bad(input, 'is only for command forward');
    if (input === 'hec-token') inputs.hecToken = value;
    else if (input === 'sd-id') inputs.sdId = parseSdId(value, 'input "sd-id":');
    else if (input === 'max-message-bytes')
      inputs.maxMessageBytes = parseMaxMessageBytes(value, 'input "max-message-bytes":');
    else inputs[input] = text(input, value, 2000);
  }
  if (command === 'forward') {
    if (!inputs.to)
      bad('to', 'is required for command forward (syslog+tcp://, syslog+tls://, relp:// or https://)');
    if (!inputs.cursor)
      bad('cursor', 'is required for command forward (a workspace path; keep it with actions/cache)');
    if (!inputs.trustedKeys)
      bad('trusted-keys', 'is required for command forward: only verified entries leave');
  }

  const url = inputs.url;
  if (url !== undefined && !/^https?:\/\/\S+$/i.test(url)) bad('url', 'must be an http(s) URL');
  const status = get('status');
  if (status) inputs.status = oneOf('status', status, DEPLOY_STATUSES);
  const tool = get('migration-tool');
  if (tool) inputs.migrationTool = oneOf('migration-tool', tool, MIGRATION_TOOLS);
  const expires = get('expires');
  if (expires) inputs.expires = parseExpires(expires, now);

  if (command === 'record') {
    const type = get('type');
    if (!type) bad('type', `is required for command record: ${RECORDABLE_TYPES.join(', ')}`);
    inputs.type = oneOf('type', type, RECORDABLE_TYPES);
    if (!inputs.signingKey)
      bad('signing-key', 'is required for command record (store the PEM key as a secret)');
    checkTypeInputs(inputs);
  }
  if (command === 'query' && get('type')) inputs.type = oneOf('type', get('type'), CHANGE_TYPES);
  if (command === 'verify' && !inputs.trustedKeys) {
    bad(
      'trusted-keys',
      'is required for command verify (PEM public keys, or paths of .pub files in the workspace)',
    );
  }
  if (command === 'gate' && inputs.overrideReason && !inputs.signingKey) {
    bad('signing-key', 'is required with override-reason: the override is recorded on the ledger');
  }
  if (command !== 'gate' && inputs.overrideReason) bad('override-reason', 'is only for command gate');
  if (command !== 'verify' && inputs.since) bad('since', 'is only for command verify');
  return inputs;
}

/** Inputs that belong to another change type are refused rather than silently dropped. */
function checkTypeInputs(i: ActionInputs): void {
  const foreign: [keyof ActionInputs, string, RecordType][] = [
    ['version', 'version', 'deploy'],
    ['url', 'url', 'deploy'],
    ['status', 'status', 'deploy'],
    ['migrationTool', 'migration-tool', 'migration'],
    ['database', 'database', 'migration'],
    ['reason', 'reason', 'config-override'],
    ['expires', 'expires', 'config-override'],
  ];
  for (const [field, name, owner] of foreign) {
    if (i[field] !== undefined && i.type !== owner)
      bad(name, `only applies to type ${owner} (type is ${i.type})`);
  }
  const lists: [keyof ActionInputs, string, RecordType][] = [
    ['artifacts', 'artifacts', 'deploy'],
    ['migrations', 'migrations', 'migration'],
    ['configKeys', 'config-keys', 'config-override'],
    ['configFiles', 'config-files', 'config-override'],
  ];
  for (const [field, name, owner] of lists) {
    if ((i[field] as unknown[]).length > 0 && i.type !== owner) {
      bad(name, `only applies to type ${owner} (type is ${i.type})`);
    }
  }
  if (i.type === 'deploy' && !i.environment) {
    bad('environment', 'is required for type deploy (the environment deployed to)');
  }
  if (i.type === 'migration' && i.migrations.length === 0) {
    bad('migrations', 'is required for type migration (globs of the applied migration files)');
  }
  if (i.type === 'config-override') {
    if (!i.reason) bad('reason', 'is required for type config-override: say why the override is needed');
    if (i.configKeys.length === 0 && i.configFiles.length === 0) {
      bad('config-keys', 'type config-override needs config-keys or config-files (what was overridden)');
    }
  }
}
