/**
 * What a policy evaluation needs from GitHub for one pull request, in as few requests as GitHub
 * allows: the PR object is reused from the webhook payload when it has what we need, files and
 * reviews come 100 per page and in parallel, and the file list stops at GitHub's own 3000 cap.
 */
import { callGitHub } from './call.ts';
import type { GitHubApi } from './client.ts';
import { pages } from './paginate.ts';
import { asObject, boundedText, optionalString, requireNumber, requireString } from './parse.ts';
import { listReviews, slimUser, type Review } from './reviews.ts';
import { readPullTimeline, type PullTimeline } from './timeline.ts';

/** GitHub's pulls/files endpoint never lists more than this many files. */
export const MAX_LISTED_FILES = 3000;
const PER_PAGE = 100;

export interface PolicyFile {
  filename: string;
  previous_filename?: string;
  status: string;
}

export interface PolicyPullRequest {
  number: number;
  /** Login of the author. */
  author: string;
  authorId: number;
  headSha: string;
  baseRef: string;
  /** The count GitHub reports, which may exceed the files it lists. */
  changedFiles: number;
  /** Commits in the pull request as GitHub counts them (undefined when the object did not say). */
  commits?: number;
  title: string;
  url: string;
  state: string;
  draft: boolean;
}

export interface PolicyPullRequestData {
  pullRequest: PolicyPullRequest;
  files: PolicyFile[];
  /** The list is incomplete (more changed files than GitHub lists): evaluation must fail closed. */
  filesTruncated: boolean;
  reviews: Review[];
  /**
   * Who authored or committed the pull request's commits (GitHub accounts, as GitHub links them):
   * not independent reviewers. `complete` is false when GitHub could not list every commit.
   */
  contributors: { logins: string[]; complete: boolean };
  /** Base changes and force-pushes, with GitHub's own times. */
  timeline: PullTimeline;
}

function readPullRequest(value: unknown, what: string): PolicyPullRequest {
  const pr = asObject(value, what);
  const head = asObject(pr.head, `${what}: head`);
  const base = asObject(pr.base, `${what}: base`);
  const user = slimUser(pr.user, `${what}: user`);
  return {
    number: requireNumber(pr.number, `${what}: number`),
    author: user?.login ?? 'ghost',
    authorId: user?.id ?? 0,
    headSha: requireString(head.sha, `${what}: head.sha`),
    baseRef: requireString(base.ref, `${what}: base.ref`),
    changedFiles: requireNumber(pr.changed_files, `${what}: changed_files`),
    ...(typeof pr.commits === 'number' ? { commits: pr.commits } : {}),
    title: boundedText(pr.title, 256),
    url: optionalString(pr.html_url) ?? '',
    state: optionalString(pr.state) ?? 'open',
    draft: pr.draft === true,
  };
}

/** The PR from a webhook payload if it is a full one (pull_request events); else one GET. */
export async function loadPullRequest(
  api: GitHubApi,
  {
    owner,
    repo,
    number,
    pullRequest,
  }: { owner: string; repo: string; number: number; pullRequest?: unknown },
): Promise<{ raw: Record<string, unknown>; pr: PolicyPullRequest }> {
  // pull_request_review payloads carry a PR without changed_files: that one must be fetched
  const given = pullRequest as Record<string, unknown> | undefined;
  if (given && typeof given.changed_files === 'number' && given.number === number) {
    return { raw: given, pr: readPullRequest(given, `pull request #${number} from the event`) };
  }
  const what = `GET /repos/${owner}/${repo}/pulls/${number}`;
  const { data } = await callGitHub(what, () =>
    api.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { owner, repo, pull_number: number }),
  );
  const raw = asObject(data, what);
  return { raw, pr: readPullRequest(raw, what) };
}

/** Changed files as GitHub returns them (patches dropped), at most 3000. */
export async function listRawFiles(
  api: GitHubApi,
  { owner, repo, number }: { owner: string; repo: string; number: number },
): Promise<Record<string, unknown>[]> {
  const what = `GET /repos/${owner}/${repo}/pulls/${number}/files`;
  return callGitHub(what, async () => {
    const files: Record<string, unknown>[] = [];
    const route = 'GET /repos/{owner}/{repo}/pulls/{pull_number}/files';
    const maxPages = MAX_LISTED_FILES / PER_PAGE;
    for await (const items of pages(api, route, { owner, repo, pull_number: number }, what, {
      maxPages,
      onLimit: 'stop',
    })) {
      for (const item of items) {
        // patches are the bulk of the payload and policy never reads them
        const { patch: _patch, ...file } = asObject(item, `${what}: file`);
        files.push(file);
      }
    }
    return files.slice(0, MAX_LISTED_FILES);
  });
}

