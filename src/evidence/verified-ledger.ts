/**
 * The ledger as a gate may believe it. A deploy's change-set base (the environment's last deploy)
 * decides which commits a gate looks at, so it is read only from a ledger the gate has verified:
 * every entry signed by a trusted key, chained and indexed as `verify` checks — from genesis (the
 * Action, which keeps nothing between runs), or from the last checkpoint this gate verified (the
 * app, incrementally), whose ledger commit must still be in the history. The view it answers with
 * is opened at the very commit that was verified, never at a tip fetched again afterwards.
 *
 * What is not a first deploy (DESIGN.md "What gates trust"): a ledger branch that is absent after a
 * gate saw it, or while GitHub shows the environment was deployed before (`existedBefore`), and a
 * ledger that does not verify. Each throws ShiplogError('VERIFY_FAILED') saying what is wrong, so
 * the gate refuses and says why. Only a ledger absent with no sign it ever existed is `never`.
 */
import { isShiplogError, ShiplogError } from '../errors.ts';
import type { TrustedKey } from '../ledger/keys.ts';
import { ledgerCommitOfSeq } from '../ledger/lookup.ts';
import { fetchTip, openRepo, type LedgerLocation } from '../ledger/store.ts';
import { IndexModel } from '../ledger/index-model.ts';
import { readTipCommit, TipObjects, type TipView } from '../ledger/tip.ts';
import { parseCheckpoint } from '../ledger/checkpoint.ts';
import { verifyLedger, type VerifyResult } from '../ledger/verify.ts';

/** The last checkpoint a gate verified, with the ledger commit it verified (which pins the history). */
export interface VerifiedCheckpoint {
  /** The signed checkpoint note at `commit`. */
  checkpoint: string;
  /** The ledger commit whose entry the checkpoint ends with. */
  commit: string;
}

export type VerifiedLedger =
  { kind: 'never' } | { kind: 'verified'; view: TipView; verified: VerifiedCheckpoint; entries: number };

export interface VerifiedLedgerRequest {
  location: LedgerLocation;
  trusted: TrustedKey[];
  /** The checkpoint this gate verified last: only what came after is checked, and it must be kept. */
  since?: VerifiedCheckpoint;
  /**
   * Asked only when the branch is absent and no checkpoint was kept: a reason to believe a ledger
   * existed (GitHub's successful deploys of the environment), or undefined for a fresh repository.
   */
  existedBefore?: () => Promise<string | undefined>;
}

const MAX_NAMED = 3;

export async function verifiedLedger(req: VerifiedLedgerRequest): Promise<VerifiedLedger> {
  const { location } = req;
  const where = `the ledger branch "${location.branch}"`;
  let result: VerifyResult;
  try {
    if (!req.trusted.length) await assertAbsent(location);
    result = await verifyLedger({
      location,
      trusted: req.trusted,
      ...(req.since ? { since: req.since.checkpoint } : {}),
    });
  } catch (error) {
    if (!isShiplogError(error, 'BRANCH_NOT_FOUND')) throw error;
    if (req.since) {
      throw refused(
        `${where} is gone, but this gate verified it before (checkpoint of ${sizeOf(req.since)} entries at ledger commit ${req.since.commit}): a deleted ledger is not a first deploy; restore the branch`,
      );
    }
    const existed = await req.existedBefore?.();
    if (existed) {
      throw refused(
        `${where} does not exist, yet ${existed}: a missing ledger is not a first deploy; restore the branch (or have an admin resolve it)`,
      );
    }
    return { kind: 'never' };
  }
  if (!result.ok) {
    const named = result.problems
      .slice(0, MAX_NAMED)
      .map((p) => `${p.check}${p.seq === undefined ? '' : ` at seq ${p.seq}`}: ${p.message}`);
    const more =
      result.problems.length > MAX_NAMED ? ` (and ${result.problems.length - MAX_NAMED} more)` : '';
    throw refused(
      `${where} does not verify${req.since ? ' from the checkpoint this gate verified last' : ''}, so its last deploy cannot be trusted: ${named.join('; ')}${more}`,
    );
  }
  if (!result.checkpointText) throw refused(`${where} has no checkpoint at its tip ${result.tip}`);
  const view = await openAt(location, result.tip);
  try {
    if (req.since) await assertExtends(view, req.since, where);
    return {
      kind: 'verified',
      view,
      verified: { checkpoint: result.checkpointText, commit: result.tip },
      entries: result.entries,
    };
  } catch (error) {
    view.close();
    throw error;
  }
}

/** Without a trusted key nothing on a ledger can be believed; only an absent ledger needs none. */
async function assertAbsent(location: LedgerLocation): Promise<void> {
  // verify with no keys would report every signature; say what is actually missing instead
  const repo = await openRepo(location, 'tip');
  if (!(await fetchTip(repo))) {
    throw new ShiplogError('BRANCH_NOT_FOUND', `the ledger branch "${location.branch}" does not exist`);
  }
  throw refused(
    `the ledger branch "${location.branch}" exists but no trusted key was given to verify it (the Action's \`trusted-keys\` or \`signing-key\`; the app's SHIPLOG_TRUSTED_KEYS or SHIPLOG_SIGNING_KEY), so its last deploy cannot be trusted`,
  );
}

/**
 * The ledger commit this gate verified last must still be the one at its seq: a commit id pins the
 * whole history under it, so a history rewritten at or below it (even one that re-signs every entry
 * with a trusted key) no longer has it.
 */
async function assertExtends(view: TipView, since: VerifiedCheckpoint, where: string): Promise<void> {
  const size = sizeOf(since);
  if (view.tip.commit === since.commit) return;
  const at = view.tip.seq >= size - 1 ? await ledgerCommitOfSeq(view.repo, view.tip, size - 1) : undefined;
  if (at !== since.commit) {
    throw refused(
      `${where} no longer extends the checkpoint this gate verified last (${size} entries at ledger commit ${since.commit}; ${at ? `that seq is now ${at}` : 'that commit is gone'}): the history was rewritten`,
    );
  }
}

function sizeOf(v: VerifiedCheckpoint): number {
  return parseCheckpoint(v.checkpoint).size;
}

/** A tip view at one ledger commit (the verified one), not at whatever the branch points to now. */
export async function openAt(location: LedgerLocation, commit: string): Promise<TipView> {
  const repo = await openRepo(location, 'tip');
  const objects = new TipObjects(repo);
  try {
    const tip = await readTipCommit(objects, commit);
    const index = await IndexModel.at(tip.indexTree, objects);
    return { repo, objects, tip, index, close: () => objects.close() };
  } catch (error) {
    objects.close();
    throw error;
  }
}

function refused(message: string): ShiplogError {
  return new ShiplogError('VERIFY_FAILED', message);
}
