/**
 * A deploy's change set as GitHub knows it: every commit a deploy of `head` ships since the last
 * successful deploy to the same environment (`base`), the merged pull request that brought each
 * commit in, and each such pull request's approval evidence by exactly the rules of approvers.ts.
 * This is raw evidence; src/policy/change-set.ts turns it into the ledger record and the verdict.
 *
 * Requests: REST compare lists the range, 100 commits a page; then one GraphQL query per 100
 * commits reads their associated pull requests with the first 100 reviews each, and only pull
 * requests with more reviews are paged further (all of them together, 100 reviews a query). A
 * change set of 100 commits from 20 PRs with 5 reviews each costs 2 requests; a rollback one more
 * compare (the other way round) to list what it removes.
 *
 * Fails closed: any API failure throws ShiplogError('GITHUB_API') naming the call. With
 * `allowIncomplete` a failure once the range is known is recorded instead: `complete: false`, the
 * reason in `truncated`, and the commits whose pull request could not be read keep
 * `pull_request: undefined` — nothing is guessed. Limits (commits beyond `maxCommits`, a commit with
 * more associated PRs than were read, reviews beyond the paging bound) are always recorded that way.
 */
import { ShiplogError, isShiplogError } from '../errors.ts';
import {
  approvalEvidence,
  chooseMergedPullRequest,
  type ApprovalEvidence,
  type Person,
  type PullRequestEvidence,
} from './approvers.ts';
import { callGitHub } from './call.ts';
import type { GitHubApi } from './client.ts';
import { asArray, asObject, boundedText, optionalString, requireNumber, requireString } from './parse.ts';
import { slimReview, type Review } from './reviews.ts';

export type ChangeSetRelation = 'first-deploy' | 'same' | 'ahead' | 'behind' | 'diverged';

export interface ChangeSetCommit {
  sha: string;
  /** The login GitHub links the commit to, else the git author's name (untrusted, bounded). */
  author: string;
  /** The first line of the message, bounded. */
  message: string;
  /**
   * The merged pull request that brought the commit in; null when none did (a direct push);
   * undefined when that could not be established (the reason is in `truncated`).
   */
  pull_request?: number | null;
  /**
   * The commit is one of its pull request's own commits (an intermediate state, or one reverted
   * before the merge) and the deploy does not ship that pull request's merge commit: what was
   * reviewed and merged is not what ships, so the pull request does not cover it.
   */
  unmerged_state?: true;
}

/** Approval evidence of a pull request that brought commits in (so `pull_request` is always set). */
export type PullRequestApproval = ApprovalEvidence & {
  pull_request: PullRequestEvidence;
  /**
   * Where the approval came from: the reviews as they are now, or the decision a signed `merge`
   * entry recorded when the pull request merged (set by src/evidence/deploy-change-set.ts).
   */
  source?: 'reviews-at-deploy' | 'merge-entry';
  merge_entry?: { seq: number; hash: string; verdict: string };
  /** The approval policy's verdict on the pull request, by the approval check's own rules. */
  policy?: { satisfied: boolean; title: string; valid_approvers: string[] };
};

export interface ChangeSetEvidence {
  base: string | null;
  head: string;
  relation: ChangeSetRelation;
  /** The shipped commits that were read, in GitHub's compare order (oldest first); each one's PR was looked up. */
  commits: ChangeSetCommit[];
  /** How many commits the deploy ships (GitHub's count), read or not. */
  total_commits: number;
  /** How many commits a record lists; coverage is still established for every commit read. */
  cap: number;
  /** One per distinct pull request that brought a commit in, by number. */
  pull_requests: PullRequestApproval[];
  /** Commits deployed at `base` that `head` no longer has (a rollback, a diverged deploy): count, first `cap`. */
  removed: { count: number; shas: string[] };
  /** True when the pull request of every shipped commit was established (nothing below). */
  complete: boolean;
  /** What was cut or could not be read, one sentence each. */
  truncated: string[];
}

