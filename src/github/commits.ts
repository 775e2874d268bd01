/** One commit's parents, from the REST commit endpoint (its changed files held to one). */
import { callGitHub } from './call.ts';
import type { GitHubApi } from './client.ts';
import { asArray, asObject, requireString } from './parse.ts';

export async function commitParents(
  api: GitHubApi,
  { owner, repo, sha }: { owner: string; repo: string; sha: string },
): Promise<string[]> {
  const what = `GET /repos/${owner}/${repo}/commits/${sha}`;
  const { data } = await callGitHub(what, () =>
    api.request('GET /repos/{owner}/{repo}/commits/{ref}', { owner, repo, ref: sha, per_page: 1 }),
  );
  return asArray(asObject(data, what).parents, `${what}: parents`).map((p, i) =>
    requireString(asObject(p, `${what}: parents[${i}]`).sha, `${what}: parents[${i}].sha`).toLowerCase(),
  );
}
