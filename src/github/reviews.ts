/**
 * Pull request reviews, read once and reduced to the fields decisions need. Bodies are dropped on
 * arrival: they are untrusted, can be megabytes, and no decision depends on them.
 */
import { callGitHub } from './call.ts';
import type { GitHubApi } from './client.ts';
import { pages } from './paginate.ts';
import { asObject, optionalString, requireNumber, requireString } from './parse.ts';

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';

export interface ReviewUser {
  login: string;
  id: number;
  type: string;
}

/** GitHub's review object, minus everything but what shiplog reads (same field names). */
export interface Review {
  id: number;
  /** Null for a deleted account ("ghost"). */
  user: ReviewUser | null;
  state: ReviewState;
  /** Null when the reviewed commit was garbage collected. */
  commit_id: string | null;
  submitted_at?: string;
}

const STATES = new Set<string>(['APPROVED', 'CHANGES_REQUESTED', 'COMMENTED', 'DISMISSED', 'PENDING']);

export function slimUser(value: unknown, what: string): ReviewUser | null {
  if (value === null || value === undefined) return null;
  const u = asObject(value, what);
  return {
    login: requireString(u.login, `${what}.login`),
    id: requireNumber(u.id, `${what}.id`),
    type: optionalString(u.type) ?? 'User',
  };
}

export function slimReview(value: unknown, what: string): Review {
  const r = asObject(value, what);
  const state = requireString(r.state, `${what}.state`);
  const submitted = optionalString(r.submitted_at);
  return {
    id: requireNumber(r.id, `${what}.id`),
    user: slimUser(r.user, `${what}.user`),
    // GitHub may add states; an unknown one is no opinion rather than a crash
    state: (STATES.has(state) ? state : 'COMMENTED') as ReviewState,
    commit_id: optionalString(r.commit_id) ?? null,
    ...(submitted !== undefined ? { submitted_at: submitted } : {}),
  };
}

/** All reviews of a pull request in GitHub's (chronological) order, 100 per request. */
export async function listReviews(
  api: GitHubApi,
  { owner, repo, number }: { owner: string; repo: string; number: number },
): Promise<Review[]> {
  const what = `GET /repos/${owner}/${repo}/pulls/${number}/reviews`;
  return callGitHub(what, async () => {
    const reviews: Review[] = [];
    const route = 'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews';
    for await (const items of pages(api, route, { owner, repo, pull_number: number }, what)) {
      for (const item of items) reviews.push(slimReview(item, `${what}: review`));
    }
    return reviews;
  });
}

export interface Opinion {
  review: Review;
  user: ReviewUser;
}

/**
 * Each reviewer's latest opinion: APPROVED or CHANGES_REQUESTED replaces the previous one; a
 * COMMENTED (or PENDING) review is no opinion and changes nothing; DISMISSED withdraws it. GitHub
 * marks a dismissed review DISMISSED in place, so a later fresh review still counts.
 */
export function latestOpinions(reviews: readonly Review[]): Opinion[] {
  const latest = new Map<number, Opinion | null>();
  for (const review of reviews) {
    if (!review.user) continue;
    if (review.state === 'APPROVED' || review.state === 'CHANGES_REQUESTED') {
      latest.set(review.user.id, { review, user: review.user });
    } else if (review.state === 'DISMISSED') {
      latest.set(review.user.id, null);
    }
  }
  return [...latest.values()].filter((o): o is Opinion => o !== null);
}
