/**
 * Check runs: the app's verdict on a commit. GitHub rejects an output summary or text longer than
 * 65535 characters outright, so long reports are cut to fit with a note saying so.
 */
import { callGitHub } from './call.ts';
import type { GitHubApi } from './client.ts';
import { asObject, requireNumber, optionalString } from './parse.ts';

export const MAX_OUTPUT_CHARS = 65535;
const TRUNCATED = '\n\n…(truncated: the full report is longer than GitHub allows)';

export type CheckStatus = 'queued' | 'in_progress' | 'completed';
export type CheckConclusion =
  'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required';

export interface CheckOutput {
  title: string;
  summary: string;
  text?: string;
}

export interface CheckRunFields {
  name?: string;
  status?: CheckStatus;
  conclusion?: CheckConclusion;
  output?: CheckOutput;
  detailsUrl?: string;
  externalId?: string;
}

export interface CheckRunRef {
  id: number;
  url: string;
}

/** Cut to GitHub's limit without splitting a surrogate pair. */
export function fitOutput(text: string, max = MAX_OUTPUT_CHARS): string {
  if (text.length <= max) return text;
  let cut = max - TRUNCATED.length;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return text.slice(0, cut) + TRUNCATED;
}

function body(fields: CheckRunFields): Record<string, unknown> {
  return {
    ...(fields.name !== undefined ? { name: fields.name } : {}),
    ...(fields.status !== undefined ? { status: fields.status } : {}),
    ...(fields.conclusion !== undefined ? { conclusion: fields.conclusion } : {}),
    ...(fields.detailsUrl !== undefined ? { details_url: fields.detailsUrl } : {}),
    ...(fields.externalId !== undefined ? { external_id: fields.externalId } : {}),
    ...(fields.output
      ? {
          output: {
            title: fields.output.title.slice(0, 1000),
            summary: fitOutput(fields.output.summary),
            ...(fields.output.text !== undefined ? { text: fitOutput(fields.output.text) } : {}),
          },
        }
      : {}),
  };
}

function ref(data: unknown, what: string): CheckRunRef {
  const run = asObject(data, what);
  return { id: requireNumber(run.id, `${what}: id`), url: optionalString(run.html_url) ?? '' };
}

export async function createCheckRun(
  api: GitHubApi,
  params: { owner: string; repo: string; name: string; headSha: string } & CheckRunFields,
): Promise<CheckRunRef> {
  const { owner, repo, headSha } = params;
  const what = `POST /repos/${owner}/${repo}/check-runs`;
  const { data } = await callGitHub(what, () =>
    api.request('POST /repos/{owner}/{repo}/check-runs', { owner, repo, head_sha: headSha, ...body(params) }),
  );
  return ref(data, what);
}

export async function updateCheckRun(
  api: GitHubApi,
  params: { owner: string; repo: string; checkRunId: number } & CheckRunFields,
): Promise<CheckRunRef> {
  const { owner, repo, checkRunId } = params;
  const what = `PATCH /repos/${owner}/${repo}/check-runs/${checkRunId}`;
  const { data } = await callGitHub(what, () =>
    api.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
      owner,
      repo,
      check_run_id: checkRunId,
      ...body(params),
    }),
  );
  return ref(data, what);
}

export interface CheckRunSeen {
  id: number;
  appId: number | undefined;
  conclusion: string | null;
  title: string;
  summary: string;
  text: string;
  startedAt: string | null;
  completedAt: string | null;
  externalId: string | null;
}

/** Check runs named `name` on a commit, newest first (at most 100: one commit rarely has more). */
export async function listCheckRuns(
  api: GitHubApi,
  { owner, repo, ref, name }: { owner: string; repo: string; ref: string; name: string },
): Promise<CheckRunSeen[]> {
  const what = `GET /repos/${owner}/${repo}/commits/${ref}/check-runs?check_name=${name}`;
  const { data } = await callGitHub(what, () =>
    api.request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', {
      owner,
      repo,
      ref,
      check_name: name,
      filter: 'all',
      per_page: 100,
    }),
  );
  const runs = asObject(data, what).check_runs;
  if (!Array.isArray(runs)) return [];
  return runs
    .map((value): CheckRunSeen => {
      const run = asObject(value, `${what}: check run`);
      const output = (run.output ?? {}) as Record<string, unknown>;
      const app = (run.app ?? {}) as Record<string, unknown>;
      return {
        id: requireNumber(run.id, `${what}: id`),
        appId: typeof app.id === 'number' ? app.id : undefined,
        conclusion: optionalString(run.conclusion) ?? null,
        title: optionalString(output.title) ?? '',
        summary: optionalString(output.summary) ?? '',
        text: optionalString(output.text) ?? '',
        startedAt: optionalString(run.started_at) ?? null,
        completedAt: optionalString(run.completed_at) ?? null,
        externalId: optionalString(run.external_id) ?? null,
      };
    })
    .sort((a, b) => b.id - a.id);
}