export interface ChangeSetRequest {
  owner: string;
  repo: string;
  /** The commit of the environment's last successful deploy; null for a first deploy. */
  base: string | null;
  /** The commit being deployed. */
  head: string;
  /** Commits a record lists (default 250). */
  cap?: number;
  /** Commits whose pull request is looked up (default 1000); beyond that the change set is incomplete. */
  maxCommits?: number;
  /** Record failures after the range is known as `complete: false` instead of throwing. */
  allowIncomplete?: boolean;
  /** GraphQL endpoint; by default derived from the client's REST base as @octokit/graphql does. */
  graphqlUrl?: string;
}

const DEFAULT_CAP = 250;
const DEFAULT_MAX_COMMITS = 1000;
/** GitHub's page size limit, for compare pages, commits per GraphQL query and reviews per page. */
const PAGE = 100;
/**
 * Associated pull requests read per commit; a commit is rarely in more than one or two. A query of
 * 100 commits then asks for at most 100 × 10 × 100 = 100,000 review nodes, well inside GitHub's
 * 500,000-node limit per query (and about 11 points of its GraphQL rate limit).
 */
const PULLS_PER_COMMIT = 10;
/** Review pages per pull request, as for REST (paginate.ts): 10,000 reviews. */
const MAX_REVIEW_PAGES = 100;
/** Reasons named in an error or note are cut to this, as call.ts does. */
const MAX_REASON = 300;
const STATUSES = new Map<string, ChangeSetRelation>([
  ['identical', 'same'],
  ['ahead', 'ahead'],
  ['behind', 'behind'],
  ['diverged', 'diverged'],
]);

// ---------------------------------------------------------------- GraphQL documents

const ACTOR_FRAGMENT = `fragment ShiplogActor on Actor {
  __typename
  login
  ... on User { databaseId }
  ... on Bot { databaseId }
  ... on Mannequin { databaseId }
  ... on Organization { databaseId }
}`;

// fullDatabaseId, not the deprecated 32-bit databaseId: review ids outgrow it
const REVIEWS_FRAGMENT = `fragment ShiplogReviews on PullRequestReviewConnection {
  totalCount
  pageInfo { hasNextPage endCursor }
  nodes {
    fullDatabaseId
    state
    submittedAt
    commit { oid }
    author { ...ShiplogActor }
  }
}`;

const COMMIT_FRAGMENT = `fragment ShiplogCommit on Commit {
  oid
  associatedPullRequests(first: ${PULLS_PER_COMMIT}) {
    totalCount
    nodes {
      number
      title
      url
      mergedAt
      mergeCommit { oid }
      headRefOid
      baseRefName
      baseRepository { nameWithOwner }
      author { ...ShiplogActor }
      mergedBy { ...ShiplogActor }
      reviews(first: ${PAGE}) { ...ShiplogReviews }
    }
  }
}`;

/** One query for `count` commits: aliases c0…c{n-1}, shas passed as variables $c0…. */
export function changeSetCommitsQuery(count: number): string {
  const indexes = Array.from({ length: count }, (_, i) => i);
  return [
    `query ShiplogChangeSetCommits($owner: String!, $name: String!${indexes.map((i) => `, $c${i}: GitObjectID!`).join('')}) {`,
    '  repository(owner: $owner, name: $name) {',
    '    nameWithOwner',
    ...indexes.map((i) => `    c${i}: object(oid: $c${i}) { ...ShiplogCommit }`),
    '  }',
    '}',
    COMMIT_FRAGMENT,
    REVIEWS_FRAGMENT,
    ACTOR_FRAGMENT,
  ].join('\n');
}

/** The next page of reviews of `count` pull requests: aliases p0…, numbers $p0…, cursors $a0…. */
export function changeSetReviewsQuery(count: number): string {
  const indexes = Array.from({ length: count }, (_, i) => i);
  return [
    `query ShiplogChangeSetReviews($owner: String!, $name: String!${indexes.map((i) => `, $p${i}: Int!, $a${i}: String!`).join('')}) {`,
    '  repository(owner: $owner, name: $name) {',
    ...indexes.map(
      (i) =>
        `    p${i}: pullRequest(number: $p${i}) { reviews(first: ${PAGE}, after: $a${i}) { ...ShiplogReviews } }`,
    ),
    '  }',
    '}',
    REVIEWS_FRAGMENT,
    ACTOR_FRAGMENT,
  ].join('\n');
}

