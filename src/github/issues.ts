/**
 * Issues and comments shiplog writes (e.g. a tracking issue for a break-glass override). Bodies are
 * cut to GitHub's 65536-character limit so a long report still gets posted.
 */
import { callGitHub } from './call.ts';
import type { GitHubApi } from './client.ts';
import { pages } from './paginate.ts';
import { asObject, optionalString, requireNumber, requireString } from './parse.ts';

const MAX_BODY = 65536;

export interface IssueRef {
  number: number;
  title: string;
  url: string;
  body: string;
}

function fit(body: string): string {
  return body.length > MAX_BODY ? `${body.slice(0, MAX_BODY - 20)}\n\n…(truncated)` : body;
}

function issueRef(value: unknown, what: string): IssueRef {
  const issue = asObject(value, what);
  return {
    number: requireNumber(issue.number, `${what}: number`),
    title: requireString(issue.title, `${what}: title`),
    url: optionalString(issue.html_url) ?? '',
    body: optionalString(issue.body) ?? '',
  };
}

/** The newest open issue carrying `label` (optionally with this exact title); pull requests are skipped. */
export async function findOpenIssueWithLabel(
  api: GitHubApi,
  { owner, repo, label, title }: { owner: string; repo: string; label: string; title?: string },
): Promise<IssueRef | undefined> {
  const what = `GET /repos/${owner}/${repo}/issues?labels=${label}`;
  return callGitHub(what, async () => {
    const route = 'GET /repos/{owner}/{repo}/issues';
    const params = { owner, repo, labels: label, state: 'open', sort: 'created', direction: 'desc' };
    for await (const items of pages(api, route, params, what)) {
      for (const item of items) {
        // the issues API lists pull requests too
        if (asObject(item, `${what}: issue`).pull_request !== undefined) continue;
        const issue = issueRef(item, `${what}: issue`);
        if (title === undefined || issue.title === title) return issue;
      }
    }
    return undefined;
  });
}

export async function createIssue(
  api: GitHubApi,
  {
    owner,
    repo,
    title,
    body,
    labels = [],
  }: { owner: string; repo: string; title: string; body: string; labels?: string[] },
): Promise<IssueRef> {
  const what = `POST /repos/${owner}/${repo}/issues`;
  const { data } = await callGitHub(what, () =>
    api.request('POST /repos/{owner}/{repo}/issues', {
      owner,
      repo,
      title: title.slice(0, 256),
      body: fit(body),
      labels,
    }),
  );
  return issueRef(data, what);
}

/** Comment on an issue or pull request (they share numbering and the comments API). */
export async function commentOnIssue(
  api: GitHubApi,
  { owner, repo, number, body }: { owner: string; repo: string; number: number; body: string },
): Promise<{ id: number; url: string }> {
  const what = `POST /repos/${owner}/${repo}/issues/${number}/comments`;
  const { data } = await callGitHub(what, () =>
    api.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      owner,
      repo,
      issue_number: number,
      body: fit(body),
    }),
  );
  const comment = asObject(data, what);
  return { id: requireNumber(comment.id, `${what}: id`), url: optionalString(comment.html_url) ?? '' };
}

/** Bodies of an issue's comments, oldest first (at most 1000: alarms and PRs stay far below). */
export async function listIssueCommentBodies(
  api: GitHubApi,
  { owner, repo, number }: { owner: string; repo: string; number: number },
): Promise<string[]> {
  const what = `GET /repos/${owner}/${repo}/issues/${number}/comments`;
  return callGitHub(what, async () => {
    const bodies: string[] = [];
    const route = 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments';
    for await (const items of pages(api, route, { owner, repo, issue_number: number }, what, {
      maxPages: 10,
      onLimit: 'stop',
    })) {
      for (const item of items) bodies.push(optionalString(asObject(item, `${what}: comment`).body) ?? '');
    }
    return bodies;
  });
}
