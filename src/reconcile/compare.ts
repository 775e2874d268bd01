/**
 * Completeness, the auditor's test: every change that reached an environment has a record. Pure:
 * GitHub's deployments for one repository and environment and the ledger's (verified) entries in,
 * differences out.
 *
 * - `unrecorded-deploy`: a GitHub deployment that succeeded (its latest status may since read
 *   `inactive`: GitHub marks a successful deployment so once a newer one replaces it) with no
 *   deploy entry for it. A deployment that never succeeded (failure, error, still queued or in
 *   progress) changed nothing a record is owed for.
 * - `unmatched-entry`: a successful deploy entry with no GitHub deployment of that commit — only
 *   where one was expected, i.e. when the repository uses deployments for the environment at all
 *   (at least one in the window, whatever its state).
 *
 * A deployment and an entry match on (commit, environment), and also on the run when both name one
 * (then the run decides, however long the deployment waited for approval); without both run ids the
 * entry's time must fall within the tolerance of the deployment's span, created to first success.
 * Each deployment needs an entry of its own (two deployments of one commit need two records); an
 * extra entry for a deployment already recorded is a duplicate, not an unmatched entry.
 */
import { deployOutcome, shortSha, type AuditEntry } from '../audit/entry.ts';
import { formatTime, formatWindow } from '../audit/window.ts';
import type { GitHubDeployment } from '../github/deployments-list.ts';

export const DIFFERENCE_KINDS = ['unrecorded-deploy', 'unmatched-entry'] as const;
export type DifferenceKind = (typeof DIFFERENCE_KINDS)[number];

/** How far an entry's time may lie outside its deployment's span by default. */
export const DEFAULT_TOLERANCE_MS = 3_600_000;

export interface ReconcileScope {
  /** owner/name, as the ledger's entries name it. */
  repository: string;
  environment: string;
  since: Date;
  until: Date;
  toleranceMs?: number;
}

export interface UnrecordedDeploy {
  kind: 'unrecorded-deploy';
  deployment_id: number;
  commit: string;
  ref: string;
  environment: string;
  /** Who created the deployment on GitHub (null for a deleted account). */
  creator: string | null;
  created_at: string;
  succeeded_at: string;
  /** The newest status, e.g. `success`, or `inactive` once a newer deployment replaced it. */
  state: string;
  run_id?: number;
  why: string;
}

export interface UnmatchedEntry {
  kind: 'unmatched-entry';
  seq: number;
  hash: string;
  commit: string;
  environment: string;
  timestamp: string;
  run_id?: number;
  /** The ledger branch the entry is on, when it is a shard. */
  shard?: string;
  why: string;
}

export type Difference = UnrecordedDeploy | UnmatchedEntry;

/** The result, as `shiplog reconcile --json` prints it and a `reconciliation` entry records it. */
export interface ReconcileResult {
  /** `reconciled` when there is no difference, else `drift` (the words the OCSF mapping reads). */
  status: 'reconciled' | 'drift';
  repository: string;
  environment: string;
  since: string;
  until: string;
  tolerance_seconds: number;
  /** Whether GitHub has any deployment to the environment in the window (else no entry is unmatched). */
  uses_deployments: boolean;
  compared: {
    /** GitHub deployments created in the window, any state. */
    deployments: number;
    /** Of those, the ones that succeeded (each owed a record). */
    successful_deployments: number;
    /** Successful deploy entries of the repository and environment in the window. */
    entries: number;
    /** Successful deployments in the window that have their record. */
    recorded: number;
  };
  counts: Record<DifferenceKind, number>;
  /** Oldest first. */
  differences: Difference[];
}