// ---------------------------------------------------------------- inputs, gaps

interface Input {
  owner: string;
  repo: string;
  base: string | null;
  head: string;
  cap: number;
  maxCommits: number;
  allowIncomplete: boolean;
  graphqlUrl?: string;
}

function parseRequest(request: ChangeSetRequest): Input {
  const bad = (what: string) => new ShiplogError('BAD_INPUT', `change set: ${what}`);
  const name = /^[\w.-]+$/;
  if (!name.test(request.owner) || !name.test(request.repo))
    throw bad(`repository must be owner/name, got ${request.owner}/${request.repo}`);
  const ref = /^[\w./-]+$/;
  if (!ref.test(request.head)) throw bad(`head must be a commit sha, got "${request.head}"`);
  if (request.base !== null && !ref.test(request.base))
    throw bad(`base must be a commit sha or null, got "${request.base}"`);
  const cap = request.cap ?? DEFAULT_CAP;
  const maxCommits = request.maxCommits ?? DEFAULT_MAX_COMMITS;
  if (!Number.isInteger(cap) || cap < 0) throw bad(`cap must be a whole number, got ${cap}`);
  if (!Number.isInteger(maxCommits) || maxCommits < 1)
    throw bad(`maxCommits must be a positive whole number, got ${maxCommits}`);
  return {
    owner: request.owner,
    repo: request.repo,
    base: request.base,
    head: request.head,
    cap,
    maxCommits,
    allowIncomplete: request.allowIncomplete ?? false,
    ...(request.graphqlUrl !== undefined ? { graphqlUrl: request.graphqlUrl } : {}),
  };
}

function bounded(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_REASON ? `${flat.slice(0, MAX_REASON)}…` : flat;
}

/** What is missing from the evidence, and whether a failure may be recorded instead of thrown. */
class Gaps {
  readonly reasons: string[] = [];
  constructor(private readonly tolerate: boolean) {}

  /** A limit cut something: never an error, always said. */
  cut(reason: string): void {
    this.reasons.push(bounded(reason));
  }

  /** An API failure: thrown, unless the caller asked for what could be read. */
  fail(error: ShiplogError): void {
    if (!this.tolerate) throw error;
    this.reasons.push(bounded(error.message));
  }

  /** Run an API step; undefined when it failed and that was recorded. */
  async attempt<T>(step: () => Promise<T>): Promise<T | undefined> {
    try {
      return await step();
    } catch (error) {
      if (!isShiplogError(error, 'GITHUB_API')) throw error;
      this.fail(error);
      return undefined;
    }
  }
}

function short(sha: string): string {
  return sha.slice(0, 7);
}

// ---------------------------------------------------------------- REST: the range

function commitOf(value: unknown, what: string): ChangeSetCommit {
  const item = asObject(value, what);
  const sha = requireString(item.sha, `${what}.sha`);
  const detail = asObject(item.commit, `${what}.commit`);
  const message = requireString(detail.message, `${what}.commit.message`);
  const end = message.indexOf('\n');
  // `author` is the GitHub account (null or {} when GitHub links none); commit.author is git's
  const account = item.author !== null && typeof item.author === 'object' ? item.author : {};
  const login = optionalString((account as Record<string, unknown>).login);
  const gitAuthor = detail.author !== null && typeof detail.author === 'object' ? detail.author : {};
  const name = optionalString((gitAuthor as Record<string, unknown>).name);
  return {
    sha: sha.toLowerCase(),
    author: login ?? (boundedText(name, 64) || 'unknown'),
    message: boundedText(end === -1 ? message : message.slice(0, end), 100),
  };
}

interface ComparePage {
  status: string;
  total: number;
  behindBy: number;
  commits: ChangeSetCommit[];
}

