/**
 * Who approved the change that became this commit: the pull request that brought the commit in
 * and its reviewers' latest opinions, as evidence for a ledger entry.
 *
 * `status` is
 * - `approved`: at least one reviewer's latest opinion is an approval of the PR's final head
 *   (not stale) and no reviewer's latest opinion is "changes requested";
 * bots and the PR's author never count either way, as in the approval policy: their opinions are
 * listed under `not_counted` with the reason, so the evidence still shows them;
 * - `unapproved`: a PR was found but that does not hold (no approvals, only stale ones, or an
 *   outstanding change request) — the lists say which;
 * - `no-pull-request`: no merged PR contains the commit (a direct push).
 * Any API failure throws ShiplogError('GITHUB_API') naming the call; there is no partial answer.
 *
 * The rules (which PR brought a commit in, what its reviews amount to) are exported so a deploy's
 * change set (change-set.ts), which reads the same facts in GraphQL batches, applies them
 * identically.
 */
import { callGitHub } from './call.ts';
import type { GitHubApi } from './client.ts';
import { asArray, asObject, boundedText, optionalString, requireNumber, requireString } from './parse.ts';
import {
  latestOpinions,
  listReviews,
  slimUser,
  type Opinion,
  type Review,
  type ReviewState,
} from './reviews.ts';

export type ApprovalStatus = 'approved' | 'unapproved' | 'no-pull-request';

export interface Person {
  login: string;
  id: number;
}

export interface ReviewerEvidence {
  login: string;
  id: number;
  review_id: number;
  state: ReviewState;
  submitted_at: string | null;
  commit_id: string | null;
  /** The review was made on a commit other than the PR's final head. */
  stale: boolean;
}

export interface PullRequestEvidence {
  number: number;
  url: string;
  title: string;
  author: Person;
  merged_by?: Person;
  merged_at: string | null;
  head_sha: string;
  base_ref: string;
  /** The commit the merge made on the base (merge, squash or last rebased commit). */
  merge_commit_sha?: string | null;
}

export interface NotCountedEvidence extends ReviewerEvidence {
  reason: 'bot' | 'author';
}

export interface ApprovalEvidence {
  status: ApprovalStatus;
  pull_request?: PullRequestEvidence;
  /** Humans other than the author whose latest opinion is an approval. */
  approvers: ReviewerEvidence[];
  changes_requested: ReviewerEvidence[];
  /** Latest opinions that cannot count: by a bot or by the PR's author. */
  not_counted: NotCountedEvidence[];
  reviews_considered: number;
}

/** A pull request associated with a commit, as far as choosing the one that brought it in needs. */
export interface MergedCandidate {
  number: number;
  mergeCommitSha: string | null;
  mergedAt: string | null;
}

function candidates(data: unknown, what: string): MergedCandidate[] {
  return asArray(data, what).map((item) => {
    const pr = asObject(item, `${what}: pull request`);
    return {
      number: requireNumber(pr.number, `${what}: pull request number`),
      mergeCommitSha: optionalString(pr.merge_commit_sha) ?? null,
      mergedAt: optionalString(pr.merged_at) ?? null,
    };
  });
}

/** The merged PR whose merge commit is this commit; else the first merged PR that contains it. */
export function chooseMergedPullRequest<T extends MergedCandidate>(
  list: readonly T[],
  commit: string,
): T | undefined {
  const merged = list.filter((c) => c.mergedAt !== null);
  const exact = merged.find((c) => c.mergeCommitSha?.toLowerCase() === commit.toLowerCase());
  if (exact) return exact;
  return merged.sort((a, b) =>
    a.mergedAt! < b.mergedAt! ? -1 : a.mergedAt! > b.mergedAt! ? 1 : a.number - b.number,
  )[0];
}

function person(value: unknown, what: string): Person | undefined {
  const user = slimUser(value, what);
  return user ? { login: user.login, id: user.id } : undefined;
}

async function fetchPullRequest(
  api: GitHubApi,
  owner: string,
  repo: string,
  number: number,
): Promise<PullRequestEvidence> {
  const what = `GET /repos/${owner}/${repo}/pulls/${number}`;
  const { data } = await callGitHub(what, () =>
    api.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { owner, repo, pull_number: number }),
  );
  return pullRequestEvidence(data, what);
}

