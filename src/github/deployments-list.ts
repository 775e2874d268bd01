/**
 * GitHub's own account of what was deployed: a repository's deployments to one environment since
 * a point in time, each with what its statuses say (the newest state, when it first succeeded, and
 * the Actions run that did it). Reconciliation holds the ledger against this list, so it is never
 * silently short: more deployments or statuses than the bounds below fail the listing
 * (ShiplogError GITHUB_API, saying which bound), and the caller narrows the window.
 *
 * Requests: one per 100 deployments (GitHub lists them newest first, so paging stops at the first
 * page that reaches back past `since`), then one per deployment for its statuses, a few at a time.
 */
import { ShiplogError } from '../errors.ts';
import { callGitHub } from './call.ts';
import type { GitHubApi } from './client.ts';
import { pages } from './paginate.ts';
import { asObject, optionalString, requireNumber, requireString } from './parse.ts';

/** The states GitHub documents; a state it adds later is kept as sent and never counts as success. */
export type DeploymentState =
  'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success' | (string & {});

export interface GitHubDeployment {
  id: number;
  sha: string;
  ref: string;
  environment: string;
  createdAt: string;
  /** Null for a deleted account. */
  creator: string | null;
  /** The newest status; undefined while the deployment has none. */
  latest?: { state: DeploymentState; createdAt: string };
  /**
   * When it first reported success. A deployment that succeeded and was later replaced reads
   * `inactive` (GitHub marks older successful deployments so), so this, not `latest`, says whether
   * the change reached the environment.
   */
  succeededAt?: string;
  /** The workflow run a status links to (`…/actions/runs/<id>` in its log_url or target_url). */
  runId?: number;
}

export interface ListDeploymentsOptions {
  owner: string;
  repo: string;
  environment: string;
  /** Deployments created before this are not read. */
  since: Date;
  /** More deployments than this since `since` fail the listing (default 1000): each costs a request. */
  maxDeployments?: number;
  /** More statuses than this on one deployment fail the listing (default 1000). */
  maxStatuses?: number;
  /** Statuses requests in flight at once (default 4). */
  concurrency?: number;
}

const RUN_PATH = /\/actions\/runs\/(\d{1,15})(?:[/?#]|$)/;

/** The Actions run id a status URL names, if any. */
export function runIdFromUrl(url: string | undefined): number | undefined {
  if (!url) return undefined;
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const m = RUN_PATH.exec(path);
  return m ? Number(m[1]) : undefined;
}

interface Status {
  id: number;
  state: string;
  createdAt: string;
  runId?: number;
}

function slimStatus(value: unknown, what: string): Status {
  const s = asObject(value, what);
  const runId = runIdFromUrl(optionalString(s.log_url)) ?? runIdFromUrl(optionalString(s.target_url));
  return {
    id: requireNumber(s.id, `${what}.id`),
    state: requireString(s.state, `${what}.state`),
    createdAt: requireString(s.created_at, `${what}.created_at`),
    ...(runId !== undefined ? { runId } : {}),
  };
}

/** Ordered by time, then id: GitHub's list order is not relied on for "newest". */
const byTime = (a: Status, b: Status): number =>
  a.createdAt === b.createdAt ? a.id - b.id : Date.parse(a.createdAt) - Date.parse(b.createdAt);

async function listStatuses(
  api: GitHubApi,
  { owner, repo, id, maxStatuses }: { owner: string; repo: string; id: number; maxStatuses: number },
): Promise<Status[]> {
  const what = `GET /repos/${owner}/${repo}/deployments/${id}/statuses`;
  return callGitHub(what, async () => {
    const statuses: Status[] = [];
    const route = 'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses';
    const maxPages = Math.ceil(maxStatuses / 100);
    for await (const items of pages(api, route, { owner, repo, deployment_id: id }, what, { maxPages })) {
      for (const item of items) statuses.push(slimStatus(item, `${what}: status`));
    }
    return statuses.sort(byTime);
  });
}

interface Listed {
  id: number;
  sha: string;
  ref: string;
  environment: string;
  createdAt: string;
  creator: string | null;
}

function slimDeployment(value: unknown, what: string): Listed {
  const d = asObject(value, what);
  const creator =
    d.creator === null || d.creator === undefined ? null : asObject(d.creator, `${what}.creator`);
  return {
    id: requireNumber(d.id, `${what}.id`),
    sha: requireString(d.sha, `${what}.sha`).toLowerCase(),
    ref: requireString(d.ref, `${what}.ref`),
    environment: requireString(d.environment, `${what}.environment`),
    createdAt: requireString(d.created_at, `${what}.created_at`),
    creator: creator ? requireString(creator.login, `${what}.creator.login`) : null,
  };
}

/** Runs `fn` over `items` with at most `limit` in flight, results in input order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The environment's deployments created at or after `since`, oldest first, each with its statuses read. */
export async function listDeployments(
  api: GitHubApi,
  options: ListDeploymentsOptions,
): Promise<GitHubDeployment[]> {
  const { owner, repo, environment, since } = options;
  const maxDeployments = options.maxDeployments ?? 1000;
  const maxStatuses = options.maxStatuses ?? 1000;
  const what = `GET /repos/${owner}/${repo}/deployments?environment=${environment}`;
  const listed = await callGitHub(what, async () => {
    const found: Listed[] = [];
    const route = 'GET /repos/{owner}/{repo}/deployments';
    // Bounded by the deployment cap, plus the page that reaches back past `since`.
    const maxPages = Math.ceil(maxDeployments / 100) + 1;
    for await (const items of pages(api, route, { owner, repo, environment }, what, { maxPages })) {
      let older = false;
      for (const item of items) {
        const d = slimDeployment(item, `${what}: deployment`);
        if (Date.parse(d.createdAt) < since.getTime()) older = true;
        else found.push(d);
      }
      if (found.length > maxDeployments) {
        throw new ShiplogError(
          'GITHUB_API',
          `${what}: more than ${maxDeployments} deployments since ${since.toISOString()}; refusing to read a partial list (narrow the window)`,
        );
      }
      // Newest first: once a page reaches back past `since`, later pages are older still.
      if (older) break;
    }
    return found;
  });

  const withStatuses = await mapLimit(listed, options.concurrency ?? 4, async (d) => {
    const statuses = await listStatuses(api, { owner, repo, id: d.id, maxStatuses });
    const newest = statuses.at(-1);
    const succeeded = statuses.find((s) => s.state === 'success');
    // The newest status that names a run: a re-run attempt keeps the run id, so any of them will do.
    const runId = [...statuses].reverse().find((s) => s.runId !== undefined)?.runId;
    const deployment: GitHubDeployment = {
      ...d,
      ...(newest ? { latest: { state: newest.state, createdAt: newest.createdAt } } : {}),
      ...(succeeded ? { succeededAt: succeeded.createdAt } : {}),
      ...(runId !== undefined ? { runId } : {}),
    };
    return deployment;
  });
  return withStatuses.sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.id - b.id);
}
