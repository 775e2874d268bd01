/**
 * One file of a repository through the contents API: the policy on the default branch (never the
 * workspace or the PR's copy, which the change under review could have edited) and the ledger's
 * checkpoint at a branch or a commit. A missing file is an answer (undefined), not an error.
 */
import { ShiplogError } from '../errors.ts';
import { callGitHub, statusOf } from './call.ts';
import type { GitHubApi } from './client.ts';
import { asObject } from './parse.ts';

export interface RepoFileRequest {
  owner: string;
  repo: string;
  path: string;
  /** Branch, tag or commit; the default branch when absent. */
  ref?: string;
  /** Refuse files larger than this (default 1 MiB, the contents API's own limit for inline content). */
  maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 1024 * 1024;

export async function readRepoFile(api: GitHubApi, request: RepoFileRequest): Promise<string | undefined> {
  return (await readRepoBlob(api, request))?.text;
}

/** The file's text and its git blob id (which names exactly this version of it). */
export async function readRepoBlob(
  api: GitHubApi,
  request: RepoFileRequest,
): Promise<{ text: string; sha?: string } | undefined> {
  const { owner, repo, path, ref } = request;
  const maxBytes = request.maxBytes ?? DEFAULT_MAX_BYTES;
  const what = `GET /repos/${owner}/${repo}/contents/${path}${ref ? `?ref=${ref}` : ''}`;
  const data = await callGitHub(what, async () => {
    try {
      const res = await api.request('GET /repos/{owner}/{repo}/contents/{path}', {
        owner,
        repo,
        path,
        ...(ref ? { ref } : {}),
      });
      return res.data;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  });
  if (data === undefined) return undefined;
  const file = asObject(data, what);
  if (file.type !== 'file' || file.encoding !== 'base64' || typeof file.content !== 'string') {
    throw new ShiplogError('GITHUB_API', `${what}: unexpected response (expected a base64-encoded file)`);
  }
  if (typeof file.size === 'number' && file.size > maxBytes) {
    throw new ShiplogError('BAD_INPUT', `${owner}/${repo}:${path} is larger than ${maxBytes} bytes`);
  }
  const sha = typeof file.sha === 'string' && /^[0-9a-f]{40,64}$/.test(file.sha) ? file.sha : undefined;
  return { text: Buffer.from(file.content.replace(/\s+/g, ''), 'base64').toString('utf8'), sha };
}
