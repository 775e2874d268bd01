/**
 * Reads `.github/shiplog.yml` from the repository's default branch through the contents API — not
 * from the workspace, which a pull request under evaluation could have edited to weaken its own gate.
 *
 * Adapter: src/github has no contents reader yet; this stays a single call through `callGitHub`
 * so failures are reported like every other GitHub call, and should move into src/github.
 */
import { ShiplogError } from '../errors.ts';
import { callGitHub, statusOf } from '../github/call.ts';
import type { GitHubApi } from '../github/client.ts';
import { MAX_POLICY_BYTES } from '../policy/index.ts';

export const POLICY_PATH = '.github/shiplog.yml';

export async function readPolicyFile(
  api: GitHubApi,
  { owner, repo }: { owner: string; repo: string },
): Promise<{ text: string | undefined; source: string }> {
  const what = `GET /repos/${owner}/${repo}/contents/${POLICY_PATH}`;
  const data = await callGitHub(what, async () => {
    try {
      const res = await api.request('GET /repos/{owner}/{repo}/contents/{path}', {
        owner,
        repo,
        path: POLICY_PATH,
      });
      return res.data;
    } catch (e) {
      // No policy file is an empty policy (nothing protected), as the app reads it.
      if (statusOf(e) === 404) return undefined;
      throw e;
    }
  });
  const source = `${owner}/${repo}:${POLICY_PATH}`;
  if (data === undefined) return { text: undefined, source };
  const file = data as { type?: unknown; encoding?: unknown; content?: unknown; size?: unknown };
  if (file.type !== 'file' || file.encoding !== 'base64' || typeof file.content !== 'string') {
    throw new ShiplogError('GITHUB_API', `${what}: unexpected response (expected a base64 file)`);
  }
  if (typeof file.size === 'number' && file.size > MAX_POLICY_BYTES) {
    throw new ShiplogError('BAD_POLICY', `${POLICY_PATH} is larger than ${MAX_POLICY_BYTES} bytes`);
  }
  return {
    text: Buffer.from(file.content.replace(/\s+/g, ''), 'base64').toString('utf8'),
    source,
  };
}
