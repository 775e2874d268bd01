/**
 * What GitHub says about a ledger a gate cannot see for itself:
 * - an open ledger alarm: the app's `shiplog-alarm` issue (a force-push, a deletion, an unsigned
 *   entry was seen); until an admin closes it, gates refuse and link it;
 * - whether an environment was deployed before: GitHub keeps its own deployments, so a ledger
 *   branch that is absent while GitHub shows a successful deploy of that environment was deleted
 *   (or never written), and that is not a first deploy.
 * Both fail closed: an API failure throws ShiplogError('GITHUB_API').
 */
import { callGitHub } from './call.ts';
import type { GitHubApi } from './client.ts';
import { findOpenIssueWithLabel, type IssueRef } from './issues.ts';
import { asArray, asObject, optionalString, requireNumber } from './parse.ts';

/** The label of the app's alarm issue (src/app/check-extras.ts ALARM_LABEL). */
export const LEDGER_ALARM_LABEL = 'shiplog-alarm';

/** Deployments whose statuses are read, newest first; more that never succeeded count as history. */
const MAX_CHECKED = 10;

export async function openLedgerAlarm(
  api: GitHubApi,
  at: { owner: string; repo: string },
): Promise<IssueRef | undefined> {
  return findOpenIssueWithLabel(api, { ...at, label: LEDGER_ALARM_LABEL });
}

/**
 * A sentence naming a successful earlier deploy of `environment` (compared case-insensitively, as
 * GitHub names environments), or undefined when GitHub shows none. The deployment being decided
 * (`current`, waiting for this very gate) does not count.
 */
export async function deployedBefore(
  api: GitHubApi,
  {
    owner,
    repo,
    environment,
    current,
  }: { owner: string; repo: string; environment: string; current?: number },
): Promise<string | undefined> {
  const what = `GET /repos/${owner}/${repo}/deployments`;
  const { data } = await callGitHub(what, () =>
    api.request('GET /repos/{owner}/{repo}/deployments', { owner, repo, per_page: 100 }),
  );
  const wanted = environment.toLowerCase();
  const mine = asArray(data, what)
    .map((d) => asObject(d, `${what}: deployment`))
    .filter((d) => optionalString(d.environment)?.toLowerCase() === wanted)
    .map((d) => ({ id: requireNumber(d.id, `${what}: deployment id`), sha: optionalString(d.sha) ?? '' }))
    .filter((d) => d.id !== current);
  for (const d of mine.slice(0, MAX_CHECKED)) {
    const at = `GET /repos/${owner}/${repo}/deployments/${d.id}/statuses`;
    const { data: statuses } = await callGitHub(at, () =>
      api.request('GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
        owner,
        repo,
        deployment_id: d.id,
        per_page: 100,
      }),
    );
    const states = asArray(statuses, at).map((s) => optionalString(asObject(s, `${at}: status`).state));
    // an older successful deployment reads `inactive` once a newer one replaced it
    if (states.some((s) => s === 'success' || s === 'inactive')) {
      return `GitHub shows deployment ${d.id} of ${d.sha.slice(0, 12)} to "${environment}" succeeded`;
    }
  }
  if (mine.length > MAX_CHECKED) {
    return `GitHub lists ${mine.length} earlier deployments to "${environment}"`;
  }
  return undefined;
}