async function comparePage(
  api: GitHubApi,
  input: Input,
  from: string,
  to: string,
  page: number,
): Promise<ComparePage> {
  const { owner, repo } = input;
  const basehead = `${from}...${to}`;
  const what = `GET /repos/${owner}/${repo}/compare/${basehead}${page > 1 ? ` (page ${page})` : ''}`;
  // paging parameters always: without them GitHub lists the newest 250 commits only
  const { data } = await callGitHub(what, () =>
    api.request('GET /repos/{owner}/{repo}/compare/{basehead}', {
      owner,
      repo,
      basehead,
      per_page: PAGE,
      page,
    }),
  );
  const body = asObject(data, what);
  const status = requireString(body.status, `${what}: status`);
  if (!STATUSES.has(status))
    throw new ShiplogError(
      'GITHUB_API',
      `${what}: unexpected response from GitHub (unknown comparison status "${boundedText(status, 40)}")`,
    );
  return {
    status,
    total: requireNumber(body.total_commits, `${what}: total_commits`),
    behindBy: requireNumber(body.behind_by, `${what}: behind_by`),
    commits: asArray(body.commits, `${what}: commits`).map((c) => commitOf(c, `${what}: commit`)),
  };
}

/**
 * The commits reachable from `to` and not from `from`, oldest first, up to `limit`. The first page
 * is no gap to tolerate: without it nothing is known. Later pages are read until `limit` or GitHub's
 * count is reached (never more pages than those take), or a page comes back empty.
 */
async function compareRange(
  api: GitHubApi,
  input: Input,
  from: string,
  to: string,
  limit: number,
  gaps: Gaps,
): Promise<ComparePage> {
  const first = await comparePage(api, input, from, to, 1);
  const seen = new Set<string>();
  const commits: ChangeSetCommit[] = [];
  const add = (list: ChangeSetCommit[]) => {
    for (const c of list) {
      if (seen.has(c.sha)) continue;
      seen.add(c.sha);
      commits.push(c);
    }
  };
  add(first.commits);
  const wanted = Math.min(first.total, limit);
  const pages = Math.ceil(wanted / PAGE);
  for (let page = 2; page <= pages && commits.length < wanted; page++) {
    const next = await gaps.attempt(() => comparePage(api, input, from, to, page));
    if (!next?.commits.length) break;
    add(next.commits);
  }
  return { ...first, commits: commits.slice(0, limit) };
}

/**
 * A first deploy has no base, so "every commit since the last deploy" would be the whole history:
 * tens of thousands of commits in an established repository, about which no gate can decide
 * anything useful. The change set is the head commit alone (its own PR and approvals); the next
 * deploy's change set starts from it. The record says `first-deploy` with a null base.
 */
async function headCommit(api: GitHubApi, input: Input): Promise<ChangeSetCommit> {
  const { owner, repo, head } = input;
  const what = `GET /repos/${owner}/${repo}/commits/${head}`;
  // per_page bounds the changed files GitHub sends along (up to 300, with patches) to one
  const { data } = await callGitHub(what, () =>
    api.request('GET /repos/{owner}/{repo}/commits/{ref}', { owner, repo, ref: head, per_page: 1 }),
  );
  return commitOf(data, what);
}

// ---------------------------------------------------------------- GraphQL: pull requests, reviews

/**
 * @octokit/graphql's rule: a REST base ending in /api/v3 (GitHub Enterprise Server) has GraphQL at
 * /api/graphql, not under /api/v3; on github.com (and at a root URL) it is {base}/graphql.
 */
function graphqlEndpoint(api: GitHubApi, explicit: string | undefined): string | undefined {
  if (explicit) return explicit;
  const defaults = (api.request as { endpoint?: { DEFAULTS?: { baseUrl?: unknown } } }).endpoint?.DEFAULTS;
  const base = defaults?.baseUrl;
  if (typeof base === 'string' && /\/api\/v3\/?$/.test(base))
    return base.replace(/\/api\/v3\/?$/, '/api/graphql');
  return undefined;
}

/** GraphQL answers a failed query with HTTP 200 and `errors`: that is a failure of the call too. */
async function graphql(
  api: GitHubApi,
  url: string | undefined,
  what: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const { data } = await callGitHub(what, () =>
    api.request('POST /graphql', { query, variables, ...(url ? { url } : {}) }),
  );
  const body = asObject(data, what);
  if (Array.isArray(body.errors) && body.errors.length) {
    const messages = body.errors.map((e) => {
      const error = e !== null && typeof e === 'object' ? (e as Record<string, unknown>) : {};
      const type = optionalString(error.type);
      return `${type ? `${type}: ` : ''}${optionalString(error.message) ?? 'unknown error'}`;
    });
    throw new ShiplogError('GITHUB_API', bounded(`${what} failed: ${messages.join('; ')}`), {
      details: { call: what, errors: body.errors.slice(0, 10) },
    });
  }
  return asObject(body.data, `${what}: data`);
}

