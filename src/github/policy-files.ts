/**
 * The policy loader's file reader backed by the contents API: what the app and the Action read
 * `.github/shiplog.yml` (and its `_extends` bases) with. A missing file or repository is
 * "no file"; anything else (permissions, outages) throws, so the caller fails closed.
 */
import { isShiplogError, ShiplogError } from '../errors.ts';
import { MAX_POLICY_BYTES } from '../policy/schema.ts';
import type { ReadPolicyFile } from '../policy/load.ts';
import type { GitHubApi } from './client.ts';
import { readRepoFile } from './contents.ts';

export function githubPolicyFiles(api: GitHubApi): ReadPolicyFile {
  return async (file) => {
    try {
      return await readRepoFile(api, { ...file, maxBytes: MAX_POLICY_BYTES });
    } catch (error) {
      if (isShiplogError(error, 'BAD_INPUT'))
        throw new ShiplogError(
          'BAD_POLICY',
          `${file.owner}/${file.repo}:${file.path} is larger than ${MAX_POLICY_BYTES} bytes`,
        );
      throw error;
    }
  };
}
