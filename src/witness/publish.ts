/**
 * Writers and witnesses: an append with witnesses configured
 *  1. asks each witness to cosign the current tip's checkpoint (the witness has usually seen it
 *     already, from the writer that pushed it: same size, empty proof) and publishes what comes
 *     back in the `cosigned` file of the new entry's commit;
 *  2. appends (a witness never delays or blocks this: it is down, slow or refusing → a warning);
 *  3. submits the new checkpoint after the push, so the witnesses see every checkpoint at once; its
 *     cosignatures are published by the next append (step 1 of the next writer).
 * A checkpoint is only ever submitted after its push: a cosigned checkpoint that lost the race to
 * another writer's would show the witnesses a fork.
 */
import type { AppendRequest, AppendResult } from '../ledger/append.ts';
import { appendEntry } from '../ledger/append.ts';
import { errorMessage, isShiplogError } from '../errors.ts';
import { consistencyProof } from '../ledger/tree/merkle.ts';
import { proveFromTiles } from '../ledger/tree/proofs.ts';
import { TileModel } from '../ledger/tree/tiles.ts';
import { openRepo, type LedgerLocation } from '../ledger/store.ts';
import { openTip, readTipCommit, TipObjects, type TipCommit } from '../ledger/tip.ts';
import { requestCosignature, type CosignOutcome, type WitnessTarget } from './client.ts';
import { mergeCosigned } from './cosigned-file.ts';

export interface WitnessedAppend extends AppendResult {
  /** Cosigning the previous tip (published with this entry). */
  before: CosignOutcome[];
  /** Submitting this entry's checkpoint after the push (published with the next entry). */
  after: CosignOutcome[];
}

interface TipLook {
  objects: TipObjects;
  tip: TipCommit;
  checkpoint: string;
  cosigned?: string;
}

async function cosignAt(
  look: TipLook,
  targets: readonly WitnessTarget[],
  guess: number,
): Promise<CosignOutcome[]> {
  const size = look.tip.seq + 1;
  // Proofs are read one at a time (the object reader is one git session) and once per old size.
  let chain: Promise<unknown> = Promise.resolve();
  const proofs = new Map<number, Promise<Buffer[]>>();
  let tiles: TileModel | undefined;
  const prove = async (old: number): Promise<Buffer[]> => {
    tiles ??= await TileModel.at(look.tip.treeDir, size, look.objects);
    return proveFromTiles(tiles, look.objects, (r) => consistencyProof(old, size, r));
  };
  const proofFrom = (old: number): Promise<Buffer[]> => {
    if (old === 0 || old >= size) return Promise.resolve([]);
    let p = proofs.get(old);
    if (!p) {
      p = chain.then(() => prove(old));
      chain = p.catch(() => undefined);
      proofs.set(old, p);
    }
    return p;
  };
  return Promise.all(targets.map((t) => requestCosignature(t, look.checkpoint, guess, proofFrom)));
}

async function look(objects: TipObjects, tip: TipCommit): Promise<TipLook> {
  const [checkpoint, cosigned] = await objects.blobs([
    tip.checkpointBlob,
    ...(tip.cosignedBlob ? [tip.cosignedBlob] : []),
  ]);
  return {
    objects,
    tip,
    checkpoint: checkpoint!.toString('utf8'),
    ...(cosigned ? { cosigned: cosigned.toString('utf8') } : {}),
  };
}

/** Step 1: the tip's checkpoint, cosigned, merged into its `cosigned` file (undefined: nothing new). */
export async function cosignTip(
  location: LedgerLocation,
  targets: readonly WitnessTarget[],
): Promise<{ cosigned?: string; outcomes: CosignOutcome[] }> {
  let view;
  try {
    view = await openTip(location);
  } catch (e) {
    // No ledger yet: nothing to cosign before the first entry.
    if (isShiplogError(e, 'BRANCH_NOT_FOUND')) return { outcomes: [] };
    // Cannot be read now: the append decides what to do.
    return {
      outcomes: targets.map((t) => ({ url: t.url, ok: false, reason: `tip not read: ${errorMessage(e)}` })),
    };
  }
  try {
    const l = await look(view.objects, view.tip);
    const outcomes = await cosignAt(l, targets, view.tip.seq + 1);
    const lines = outcomes.flatMap((o) => (o.ok ? [o.line] : []));
    return lines.length
      ? { cosigned: mergeCosigned(l.cosigned, l.checkpoint, lines), outcomes }
      : { outcomes };
  } finally {
    view.close();
  }
}

/** Step 3: the checkpoint of a commit this writer just pushed, submitted to the witnesses. */
export async function submitPushed(
  location: LedgerLocation,
  commit: string,
  targets: readonly WitnessTarget[],
): Promise<CosignOutcome[]> {
  const repo = await openRepo(location, 'tip');
  const objects = new TipObjects(repo);
  try {
    const tip = await readTipCommit(objects, commit);
    return await cosignAt(await look(objects, tip), targets, tip.seq);
  } catch (e) {
    return targets.map((t) => ({ url: t.url, ok: false, reason: errorMessage(e) }));
  } finally {
    objects.close();
  }
}

/** An append with witnesses: steps 1–3 above. With no targets it is a plain append. */
export async function appendWitnessed(
  req: AppendRequest,
  targets: readonly WitnessTarget[],
): Promise<WitnessedAppend> {
  if (targets.length === 0) return { ...(await appendEntry(req)), before: [], after: [] };
  const before = await cosignTip(req.location, targets);
  const result = await appendEntry({ ...req, ...(before.cosigned ? { cosigned: before.cosigned } : {}) });
  const after = result.duplicate ? [] : await submitPushed(req.location, result.commit, targets);
  return { ...result, before: before.outcomes, after };
}

/** One line per witness that did not cosign, for a warning. */
export function witnessWarnings(r: Pick<WitnessedAppend, 'before' | 'after'>): string[] {
  const out: string[] = [];
  for (const o of [...r.before, ...r.after]) if (!o.ok) out.push(`witness ${o.url}: ${o.reason}`);
  return [...new Set(out)];
}
