/**
 * Events a default collector keeps whole. rsyslog cuts a message at 8 KB unless told otherwise
 * (RFC 5424 only promises 2 KB), Splunk cuts an event at 10 000 bytes, and a deploy event with its
 * change set reaches 14 KB and more: cut mid-JSON, it is not an event any more. So a message that
 * would exceed the limit is sent smaller, by a rule a receiver can read back:
 *
 *  1. `raw_data` (the signed DSSE envelope, a base64 copy of the statement) is left out;
 *  2. then the longest lists in the statement copy (and in Entity Management's `entity_result.data`)
 *     are halved, the longest first, until the event fits, each list keeping its first items;
 *  3. then, if that is still not enough, the statement copy is left out.
 *
 * What was cut is named in `truncated` (OCSF: `unmapped.shiplog.truncated`; JSONL: top level),
 * with the entry hash and the ledger commit where the whole signed statement is.
 */
import { ShiplogError } from '../errors.ts';
import type { ExportEntry } from './entry.ts';

export interface Cut {
  /** Dotted path of what was cut, from the top of the event. */
  path: string;
  /** For a list: how many items are kept and how many there were. */
  kept?: number;
  of?: number;
}

export interface Truncated {
  /** The message size limit (`--max-message-bytes`) the message was made to fit. */
  max_message_bytes: number;
  /** Where the whole signed statement is: this entry of this ledger commit. */
  entry_hash: string;
  ledger_commit: string | null;
  seq: number;
  shard?: string;
  cut: Cut[];
}

type J = Record<string, unknown>;

/** Where a format keeps its copy of the statement, the lists that may be cut, and the note. */
export interface ShrinkPlan {
  /** Dotted paths of values that may be left out whole, in order (e.g. raw_data). */
  drop: string[];
  /** Dotted paths of the objects whose lists may be halved. */
  lists: string[];
  /** Dotted paths left out when halving lists is not enough. */
  last: string[];
  /** Dotted path of the object that receives `truncated`. */
  noteAt: string;
}

export const OCSF_PLAN: ShrinkPlan = {
  drop: ['raw_data'],
  lists: ['unmapped.shiplog.statement', 'entity_result.data'],
  last: ['unmapped.shiplog.statement', 'entity_result.data'],
  noteAt: 'unmapped.shiplog',
};

export const JSONL_PLAN: ShrinkPlan = {
  drop: [],
  lists: ['predicate', 'subject'],
  last: ['predicate.change_set', 'predicate.details'],
  noteAt: '',
};

function at(root: J, path: string): { parent: J; key: string } | undefined {
  if (path === '') return undefined;
  const keys = path.split('.');
  let cur: unknown = root;
  for (const k of keys.slice(0, -1)) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return undefined;
    cur = (cur as J)[k];
  }
  if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return undefined;
  return { parent: cur as J, key: keys[keys.length - 1]! };
}

function objectAt(root: J, path: string): J | undefined {
  if (path === '') return root;
  const p = at(root, path);
  const v = p?.parent[p.key];
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as J) : undefined;
}

/**
 * Every non-empty list under `value` (not those inside a list: halving the outer one is what
 * shortens them, and their paths would move), with its dotted path and serialized size.
 */
function lists(value: unknown, path: string, out: { path: string; list: unknown[]; size: number }[]): void {
  if (Array.isArray(value)) {
    if (value.length > 0) out.push({ path, list: value, size: JSON.stringify(value).length });
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) lists(v, `${path}.${k}`, out);
  }
}

const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v), 'utf8');

/**
 * `event` made to serialize to at most `maxBytes` bytes by `plan`, with the note added; the event
 * as it is when it already fits. Refuses (USAGE) when even the smallest form does not fit.
 */
export function shrinkEvent(
  event: J,
  entry: ExportEntry,
  plan: ShrinkPlan,
  maxBytes: number,
  limit = maxBytes,
): string {
  const whole = JSON.stringify(event);
  if (Buffer.byteLength(whole, 'utf8') <= maxBytes) return whole;
  const e = structuredClone(event);
  const cut: Cut[] = [];
  const note: Truncated = {
    max_message_bytes: limit,
    entry_hash: entry.hash,
    ledger_commit: entry.ledgerCommit ?? null,
    seq: entry.seq,
    ...(entry.shard !== undefined ? { shard: entry.shard } : {}),
    cut,
  };
  const holder = objectAt(e, plan.noteAt);
  if (!holder) throw new Error(`no ${plan.noteAt} to note the truncation in`);
  holder.truncated = note;
  const fits = () => bytes(e) <= maxBytes;

  const leaveOut = (path: string): void => {
    const p = at(e, path);
    if (!p || !(p.key in p.parent)) return;
    delete p.parent[p.key];
    cut.push({ path });
  };

  for (const path of plan.drop) {
    leaveOut(path);
    if (fits()) return JSON.stringify(e);
  }

  const original = new Map<string, number>();
  for (;;) {
    const found: { path: string; list: unknown[]; size: number }[] = [];
    for (const root of plan.lists) {
      const o = objectAt(e, root);
      if (o) lists(o, root, found);
    }
    const longest = found.sort((a, b) => b.size - a.size)[0];
    if (!longest) break;
    const { path, list } = longest;
    if (!original.has(path)) original.set(path, list.length);
    list.length = Math.floor(list.length / 2);
    const of = original.get(path)!;
    const prior = cut.find((c) => c.path === path);
    if (prior) prior.kept = list.length;
    else cut.push({ path, kept: list.length, of });
    if (fits()) return JSON.stringify(e);
  }

  for (const path of plan.last) {
    // Cuts inside what is now left out whole say nothing more.
    for (let i = cut.length - 1; i >= 0; i--) if (cut[i]!.path.startsWith(`${path}.`)) cut.splice(i, 1);
    leaveOut(path);
    if (fits()) return JSON.stringify(e);
  }
  throw new ShiplogError(
    'USAGE',
    `entry seq ${entry.seq} (${entry.hash}) does not fit in ${limit} bytes even without its statement: raise --max-message-bytes`,
  );
}
