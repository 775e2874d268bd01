/**
 * Reads `.github/shiplog.yml` from the repository's default branch — not from the workspace, which a
 * pull request under evaluation could have edited to weaken its own gate — through the same policy
 * loader as the app (src/policy/load.ts), so `_extends` merges the same way: the base's rules and
 * the repository's both apply. A base the workflow token cannot read fails the gate, naming it.
 */
import { githubPolicyFiles } from '../github/policy-files.ts';
import type { GitHubApi } from '../github/client.ts';
import { loadPolicyFile, POLICY_PATH } from '../policy/load.ts';
import type { Policy } from '../policy/index.ts';

export { POLICY_PATH };

export async function readPolicyFile(
  api: GitHubApi,
  { owner, repo }: { owner: string; repo: string },
): Promise<{ found: boolean; source: string; policy: Policy }> {
  const source = `${owner}/${repo}:${POLICY_PATH}`;
  // No policy file anywhere is an empty policy (nothing protected), as the app reads it.
  const { policy, found } = await loadPolicyFile(githubPolicyFiles(api), { owner, repo });
  return { found, source, policy };
}