/** A successful deploy entry as the comparison reads it. */
interface LedgerDeploy {
  seq: number;
  hash: string;
  commit: string;
  environment: string;
  timestamp: string;
  time: number;
  runId?: number;
  shard?: string;
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

function runIdOf(run: Record<string, unknown> | undefined): number | undefined {
  const id = run?.id;
  if (typeof id === 'number' && Number.isSafeInteger(id)) return id;
  if (typeof id === 'string' && /^\d{1,15}$/.test(id)) return Number(id);
  return undefined;
}

/**
 * The entries that say a deploy of the repository to the environment succeeded (no status means a
 * step that runs only after the deploy did).
 */
function ledgerDeploys(
  entries: readonly AuditEntry[],
  scope: { repository: string; environment: string },
): LedgerDeploy[] {
  const out: LedgerDeploy[] = [];
  for (const e of entries) {
    const p = e.statement.predicate;
    if (deployOutcome(p) !== 'success') continue;
    if (!same(p.repository, scope.repository) || !same(p.environment ?? '', scope.environment)) continue;
    const runId = runIdOf(p.run);
    out.push({
      seq: e.seq,
      hash: e.hash,
      commit: p.commit.toLowerCase(),
      environment: p.environment!,
      timestamp: p.timestamp,
      time: Date.parse(p.timestamp),
      ...(runId !== undefined ? { runId } : {}),
      ...(e.branch !== undefined ? { shard: e.branch } : {}),
    });
  }
  return out;
}

/** How far `time` lies outside the deployment's span (0 inside it). */
function distance(d: GitHubDeployment, time: number): number {
  const start = Date.parse(d.createdAt);
  const end = Math.max(start, Date.parse(d.succeededAt ?? d.latest?.createdAt ?? d.createdAt));
  return time < start ? start - time : time > end ? time - end : 0;
}

interface Pair {
  d: number;
  e: number;
  /** Lower is a better pair: a shared run first, then a deployment that succeeded, then the nearer. */
  rank: [number, number, number];
}

/** Every (deployment, entry) that may be the same deploy, best pairs first. */
function candidatePairs(
  deployments: readonly GitHubDeployment[],
  entries: readonly LedgerDeploy[],
  toleranceMs: number,
): Pair[] {
  const byCommit = new Map<string, number[]>();
  entries.forEach((e, i) => byCommit.set(e.commit, [...(byCommit.get(e.commit) ?? []), i]));
  const pairs: Pair[] = [];
  deployments.forEach((d, di) => {
    for (const ei of byCommit.get(d.sha.toLowerCase()) ?? []) {
      const e = entries[ei]!;
      if (!same(d.environment, e.environment)) continue;
      const bothRuns = d.runId !== undefined && e.runId !== undefined;
      if (bothRuns && d.runId !== e.runId) continue;
      const gap = distance(d, e.time);
      if (!bothRuns && gap > toleranceMs) continue;
      pairs.push({ d: di, e: ei, rank: [bothRuns ? 0 : 1, d.succeededAt ? 0 : 1, gap] });
    }
  });
  return pairs.sort((a, b) => a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1] || a.rank[2] - b.rank[2]);
}

function inWindow(time: number, scope: ReconcileScope): boolean {
  return time >= scope.since.getTime() && time <= scope.until.getTime();
}

/**
 * Compares GitHub's deployments with the ledger's entries. `deployments` may reach back before
 * `since` (list them from `since` minus the tolerance, so an entry just inside the window finds a
 * deployment just outside it); only those created in the window are owed a record. `entries` may
 * be the whole ledger: those of other repositories, environments and types are ignored, and those
 * outside the window still record deployments inside it.
 */
