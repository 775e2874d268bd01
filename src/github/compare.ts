/**
 * The commits a push added between two shas, with their parent counts: a push payload lists
 * commits without parents, and a merge pushed onto the ledger branch must not pass for an append.
 */
import { callGitHub } from './call.ts';
import type { GitHubApi } from './client.ts';
import { asArray, asObject, requireNumber, requireString } from './parse.ts';

export interface PushedCommits {
  /** GitHub's comparison status: ahead for an honest append. */
  status: string;
  total: number;
  commits: { sha: string; parents: number }[];
}

export async function pushedCommits(
  api: GitHubApi,
  { owner, repo, before, after }: { owner: string; repo: string; before: string; after: string },
): Promise<PushedCommits> {
  const basehead = `${before}...${after}`;
  const what = `GET /repos/${owner}/${repo}/compare/${basehead}`;
  const { data } = await callGitHub(what, () =>
    api.request('GET /repos/{owner}/{repo}/compare/{basehead}', { owner, repo, basehead, per_page: 100 }),
  );
  const body = asObject(data, what);
  return {
    status: requireString(body.status, `${what}: status`),
    total: requireNumber(body.total_commits, `${what}: total_commits`),
    commits: asArray(body.commits, `${what}: commits`).map((c) => {
      const o = asObject(c, `${what}: commit`);
      return {
        sha: requireString(o.sha, `${what}: commit sha`),
        parents: asArray(o.parents, `${what}: commit parents`).length,
      };
    }),
  };
}
