/**
 * The witness part of `verify`: after the ledger verified, read its tip's `cosigned` file and check
 * the quorum against the verified tree (roots at older sizes come from the tip's Merkle tiles, which
 * verify has just checked leaf by leaf), plus any cosigned checkpoints the verifier kept itself.
 */
import { errorMessage } from '../errors.ts';
import { parseCheckpoint } from '../ledger/checkpoint.ts';
import type { TrustedKey } from '../ledger/keys.ts';
import { openRepo, type LedgerLocation } from '../ledger/store.ts';
import { readTipCommit, TipObjects } from '../ledger/tip.ts';
import { rootFromReader } from '../ledger/tree/merkle.ts';
import { proveFromTiles } from '../ledger/tree/proofs.ts';
import { TileModel } from '../ledger/tree/tiles.ts';
import { checkWitnessQuorum, type WitnessCheck } from './quorum.ts';

export interface VerifiedTip {
  ok: boolean;
  tip: string;
  entries: number;
  checkpointText?: string;
}

export async function checkLedgerWitnesses(
  location: LedgerLocation,
  verified: VerifiedTip,
  opts: { keys: readonly TrustedKey[]; quorum: number; kept?: readonly string[] },
): Promise<WitnessCheck> {
  const { keys, quorum } = opts;
  const fail = (message: string): WitnessCheck => ({
    ok: false,
    quorum,
    ledgerSize: verified.entries,
    witnesses: keys.map((k) => ({ key: k.source })),
    problems: [message],
    message,
  });
  if (!verified.ok || !verified.checkpointText)
    return fail('witnesses not checked: the ledger itself did not verify');
  const repo = await openRepo(location, 'tip');
  const objects = new TipObjects(repo);
  try {
    const tip = await readTipCommit(objects, verified.tip);
    const size = tip.seq + 1;
    const published = tip.cosignedBlob ? (await objects.blob(tip.cosignedBlob)).toString('utf8') : undefined;
    // Cosigned checkpoints kept outside the ledger count the same; they are what catches a ledger
    // rewritten together with its own `cosigned` file.
    const texts = [...(published ? [published] : []), ...(opts.kept ?? [])];
    const cosigned = texts.length ? texts.join('\n') : undefined;
    const tiles = await TileModel.at(tip.treeDir, size, objects);
    return await checkWitnessQuorum({
      cosigned,
      origin: parseCheckpoint(verified.checkpointText).origin,
      ledgerSize: size,
      rootAt: (n) => proveFromTiles(tiles, objects, (r) => rootFromReader(n, r)),
      keys,
      quorum,
    });
  } catch (e) {
    return fail(`witnesses not checked: ${errorMessage(e)}`);
  } finally {
    objects.close();
  }
}
