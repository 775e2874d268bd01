/**
 * Cold look-ups in the tip's index: the lines of one bucket (entries about one commit), the line of
 * one seq, or the newest lines of every bucket — each answered with the tip's trees and a few
 * batches of blobs fetched by id, never the history. Lines name entry blobs, so reading the entries
 * is one more batch.
 */
import { ShiplogError } from '../errors.ts';
import { decodeEntry, EntryProblem, type DecodedEntry } from './entry.ts';
import { git } from './git.ts';
import type { BucketFiles } from './index-model.ts';
import { parseSealedList, parseSegment, type IndexLine, type SealedRef } from './layout.ts';
import { fetchAncestry, type LedgerRepo } from './store.ts';
import type { TipCommit, TipView } from './tip.ts';
import { TileModel } from './tree/tiles.ts';

/** A segment or list to read, with the seq range it covers. */
interface Part {
  oid: string;
  first: number;
  last: number;
}

/**
 * Lines of these buckets whose segment may hold a seq in [from, to]: open segments, then the
 * sealed segments the lists name (lists above level 1 are opened one level per batch).
 */
async function bucketLines(
  view: TipView,
  buckets: BucketFiles[],
  from = 0,
  to = Infinity,
): Promise<IndexLine[]> {
  const tipSeq = view.tip.seq;
  const overlaps = (p: { first: number; last: number }): boolean => p.first <= to && p.last >= from;
  const segments: Part[] = [];
  let lists: (Part & { level: number })[] = [];
  for (const b of buckets) {
    if (b.open && overlaps({ first: b.open.first, last: tipSeq }))
      segments.push({ oid: b.open.oid, first: b.open.first, last: tipSeq });
    // A list's range is not in its name; it covers everything before the open segment.
    for (const l of b.lists)
      lists.push({ oid: l.oid, level: l.level, first: 0, last: b.open?.first ?? tipSeq });
  }
  while (lists.length) {
    const texts = await view.objects.blobs(lists.map((l) => l.oid));
    const next: (Part & { level: number })[] = [];
    lists.forEach((l, i) => {
      const refs = parseSealedList(texts[i]!.toString('utf8'));
      if (!refs) throw damaged(`sealed list ${l.oid}`);
      for (const r of refs.filter(overlaps)) {
        if (l.level === 1) segments.push(part(r));
        else next.push({ ...part(r), level: l.level - 1 });
      }
    });
    lists = next;
  }
  const texts = await view.objects.blobs(segments.map((s) => s.oid));
  const out: IndexLine[] = [];
  texts.forEach((t, i) => {
    for (const line of parseSegment(t.toString('utf8'))) {
      if (!line) throw damaged(`segment ${segments[i]!.oid}`);
      if (line.seq >= from && line.seq <= to) out.push(line);
    }
  });
  return out.sort((a, b) => a.seq - b.seq);
}

function part(r: SealedRef): Part {
  return { oid: r.blob, first: r.first, last: r.last };
}

function damaged(what: string): ShiplogError {
  return new ShiplogError('BAD_INPUT', `the ledger index ${what} does not parse (run "shiplog verify")`);
}

/**
 * The entries about subject commits starting with `prefix` that pass `keep`, newest first (see
 * entriesForCommits).
 */
export async function entriesForCommit(
  view: TipView,
  prefix: string,
  keep: (l: IndexLine) => boolean,
  limit?: number,
): Promise<LedgerEntry[]> {
  return entriesForCommits(view, [prefix], keep, limit);
}

/**
 * The entries about subject commits starting with any of `prefixes` that pass `keep`, newest
 * first. However many prefixes, three batches: every bucket's open segment and lists, then their
 * sealed segments together with the entries the open segments already named, and only then the
 * entries found in sealed segments (lists above level 1, past ~1.6M entries, add one per level).
 */
export async function entriesForCommits(
  view: TipView,
  prefixes: string[],
  keep: (l: IndexLine) => boolean,
  limit?: number,
): Promise<LedgerEntry[]> {
  const wanted = [...new Set(prefixes.map((p) => p.toLowerCase()))];
  if (!wanted.length) return [];
  const buckets = new Map<string, BucketFiles>();
  for (const p of wanted) {
    const files = await view.index.bucketFiles(p);
    buckets.set(files.prefix, files);
  }
  const match = (l: IndexLine): boolean => wanted.some((p) => l.commit.startsWith(p)) && keep(l);
  const files = [...buckets.values()];
  await view.objects.fetch(
    files.flatMap((f) => [f.open?.oid, ...f.lists.map((l) => l.oid)]).filter((o): o is string => !!o),
  );
  const hits: IndexLine[] = [];
  for (const f of files) if (f.open) hits.push(...(await segmentLines(view, f.open.oid)).filter(match));
  let refs: SealedRef[] = [];
  let lists = files.flatMap((f) => f.lists);
  while (lists.length) {
    const next: { level: number; oid: string }[] = [];
    for (const l of lists) {
      const parsed = parseSealedList((await view.objects.blob(l.oid)).toString('utf8'));
      if (!parsed) throw damaged(`sealed list ${l.oid}`);
      if (l.level === 1) refs.push(...parsed);
      else next.push(...parsed.map((r) => ({ level: l.level - 1, oid: r.blob })));
    }
    if (next.length) await view.objects.fetch(next.map((n) => n.oid));
    lists = next;
  }
  refs = refs.sort((a, b) => a.first - b.first);
  await view.objects.fetch([...refs.map((r) => r.blob), ...hits.map((h) => h.blob)]);
  for (const r of refs) hits.push(...(await segmentLines(view, r.blob)).filter(match));
  const newest = hits.sort((a, b) => b.seq - a.seq).slice(0, limit);
  return readEntries(view, newest);
}