export function reconcile(
  deployments: readonly GitHubDeployment[],
  entries: readonly AuditEntry[],
  scope: ReconcileScope,
): ReconcileResult {
  const toleranceMs = scope.toleranceMs ?? DEFAULT_TOLERANCE_MS;
  const ours = deployments.filter((d) => same(d.environment, scope.environment));
  const deploys = ledgerDeploys(entries, scope);
  const pairs = candidatePairs(ours, deploys, toleranceMs);

  // Greedy on the best pairs: each deployment gets its own entry.
  const recordOf = new Map<number, number>();
  const used = new Set<number>();
  for (const p of pairs) {
    if (recordOf.has(p.d) || used.has(p.e)) continue;
    recordOf.set(p.d, p.e);
    used.add(p.e);
  }
  const maybeDeployment = new Set(pairs.map((p) => p.e));

  const windowed = ours.filter((d) => inWindow(Date.parse(d.createdAt), scope));
  const owed = windowed.filter((d) => d.succeededAt !== undefined);
  const windowedEntries = deploys.filter((e) => inWindow(e.time, scope));
  const usesDeployments = windowed.length > 0;

  const differences: (Difference & { at: number })[] = [];
  ours.forEach((d, i) => {
    if (d.succeededAt === undefined || !inWindow(Date.parse(d.createdAt), scope) || recordOf.has(i)) return;
    differences.push({ ...unrecorded(d), at: Date.parse(d.createdAt) });
  });
  if (usesDeployments) {
    deploys.forEach((e, i) => {
      if (!inWindow(e.time, scope) || maybeDeployment.has(i)) return;
      differences.push({ ...unmatched(e, ours, toleranceMs), at: e.time });
    });
  }
  differences.sort((a, b) => a.at - b.at);

  const counts = Object.fromEntries(
    DIFFERENCE_KINDS.map((k) => [k, differences.filter((x) => x.kind === k).length]),
  ) as Record<DifferenceKind, number>;
  return {
    status: differences.length ? 'drift' : 'reconciled',
    repository: scope.repository,
    environment: scope.environment,
    since: scope.since.toISOString(),
    until: scope.until.toISOString(),
    tolerance_seconds: Math.round(toleranceMs / 1000),
    uses_deployments: usesDeployments,
    compared: {
      deployments: windowed.length,
      successful_deployments: owed.length,
      entries: windowedEntries.length,
      recorded: owed.length - counts['unrecorded-deploy'],
    },
    counts,
    differences: differences.map(({ at: _at, ...d }) => d),
  };
}

function unrecorded(d: GitHubDeployment): UnrecordedDeploy {
  const state = d.latest?.state ?? 'success';
  const by = d.creator ? ` by ${d.creator}` : '';
  const run = d.runId !== undefined ? ` (run ${d.runId})` : '';
  return {
    kind: 'unrecorded-deploy',
    deployment_id: d.id,
    commit: d.sha,
    ref: d.ref,
    environment: d.environment,
    creator: d.creator,
    created_at: d.createdAt,
    succeeded_at: d.succeededAt!,
    state,
    ...(d.runId !== undefined ? { run_id: d.runId } : {}),
    why:
      `GitHub deployment ${d.id} of ${shortSha(d.sha)} (${d.ref}) to ${d.environment}${by}${run}, ` +
      `created ${formatTime(d.createdAt)}, succeeded ${formatTime(d.succeededAt!)}` +
      `${state === 'success' ? '' : ` (now ${state})`}, has no deploy entry in the ledger`,
  };
}

function unmatched(
  e: LedgerDeploy,
  deployments: readonly GitHubDeployment[],
  toleranceMs: number,
): UnmatchedEntry {
  const ofCommit = deployments.filter((d) => d.sha.toLowerCase() === e.commit);
  // Say why the nearest deployment of the commit did not count, when there is one.
  let detail = `GitHub has no deployment of that commit to ${e.environment}`;
  if (ofCommit.length) {
    const otherRun = ofCommit.find(
      (d) => d.runId !== undefined && e.runId !== undefined && d.runId !== e.runId,
    );
    detail = otherRun
      ? `GitHub's deployment of that commit (${otherRun.id}) was made by run ${otherRun.runId}, not run ${e.runId}`
      : `GitHub's deployments of that commit to ${e.environment} are more than ${formatWindow(toleranceMs)} away from it`;
  }
  const run = e.runId !== undefined ? ` by run ${e.runId}` : '';
  return {
    kind: 'unmatched-entry',
    seq: e.seq,
    hash: e.hash,
    commit: e.commit,
    environment: e.environment,
    timestamp: e.timestamp,
    ...(e.runId !== undefined ? { run_id: e.runId } : {}),
    ...(e.shard !== undefined ? { shard: e.shard } : {}),
    why: `deploy entry seq ${e.seq} records ${shortSha(e.commit)} to ${e.environment}${run} at ${formatTime(e.timestamp)}, but ${detail}`,
  };
}
