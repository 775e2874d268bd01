/**
 * The policy that governs one repository, as the app sees it: `.github/shiplog.yml` on the default
 * branch read through Probot's `context.config`, so `_extends` org defaults are merged in (rules from
 * the base are added, the repository's settings win). A policy that cannot be read is an answer, not
 * an exception: the caller turns it into a failing check that says what to fix.
 */
import { errorMessage, isShiplogError } from '../errors.ts';
import { apiError, statusOf } from '../github/call.ts';
import type { GitHubApi } from '../github/client.ts';
import { readRepoFile } from '../github/contents.ts';
import { MAX_POLICY_BYTES, parsePolicy, policyFromObject, type Policy } from '../policy/index.ts';

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

/** What reading the policy needs from a Probot context. */
export interface PolicyContext {
  config(fileName: string): Promise<unknown>;
  octokit: GitHubApi;
}

export async function loadPolicy(
  context: PolicyContext,
  { owner, repo }: { owner: string; repo: string },
): Promise<LoadedPolicy> {
  const source = `${owner}/${repo}:${POLICY_PATH}`;
  let raw: unknown;
  try {
    raw = await context.config(POLICY_FILE);
  } catch (error) {
    return {
      ok: false,
      message: await explain(context.octokit, { owner, repo, source }, error),
      checkName: DEFAULT_CHECK_NAME,
    };
  }
  try {
    // No file anywhere (null) is an empty policy: nothing protected, so every PR passes.
    return { ok: true, policy: policyFromObject(raw, source) };
  } catch (error) {
    return {
      ok: false,
      message: await explain(context.octokit, { owner, repo, source }, error),
      checkName: checkNameIn(raw),
    };
  }
}

/**
 * `context.config` hands over parsed YAML, which has lost its line numbers. When the repository's own
 * file is what is broken, parsing its text again points at the line; when only the merged result
 * (an `_extends` base) is broken, the original message is all there is.
 */
async function explain(
  api: GitHubApi,
  where: { owner: string; repo: string; source: string },
  error: unknown,
): Promise<string> {
  const original = describe(error, where.source);
  // An API failure while reading config is not a broken file; re-reading would only fail again.
  if (statusOf(error) !== undefined) return original;
  try {
    const text = await readOwnPolicyText(api, where);
    if (text !== undefined) parsePolicy(text, where.source);
  } catch (reparsed) {
    if (isShiplogError(reparsed, 'BAD_POLICY')) return reparsed.message;
  }
  return original;
}

function describe(error: unknown, source: string): string {
  if (isShiplogError(error)) return error.message;
  if (statusOf(error) !== undefined) return apiError(`reading ${source}`, error).message;
  // Probot's config reader wraps the YAML parser's error (which has the position) in its own.
  const cause = (error as { cause?: unknown } | null)?.cause;
  const detail = cause === undefined ? '' : `: ${errorMessage(cause)}`;
  return `${errorMessage(error).replace(/^\[@probot\/octokit-plugin-config\]\s*/, '')}${detail}`;
}

async function readOwnPolicyText(
  api: GitHubApi,
  { owner, repo }: { owner: string; repo: string },
): Promise<string | undefined> {
  return readRepoFile(api, { owner, repo, path: POLICY_PATH, maxBytes: MAX_POLICY_BYTES });
}

function checkNameIn(raw: unknown): string {
  const name = (raw as { settings?: { check_name?: unknown } } | null)?.settings?.check_name;
  return typeof name === 'string' && name.trim() !== '' && name.length <= 100 ? name : DEFAULT_CHECK_NAME;
}
