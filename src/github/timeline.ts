/**
 * A pull request's timeline, read for the events GitHub stamps with its own clock: base branch
 * changes (approvals given before one reviewed another diff) and force-pushes of the head.
 * Commit dates are the pusher's word and are never used as times here.
 */
import { callGitHub } from './call.ts';
import type { GitHubApi } from './client.ts';
import { pages } from './paginate.ts';
import { asObject, optionalString } from './parse.ts';

export interface PullTimeline {
  /** The latest base change (ISO time), or null when the base never changed. */
  baseChangedAt: string | null;
  /** Times of every force-push of the head branch, oldest first. */
  forcePushedAt: string[];
}

export async function readPullTimeline(
  api: GitHubApi,
  { owner, repo, number }: { owner: string; repo: string; number: number },
): Promise<PullTimeline> {
  const what = `GET /repos/${owner}/${repo}/issues/${number}/timeline`;
  return callGitHub(what, async () => {
    let baseChangedAt: string | null = null;
    const forcePushedAt: string[] = [];
    const route = 'GET /repos/{owner}/{repo}/issues/{issue_number}/timeline';
    // A timeline longer than 100 pages is refused (an error), never read in part.
    for await (const items of pages(api, route, { owner, repo, issue_number: number }, what)) {
      for (const item of items) {
        const e = asObject(item, `${what}: event`);
        const at = optionalString(e.created_at);
        if (at === undefined || Number.isNaN(Date.parse(at))) continue;
        if (e.event === 'base_ref_changed') {
          if (baseChangedAt === null || Date.parse(at) > Date.parse(baseChangedAt)) baseChangedAt = at;
        } else if (e.event === 'head_ref_force_pushed') {
          forcePushedAt.push(at);
        }
      }
    }
    return { baseChangedAt, forcePushedAt: forcePushedAt.sort() };
  });
}