async function segmentLines(view: TipView, oid: string): Promise<IndexLine[]> {
  return parseSegment((await view.objects.blob(oid)).toString('utf8')).map((l) => {
    if (!l) throw damaged(`segment ${oid}`);
    return l;
  });
}

async function allBuckets(view: TipView): Promise<BucketFiles[]> {
  const out: BucketFiles[] = [];
  for (const p of await view.index.prefixes()) out.push(await view.index.bucketFiles(p));
  return out;
}

/**
 * Where entry `seq` is: its blob id, from the entry tiles under tree/ (two small fetches: the
 * folder's blobs, then the tile holding it when that is an older, sealed one). The caller checks
 * that the entry read holds this seq.
 */
export async function lineForSeq(
  view: TipView,
  seq: number,
): Promise<Pick<IndexLine, 'seq' | 'blob'> | undefined> {
  if (seq > view.tip.seq) return undefined;
  const tiles = await TileModel.at(view.tip.treeDir, view.tip.seq + 1, view.objects);
  const fetch = (oids: string[]): Promise<void> => view.objects.fetch(oids);
  await fetch(tiles.heldBlobs('entries'));
  await fetch(await tiles.tilesFor([], [seq], fetch));
  return { seq, blob: await tiles.entryBlob(seq) };
}

/**
 * The newest lines that pass `keep`, at most `limit` (all when undefined): a window of recent seqs
 * is read from every bucket, doubled until enough lines are found or the ledger is exhausted.
 */
export async function newestLines(
  view: TipView,
  keep: (l: IndexLine) => boolean,
  limit?: number,
): Promise<IndexLine[]> {
  const buckets = await allBuckets(view);
  const top = view.tip.seq;
  if (limit === undefined) return (await bucketLines(view, buckets)).filter(keep).reverse();
  let window = Math.max(64, limit * 4);
  for (;;) {
    const from = Math.max(0, top - window + 1);
    const found = (await bucketLines(view, buckets, from, top)).filter(keep).reverse();
    if (found.length >= limit || from === 0) return found.slice(0, limit);
    window *= 4;
  }
}

/**
 * Every line that passes `keep`, newest first, one window of seqs at a time: each window reads only
 * the segments that overlap it, so the whole index never sits in memory at once (a segment that
 * spans two windows is read for each).
 */
export async function* newestLinesByWindow(
  view: TipView,
  keep: (l: IndexLine) => boolean,
  window = 8192,
): AsyncIterable<IndexLine[]> {
  const buckets = await allBuckets(view);
  for (let to = view.tip.seq; to >= 0; to -= window) {
    const lines = (await bucketLines(view, buckets, Math.max(0, to - window + 1), to)).filter(keep);
    if (lines.length) yield lines.reverse();
  }
}

export interface LedgerEntry extends DecodedEntry {
  seq: number;
  /** The git blob id of the entry's entry.json. */
  blob: string;
}

/** Reads and decodes the entries these lines name (one batch of blobs). */
export async function readEntries(
  view: TipView,
  lines: Pick<IndexLine, 'seq' | 'blob'>[],
): Promise<LedgerEntry[]> {
  const texts = await view.objects.blobs(lines.map((l) => l.blob));
  return lines.map((l, i) => ({ ...decodeAt(`seq ${l.seq}`, texts[i]!), seq: l.seq, blob: l.blob }));
}

/**
 * The entry a look-up by seq named, refusing one that does not hold that seq: a forged or damaged
 * entry tile must not hand out another entry as this one.
 */
export async function readEntryAt(
  view: TipView,
  line: Pick<IndexLine, 'seq' | 'blob'>,
): Promise<LedgerEntry> {
  const [entry] = await readEntries(view, [line]);
  if (entry!.statement.predicate.seq !== line.seq)
    throw new ShiplogError(
      'VERIFY_FAILED',
      `the ledger's tiles name entry ${entry!.statement.predicate.seq} at seq ${line.seq}; run "shiplog verify"`,
    );
  return entry!;
}

export function decodeAt(where: string, data: Buffer): DecodedEntry {
  try {
    return decodeEntry(data.toString('utf8'));
  } catch (e) {
    if (e instanceof EntryProblem)
      throw new ShiplogError(
        'BAD_INPUT',
        `${where}: ${e.message} (run "shiplog verify" for the full picture)`,
      );
    throw e;
  }
}

/** Ancestors a look-up of a ledger commit may fetch (commits only, ~250 bytes each). */
const MAX_WALK = 20_000;

/**
 * The ledger commit that added entry `seq`: the tip's (tip.seq - seq)-th first ancestor, found by
 * fetching commits only. Undefined when it lies deeper than MAX_WALK commits (`verify` names it).
 */
export async function ledgerCommitOfSeq(
  repo: LedgerRepo,
  tip: TipCommit,
  seq: number,
): Promise<string | undefined> {
  if (seq === tip.seq) return tip.commit;
  const back = tip.seq - seq;
  if (back < 0 || back > MAX_WALK) return undefined;
  await fetchAncestry(repo, tip.commit, back + 1, { trees: false });
  const r = await git(['rev-list', '--first-parent', '--max-count=1', `--skip=${back}`, tip.commit], {
    gitDir: repo.gitDir,
    allowFail: true,
  });
  const found = r.stdout.toString('utf8').trim();
  return /^[0-9a-f]{40}$/.test(found) ? found : undefined;
}