export async function fetchPullRequestForPolicy(
  api: GitHubApi,
  params: { owner: string; repo: string; number: number; pullRequest?: unknown },
): Promise<PolicyPullRequestData> {
  const { owner, repo, number } = params;
  const [{ pr }, rawFiles, reviews, listed, timeline] = await Promise.all([
    loadPullRequest(api, params),
    listRawFiles(api, { owner, repo, number }),
    listReviews(api, { owner, repo, number }),
    listContributors(api, { owner, repo, number }),
    readPullTimeline(api, { owner, repo, number }),
  ]);
  const what = `GET /repos/${owner}/${repo}/pulls/${number}/files`;
  const files = rawFiles.map((f): PolicyFile => {
    const previous = optionalString(f.previous_filename);
    return {
      filename: requireString(f.filename, `${what}: filename`),
      ...(previous !== undefined ? { previous_filename: previous } : {}),
      status: optionalString(f.status) ?? 'modified',
    };
  });
  return {
    pullRequest: pr,
    files,
    filesTruncated: pr.changedFiles > files.length || pr.changedFiles > MAX_LISTED_FILES,
    reviews,
    contributors: {
      logins: listed.logins,
      // GitHub's own count settles it; without one, a full last page leaves it open.
      complete: pr.commits !== undefined ? listed.count >= pr.commits : listed.complete,
    },
    timeline,
  };
}

/** GitHub's pulls/commits endpoint never lists more than this many commits. */
export const MAX_LISTED_COMMITS = 250;
/** The committer GitHub records for commits it makes itself (web edits, merges); not a person. */
const GITHUB_COMMITTER = 'web-flow';

/**
 * The GitHub accounts that authored or committed the pull request's commits, plus co-authors named
 * by a GitHub noreply address in a `Co-authored-by:` trailer.
 */
export async function listContributors(
  api: GitHubApi,
  { owner, repo, number }: { owner: string; repo: string; number: number },
): Promise<{ logins: string[]; count: number; complete: boolean }> {
  const what = `GET /repos/${owner}/${repo}/pulls/${number}/commits`;
  return callGitHub(what, async () => {
    const logins = new Map<string, string>();
    const add = (login: unknown) => {
      if (typeof login === 'string' && login !== '' && login !== GITHUB_COMMITTER)
        logins.set(login.toLowerCase(), login);
    };
    let count = 0;
    let complete = true;
    const route = 'GET /repos/{owner}/{repo}/pulls/{pull_number}/commits';
    for await (const items of pages(api, route, { owner, repo, pull_number: number }, what, {
      maxPages: MAX_LISTED_COMMITS / PER_PAGE + 1,
      onLimit: 'stop',
      onStop: () => (complete = false),
    })) {
      for (const item of items) {
        const c = asObject(item, `${what}: commit`);
        count++;
        add((c.author as { login?: unknown } | null)?.login);
        add((c.committer as { login?: unknown } | null)?.login);
        const message = (c.commit as { message?: unknown } | null)?.message;
        if (typeof message === 'string') {
          for (const m of message.matchAll(
            /^co-authored-by:.*<(?:\d+\+)?([A-Za-z0-9-]+)@users\.noreply\.github\.com>/gim,
          ))
            add(m[1]);
        }
      }
    }
    return { logins: [...logins.values()], count, complete: complete && count < MAX_LISTED_COMMITS };
  });
}

/** The shape the policy room evaluates (structurally its EvaluationInput). */
export function evaluationInput(data: PolicyPullRequestData): {
  pullRequest: { number: number; author: string; headSha: string; changedFiles: number };
  files: PolicyFile[];
  filesTruncated: boolean;
  reviews: Review[];
  contributors: { logins: string[]; complete: boolean };
  baseChangedAt: string | null;
} {
  const { pullRequest: pr } = data;
  return {
    pullRequest: { number: pr.number, author: pr.author, headSha: pr.headSha, changedFiles: pr.changedFiles },
    files: data.files,
    filesTruncated: data.filesTruncated,
    reviews: data.reviews,
    contributors: data.contributors,
    baseChangedAt: data.timeline.baseChangedAt,
  };
}

export { createDirectory, type Directory, type Permission } from './directory.ts';

/**
 * The open pull requests whose head is this commit, as GitHub associates them (`commits/{sha}/pulls`):
 * a check run lives on the commit, so its verdict must hold for every one of them.
 */
export async function openPullsWithHead(
  api: GitHubApi,
  { owner, repo, sha }: { owner: string; repo: string; sha: string },
): Promise<{ number: number; baseRef: string }[]> {
  const what = `GET /repos/${owner}/${repo}/commits/${sha}/pulls`;
  return callGitHub(what, async () => {
    const found: { number: number; baseRef: string }[] = [];
    const route = 'GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls';
    for await (const items of pages(api, route, { owner, repo, commit_sha: sha }, what, { maxPages: 10 })) {
      for (const item of items) {
        const pr = asObject(item, `${what}: pull request`);
        const head = asObject(pr.head, `${what}: head`);
        const base = asObject(pr.base, `${what}: base`);
        if (pr.state !== 'open' || optionalString(head.sha)?.toLowerCase() !== sha.toLowerCase()) continue;
        found.push({
          number: requireNumber(pr.number, `${what}: number`),
          baseRef: requireString(base.ref, `${what}: base.ref`),
        });
      }
    }
    return found;
  });
}
