/**
 * Proof bundles: an entry's inclusion in a signed checkpoint, or one checkpoint extending another,
 * as one JSON file that `verify-proof` (or any RFC 6962 implementation with the checkpoint's key)
 * checks offline with nothing else. Built from the tip's tiles; a cold prover fetches the tip, the
 * entry and the handful of tiles the path crosses — never the history.
 *
 *   { "shiplogProof": 1, "kind": "inclusion", "origin", "seq", "treeSize", "entryHash",
 *     "auditPath": [base64…], "checkpoint": "<signed note>", "envelope": {DSSE} }
 *   { "shiplogProof": 1, "kind": "consistency", "origin", "oldSize", "treeSize",
 *     "consistencyPath": [base64…], "oldCheckpoint": "<signed note>", "checkpoint": "<signed note>" }
 */
import { ShiplogError } from '../../errors.ts';
import { entryHashBytes } from '../append.ts';
import { checkpointSigner, parseCheckpoint, type ParsedCheckpoint } from '../checkpoint.ts';
import { findSigner, type Envelope } from '../dsse.ts';
import { decodeEntry } from '../entry.ts';
import type { TrustedKey } from '../keys.ts';
import type { IndexLine } from '../layout.ts';
import { newestLines, readEntryAt } from '../lookup.ts';
import type { LedgerLocation } from '../store.ts';
import { openTip, type TipView } from '../tip.ts';
import { consistencyProof, inclusionProof, leafHash, verifyConsistency, verifyInclusion } from './merkle.ts';
import { proveFromTiles } from './proofs.ts';
import { TileModel } from './tiles.ts';

export interface InclusionBundle {
  shiplogProof: 1;
  kind: 'inclusion';
  origin: string;
  seq: number;
  treeSize: number;
  entryHash: string;
  auditPath: string[];
  checkpoint: string;
  envelope: Envelope;
}

export interface ConsistencyBundle {
  shiplogProof: 1;
  kind: 'consistency';
  origin: string;
  oldSize: number;
  treeSize: number;
  consistencyPath: string[];
  oldCheckpoint: string;
  checkpoint: string;
}

export type ProofBundle = InclusionBundle | ConsistencyBundle;

async function tipTree(
  view: TipView,
): Promise<{ tiles: TileModel; checkpoint: string; cp: ParsedCheckpoint }> {
  const size = view.tip.seq + 1;
  const tiles = await TileModel.at(view.tip.treeDir, size, view.objects);
  // Every blob the tip's tile folders name (a few KB a level): besides the right edge, the newest
  // full tiles and the sealed lists most proofs and seq look-ups read next, in one round trip.
  await view.objects.fetch([...tiles.heldBlobs(), view.tip.checkpointBlob]);
  await tiles.prepare();
  const checkpoint = (await view.objects.blob(view.tip.checkpointBlob)).toString('utf8');
  const cp = parseCheckpoint(checkpoint);
  if (cp.size !== size || !cp.root.equals(tiles.root()))
    throw new ShiplogError(
      'VERIFY_FAILED',
      'the tip checkpoint does not match the tip tiles; run "shiplog verify"',
    );
  return { tiles, checkpoint, cp };
}

/** An inclusion proof bundle for the entry with this seq or entry hash (a hex prefix works). */
export async function proveInclusion(location: LedgerLocation, ref: string): Promise<InclusionBundle> {
  const bySeq = /^\d+$/.test(ref);
  const prefix = ref.toLowerCase().replace(/^sha256:/, '');
  if (!bySeq && !/^[0-9a-f]{6,64}$/.test(prefix))
    throw new ShiplogError('USAGE', `"${ref}" is neither a seq number nor an entry hash (sha256:<hex>)`);
  const view = await openTip(location);
  try {
    const tree = await tipTree(view);
    const size = tree.cp.size;
    let line: Pick<IndexLine, 'seq' | 'blob'> | undefined;
    let path: Buffer[];
    if (bySeq) {
      // By seq through the entry tiles: the tile holding it comes with the proof's tiles, then the
      // entry itself — four fetches in all, whatever the ledger's length.
      const seq = Number(ref);
      if (seq >= size) throw new ShiplogError('NOT_FOUND', `no ledger entry ${ref} (the ledger has ${size})`);
      path = await proveFromTiles(tree.tiles, view.objects, (r) => inclusionProof(seq, size, r), [seq]);
      line = { seq, blob: await tree.tiles.entryBlob(seq) };
    } else {
      const hits = await newestLines(view, (l) => l.hash.slice('sha256:'.length).startsWith(prefix));
      if (hits.length > 1)
        throw new ShiplogError('USAGE', `hash prefix "${ref}" matches several entries; give more digits`);
      const hit = hits[0];
      if (!hit) throw new ShiplogError('NOT_FOUND', `no ledger entry ${ref}`);
      line = hit;
      path = await proveFromTiles(tree.tiles, view.objects, (r) => inclusionProof(hit.seq, size, r));
    }
    const entry = await readEntryAt(view, line);
    if (!verifyInclusion(line.seq, size, leafHash(entryHashBytes(entry.hash)), path, tree.cp.root))
      throw new ShiplogError(
        'VERIFY_FAILED',
        `entry ${line.seq} is not in the tip's tree; run "shiplog verify"`,
      );
    return {
      shiplogProof: 1,
      kind: 'inclusion',
      origin: tree.cp.origin,
      seq: line.seq,
      treeSize: size,
      entryHash: entry.hash,
      auditPath: path.map((h) => h.toString('base64')),
      checkpoint: tree.checkpoint,
      envelope: entry.envelope,
    };
  } finally {
    view.close();
  }
}

