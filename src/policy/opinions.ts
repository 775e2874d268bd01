/**
 * From a pull request's review history to each reviewer's current opinion. GitHub keeps every review;
 * what counts is the latest one that expresses an opinion — a later comment does not withdraw an
 * approval, but a dismissal does (GitHub rewrites the dismissed review's state to DISMISSED).
 */
import type { GitHubReview } from './model.ts';

export type OpinionState = 'APPROVED' | 'CHANGES_REQUESTED' | 'DISMISSED';

export interface Opinion {
  /** Null for reviews by deleted accounts (GitHub's "ghost"). */
  login: string | null;
  isBot: boolean;
  state: OpinionState;
  review: GitHubReview;
}

const OPINIONATED = new Set<string>(['APPROVED', 'CHANGES_REQUESTED', 'DISMISSED']);

/** Latest opinion per reviewer, ordered by when it was given (oldest first). */
export function latestOpinions(reviews: readonly GitHubReview[]): Opinion[] {
  const ordered = reviews
    .filter((r) => OPINIONATED.has(r.state))
    .map((review) => ({ review, time: submittedTime(review) }))
    .sort((a, b) => a.time - b.time || a.review.id - b.review.id);

  const latest = new Map<string, Opinion>();
  for (const { review } of ordered) {
    const user = review.user;
    // Logins are case-insensitive and can be renamed; the numeric id is the stable identity.
    const key = user
      ? Number.isSafeInteger(user.id)
        ? `id:${user.id}`
        : `login:${user.login.toLowerCase()}`
      : `ghost:${review.id}`;
    latest.delete(key); // re-insert so Map order follows the latest opinion's time
    latest.set(key, {
      login: user ? user.login : null,
      isBot: user !== null && (user.type === 'Bot' || user.login.endsWith('[bot]')),
      state: review.state as OpinionState,
      review,
    });
  }
  return [...latest.values()];
}

function submittedTime(review: GitHubReview): number {
  const t = review.submitted_at ? Date.parse(review.submitted_at) : NaN;
  return Number.isFinite(t) ? t : 0;
}

export function sameLogin(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
