/**
 * Who ran what, where: the run context a ledger entry records, from the runner's `GITHUB_*`
 * variables. These come from the runner, not from the workflow's author, so they are evidence.
 */
import { readFileSync } from 'node:fs';
import { ShiplogError } from '../errors.ts';

export interface RunContext {
  serverUrl: string;
  apiUrl: string;
  repository: string;
  owner: string;
  repo: string;
  actor: string;
  actorId?: number;
  triggeringActor?: string;
  workflow: string;
  workflowRef?: string;
  job: string;
  runId: string;
  runNumber: string;
  runAttempt: string;
  runUrl: string;
  eventName: string;
  ref: string;
  /** The code branch, when the ref is a branch. */
  branch?: string;
  workspace: string;
  eventPath?: string;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const v = env[name];
  if (!v) throw new ShiplogError('USAGE', `${name} is not set: run this inside a GitHub Actions job`);
  return v;
}

export function readRunContext(env: NodeJS.ProcessEnv): RunContext {
  const serverUrl = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  const repository = required(env, 'GITHUB_REPOSITORY');
  const [owner, repo] = repository.split('/') as [string, string];
  const runId = required(env, 'GITHUB_RUN_ID');
  const runAttempt = env.GITHUB_RUN_ATTEMPT || '1';
  const ref = env.GITHUB_REF ?? '';
  const actorId = Number(env.GITHUB_ACTOR_ID);
  return {
    serverUrl,
    apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
    repository,
    owner,
    repo,
    actor: required(env, 'GITHUB_ACTOR'),
    ...(Number.isSafeInteger(actorId) && actorId > 0 ? { actorId } : {}),
    ...(env.GITHUB_TRIGGERING_ACTOR ? { triggeringActor: env.GITHUB_TRIGGERING_ACTOR } : {}),
    workflow: env.GITHUB_WORKFLOW ?? '',
    ...(env.GITHUB_WORKFLOW_REF ? { workflowRef: env.GITHUB_WORKFLOW_REF } : {}),
    job: env.GITHUB_JOB ?? '',
    runId,
    runNumber: env.GITHUB_RUN_NUMBER ?? '',
    runAttempt,
    runUrl: `${serverUrl}/${repository}/actions/runs/${runId}/attempts/${runAttempt}`,
    eventName: env.GITHUB_EVENT_NAME ?? '',
    ref,
    ...(ref.startsWith('refs/heads/') ? { branch: ref.slice('refs/heads/'.length) } : {}),
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    ...(env.GITHUB_EVENT_PATH ? { eventPath: env.GITHUB_EVENT_PATH } : {}),
  };
}

/** The pull request of a pull_request(-ish) event, if the event payload has one. */
export function eventPullRequest(
  ctx: RunContext,
): { number: number; headSha: string; raw: unknown } | undefined {
  if (!ctx.eventPath) return undefined;
  let payload: { pull_request?: { number?: unknown; head?: { sha?: unknown } } };
  try {
    payload = JSON.parse(readFileSync(ctx.eventPath, 'utf8')) as typeof payload;
  } catch {
    return undefined;
  }
  const pr = payload.pull_request;
  if (!pr || typeof pr.number !== 'number' || typeof pr.head?.sha !== 'string') return undefined;
  return { number: pr.number, headSha: pr.head.sha, raw: pr };
}

/** The ledger entry's `actor` and `run` objects. */
export function actorRecord(ctx: RunContext): Record<string, unknown> {
  return {
    login: ctx.actor,
    ...(ctx.actorId !== undefined ? { id: ctx.actorId } : {}),
    ...(ctx.triggeringActor ? { triggering_actor: ctx.triggeringActor } : {}),
  };
}

export function runRecord(ctx: RunContext): Record<string, unknown> {
  return {
    workflow: ctx.workflow,
    ...(ctx.workflowRef ? { workflow_ref: ctx.workflowRef } : {}),
    job: ctx.job,
    id: numeric(ctx.runId),
    number: numeric(ctx.runNumber),
    attempt: numeric(ctx.runAttempt),
    url: ctx.runUrl,
    event: ctx.eventName,
    ref: ctx.ref,
    repository: ctx.repository,
    server_url: ctx.serverUrl,
  };
}

function numeric(v: string): number | string {
  return /^\d{1,15}$/.test(v) ? Number(v) : v;
}