function actorOf(value: unknown, what: string): { login: string; id: number; type: string } | null {
  if (value === null || value === undefined) return null;
  const actor = asObject(value, what);
  const type = requireString(actor.__typename, `${what}.__typename`);
  const login = requireString(actor.login, `${what}.login`);
  // an actor without a database id (an enterprise account) cannot be matched to a REST user
  if (typeof actor.databaseId !== 'number') return null;
  return {
    // GraphQL names a bot "renovate" where REST, and so the policy and the evidence, say "renovate[bot]"
    login: type === 'Bot' && !login.endsWith('[bot]') ? `${login}[bot]` : login,
    id: actor.databaseId,
    type,
  };
}

function personOf(value: unknown, what: string): Person | undefined {
  const actor = actorOf(value, what);
  return actor ? { login: actor.login, id: actor.id } : undefined;
}

interface ReviewPage {
  reviews: Review[];
  total: number;
  next: string | null;
}

/** Reviews through the REST-shaped slimReview, so both paths normalize them identically. */
function reviewPage(value: unknown, what: string): ReviewPage {
  const page = asObject(value, what);
  const info = asObject(page.pageInfo, `${what}.pageInfo`);
  const reviews = asArray(page.nodes, `${what}.nodes`).map((item, i) => {
    const node = asObject(item, `${what}.nodes[${i}]`);
    const id = node.fullDatabaseId;
    const commit = node.commit === null ? null : asObject(node.commit, `${what}.nodes[${i}].commit`);
    return slimReview(
      {
        id: typeof id === 'string' && /^\d+$/.test(id) ? Number(id) : id,
        user: actorOf(node.author, `${what}.nodes[${i}].author`),
        state: node.state,
        commit_id: commit ? commit.oid : null,
        ...(typeof node.submittedAt === 'string' ? { submitted_at: node.submittedAt } : {}),
      },
      `${what}.nodes[${i}]`,
    );
  });
  return {
    reviews,
    total: requireNumber(page.totalCount, `${what}.totalCount`),
    next: info.hasNextPage === true ? requireString(info.endCursor, `${what}.pageInfo.endCursor`) : null,
  };
}

interface PullState {
  evidence: PullRequestEvidence;
  reviews: Review[];
  total: number;
  next: string | null;
  /** Not every review could be read: the PR cannot count as approved. */
  partial: boolean;
}

interface Associated {
  number: number;
  mergeCommitSha: string | null;
  mergedAt: string | null;
  repository: string | null;
  node: Record<string, unknown>;
  what: string;
}

function associatedOf(value: unknown, what: string): Associated {
  const node = asObject(value, what);
  const mergeCommit = node.mergeCommit === null ? null : asObject(node.mergeCommit, `${what}.mergeCommit`);
  const base = node.baseRepository === null ? null : asObject(node.baseRepository, `${what}.baseRepository`);
  return {
    number: requireNumber(node.number, `${what}.number`),
    mergeCommitSha: mergeCommit
      ? requireString(mergeCommit.oid, `${what}.mergeCommit.oid`).toLowerCase()
      : null,
    mergedAt: optionalString(node.mergedAt) ?? null,
    repository: base ? requireString(base.nameWithOwner, `${what}.baseRepository.nameWithOwner`) : null,
    node,
    what,
  };
}

function pullStateOf(pr: Associated): PullState {
  const { node, what } = pr;
  const page = reviewPage(node.reviews, `${what}.reviews`);
  const mergedBy = personOf(node.mergedBy, `${what}.mergedBy`);
  return {
    evidence: {
      number: pr.number,
      url: requireString(node.url, `${what}.url`),
      title: boundedText(node.title, 256),
      author: personOf(node.author, `${what}.author`) ?? { login: 'ghost', id: 0 },
      ...(mergedBy ? { merged_by: mergedBy } : {}),
      merged_at: pr.mergedAt,
      head_sha: requireString(node.headRefOid, `${what}.headRefOid`),
      base_ref: requireString(node.baseRefName, `${what}.baseRefName`),
      merge_commit_sha: pr.mergeCommitSha,
    },
    reviews: page.reviews,
    total: page.total,
    next: page.next,
    partial: false,
  };
}