/** A consistency proof bundle from an older checkpoint to the tip's. */
export async function proveConsistency(
  location: LedgerLocation,
  oldCheckpoint: string,
): Promise<ConsistencyBundle> {
  const old = parseCheckpoint(oldCheckpoint);
  const view = await openTip(location);
  try {
    const tree = await tipTree(view);
    if (old.size > tree.cp.size)
      throw new ShiplogError(
        'VERIFY_FAILED',
        `the ledger has ${tree.cp.size} entries, fewer than the ${old.size} the old checkpoint saw`,
      );
    const path = await proveFromTiles(tree.tiles, view.objects, (r) =>
      consistencyProof(old.size, tree.cp.size, r),
    );
    return {
      shiplogProof: 1,
      kind: 'consistency',
      origin: tree.cp.origin,
      oldSize: old.size,
      treeSize: tree.cp.size,
      consistencyPath: path.map((h) => h.toString('base64')),
      oldCheckpoint,
      checkpoint: tree.checkpoint,
    };
  } finally {
    view.close();
  }
}

export interface ProofVerdict {
  ok: boolean;
  kind?: ProofBundle['kind'];
  seq?: number;
  treeSize?: number;
  /** Each failed check: `bundle`, `entry`, `signature`, `checkpoint`, `inclusion`, `consistency`. */
  problems: { check: string; message: string }[];
}

/** Checks a proof bundle offline against trusted keys: nothing but the bundle is read. */
export function verifyProofBundle(raw: unknown, trusted: TrustedKey[]): ProofVerdict {
  const problems: ProofVerdict['problems'] = [];
  const fail = (check: string, message: string): void => void problems.push({ check, message });
  const b = raw as { [K in keyof InclusionBundle | keyof ConsistencyBundle]?: unknown } | null;
  if (
    !b ||
    typeof b !== 'object' ||
    b.shiplogProof !== 1 ||
    (b.kind !== 'inclusion' && b.kind !== 'consistency')
  ) {
    fail('bundle', 'not a shiplog proof bundle ("shiplogProof": 1 with kind inclusion or consistency)');
    return { ok: false, problems };
  }
  const hashes = (list: unknown): Buffer[] | undefined =>
    Array.isArray(list) && list.every((h) => typeof h === 'string' && Buffer.from(h, 'base64').length === 32)
      ? list.map((h: string) => Buffer.from(h, 'base64'))
      : undefined;
  const signed = (text: unknown, what: string): ParsedCheckpoint | undefined => {
    let cp: ParsedCheckpoint;
    try {
      cp = parseCheckpoint(String(text));
    } catch (e) {
      fail('checkpoint', `${what}: ${(e as Error).message}`);
      return undefined;
    }
    if (!checkpointSigner(cp, trusted)) fail('checkpoint', `${what} is not signed by a trusted key`);
    return cp;
  };
  const cp = signed(b.checkpoint, 'checkpoint');
  if (cp && cp.size !== b.treeSize)
    fail('checkpoint', `checkpoint size ${cp.size} is not treeSize ${String(b.treeSize)}`);
  if (b.kind === 'inclusion') {
    let hash: string | undefined;
    let seq: number | undefined;
    try {
      const entry = decodeEntry(JSON.stringify(b.envelope));
      hash = entry.hash;
      seq = entry.statement.predicate.seq;
      if (!findSigner(entry.paeBytes, entry.envelope, trusted))
        fail('signature', 'the entry is not signed by a trusted key');
    } catch (e) {
      fail('entry', `the envelope does not decode: ${(e as Error).message}`);
    }
    if (hash !== undefined && (hash !== b.entryHash || seq !== b.seq))
      fail(
        'entry',
        `the envelope is entry ${seq} ${hash}, not the bundle's ${String(b.seq)} ${String(b.entryHash)}`,
      );
    const path = hashes(b.auditPath);
    if (!path) fail('bundle', 'auditPath must be a list of base64 32-byte hashes');
    if (cp && path && hash !== undefined && typeof b.seq === 'number') {
      if (!verifyInclusion(b.seq, cp.size, leafHash(entryHashBytes(hash)), path, cp.root))
        fail('inclusion', `the audit path does not lead from entry ${b.seq} to the checkpoint's root`);
    }
    return { ok: problems.length === 0, kind: 'inclusion', seq, treeSize: cp?.size, problems };
  }
  const old = signed(b.oldCheckpoint, 'old checkpoint');
  const path = hashes(b.consistencyPath);
  if (!path) fail('bundle', 'consistencyPath must be a list of base64 32-byte hashes');
  if (old && cp && old.origin !== cp.origin)
    fail('consistency', `the checkpoints are of different logs ("${old.origin}", "${cp.origin}")`);
  if (old && cp && path && !verifyConsistency(old.size, cp.size, old.root, cp.root, path))
    fail('consistency', `the proof does not show the tree of ${cp.size} extending the one of ${old.size}`);
  return { ok: problems.length === 0, kind: 'consistency', treeSize: cp?.size, problems };
}
