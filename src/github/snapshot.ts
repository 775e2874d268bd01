/**
 * `shiplog policy snapshot`: one pull request's policy inputs from the live API, written in
 * GitHub's own REST shapes so `shiplog policy evaluate` can run offline on exactly what GitHub said.
 * Team memberships and permissions are looked up only for the people whose reviews can count.
 */
import { callGitHub } from './call.ts';
import type { GitHubApi } from './client.ts';
import { createDirectory, type Permission } from './directory.ts';
import { pages } from './paginate.ts';
import { asObject } from './parse.ts';
import { listRawFiles, loadPullRequest } from './pull-request.ts';

const MAX_REVIEW_BODY = 1024;

export interface PolicySnapshot {
  pull_request: Record<string, unknown>;
  files: Record<string, unknown>[];
  reviews: Record<string, unknown>[];
  teams: Record<string, string[]>;
  permissions: Record<string, Permission>;
}

async function rawReviews(api: GitHubApi, owner: string, repo: string, number: number) {
  const what = `GET /repos/${owner}/${repo}/pulls/${number}/reviews`;
  return callGitHub(what, async () => {
    const reviews: Record<string, unknown>[] = [];
    const route = 'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews';
    for await (const items of pages(api, route, { owner, repo, pull_number: number }, what)) {
      for (const item of items) {
        // review bodies are untrusted and unbounded; the snapshot keeps a short prefix for context
        const { body_html: _html, body_text: _text, ...review } = asObject(item, `${what}: review`);
        const body = typeof review.body === 'string' ? review.body : '';
        reviews.push({
          ...review,
          body: body.length > MAX_REVIEW_BODY ? `${body.slice(0, MAX_REVIEW_BODY)}…` : body,
        });
      }
    }
    return reviews;
  });
}

export async function fetchPolicySnapshot(
  api: GitHubApi,
  { owner, repo, number, teams }: { owner: string; repo: string; number: number; teams: string[] },
): Promise<PolicySnapshot> {
  const [{ raw }, files, reviews] = await Promise.all([
    loadPullRequest(api, { owner, repo, number }),
    listRawFiles(api, { owner, repo, number }),
    rawReviews(api, owner, repo, number),
  ]);
  const logins = new Set<string>();
  const author = (raw.user as { login?: unknown } | null)?.login;
  if (typeof author === 'string') logins.add(author);
  for (const r of reviews) {
    const login = (r.user as { login?: unknown } | null)?.login;
    if (typeof login === 'string') logins.add(login);
  }
  const people = [...logins].sort();
  const directory = createDirectory(api, { owner, repo });
  const permissions: Record<string, Permission> = {};
  for (const [login, permission] of await Promise.all(
    people.map(async (login) => [login, await directory.permission(login)] as const),
  )) {
    permissions[login] = permission;
  }
  const teamMembers: Record<string, string[]> = {};
  for (const slug of teams) {
    const member = await Promise.all(people.map((login) => directory.isTeamMember(slug, login)));
    teamMembers[slug] = people.filter((_, i) => member[i]);
  }
  return { pull_request: raw, files, reviews, teams: teamMembers, permissions };
}
