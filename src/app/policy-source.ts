/**
 * The policy that governs one repository, as the app sees it: `.github/shiplog.yml` on the default
 * branch (or, for the merge record, at the commit the merge was judged on), with `_extends` bases
 * merged by the one loader every path uses (src/policy/load.ts): the base's rules and the
 * repository's both apply, the repository's settings win. A policy that cannot be read is an
 * answer, not an exception: the caller turns it into a failing check that says what to fix.
 */
import { parse as parseYaml } from 'yaml';
import { errorMessage, isShiplogError } from '../errors.ts';
import { apiError, statusOf } from '../github/call.ts';
import type { GitHubApi } from '../github/client.ts';
import { githubPolicyFiles } from '../github/policy-files.ts';
import { readRepoFile } from '../github/contents.ts';
import { loadPolicyFile } from '../policy/load.ts';
import { MAX_POLICY_BYTES, policyFromObject, type Policy } from '../policy/index.ts';

export const POLICY_FILE = 'shiplog.yml';
export const POLICY_PATH = `.github/${POLICY_FILE}`;

/** The check name a repository gets when its policy cannot be read (the policy's own default). */
export const DEFAULT_CHECK_NAME = policyFromObject({}, 'defaults').settings.check_name;

export type LoadedPolicy =
  | { ok: true; policy: Policy }
  | {
      ok: false;
      message: string;
      /** Best guess, so the failure lands on the required check. */ checkName: string;
    };

/**
 * Unused by loadPolicy since every path shares the one loader; kept for callers that still pass it.
 * `context.config` for code that has no webhook context (the sweeps) or reads another ref (the
 * merge record): Probot's config plugin, answering null when no file exists, as context.config does.
 */
export function configReader(
  octokit: unknown,
  at: { owner: string; repo: string },
  branch?: string,
): (fileName: string) => Promise<unknown> {
  const config = (octokit as ConfigPlugin).config;
  return async (fileName) => {
    const { config: merged, files } = await config.get({
      ...at,
      path: `.github/${fileName}`,
      ...(branch ? { branch } : {}),
    });
    return files.every((f) => f.config === null) ? null : merged;
  };
}

interface ConfigPlugin {
  config: {
    get(o: { owner: string; repo: string; path: string; branch?: string }): Promise<{
      config: unknown;
      files: { config: unknown }[];
    }>;
  };
}

/** What reading the policy needs. */
export interface PolicyContext {
  octokit: GitHubApi;
  /** Unused: the loader reads the files itself (kept so `context.config`-passing callers compile). */
  config?: (fileName: string) => Promise<unknown>;
  /** Read the repository's own file at this branch, tag or commit (default: its default branch). */
  ref?: string;
}

export async function loadPolicy(
  context: PolicyContext,
  { owner, repo }: { owner: string; repo: string },
): Promise<LoadedPolicy> {
  const source = `${owner}/${repo}:${POLICY_PATH}`;
  try {
    const { policy } = await loadPolicyFile(githubPolicyFiles(context.octokit), {
      owner,
      repo,
      ...(context.ref ? { ref: context.ref } : {}),
    });
    // No file anywhere is an empty policy: nothing protected, so every PR passes.
    return { ok: true, policy };
  } catch (error) {
    return {
      ok: false,
      message: describe(error, source),
      checkName: await guessCheckName(context.octokit, { owner, repo, ref: context.ref }),
    };
  }
}

function describe(error: unknown, source: string): string {
  if (isShiplogError(error)) return error.message;
  if (statusOf(error) !== undefined) return apiError(`reading ${source}`, error).message;
  return `${source}: ${errorMessage(error)}`;
}

/** The check name a broken policy asked for, if its YAML still says, so the failure lands on the required check. */
async function guessCheckName(
  api: GitHubApi,
  at: { owner: string; repo: string; ref?: string | undefined },
): Promise<string> {
  try {
    const text = await readRepoFile(api, {
      owner: at.owner,
      repo: at.repo,
      path: POLICY_PATH,
      maxBytes: MAX_POLICY_BYTES,
      ...(at.ref ? { ref: at.ref } : {}),
    });
    return checkNameIn(text === undefined ? null : parseYaml(text, { maxAliasCount: 100 }));
  } catch {
    return DEFAULT_CHECK_NAME;
  }
}

function checkNameIn(raw: unknown): string {
  const name = (raw as { settings?: { check_name?: unknown } } | null)?.settings?.check_name;
  return typeof name === 'string' && name.trim() !== '' && name.length <= 100 ? name : DEFAULT_CHECK_NAME;
}
