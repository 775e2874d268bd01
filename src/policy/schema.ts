/**
 * Reading `.github/shiplog.yml`: YAML → JSON Schema validation (the same schema file editors use) →
 * a fully defaulted Policy. Every failure is one BAD_POLICY error naming the file, the line and the
 * problem, because a broken policy ends up as a failing check that a person has to fix.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import schemaJson from '../../schema/shiplog.schema.json' with { type: 'json' };
import { ShiplogError, errorMessage } from '../errors.ts';
import { compilePaths } from './match.ts';
import type { EnvironmentPolicy, Policy, Rule } from './model.ts';

export const MAX_POLICY_BYTES = 1024 * 1024;
/** At most this many problems are spelled out in one message; the rest are counted. */
const MAX_REPORTED_PROBLEMS = 5;

export const policySchema: Readonly<Record<string, unknown>> = schemaJson;

type Segment = string | number;

interface Problem {
  path: Segment[];
  /** Point at the key itself (unknown keys) rather than its value. */
  atKey?: string;
  message: string;
}

/** Finds the line of a problem, or undefined when the policy did not come from text. */
type Locate = (problem: Problem) => number | undefined;

let compiled: ValidateFunction | undefined;
function validator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, allowUnionTypes: true, strict: true, verbose: true }).compile(
    schemaJson,
  );
  return compiled;
}

/** Parses and validates policy text; `source` names the file in messages. */
export function parsePolicy(text: string, source: string): Policy {
  return withDefaults(parsePolicyObject(text, source), source);
}

/**
 * Parses and validates policy text (every problem named by line), returning the object as written,
 * without defaults — what `_extends` merges before the defaults are filled in.
 */
export function parsePolicyObject(text: string, source: string): Record<string, unknown> {
  if (typeof text !== 'string') throw new ShiplogError('BAD_POLICY', `${source}: policy must be text`);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_POLICY_BYTES) {
    throw new ShiplogError(
      'BAD_POLICY',
      `${source}: policy is ${bytes} bytes, over the 1 MB limit; shiplog refuses to read it`,
    );
  }

  const lineCounter = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  } catch (e) {
    throw new ShiplogError('BAD_POLICY', `${source}: invalid YAML: ${errorMessage(e)}`, { cause: e });
  }
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = yamlError.linePos?.[0].line ?? lineCounter.linePos(yamlError.pos[0]).line;
    throw new ShiplogError(
      'BAD_POLICY',
      `${source} line ${line}: invalid YAML: ${plainYamlMessage(yamlError.message)}`,
    );
  }

  let value: unknown;
  try {
    // The alias cap stops "billion laughs" documents from expanding into gigabytes.
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new ShiplogError('BAD_POLICY', `${source}: invalid YAML: ${errorMessage(e)}`, { cause: e });
  }

  const locate: Locate = (problem) => {
    const offset = offsetOf(doc, problem);
    return offset === undefined ? undefined : lineCounter.linePos(offset).line;
  };
  return validateRaw(value, source, locate) as unknown as Record<string, unknown>;
}

/**
 * Validates a policy that is already an object (Probot's `context.config` parses the YAML itself
 * and merges `_extends`), so messages cannot name lines.
 */
export function policyFromObject(obj: unknown, source: string): Policy {
  return validatePolicy(obj, source, () => undefined);
}

/**
 * Looks up an environment's gate without tripping over inherited names like "constructor". GitHub
 * environment names are case-insensitive (`Production` is `production`), so the lookup is too; a
 * policy naming one environment twice in different case is refused when it is read.
 */
export function environmentPolicy(policy: Policy, name: string): EnvironmentPolicy | undefined {
  if (Object.hasOwn(policy.environments, name)) return policy.environments[name];
  const wanted = name.toLowerCase();
  const key = Object.keys(policy.environments).find((k) => k.toLowerCase() === wanted);
  return key === undefined ? undefined : policy.environments[key];
}

function validatePolicy(input: unknown, source: string, locate: Locate): Policy {
  return withDefaults(validateRaw(input, source, locate), source);
}

function validateRaw(input: unknown, source: string, locate: Locate): RawPolicy {
  // An empty file is an empty policy: nothing protected, defaults for everything else.
  const value = input === null || input === undefined ? {} : input;
  const validate = validator();
  let problems: Problem[];
  if (validate(value)) {
    problems = semanticProblems(value as RawPolicy);
  } else {
    problems = dedupe((validate.errors ?? []).map((e) => describeAjvError(e, value)));
  }
  if (problems.length > 0) throw policyError(problems, source, locate);
  return value as RawPolicy;
}