/** Look up every commit's pull request, 100 commits a query; sets `pull_request` on each commit. */
async function coverCommits(
  api: GitHubApi,
  url: string | undefined,
  input: Input,
  commits: ChangeSetCommit[],
  gaps: Gaps,
): Promise<Map<number, PullState>> {
  const { owner, repo } = input;
  const pulls = new Map<number, PullState>();
  for (let start = 0; start < commits.length; start += PAGE) {
    const batch = commits.slice(start, start + PAGE);
    const what = `POST /graphql (pull requests of commits ${start + 1}-${start + batch.length} of ${commits.length})`;
    const variables: Record<string, unknown> = { owner, name: repo };
    batch.forEach((c, i) => (variables[`c${i}`] = c.sha));
    const done = await gaps.attempt(async () => {
      const data = await graphql(api, url, what, changeSetCommitsQuery(batch.length), variables);
      const repository = asObject(data.repository, `${what}: repository`);
      // the name GitHub answers with, so a renamed repository's own PRs still match
      const fullName = requireString(repository.nameWithOwner, `${what}: nameWithOwner`).toLowerCase();
      batch.forEach((c, i) => {
        const at = `${what}: c${i}`;
        if (repository[`c${i}`] === null) {
          gaps.fail(new ShiplogError('GITHUB_API', `${what}: GitHub does not know commit ${c.sha}`));
          return;
        }
        const associated = asObject(
          asObject(repository[`c${i}`], at).associatedPullRequests,
          `${at}.associatedPullRequests`,
        );
        const total = requireNumber(associated.totalCount, `${at}.associatedPullRequests.totalCount`);
        const list = asArray(associated.nodes, `${at}.associatedPullRequests.nodes`)
          .map((n, j) => associatedOf(n, `${at}.associatedPullRequests.nodes[${j}]`))
          // a pull request of a fork or another repository did not bring the commit into this one
          .filter((p) => p.repository?.toLowerCase() === fullName);
        const chosen = chooseMergedPullRequest(list, c.sha);
        // the merge commit's own PR is certain; otherwise an unread PR may have been merged first
        if (total > PULLS_PER_COMMIT && chosen?.mergeCommitSha !== c.sha) {
          gaps.cut(
            `commit ${short(c.sha)} is in ${total} pull requests and only ${PULLS_PER_COMMIT} were read, so which one brought it in is unknown`,
          );
          return;
        }
        c.pull_request = chosen ? chosen.number : null;
        if (chosen && !pulls.has(chosen.number)) pulls.set(chosen.number, pullStateOf(chosen));
      });
      return true;
    });
    // the API is failing (after the client's retries): stop, the rest stay unknown
    if (done === undefined) break;
  }
  return pulls;
}

/** Page the reviews of the pull requests that have more than the first page, all of them together. */
async function pageReviews(
  api: GitHubApi,
  url: string | undefined,
  input: Input,
  pulls: Map<number, PullState>,
  gaps: Gaps,
): Promise<void> {
  const { owner, repo } = input;
  let failed = false;
  for (let round = 1; round < MAX_REVIEW_PAGES && !failed; round++) {
    const pending = [...pulls.values()].filter((p) => p.next !== null);
    if (!pending.length) break;
    for (let start = 0; start < pending.length && !failed; start += PAGE) {
      const batch = pending.slice(start, start + PAGE);
      const numbers = batch.map((p) => `#${p.evidence.number}`);
      const what = `POST /graphql (reviews of ${numbers.length > 5 ? `${numbers.length} pull requests` : numbers.join(', ')}, page ${round + 1})`;
      const variables: Record<string, unknown> = { owner, name: repo };
      batch.forEach((p, i) => {
        variables[`p${i}`] = p.evidence.number;
        variables[`a${i}`] = p.next;
      });
      const done = await gaps.attempt(async () => {
        const data = await graphql(api, url, what, changeSetReviewsQuery(batch.length), variables);
        const repository = asObject(data.repository, `${what}: repository`);
        batch.forEach((p, i) => {
          const node = asObject(repository[`p${i}`], `${what}: p${i}`);
          const page = reviewPage(node.reviews, `${what}: p${i}.reviews`);
          p.reviews.push(...page.reviews);
          p.total = page.total;
          p.next = page.next;
        });
        return true;
      });
      failed = done === undefined;
    }
  }
  for (const p of pulls.values()) {
    if (p.next === null) continue;
    p.partial = true;
    gaps.cut(
      `pull request #${p.evidence.number}: ${p.reviews.length} of its ${p.total} reviews were read, so it does not count as approved`,
    );
  }
}

