/**
 * What the app's periodic sweeps walk: its installations (as the app, with its JWT), each
 * installation's repositories and their open pull requests (with an installation token). Bounded
 * like every list in shiplog: past the bound the walk stops and says so rather than run forever.
 */
import { ShiplogError } from '../errors.ts';
import { callGitHub } from './call.ts';
import type { GitHubApi } from './client.ts';
import { nextLink, pages } from './paginate.ts';
import { asArray, asObject, optionalString, requireNumber, requireString } from './parse.ts';

export interface InstallationRef {
  id: number;
  account: string;
}

export interface OpenPullRequest {
  number: number;
  headSha: string;
  /** When GitHub last saw a change (a push, a review, an edit). */
  updatedAt: string;
  /** The list's PR object (without the counts a full GET carries). */
  raw: unknown;
}

export async function listInstallations(appApi: GitHubApi, max = 1000): Promise<InstallationRef[]> {
  const what = 'GET /app/installations';
  const out: InstallationRef[] = [];
  await callGitHub(what, async () => {
    for await (const page of pages(appApi, 'GET /app/installations', {}, what, {
      maxPages: Math.ceil(max / 100),
    }))
      for (const item of page) {
        const o = asObject(item, `${what}: installation`);
        const account = asObject(o.account, `${what}: installation account`);
        out.push({
          id: requireNumber(o.id, `${what}: id`),
          account: requireString(account.login, `${what}: account.login`),
        });
      }
  });
  return out;
}

export async function listInstallationRepositories(
  api: GitHubApi,
  max = 5000,
): Promise<{ owner: string; repo: string }[]> {
  const what = 'GET /installation/repositories';
  const out: { owner: string; repo: string }[] = [];
  await callGitHub(what, async () => {
    let response = await api.request('GET /installation/repositories', { per_page: 100 });
    for (;;) {
      const body = asObject(response.data, what);
      for (const item of asArray(body.repositories, `${what}: repositories`)) {
        const full = requireString(asObject(item, `${what}: repository`).full_name, `${what}: full_name`);
        const [owner, repo] = full.split('/') as [string, string];
        out.push({ owner, repo });
      }
      const next = nextLink(response.headers.link);
      if (!next) return;
      if (out.length >= max)
        throw new ShiplogError('GITHUB_API', `${what}: more than ${max} repositories; refusing to read on`);
      response = await api.request(`GET ${next}`);
    }
  });
  return out;
}

/** The open pull requests of a repository, most recently updated first, at most `max`. */
export async function listOpenPullRequests(
  api: GitHubApi,
  { owner, repo, max = 300 }: { owner: string; repo: string; max?: number },
): Promise<OpenPullRequest[]> {
  const what = `GET /repos/${owner}/${repo}/pulls?state=open`;
  const out: OpenPullRequest[] = [];
  await callGitHub(what, async () => {
    const params = { owner, repo, state: 'open', sort: 'updated', direction: 'desc' };
    for await (const page of pages(api, 'GET /repos/{owner}/{repo}/pulls', params, what, {
      maxPages: Math.ceil(max / 100),
      onLimit: 'stop',
    }))
      for (const item of page) {
        const o = asObject(item, `${what}: pull request`);
        out.push({
          number: requireNumber(o.number, `${what}: number`),
          headSha: requireString(asObject(o.head, `${what}: head`).sha, `${what}: head.sha`),
          updatedAt: optionalString(o.updated_at) ?? new Date(0).toISOString(),
          raw: item,
        });
      }
  });
  return out.slice(0, max);
}
