/**
 * Ledger format v2: where things live in every ledger commit's tree, and the text of the index
 * files. The history is the ledger (one entry per commit, in `entry.json`); the tip tree is only a
 * small index whose size does not grow with the ledger:
 *
 *   entry.json                 this commit's entry (one DSSE envelope, one line)
 *   checkpoint                 the signed checkpoint after this entry (C2SP tlog-checkpoint: origin,
 *                              size, base64 RFC 6962 Merkle root over the entry hashes)
 *   cosigned                   optional: checkpoints witnesses cosigned, newest first — complete
 *                              C2SP signed notes (body, blank line, the log's and the witnesses'
 *                              signature lines) separated by one blank line; an older note stays only
 *                              for a witness the newer lack, ≤ 16 notes (witness/cosigned-file.ts).
 *                              Carried forward unchanged by each append until a newer one is published
 *   tree/<L>/…                 the Merkle tree's tiles (see tree/tiles.ts): one partial tile per
 *                              tile level and sealed lists of full tiles by blob id, as below
 *   tree/entries/…             entry blob ids by seq, tiled the same way (seq → entry in two reads)
 *   index/deploys              latest successful deploys per (repository, environment)
 *   index/<h1>/<h2>/<seq>      the open segment of the bucket for subject commits h1h2…: one line
 *                              per entry, <seq> the first seq it holds
 *   index/<h1>/<h2>/sealed     the bucket's full segments, by blob id (level 1)
 *   index/<h1>/<h2>/sealed-2   full `sealed` lists, by blob id (level 2, and so on)
 *
 * A segment is sealed once the next line would take it past SEGMENT_CAP bytes: it leaves the tree
 * and its blob id (still reachable from the commits that held it) is listed in `sealed`. So an
 * append writes one small segment (and, one time in ~45, a list of at most LIST_CAP bytes), and the
 * tip tree holds two files per bucket whatever the ledger's length. The tiles under `tree/` follow
 * the same pattern: a full tile (256 hashes) leaves the tree and is listed by blob id.
 *
 * Commit dates never go backwards: a ledger commit's committer date is at least its parent's (the
 * entry keeps its own timestamp as author date), so git's connectivity check on push stops at once.
 */
import { ShiplogError } from '../errors.ts';
import { COMMIT_PATTERN } from './encoding.ts';

export const ENTRY_FILE = 'entry.json';
export const CHECKPOINT_FILE = 'checkpoint';
export const COSIGNED_FILE = 'cosigned';
export const INDEX_DIR = 'index';
export const DEPLOYS_FILE = 'deploys';
export const DEPLOYS_PATH = `${INDEX_DIR}/${DEPLOYS_FILE}`;
export const SEALED_FILE = 'sealed';

/** Bytes a segment may hold: what one append writes to the index stays under ~8 KB. */
export const SEGMENT_CAP = 8192;
/** Bytes a sealed list may hold before it is sealed one level up. */
export const LIST_CAP = 8192;
/** Successful deploys remembered per environment, so a rollback can say what runs again. */
export const DEPLOY_STACK = 5;

/** The bucket folder of a subject commit: index/<first hex>/<second hex>. */
export function bucketDir(commit: string): string {
  return `${INDEX_DIR}/${commit[0]}/${commit[1]}`;
}

export function sealedName(level: number): string {
  return level === 1 ? SEALED_FILE : `${SEALED_FILE}-${level}`;
}