// ---------------------------------------------------------------- the change set

/**
 * A pull request covers the commits it merged only as the merge made them: its merge commit, and
 * its own commits when the deploy ships that merge commit too. Deployed on their own, an
 * intermediate commit of a pull request (or one whose change was reverted before the merge) is a
 * state nobody approved as a whole, whatever pull request GitHub associates it with.
 */
function markUnmergedStates(commits: ChangeSetCommit[], pulls: Map<number, PullState>, head: string): void {
  const shipped = new Set([...commits.map((c) => c.sha), head.toLowerCase()]);
  for (const c of commits) {
    if (typeof c.pull_request !== 'number') continue;
    const merge = pulls.get(c.pull_request)?.evidence.merge_commit_sha?.toLowerCase();
    if (merge !== c.sha && (!merge || !shipped.has(merge))) c.unmerged_state = true;
  }
}

export async function collectChangeSet(
  api: GitHubApi,
  request: ChangeSetRequest,
): Promise<ChangeSetEvidence> {
  const input = parseRequest(request);
  const { base, head, cap, maxCommits } = input;
  const gaps = new Gaps(input.allowIncomplete);
  let relation: ChangeSetRelation;
  let commits: ChangeSetCommit[] = [];
  let total = 0;
  let removed = { count: 0, shas: [] as string[] };
  let headSha = head.toLowerCase();

  if (base === null) {
    const commit = await headCommit(api, input);
    relation = 'first-deploy';
    commits = [commit];
    total = 1;
    headSha = commit.sha;
  } else if (base.toLowerCase() === head.toLowerCase()) {
    relation = 'same';
  } else {
    const range = await compareRange(api, input, base, head, maxCommits, gaps);
    relation = STATUSES.get(range.status)!;
    commits = range.commits;
    total = range.total;
    if (commits.length < total) {
      gaps.cut(
        total > maxCommits && commits.length === maxCommits
          ? `the deploy ships ${total} commits; pull requests were looked up for the first ${maxCommits} only`
          : `GitHub listed ${commits.length} of the ${total} commits the deploy ships; the others' pull requests are unknown`,
      );
    }
    if ((relation === 'behind' || relation === 'diverged') && range.behindBy > 0) {
      // compare the other way round lists what the deploy takes away
      const taken =
        cap > 0 ? await gaps.attempt(() => compareRange(api, input, head, base, cap, gaps)) : undefined;
      removed = { count: range.behindBy, shas: taken?.commits.map((c) => c.sha) ?? [] };
    }
  }

  const url = graphqlEndpoint(api, input.graphqlUrl);
  const pulls = commits.length
    ? await coverCommits(api, url, input, commits, gaps)
    : new Map<number, PullState>();
  markUnmergedStates(commits, pulls, headSha);
  if (pulls.size) await pageReviews(api, url, input, pulls, gaps);

  const pullRequests = [...pulls.values()]
    .sort((a, b) => a.evidence.number - b.evidence.number)
    .map((p) => {
      const evidence = approvalEvidence(p.evidence, p.reviews) as PullRequestApproval;
      // a verdict on part of the reviews could miss a later change request: fail closed
      return p.partial ? { ...evidence, status: 'unapproved' as const } : evidence;
    });
  return {
    base: base === null ? null : base.toLowerCase(),
    head: headSha,
    relation,
    commits,
    total_commits: total,
    cap,
    pull_requests: pullRequests,
    removed,
    complete: gaps.reasons.length === 0,
    truncated: gaps.reasons,
  };
}
