/**
 * Reads `.github/shiplog.yml` from the repository's default branch — not from the workspace, which a
 * pull request under evaluation could have edited to weaken its own gate.
 */
import { isShiplogError, ShiplogError } from '../errors.ts';
import { readRepoFile } from '../github/contents.ts';
import type { GitHubApi } from '../github/client.ts';
import { MAX_POLICY_BYTES } from '../policy/index.ts';

export const POLICY_PATH = '.github/shiplog.yml';

export async function readPolicyFile(
  api: GitHubApi,
  { owner, repo }: { owner: string; repo: string },
): Promise<{ text: string | undefined; source: string }> {
  const source = `${owner}/${repo}:${POLICY_PATH}`;
  try {
    // No policy file is an empty policy (nothing protected), as the app reads it.
    const text = await readRepoFile(api, { owner, repo, path: POLICY_PATH, maxBytes: MAX_POLICY_BYTES });
    return { text, source };
  } catch (error) {
    if (isShiplogError(error, 'BAD_INPUT'))
      throw new ShiplogError('BAD_POLICY', `${POLICY_PATH} is larger than ${MAX_POLICY_BYTES} bytes`);
    throw error;
  }
}