// What the schema guarantees after a successful validation.
interface RawRule {
  name: string;
  paths: string[];
  approvals?: number;
  teams?: string[];
  users?: string[];
}
interface RawPolicy {
  _extends?: string;
  rules?: RawRule[];
  settings?: {
    stale_approvals?: boolean;
    allow_author?: boolean;
    allow_contributor?: boolean;
    block_on_changes_requested?: boolean;
    check_name?: string;
    override?: { users?: string[]; teams?: string[]; allow_author?: boolean; review_within?: string };
  };
  environments?: Record<string, Partial<EnvironmentPolicy> | null>;
  ledger?: { repository?: string; branch?: string };
}

/** Checks JSON Schema cannot express: unique rule names and globs that compile. */
function semanticProblems(raw: RawPolicy): Problem[] {
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  (raw.rules ?? []).forEach((rule, i) => {
    const key = rule.name.trim().toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push({
        path: ['rules', i, 'name'],
        message: `rule name "${rule.name}" is already used by rules[${first}]`,
      });
    } else {
      seen.set(key, i);
    }
    rule.paths.forEach((pattern, j) => {
      try {
        compilePaths([pattern]);
      } catch (e) {
        problems.push({ path: ['rules', i, 'paths', j], message: errorMessage(e) });
      }
    });
  });
  // GitHub treats `Production` and `production` as one environment: two sections would be ambiguous
  const environments = new Map<string, string>();
  for (const name of Object.keys(raw.environments ?? {})) {
    const first = environments.get(name.toLowerCase());
    if (first !== undefined) {
      problems.push({
        path: ['environments', name],
        message: `environment "${name}" is the same environment as "${first}" (GitHub environment names are case-insensitive)`,
      });
    } else environments.set(name.toLowerCase(), name);
  }
  return problems;
}

function withDefaults(raw: RawPolicy, source: string): Policy {
  const settings = raw.settings ?? {};
  const environments: Record<string, EnvironmentPolicy> = Object.create(null) as Record<
    string,
    EnvironmentPolicy
  >;
  for (const [name, env] of Object.entries(raw.environments ?? {})) {
    environments[name] = {
      require_approved_pr: env?.require_approved_pr ?? true,
      min_approvals: env?.min_approvals ?? 1,
      allow_direct_push: env?.allow_direct_push ?? false,
      require_approved_change_set: env?.require_approved_change_set ?? true,
    };
  }
  const policy: Policy = {
    source,
    rules: (raw.rules ?? []).map((r): Rule => ({
      name: r.name,
      paths: [...r.paths],
      approvals: r.approvals ?? 1,
      teams: [...(r.teams ?? [])],
      users: [...(r.users ?? [])],
    })),
    settings: {
      stale_approvals: settings.stale_approvals ?? false,
      allow_author: settings.allow_author ?? false,
      allow_contributor: settings.allow_contributor ?? false,
      block_on_changes_requested: settings.block_on_changes_requested ?? true,
      check_name: settings.check_name ?? 'shiplog/approvals',
      override: {
        users: [...(settings.override?.users ?? [])],
        teams: [...(settings.override?.teams ?? [])],
        allow_author: settings.override?.allow_author ?? false,
        review_within: settings.override?.review_within ?? '72h',
      },
    },
    environments,
    ledger: raw.ledger?.branch !== undefined ? { branch: raw.ledger.branch } : {},
  };
  if (raw.ledger?.repository !== undefined) policy.ledger.repository = raw.ledger.repository;
  if (raw._extends !== undefined) policy.extends = raw._extends;
  return policy;
}

// ---- messages -------------------------------------------------------------------------------------

function policyError(problems: Problem[], source: string, locate: Locate): ShiplogError {
  const located = problems
    .map((p) => ({ ...p, line: locate(p) }))
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  const parts = located
    .slice(0, MAX_REPORTED_PROBLEMS)
    .map((p) => (p.line === undefined ? p.message : `line ${p.line}: ${p.message}`));
  const more = located.length - parts.length;
  const text = parts.join('; ') + (more > 0 ? ` (and ${more} more problem${more === 1 ? '' : 's'})` : '');
  const hasLines = located.some((p) => p.line !== undefined);
  const message = hasLines
    ? `${source} ${text}`
    : `${source}: ${text} (line numbers unavailable: the policy was given as an already-parsed object)`;
  return new ShiplogError('BAD_POLICY', message, {
    details: located.map((p) => ({ path: displayPath(p.path), line: p.line, message: p.message })),
  });
}

/** yaml's pretty messages repeat the position and add a code frame; the caller adds the line. */
function plainYamlMessage(message: string): string {
  return message.replace(/ at line \d+, column \d+:[\s\S]*$/, '').trim();
}

