/**
 * "Is commit X in production?": the latest successful deploy of each environment, read from the
 * ledger, combined with git ancestry in a code checkout. Git is reached only through the
 * `isAncestor` callback so the Action can answer the same question with its own checkout.
 */
import { existsSync, statSync } from 'node:fs';
import { ShiplogError } from '../errors.ts';
import { COMMIT_PATTERN } from './encoding.ts';
import { git, lastLines } from './git.ts';
import type { Statement } from './statement.ts';
import { sameName } from './names.ts';

/** Any decoded entry: query results and raw reads both fit. */
export interface EntryLike {
  seq: number;
  hash?: string;
  statement: Statement;
}

export interface EnvironmentDeploy {
  repository: string;
  environment: string;
  /** The latest successful deploy; undefined when every deploy there failed or was rolled back. */
  deploy?: Deploy;
}

export interface Deploy {
  commit: string;
  timestamp: string;
  actor?: string;
  approvers: string[];
  approvalStatus?: string;
  seq: number;
}

/**
 * `true`/`false` from git; `null` when git cannot tell (the deployed commit is not in the
 * checkout, usually because it was never fetched).
 */
export type IsAncestor = (ancestor: string, descendant: string) => Promise<boolean | null>;

export interface WhereRow {
  environment: string;
  repository: string;
  deployed_commit: string | null;
  deployed_at: string | null;
  deployed_by: string | null;
  approvers: string[];
  approval_status: string | null;
  seq: number | null;
  contains: boolean | null;
}

export interface WhereAnswer {
  commit: string;
  environments: WhereRow[];
}

export function isSuccessfulDeploy(s: Statement): boolean {
  if (s.predicate.type !== 'deploy' || !s.predicate.environment) return false;
  const status = s.predicate.details?.status;
  // No status: recorded by a step that runs only after the deploy succeeded. Anything else
  // (failure, started, rolled-back, or a status we do not know) is not proof the commit runs there.
  return status === undefined || status === 'success';
}

/** Logins of reviewers whose approval counted (stale approvals approved an older head). */
export function currentApprovers(s: Statement): string[] {
  const list = s.predicate.approval?.approvers;
  if (!Array.isArray(list)) return [];
  return list
    .filter((a): a is { login: string; stale?: unknown } => typeof a?.login === 'string')
    .filter((a) => a.stale !== true)
    .map((a) => a.login);
}

export function actorLogin(s: Statement): string | undefined {
  const login = s.predicate.actor?.login;
  return typeof login === 'string' ? login : undefined;
}

/**
 * Latest successful deploy per (repository, environment), by ledger order: seq is the order the
 * ledger accepted the entries, whereas timestamps come from runners' clocks. A `rolled-back`
 * deploy of a commit withdraws that commit's earlier successes there: the environment is back on
 * whatever succeeded before it.
 */
export function latestSuccessfulDeploys(
  entries: readonly EntryLike[],
  opts: { repository?: string } = {},
): EnvironmentDeploy[] {
  const byEnv = new Map<string, { env: EnvironmentDeploy; successes: Deploy[] }>();
  const ordered = [...entries].sort((a, b) => a.seq - b.seq);
  for (const e of ordered) {
    const p = e.statement.predicate;
    if (p.type !== 'deploy' || !p.environment) continue;
    if (opts.repository && !sameName(p.repository, opts.repository)) continue;
    const key = JSON.stringify([p.repository, p.environment]);
    let slot = byEnv.get(key);
    if (!slot) {
      slot = { env: { repository: p.repository, environment: p.environment }, successes: [] };
      byEnv.set(key, slot);
    }
    if (p.details?.status === 'rolled-back') {
      slot.successes = slot.successes.filter((d) => d.commit !== p.commit);
    } else if (isSuccessfulDeploy(e.statement)) {
      slot.successes.push(deployOf(e));
    }
  }
  return sortDeploys(
    [...byEnv.values()].map(({ env, successes }) => ({ ...env, deploy: successes[successes.length - 1] })),
  );
}

export function sortDeploys(list: EnvironmentDeploy[]): EnvironmentDeploy[] {
  return list.sort(
    (a, b) => a.environment.localeCompare(b.environment) || a.repository.localeCompare(b.repository),
  );
}

/** A successful deploy as `where` shows it, from its entry. */
export function deployOf(e: EntryLike): Deploy {
  const p = e.statement.predicate;
  return {
    commit: p.commit,
    timestamp: p.timestamp,
    actor: actorLogin(e.statement),
    approvers: currentApprovers(e.statement),
    approvalStatus: p.approval?.status,
    seq: e.seq,
  };
}

export async function whereIsCommit(
  commit: string,
  deploys: readonly EnvironmentDeploy[],
  isAncestor: IsAncestor,
): Promise<WhereAnswer> {
  const target = commit.toLowerCase();
  const environments: WhereRow[] = [];
  for (const env of deploys) {
    const d = env.deploy;
    let contains: boolean | null = false;
    if (d) contains = d.commit === target ? true : await isAncestor(target, d.commit);
    environments.push({
      environment: env.environment,
      repository: env.repository,
      deployed_commit: d?.commit ?? null,
      deployed_at: d?.timestamp ?? null,
      deployed_by: d?.actor ?? null,
      approvers: d?.approvers ?? [],
      approval_status: d?.approvalStatus ?? null,
      seq: d?.seq ?? null,
      contains,
    });
  }
  return { commit: target, environments };
}

/** A code checkout answering ancestry questions with git (the CLI's side of `whereIsCommit`). */
export interface Checkout {
  resolve(rev: string): Promise<string>;
  isAncestor: IsAncestor;
}

export async function openCheckout(dir: string): Promise<Checkout> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ShiplogError('BAD_INPUT', `code checkout "${dir}" does not exist (pass --repo-dir)`);
  }
  const probe = await git(['rev-parse', '--git-dir'], { cwd: dir, allowFail: true });
  if (probe.code !== 0) {
    throw new ShiplogError(
      'BAD_INPUT',
      `"${dir}" is not a git checkout (pass --repo-dir): ${lastLines(probe.stderr, 1)}`,
    );
  }
  return {
    async resolve(rev) {
      // A leading dash would be read as an option by git however the arguments are passed.
      if (!rev || rev.startsWith('-')) throw new ShiplogError('USAGE', `"${rev}" is not a commit`);
      const r = await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], {
        cwd: dir,
        allowFail: true,
      });
      const sha = r.stdout.toString('utf8').trim();
      if (r.code !== 0 || !COMMIT_PATTERN.test(sha)) {
        throw new ShiplogError('BAD_INPUT', `"${rev}" is not a commit in the checkout "${dir}"`);
      }
      return sha;
    },
    async isAncestor(ancestor, descendant) {
      const r = await git(['merge-base', '--is-ancestor', ancestor, descendant], {
        cwd: dir,
        allowFail: true,
      });
      if (r.code === 0) return true;
      if (r.code === 1) return false;
      return null;
    },
  };
}
