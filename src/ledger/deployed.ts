/**
 * What runs where now, from the tip's `index/deploys` summary: the deploy in force per
 * (repository, environment) and its entry, fetched by blob id. No history is read, so `where`
 * and a deploy's change-set base cost the same at any ledger length.
 */
import { isShiplogError } from '../errors.ts';
import type { DeployRef, DeployState } from './layout.ts';
import { readEntries, type LedgerEntry } from './lookup.ts';
import type { LedgerLocation } from './store.ts';
import { openTip, type TipView } from './tip.ts';
import { deployOf, sortDeploys, type EnvironmentDeploy } from './where.ts';
import { sameName } from './names.ts';

export interface DeployInForce {
  repository: string;
  environment: string;
  /** The entry of the successful deploy in force; undefined when none is (all failed or rolled back). */
  entry?: LedgerEntry;
}

/** Every (repository, environment) the ledger knows, with the deploy in force there. */
export async function deploysInForce(
  view: TipView,
  opts: { repository?: string } = {},
): Promise<DeployInForce[]> {
  const states: DeployState[] = (await view.index.deployStatesNow()).filter(
    (s) => !opts.repository || sameName(s.repository, opts.repository),
  );
  const tops = states.map((s) => s.deploys[0]);
  const present = tops.filter((t): t is NonNullable<typeof t> => !!t);
  const entries = await readEntries(view, present);
  const bySeq = new Map(entries.map((e) => [e.seq, e]));
  return states.map((s, i) => ({
    repository: s.repository,
    environment: s.environment,
    entry: tops[i] ? bySeq.get(tops[i]!.seq) : undefined,
  }));
}

/** `where`'s input: the deploy in force per environment, from the tip alone. */
export async function currentDeploys(
  location: LedgerLocation,
  opts: { repository?: string } = {},
): Promise<EnvironmentDeploy[]> {
  const view = await openTip(location);
  try {
    const found = await deploysInForce(view, opts);
    return sortDeploys(
      found.map((d) => ({
        repository: d.repository,
        environment: d.environment,
        ...(d.entry ? { deploy: deployOf(d.entry) } : {}),
      })),
    );
  } finally {
    view.close();
  }
}

/**
 * The successful deploy in force for (repository, environment): a deploy's change-set base. From
 * the tip's `index/deploys` alone (no entry is read); undefined on a first deploy — when the
 * environment has none, or nothing has been recorded on the ledger yet.
 */
export async function latestDeploy(
  location: LedgerLocation,
  repository: string,
  environment: string,
): Promise<DeployRef | undefined> {
  let view: TipView;
  try {
    view = await openTip(location);
  } catch (e) {
    if (isShiplogError(e, 'BRANCH_NOT_FOUND')) return undefined;
    throw e;
  }
  try {
    return await latestDeployIn(view, repository, environment);
  } finally {
    view.close();
  }
}

/**
 * latestDeploy on an open tip. Repository and environment names compare case-insensitively, as
 * GitHub's do: deploys recorded as `Production` and as `production` are one environment, and the
 * newest of them is in force.
 */
export async function latestDeployIn(
  view: TipView,
  repository: string,
  environment: string,
): Promise<DeployRef | undefined> {
  const repo = repository.toLowerCase();
  const env = environment.toLowerCase();
  const inForce = (await view.index.deployStatesNow())
    .filter((s) => s.repository.toLowerCase() === repo && s.environment.toLowerCase() === env)
    .map((s) => s.deploys[0])
    .filter((d): d is DeployRef => d !== undefined);
  return inForce.sort((a, b) => b.seq - a.seq)[0];
}

/**
 * The environments the ledger has deploys to (any outcome), from the tip's summary alone: what a
 * query's `--environment` can match. Empty for a ledger with no deploys yet.
 */
export async function knownEnvironments(location: LedgerLocation): Promise<string[]> {
  const view = await openTip(location);
  try {
    return (await view.index.deployStatesNow()).map((s) => s.environment);
  } finally {
    view.close();
  }
}