const PATTERN_HINTS: Array<[RegExp, string]> = [
  [/\/(?:users|override\/users)\/\d+$/, 'must be a GitHub login (letters, digits, "-" and "_")'],
  [/\/teams\/\d+$/, 'must be a team slug (letters, digits, ".", "-" and "_")'],
  [/^\/ledger\/repository$/, 'must look like "owner/name"'],
  [/^\/ledger\/branch$/, 'must be a valid git branch name'],
];

function describeAjvError(e: ErrorObject, root: unknown): Problem {
  const path = pointerSegments(e.instancePath, root);
  const here = displayPath(path);
  const got = describeValue(valueAt(root, path));
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'type': {
      const types = Array.isArray(params.type) ? params.type : String(params.type).split(',');
      return { path, message: `${here} must be ${types.map(article).join(' or ')} (got ${got})` };
    }
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = knownKeys(e.parentSchema);
      const guess = closest(key, known);
      return {
        path,
        atKey: key,
        message:
          `${here} has unknown key "${key}"` +
          (guess ? ` (did you mean "${guess}"?)` : known.length > 0 ? ` (allowed: ${known.join(', ')})` : ''),
      };
    }
    case 'required':
      return { path, message: `${here} is missing required key "${String(params.missingProperty)}"` };
    case 'minimum':
      return { path, message: `${here} must be at least ${String(params.limit)} (got ${got})` };
    case 'maximum':
      return { path, message: `${here} must be at most ${String(params.limit)} (got ${got})` };
    case 'minItems':
      return { path, message: `${here} must have at least ${String(params.limit)} item(s)` };
    case 'maxItems': {
      const count = Array.isArray(valueAt(root, path)) ? (valueAt(root, path) as unknown[]).length : '?';
      return { path, message: `${here} has ${count} items; at most ${String(params.limit)} are allowed` };
    }
    case 'maxProperties':
      return { path, message: `${here} has too many entries; at most ${String(params.limit)} are allowed` };
    case 'minLength':
      return { path, message: `${here} must not be empty` };
    case 'maxLength':
      return { path, message: `${here} must be at most ${String(params.limit)} characters long` };
    case 'pattern': {
      const hint = PATTERN_HINTS.find(([re]) => re.test(e.instancePath))?.[1];
      return { path, message: `${here} ${hint ?? `must match ${String(params.pattern)}`} (got ${got})` };
    }
    case 'propertyNames':
      return {
        path,
        atKey: String(params.propertyName),
        message: `${here} has an invalid name "${String(params.propertyName)}"`,
      };
    default:
      return { path, message: `${here} ${e.message ?? 'is invalid'}` };
  }
}

function article(type: string): string {
  return type === 'object' ? 'a mapping' : type === 'array' ? 'a list' : type === 'null' ? 'empty' : type;
}

function knownKeys(schema: unknown): string[] {
  const props = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return props ? Object.keys(props) : [];
}

/** A near-miss suggestion for typos such as `aprovals`; nothing when no key is close. */
function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 4)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  if (a.length > 64 || b.length > 64) return Infinity;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(p.message) && seen.add(p.message));
}

function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}

/** JSON Pointer → segments, with array indexes as numbers (so paths print as `rules[0]`). */
function pointerSegments(pointer: string, root: unknown): Segment[] {
  if (pointer === '') return [];
  const out: Segment[] = [];
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      out.push(Number(seg));
      node = node[Number(seg)];
    } else {
      out.push(seg);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}

function valueAt(root: unknown, path: Segment[]): unknown {
  let node = root;
  for (const seg of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[seg];
  }
  return node;
}

export function displayPath(path: Segment[]): string {
  if (path.length === 0) return 'the policy';
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** Source offset of the YAML node a problem is about (its key for unknown keys). */
function offsetOf(doc: Document.Parsed, problem: Problem): number | undefined {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  const steps: Segment[] = problem.atKey === undefined ? problem.path : [...problem.path, problem.atKey];
  for (let i = 0; i < steps.length; i++) {
    const seg = steps[i]!;
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => keyText(p.key) === String(seg));
      if (!pair) break;
      const wantKey = problem.atKey !== undefined && i === steps.length - 1;
      node = wantKey ? pair.key : pair.value;
      // A key with no value (`approvals:`) has no value node; its key still has a line.
      offset = rangeStart(node) ?? rangeStart(pair.key) ?? offset;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      offset = rangeStart(node) ?? offset;
    } else {
      break;
    }
  }
  return offset;
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range?.[0];
}
