/**
 * The one policy loader every path uses — the webhook handlers, the sweeps, the merge record, the
 * deployment protection rule and the Action's gate — so `_extends` means the same everywhere:
 * the base's rules and the repository's rules both apply (concatenated, base first), and for
 * settings, environments and the ledger the repository's own values win, key by key.
 *
 * Where the file comes from follows Probot's config convention: `.github/shiplog.yml` of the
 * repository (on its default branch, or at `ref`), else of the owner's `.github` repository (the
 * organization default); `_extends: repo`, `owner/repo` or `owner/repo:path.yml` reads that file
 * (on its default branch) first. A base that is missing, unreadable or broken fails the load: a
 * policy whose protections cannot all be read must not pass as a smaller one. No file anywhere is
 * an empty policy (nothing protected).
 */
import { ShiplogError } from '../errors.ts';
import type { Policy } from './model.ts';
import { parsePolicyObject, policyFromObject } from './schema.ts';

export const POLICY_PATH = '.github/shiplog.yml';
/** `_extends` chains deeper than this are refused (and a cycle is always). */
const MAX_EXTENDS = 5;

export interface PolicyFileRef {
  owner: string;
  repo: string;
  path: string;
  /** Branch, tag or commit; the repository's default branch when absent. */
  ref?: string;
}

/** Reads one file's text; undefined when it does not exist. Everything else throws. */
export type ReadPolicyFile = (file: PolicyFileRef) => Promise<string | undefined>;

export interface LoadedPolicyFile {
  policy: Policy;
  /** The files read, repository's first, then each base: for messages and records. */
  sources: string[];
  /** False when no policy file exists anywhere (an empty policy). */
  found: boolean;
}

const EXTENDS = /^(?:([a-z\d](?:[a-z\d]|-(?=[a-z\d])){0,38})\/)?([-_.\w\d]+)(?::([-_./\w\d]+\.ya?ml))?$/i;

function sourceOf(f: PolicyFileRef): string {
  return `${f.owner}/${f.repo}:${f.path}${f.ref ? `@${f.ref}` : ''}`;
}

export async function loadPolicyFile(
  read: ReadPolicyFile,
  at: { owner: string; repo: string; ref?: string },
): Promise<LoadedPolicyFile> {
  const own: PolicyFileRef = {
    owner: at.owner,
    repo: at.repo,
    path: POLICY_PATH,
    ...(at.ref ? { ref: at.ref } : {}),
  };
  let first = own;
  let text = await read(own);
  if (text === undefined && at.repo.toLowerCase() !== '.github') {
    // Probot's convention: a repository without its own file uses its owner's `.github` repository's.
    first = { owner: at.owner, repo: '.github', path: POLICY_PATH };
    text = await read(first);
  }
  const source = sourceOf(own);
  if (text === undefined) return { policy: policyFromObject({}, source), sources: [], found: false };

  const layers: Record<string, unknown>[] = [];
  const sources: string[] = [];
  let file = first;
  for (;;) {
    const name = sourceOf(file);
    if (sources.includes(name)) {
      throw new ShiplogError(
        'BAD_POLICY',
        `${source}: _extends goes round in a circle (${[...sources, name].join(' → ')})`,
      );
    }
    sources.push(name);
    const raw = parsePolicyObject(text!, name);
    layers.push(raw);
    const spec = raw._extends;
    if (typeof spec !== 'string') break;
    if (sources.length > MAX_EXTENDS) {
      throw new ShiplogError('BAD_POLICY', `${source}: _extends is nested more than ${MAX_EXTENDS} deep`);
    }
    const m = EXTENDS.exec(spec);
    if (!m) {
      throw new ShiplogError(
        'BAD_POLICY',
        `${name}: _extends "${spec}" is not "repo", "owner/repo" or "owner/repo:path.yml"`,
      );
    }
    file = { owner: m[1] ?? file.owner, repo: m[2]!, path: m[3] ?? POLICY_PATH };
    text = await read(file);
    if (text === undefined) {
      throw new ShiplogError(
        'BAD_POLICY',
        `${name}: _extends "${spec}" names ${sourceOf(file)}, which does not exist (or this app cannot read it); its rules cannot be left out`,
      );
    }
  }

  // Oldest base first; each layer above adds rules and overrides values.
  let merged: Record<string, unknown> = {};
  for (const layer of layers.reverse()) merged = mergeLayer(merged, layer);
  delete merged._extends;
  const policy = policyFromObject(merged, source);
  const extended = layers.length > 1 ? (layers.at(-1)!._extends as string | undefined) : undefined;
  if (extended !== undefined) policy.extends = extended;
  return { policy, sources, found: true };
}

/** `base` with `over` on top: rules concatenated; mappings merged key by key; other values replaced. */
function mergeLayer(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out = copy(base);
  for (const [key, value] of Object.entries(over)) {
    if (key === 'rules' && Array.isArray(value)) {
      put(out, 'rules', [...((base.rules as unknown[] | undefined) ?? []), ...value]);
    } else {
      put(out, key, mergeValue(own(base, key), value));
    }
  }
  return out;
}

function mergeValue(base: unknown, over: unknown): unknown {
  if (isMapping(base) && isMapping(over)) {
    const out = copy(base);
    for (const [k, v] of Object.entries(over)) put(out, k, mergeValue(own(base, k), v));
    return out;
  }
  // `environments: { staging: }` (null) names an environment with every default: keep the base's.
  if (over === null && isMapping(base)) return base;
  return over;
}

// Environment names are the user's: `__proto__` or `constructor` must stay plain keys.
function put(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

function own(o: Record<string, unknown>, k: string): unknown {
  return Object.hasOwn(o, k) ? o[k] : undefined;
}

function copy(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) put(out, k, v);
  return out;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