/** The level of a sealed list file name, or undefined for anything else. */
export function sealedLevel(name: string): number | undefined {
  if (name === SEALED_FILE) return 1;
  const m = /^sealed-([2-9]|[1-9]\d)$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** A segment's file name is the seq of its first line, in plain decimal. */
export function segmentSeq(name: string): number | undefined {
  return /^(0|[1-9]\d{0,15})$/.test(name) ? Number(name) : undefined;
}

/** One index line: everything a cold reader needs to pick an entry and fetch it by blob id. */
export interface IndexLine {
  commit: string;
  seq: number;
  /** "sha256:<hex>" entry hash; written as bare hex. */
  hash: string;
  /** Git blob id of the entry's entry.json. */
  blob: string;
  type: string;
  environment?: string;
  repository: string;
}

// Tab separated; the environment may hold spaces but never control characters (checked on append).
export function formatIndexLine(l: IndexLine): string {
  return `${l.commit}\t${l.seq}\t${l.hash.slice('sha256:'.length)}\t${l.blob}\t${l.type}\t${l.environment ?? ''}\t${l.repository}\n`;
}

const LINE =
  /^([0-9a-f]{40})\t(0|[1-9]\d{0,15})\t([0-9a-f]{64})\t([0-9a-f]{40})\t([a-z-]{1,40})\t([^\t\n]*)\t([^\t\n/]+\/[^\t\n/]+)$/;

export function parseIndexLine(text: string): IndexLine | undefined {
  const m = LINE.exec(text);
  if (!m) return undefined;
  return {
    commit: m[1]!,
    seq: Number(m[2]),
    hash: `sha256:${m[3]}`,
    blob: m[4]!,
    type: m[5]!,
    ...(m[6] ? { environment: m[6] } : {}),
    repository: m[7]!,
  };
}

/** Lines of a segment; undefined entries mark lines that do not parse. */
export function parseSegment(text: string): (IndexLine | undefined)[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map(parseIndexLine);
}

/** A reference in a sealed list: a full segment (level 1) or a full list (level 2+). */
export interface SealedRef {
  first: number;
  last: number;
  blob: string;
}

export function formatSealedRef(r: SealedRef): string {
  return `${r.first}\t${r.last}\t${r.blob}\n`;
}

export function parseSealedList(text: string): SealedRef[] | undefined {
  const out: SealedRef[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const m = /^(0|[1-9]\d{0,15})\t(0|[1-9]\d{0,15})\t([0-9a-f]{40})$/.exec(line);
    if (!m) return undefined;
    out.push({ first: Number(m[1]), last: Number(m[2]), blob: m[3]! });
  }
  return out;
}

/** What `index/deploys` remembers of one successful deploy. */
export interface DeployRef {
  seq: number;
  commit: string;
  blob: string;
}

/** Per (repository, environment): the successful deploys still in force, newest first. */
export interface DeployState {
  repository: string;
  environment: string;
  deploys: DeployRef[];
}

/** One line per (repository, environment) that ever saw a deploy; `-` when none is in force. */
export function formatDeploys(states: DeployState[]): string {
  return [...states]
    .sort((a, b) => cmp(a.repository, b.repository) || cmp(a.environment, b.environment))
    .map(
      (s) =>
        `${s.repository}\t${s.environment}\t${s.deploys.map((d) => `${d.seq}:${d.commit}:${d.blob}`).join(' ') || '-'}\n`,
    )
    .join('');
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function parseDeploys(text: string): DeployState[] | undefined {
  const out: DeployState[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const [repository, environment, stack, extra] = line.split('\t');
    if (!repository || !environment || !stack || extra !== undefined) return undefined;
    const deploys: DeployRef[] = [];
    for (const item of stack === '-' ? [] : stack.split(' ')) {
      const m = /^(0|[1-9]\d{0,15}):([0-9a-f]{40}):([0-9a-f]{40})$/.exec(item);
      if (!m) return undefined;
      deploys.push({ seq: Number(m[1]), commit: m[2]!, blob: m[3]! });
    }
    out.push({ repository, environment, deploys });
  }
  return out;
}

export function checkCommitPrefix(prefix: string): string {
  const p = prefix.toLowerCase();
  if (!/^[0-9a-f]{4,40}$/.test(p)) {
    throw new ShiplogError('USAGE', `commit "${prefix}" must be 4 to 40 hex characters`);
  }
  return p;
}

/** Text fields that end up in index lines and commit titles: one line, no tabs or control bytes. */
export function checkIndexText(what: string, value: string | undefined): void {
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (value !== undefined && /[\u0000-\u001f\u007f]/.test(value)) {
    throw new ShiplogError('BAD_INPUT', `${what} must not contain tabs, newlines or control characters`);
  }
}

export function isCommit(value: string): boolean {
  return COMMIT_PATTERN.test(value);
}