/** A pull request object (REST, or a webhook payload's) as evidence. */
export function pullRequestEvidence(data: unknown, what: string): PullRequestEvidence {
  const pr = asObject(data, what);
  const head = asObject(pr.head, `${what}: head`);
  const base = asObject(pr.base, `${what}: base`);
  const author = person(pr.user, `${what}: user`);
  const mergedBy = person(pr.merged_by, `${what}: merged_by`);
  const mergeCommit = optionalString(pr.merge_commit_sha);
  return {
    number: requireNumber(pr.number, `${what}: number`),
    url: requireString(pr.html_url, `${what}: html_url`),
    title: boundedText(pr.title, 256),
    author: author ?? { login: 'ghost', id: 0 },
    ...(mergedBy ? { merged_by: mergedBy } : {}),
    merged_at: optionalString(pr.merged_at) ?? null,
    head_sha: requireString(head.sha, `${what}: head.sha`),
    base_ref: requireString(base.ref, `${what}: base.ref`),
    merge_commit_sha: mergeCommit ? mergeCommit.toLowerCase() : null,
  };
}

function evidence(opinion: Opinion, headSha: string): ReviewerEvidence {
  const { review, user } = opinion;
  return {
    login: user.login,
    id: user.id,
    review_id: review.id,
    state: review.state,
    submitted_at: review.submitted_at ?? null,
    commit_id: review.commit_id,
    stale: review.commit_id !== headSha,
  };
}

/**
 * How a commit got in: the merged pull request whose merge commit it is, else the first merged one
 * containing it; undefined when none did (a direct push, or a PR not merged yet). One request.
 */
export async function findMergedPullRequest(
  api: GitHubApi,
  { owner, repo, commit }: { owner: string; repo: string; commit: string },
): Promise<{ number: number } | undefined> {
  const what = `GET /repos/${owner}/${repo}/commits/${commit}/pulls`;
  const { data } = await callGitHub(what, () =>
    api.request('GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls', {
      owner,
      repo,
      commit_sha: commit,
      per_page: 100,
    }),
  );
  return chooseMergedPullRequest(candidates(data, what), commit);
}

/** The policy's rule: a bot's or the author's own opinion is no review of the change. */
function excluded(opinion: Opinion, author: string): 'bot' | 'author' | undefined {
  const { user } = opinion;
  if (user.type === 'Bot' || user.login.endsWith('[bot]')) return 'bot';
  if (user.login.toLowerCase() === author.toLowerCase()) return 'author';
  return undefined;
}

/**
 * What a merged pull request's reviews amount to (all of them, in GitHub's chronological order):
 * each reviewer's latest opinion, bots and the author set apart, staleness against the PR's head.
 */
export function approvalEvidence(
  pullRequest: PullRequestEvidence,
  reviews: readonly Review[],
): ApprovalEvidence {
  const approvers: ReviewerEvidence[] = [];
  const changesRequested: ReviewerEvidence[] = [];
  const notCounted: NotCountedEvidence[] = [];
  for (const opinion of latestOpinions(reviews)) {
    const seen = evidence(opinion, pullRequest.head_sha);
    const reason = excluded(opinion, pullRequest.author.login);
    if (reason) notCounted.push({ ...seen, reason });
    else if (opinion.review.state === 'APPROVED') approvers.push(seen);
    else changesRequested.push(seen);
  }
  const approved = approvers.some((a) => !a.stale) && changesRequested.length === 0;
  return {
    status: approved ? 'approved' : 'unapproved',
    pull_request: pullRequest,
    approvers,
    changes_requested: changesRequested,
    not_counted: notCounted,
    reviews_considered: reviews.length,
  };
}

export async function collectApprovalEvidence(
  api: GitHubApi,
  { owner, repo, commit }: { owner: string; repo: string; commit: string },
): Promise<ApprovalEvidence> {
  const chosen = await findMergedPullRequest(api, { owner, repo, commit });
  if (!chosen)
    return {
      status: 'no-pull-request',
      approvers: [],
      changes_requested: [],
      not_counted: [],
      reviews_considered: 0,
    };

  const [pullRequest, reviews] = await Promise.all([
    fetchPullRequest(api, owner, repo, chosen.number),
    listReviews(api, { owner, repo, number: chosen.number }),
  ]);
  return approvalEvidence(pullRequest, reviews);
}
