/**
 * A local fake of GitHub's REST API for tests and the demo: a real HTTP server on 127.0.0.1 with
 * in-memory state that scenarios build through helpers. Every JSON body it sends is checked against
 * GitHub's OpenAPI description, so code that passes here talks to GitHub's real shapes. GraphQL
 * (POST /graphql, and /api/graphql as on GitHub Enterprise Server) runs against GitHub's published
 * schema (fake-github/graphql.ts).
 *
 *   const gh = await startFakeGitHub();
 *   gh.addRepo('acme/web');
 *   const pr = gh.addPullRequest('acme/web', { user: 'alice', files: ['db/migrations/1.sql'], merged: true });
 *   gh.addReview('acme/web', pr.number, { user: 'bob', state: 'APPROVED' });
 *   gh.fail({ route: '/repos/{owner}/{repo}/pulls/{pull_number}/reviews', status: 502, times: 2 });
 *   // a commit graph: direct pushes and merged pull requests on top of each other
 *   const root = gh.addCommit('acme/web', { parents: [], message: 'init' }).sha;
 *   const { tip } = gh.mergePullRequest('acme/web', { onto: root, user: 'alice', commits: 2 });
 *   gh.fail({ route: '/graphql', status: 502 });
 *   // ... point the code under test at gh.url (…/api/v3) or gh.rootUrl, then:
 *   gh.count('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews');
 *   await gh.close();
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  app,
  checkRun,
  commit as commitObject,
  deployment as deploymentObject,
  deploymentStatus,
  diffEntry,
  environmentApproval,
  hookDelivery,
  installation,
  issue,
  issueComment,
  pullRequest,
  repository,
  review,
  simpleUser,
  type DeploymentStatusState,
  type FakeCheckRun,
  type FakeComment,
  type FakeCommit,
  type FakeDelivery,
  type FakeDeployment,
  type FakeIssue,
  type FakePull,
  type FakeRepoInfo,
  type FakeReview,
  type FakeRunApproval,
  type FakeUser,
  type FileStatus,
  type ReviewState,
  type Role,
  type Urls,
} from './fake-github/objects.ts';
import { executeGraphQL, type GraphQLWorld } from './fake-github/graphql.ts';
import { checkResponse, hasOperation } from './fake-github/openapi.ts';

export type {
  Role,
  ReviewState,
  FileStatus,
  FakeUser,
  FakePull,
  FakeReview,
  FakeCheckRun,
  FakeIssue,
  FakeCommit,
  FakeDeployment,
  FakeDelivery,
  FakeRunApproval,
  DeploymentStatusState,
};

export interface RecordedRequest {
  method: string;
  /** Path without the /api/v3 prefix and without the query string. */
  path: string;
  /** The OpenAPI path template that served it, e.g. /repos/{owner}/{repo}/pulls/{pull_number}; `/graphql` for GraphQL. */
  route?: string;
  query: Record<string, string>;
  status: number;
  /** The credential presented (after `token `/`Bearer `), or undefined when none. */
  token?: string;
  body?: unknown;
  /** True when a fault from fail() answered instead of the route. */
  faulted?: boolean;
  /** The request's If-None-Match (a conditional GET: 304 when the answer's ETag matches). */
  ifNoneMatch?: string;
}

export interface SchemaViolation {
  method: string;
  route: string;
  status: number;
  problems: string[];
}

export interface Fault {
  method?: string;
  /** An OpenAPI template, an exact path, or a RegExp tested against the path. */
  route: string | RegExp;
  /** Status to answer with (default 500, or 403 for rate limits). Omit with delayMs for a slow but normal answer. */
  status?: number;
  /** How many matching requests fail (default 1; Infinity for always). */
  times?: number;
  /** Answer as GitHub's secondary rate limit: 403, `retry-after: N` seconds, GitHub's message. */
  secondaryRateLimit?: { retryAfter: number };
  /** Answer as the primary rate limit: 403, x-ratelimit-remaining 0, reset in N seconds. */
  primaryRateLimit?: { resetInSeconds: number };
  /** Wait this long before answering. */
  delayMs?: number;
  /** A body to send instead of the route's (checked against the schema like any other). */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface PullRequestInput {
  number?: number;
  user: string;
  title?: string;
  body?: string | null;
  headSha?: string;
  headRef?: string;
  baseRef?: string;
  baseSha?: string;
  state?: 'open' | 'closed';
  draft?: boolean;
  merged?: boolean;
  mergeCommitSha?: string;
  mergedBy?: string;
  mergedAt?: string;
  changedFiles?: number;
  files?: (string | FileInput)[];
  labels?: string[];
}

export interface FileInput {
  filename: string;
  status?: FileStatus;
  previous_filename?: string;
  additions?: number;
  deletions?: number;
}

export interface ReviewInput {
  user: string;
  state: ReviewState;
  /** Defaults to the PR's current head sha. */
  commitId?: string | null;
  submittedAt?: string;
  body?: string;
}

export interface CommitInput {
  /** Defaults to a sha derived from the repository and the commit's position. */
  sha?: string;
  /** Shas already in the graph; [] for a root commit, two for a merge. */
  parents: string[];
  message?: string;
  /** A login GitHub links the commit to (default: the repository owner), or a git identity it does not. */
  author?: string | { name: string; email: string };
  date?: string;
}

export interface MergeInput extends PullRequestInput {
  /** The commit the pull request branched from and merged into (the base branch's tip). */
  onto: string;
  /** Commits on the PR branch (default 1). */
  commits?: number;
  /** Squash: one new commit on the base branch instead of the branch commits and a merge commit. */
  squash?: boolean;
}

export interface DeploymentInput {
  sha: string;
  environment: string;
  /** Who created it (default github-actions[bot], as for a workflow job with an environment). */
  creator?: string;
  createdAt?: string;
  ref?: string;
  task?: string;
  /** Oldest first; each defaults to a minute after the one before (the first: a minute after createdAt). */
  statuses?: { state: DeploymentStatusState; createdAt?: string; logUrl?: string; description?: string }[];
}

export interface DeliveryInput {
  guid?: string;
  deliveredAt?: string;
  redelivery?: boolean;
  /** Default `OK` for a 2xx status code, else `Invalid HTTP Response: <code>`. */
  status?: string;
  /** The app's answer (default 200; 0 for a delivery GitHub could not make at all). */
  statusCode?: number;
  event?: string;
  action?: string | null;
  installationId?: number | null;
  repositoryId?: number | null;
}

export interface FakeGitHubOptions {
  /** Answer a response that breaks GitHub's schema with 400 + the problems (default true). Always recorded. */
  strictSchema?: boolean;
  /** Only these tokens (plus installation tokens the fake issued) are accepted on non-app routes. */
  tokens?: string[];
  appId?: number;
  /** Base of `html_url`s (default https://github.com). */
  htmlUrl?: string;
}

interface RepoState extends FakeRepoInfo {
  installationId: number;
  permissions: Map<string, Role>;
  pulls: Map<number, FakePull>;
  issues: Map<number, FakeIssue>;
  comments: Map<number, FakeComment[]>;
  commitPulls: Map<string, Set<number>>;
  commits: Map<string, FakeCommit>;
  checkRuns: FakeCheckRun[];
  files: Map<string, Map<string, string>>;
  protectionCallbacks: { runId: number; body: unknown; token?: string }[];
  deployments: FakeDeployment[];
  runApprovals: Map<number, FakeRunApproval[]>;
  nextNumber: number;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  raw?: string;
}

interface Ctx {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
  headers: IncomingMessage['headers'];
  token?: string;
  /** Absolute URL of this path's collection for Link headers. */
  selfUrl: string;
}

type Handler = (ctx: Ctx) => Reply | Promise<Reply>;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const DOCS = 'https://docs.github.com/rest';
/** How GraphQL requests are recorded (`gh.count('POST', '/graphql')`) and matched by fail(). */
const GRAPHQL = '/graphql';
/** Compare without paging parameters lists this many commits, the most recent ones. */
const COMPARE_UNPAGED = 250;
const MAX_FILES = 3000;
const SUMMARY_LIMIT = 65535;

function sha(seed: string): string {
  return createHash('sha1').update(seed).digest('hex');
}

function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function notFound(): never {
  throw new HttpError(404, 'Not Found');
}

function isJwt(token: string | undefined): boolean {
  return token !== undefined && /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);
}

/** Routes only a GitHub App's JWT may call (everything else needs an installation or user token). */
function needsJwt(route: string): boolean {
  return route === '/app' || route.startsWith('/app/') || route === '/repos/{owner}/{repo}/installation';
}

export class FakeGitHub {
  /** API base including /api/v3 (Probot's GHE_HOST form); the same routes are served at rootUrl. */
  url = '';
  rootUrl = '';
  readonly requests: RecordedRequest[] = [];
  readonly violations: SchemaViolation[] = [];
  readonly issuedTokens = new Set<string>();
  /** Which installation each issued token acts for (`GET /installation/repositories`). */
  private readonly tokenInstallations = new Map<string, number>();
  readonly appId: number;

  private server?: Server;
  private readonly users = new Map<string, FakeUser>();
  private readonly repos = new Map<string, RepoState>();
  private readonly teams = new Map<string, Map<string, 'active' | 'pending'>>();
  private readonly installations = new Map<number, string>();
  private readonly faults: (Fault & { remaining: number })[] = [];
  private readonly routes: { method: string; template: string; segments: string[]; handler: Handler }[] = [];
  private nextId = 1000;
  private readonly htmlUrl: string;
  private readonly hookDeliveries: FakeDelivery[] = [];
  /** What the app answers when GitHub redelivers (POST /app/hook/deliveries/{id}/attempts). */
  private redeliveryAnswer: { statusCode: number; status: string } = { statusCode: 200, status: 'OK' };
  /** Every redelivery asked for, in order: the delivery named, and the new delivery it made. */
  readonly redeliveries: { deliveryId: number; guid: string; newId: number }[] = [];

  constructor(private readonly options: FakeGitHubOptions = {}) {
    this.appId = options.appId ?? 424242;
    this.htmlUrl = options.htmlUrl ?? 'https://github.com';
    this.defineRoutes();
  }

  // ---------------------------------------------------------------- lifecycle

  async listen(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.rootUrl = `http://127.0.0.1:${port}`;
    this.url = `${this.rootUrl}/api/v3`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // ---------------------------------------------------------------- state helpers

  addUser(login: string, options: { id?: number; type?: FakeUser['type'] } = {}): FakeUser {
    const user: FakeUser = {
      login,
      id: options.id ?? this.id(),
      type: options.type ?? (login.endsWith('[bot]') ? 'Bot' : 'User'),
    };
    this.users.set(login.toLowerCase(), user);
    return user;
  }

  /** A user by login, created as a plain User on first mention so scenarios stay short. */
  user(login: string): FakeUser {
    return this.users.get(login.toLowerCase()) ?? this.addUser(login);
  }

  addRepo(
    fullName: string,
    options: { defaultBranch?: string; private?: boolean; installationId?: number; id?: number } = {},
  ): FakeRepoInfo {
    const [owner, name] = fullName.split('/');
    if (!owner || !name) throw new Error(`fake-github: repo must be owner/name, got ${fullName}`);
    if (!this.users.has(owner.toLowerCase())) this.addUser(owner, { type: 'Organization' });
    const installationId = options.installationId ?? this.installationFor(owner);
    this.installations.set(installationId, owner);
    const repo: RepoState = {
      id: options.id ?? this.id(),
      owner,
      name,
      defaultBranch: options.defaultBranch ?? 'main',
      private: options.private ?? false,
      installationId,
      permissions: new Map(),
      pulls: new Map(),
      issues: new Map(),
      comments: new Map(),
      commitPulls: new Map(),
      commits: new Map(),
      checkRuns: [],
      files: new Map(),
      protectionCallbacks: [],
      deployments: [],
      runApprovals: new Map(),
      nextNumber: 1,
    };
    this.repos.set(fullName.toLowerCase(), repo);
    return repo;
  }

  /** Register an app installation (e.g. the id in a webhook example payload) for an account. */
  addInstallation(id: number, account: string): void {
    this.installations.set(id, account);
    if (!this.users.has(account.toLowerCase())) this.addUser(account, { type: 'Organization' });
  }

  setPermission(fullName: string, login: string, role: Role): void {
    this.user(login);
    this.repo(fullName).permissions.set(login.toLowerCase(), role);
  }

  addTeam(
    org: string,
    slug: string,
    members: (string | { login: string; state: 'active' | 'pending' })[] = [],
  ): void {
    const team = new Map<string, 'active' | 'pending'>();
    for (const m of members) {
      const login = typeof m === 'string' ? m : m.login;
      this.user(login);
      team.set(login.toLowerCase(), typeof m === 'string' ? 'active' : m.state);
    }
    this.teams.set(`${org}/${slug}`.toLowerCase(), team);
  }

  addPullRequest(fullName: string, input: PullRequestInput): FakePull {
    const repo = this.repo(fullName);
    const number = input.number ?? repo.nextNumber;
    repo.nextNumber = Math.max(repo.nextNumber, number + 1);
    this.user(input.user);
    const merged = input.merged ?? false;
    const created = '2024-04-30T10:00:00Z';
    const pr: FakePull = {
      number,
      id: this.id(),
      title: input.title ?? `Change #${number}`,
      body: input.body === undefined ? 'Description of the change.' : input.body,
      user: input.user,
      headSha: input.headSha ?? sha(`${fullName}#${number}:head`),
      headRef: input.headRef ?? `feature-${number}`,
      baseRef: input.baseRef ?? repo.defaultBranch,
      baseSha: input.baseSha ?? sha(`${fullName}#${number}:base`),
      state: input.state ?? (merged ? 'closed' : 'open'),
      draft: input.draft ?? false,
      merged,
      mergeCommitSha: input.mergeCommitSha ?? (merged ? sha(`${fullName}#${number}:merge`) : null),
      mergedBy: merged ? (input.mergedBy ?? repo.owner) : null,
      mergedAt: merged ? (input.mergedAt ?? '2024-05-01T12:00:00Z') : null,
      createdAt: created,
      // GitHub bumps updated_at on every push and review; an open PR made now was updated now
      updatedAt: input.mergedAt ?? (merged ? '2024-05-01T12:00:00Z' : now()),
      changedFiles: input.changedFiles,
      files: [],
      reviews: [],
      labels: input.labels ?? [],
    };
    if (pr.mergedBy) this.user(pr.mergedBy);
    repo.pulls.set(number, pr);
    this.addFiles(fullName, number, input.files ?? []);
    // GitHub knows every merge commit: a scenario that only names one gets it as a root commit.
    if (pr.mergeCommitSha && !repo.commits.has(pr.mergeCommitSha.toLowerCase())) {
      this.addCommit(fullName, {
        sha: pr.mergeCommitSha,
        parents: [],
        message: `${pr.title} (#${number})`,
        author: pr.mergedBy ?? repo.owner,
      });
    }
    return pr;
  }

  pull(fullName: string, number: number): FakePull {
    const pr = this.repo(fullName).pulls.get(number);
    if (!pr) throw new Error(`fake-github: no pull request ${fullName}#${number}`);
    return pr;
  }

  addFiles(fullName: string, number: number, files: (string | FileInput)[]): void {
    const pr = this.pull(fullName, number);
    for (const f of files) {
      const input = typeof f === 'string' ? { filename: f } : f;
      pr.files.push({
        filename: input.filename,
        status: input.status ?? (input.previous_filename ? 'renamed' : 'modified'),
        ...(input.previous_filename !== undefined ? { previous_filename: input.previous_filename } : {}),
        additions: input.additions ?? 3,
        deletions: input.deletions ?? 1,
        sha: sha(`${input.filename}@${pr.headSha}`),
      });
    }
  }

  addReview(fullName: string, number: number, input: ReviewInput): FakeReview {
    const pr = this.pull(fullName, number);
    this.user(input.user);
    const r: FakeReview = {
      id: this.id(),
      user: input.user,
      state: input.state,
      commitId: input.commitId === undefined ? pr.headSha : input.commitId,
      ...(input.state === 'PENDING'
        ? {}
        : {
            submittedAt:
              input.submittedAt ??
              new Date(Date.UTC(2024, 4, 1, 8) + pr.reviews.length * 60_000)
                .toISOString()
                .replace('.000', ''),
          }),
      body: input.body ?? '',
    };
    pr.reviews.push(r);
    pr.updatedAt = now();
    return r;
  }

  /**
   * Move the PR's head (a new push): earlier reviews keep their commit_id and become stale. With
   * `by`, the new head is a commit of the PR authored (and committed) by those accounts.
   */
  pushToPull(
    fullName: string,
    number: number,
    headSha = sha(`${fullName}#${number}:${this.id()}`),
    by?: { author: string | { name: string; email: string }; committer?: string | null },
  ): string {
    const pr = this.pull(fullName, number);
    if (by) {
      const previous = pr.commitShas ?? [this.ensureCommit(fullName, pr.headSha, { author: pr.user }).sha];
      const c = this.ensureCommit(fullName, headSha, { author: by.author });
      if (by.committer !== undefined) {
        c.committer = by.committer;
        if (by.committer) this.user(by.committer);
      }
      pr.commitShas = [...previous, c.sha];
    }
    pr.headSha = headSha;
    pr.updatedAt = now();
    return headSha;
  }

  /** Change the PR's base branch, as GitHub records it on the timeline (`base_ref_changed`). */
  changeBase(
    fullName: string,
    number: number,
    baseRef: string,
    { actor, at = now() }: { actor?: string; at?: string } = {},
  ): void {
    const pr = this.pull(fullName, number);
    pr.baseRef = baseRef;
    pr.updatedAt = now();
    (pr.timeline ??= []).push({
      id: this.id(),
      event: 'base_ref_changed',
      actor: actor ?? pr.user,
      createdAt: at,
    });
  }

  /** A force-push of the PR's head branch (a timeline `head_ref_force_pushed` event); the new head. */
  forcePushToPull(
    fullName: string,
    number: number,
    { actor, at = now(), headSha }: { actor?: string; at?: string; headSha?: string } = {},
  ): string {
    const pr = this.pull(fullName, number);
    (pr.timeline ??= []).push({
      id: this.id(),
      event: 'head_ref_force_pushed',
      actor: actor ?? pr.user,
      createdAt: at,
    });
    return this.pushToPull(fullName, number, headSha);
  }

  /** Say that these commits belong to these PRs (merge commit and head sha are associated already). */
  linkCommit(fullName: string, commit: string | string[], numbers: number[]): void {
    const repo = this.repo(fullName);
    for (const sha of typeof commit === 'string' ? [commit] : commit) {
      const set = repo.commitPulls.get(sha) ?? new Set<number>();
      for (const n of numbers) set.add(n);
      repo.commitPulls.set(sha, set);
    }
  }

  hasCommit(fullName: string, sha: string): boolean {
    return this.repo(fullName).commits.has(sha.toLowerCase());
  }

  /** A commit GitHub knows, added as a root commit unless it exists already (for direct pushes). */
  ensureCommit(fullName: string, sha: string, input: Omit<CommitInput, 'sha' | 'parents'> = {}): FakeCommit {
    const known = this.repo(fullName).commits.get(sha.toLowerCase());
    return known ?? this.addCommit(fullName, { ...input, sha, parents: [] });
  }

  /** One commit on top of its parents (a direct push when nothing links it to a pull request). */
  addCommit(fullName: string, input: CommitInput): FakeCommit {
    const repo = this.repo(fullName);
    const index = repo.commits.size;
    for (const parent of input.parents) {
      if (!repo.commits.has(parent))
        throw new Error(`fake-github: parent ${parent} is not a commit of ${fullName}`);
    }
    const author = input.author ?? repo.owner;
    const linked = typeof author === 'string' ? this.user(author).login : null;
    const c: FakeCommit = {
      sha: (input.sha ?? sha(`${fullName}:commit:${index}`)).toLowerCase(),
      parents: [...input.parents],
      message: input.message ?? `Change ${index}`,
      author: linked,
      authorName: typeof author === 'string' ? author : author.name,
      authorEmail: typeof author === 'string' ? `${author}@users.noreply.github.com` : author.email,
      date: input.date ?? new Date(Date.UTC(2024, 3, 1) + index * 60_000).toISOString().replace('.000', ''),
      index,
    };
    if (repo.commits.has(c.sha))
      throw new Error(`fake-github: commit ${c.sha} exists already in ${fullName}`);
    repo.commits.set(c.sha, c);
    return c;
  }

  /** `count` commits in a line on top of `parent` (null: starting a new history); their shas, oldest first. */
  addCommits(
    fullName: string,
    {
      parent,
      count,
      author,
      message,
    }: { parent: string | null; count: number; author?: string; message?: string },
  ): string[] {
    const shas: string[] = [];
    let previous = parent;
    for (let i = 0; i < count; i++) {
      const c = this.addCommit(fullName, {
        parents: previous ? [previous] : [],
        ...(author !== undefined ? { author } : {}),
        ...(message !== undefined ? { message: `${message} ${i + 1}` } : {}),
      });
      shas.push(c.sha);
      previous = c.sha;
    }
    return shas;
  }

  /**
   * A pull request branched from `onto` and merged back as GitHub does: its branch commits, a merge
   * commit (or one squashed commit) on top of `onto`, the merged PR with that merge commit, and its
   * commits associated with it. `commits` are the new commits the base branch gained; `tip` its new tip.
   */
  mergePullRequest(fullName: string, input: MergeInput): { pull: FakePull; commits: string[]; tip: string } {
    const repo = this.repo(fullName);
    const { onto, commits: count = 1, squash = false, ...pullInput } = input;
    const number = pullInput.number ?? repo.nextNumber;
    const title = pullInput.title ?? `Change #${number}`;
    const branch = this.addCommits(fullName, { parent: onto, count, author: pullInput.user, message: title });
    const head = branch.at(-1) ?? onto;
    const merge = this.addCommit(fullName, {
      parents: squash ? [onto] : [onto, head],
      message: squash
        ? `${title} (#${number})`
        : `Merge pull request #${number} from ${repo.owner}/${pullInput.headRef ?? `feature-${number}`}\n\n${title}`,
      author: squash ? pullInput.user : (pullInput.mergedBy ?? repo.owner),
    });
    const pull = this.addPullRequest(fullName, {
      ...pullInput,
      number,
      title,
      merged: true,
      headSha: head,
      baseSha: onto,
      mergeCommitSha: merge.sha,
    });
    if (!squash) this.linkCommit(fullName, branch, [number]);
    return { pull, commits: squash ? [merge.sha] : [...branch, merge.sha], tip: merge.sha };
  }

  addIssue(
    fullName: string,
    input: { title: string; body?: string; user?: string; labels?: string[]; state?: 'open' | 'closed' },
  ): FakeIssue {
    const repo = this.repo(fullName);
    const number = repo.nextNumber++;
    const i: FakeIssue = {
      number,
      id: this.id(),
      title: input.title,
      body: input.body ?? null,
      user: input.user ?? repo.owner,
      state: input.state ?? 'open',
      labels: input.labels ?? [],
      createdAt: now(),
      updatedAt: now(),
    };
    this.user(i.user);
    repo.issues.set(number, i);
    return i;
  }

  /** Every repository's full name. */
  repoNames(): string[] {
    return [...this.repos.keys()];
  }

  issues(fullName: string): FakeIssue[] {
    return [...this.repo(fullName).issues.values()];
  }

  comments(fullName: string, number: number): FakeComment[] {
    return this.repo(fullName).comments.get(number) ?? [];
  }

  checkRuns(fullName: string): FakeCheckRun[] {
    return this.repo(fullName).checkRuns;
  }

  protectionCallbacks(fullName: string): { runId: number; body: unknown; token?: string }[] {
    return this.repo(fullName).protectionCallbacks;
  }

  /**
   * A deployment with its statuses, as a workflow job with `environment:` makes one (queued,
   * in_progress, then success or failure, the statuses' log_url naming the run).
   */
  addDeployment(fullName: string, input: DeploymentInput): FakeDeployment {
    const repo = this.repo(fullName);
    const createdAt = input.createdAt ?? now();
    let previous = Date.parse(createdAt);
    const creator = input.creator ?? 'github-actions[bot]';
    this.user(creator);
    const d: FakeDeployment = {
      id: this.id(),
      sha: input.sha.toLowerCase(),
      ref: input.ref ?? repo.defaultBranch,
      task: input.task ?? 'deploy',
      environment: input.environment,
      creator,
      createdAt,
      statuses: (input.statuses ?? []).map((s) => {
        previous = s.createdAt ? Date.parse(s.createdAt) : previous + 60_000;
        return {
          id: this.id(),
          state: s.state,
          createdAt: s.createdAt ?? new Date(previous).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          creator,
          ...(s.logUrl !== undefined ? { logUrl: s.logUrl } : {}),
          description: s.description ?? '',
        };
      }),
    };
    repo.deployments.push(d);
    return d;
  }

  deployments(fullName: string): FakeDeployment[] {
    return this.repo(fullName).deployments;
  }

  /** The environment reviews of a workflow run (`GET …/actions/runs/{run_id}/approvals`), oldest first. */
  addRunApprovals(fullName: string, runId: number, approvals: FakeRunApproval[]): void {
    const repo = this.repo(fullName);
    for (const a of approvals) this.user(a.user);
    repo.runApprovals.set(runId, [...(repo.runApprovals.get(runId) ?? []), ...approvals]);
  }

  /** A delivery of the app's webhook (GET /app/hook/deliveries lists them newest first). */
  addDelivery(input: DeliveryInput = {}): FakeDelivery {
    const statusCode = input.statusCode ?? 200;
    const d: FakeDelivery = {
      id: this.id(),
      guid: input.guid ?? randomUUID(),
      deliveredAt: input.deliveredAt ?? now(),
      redelivery: input.redelivery ?? false,
      status:
        input.status ??
        (statusCode >= 200 && statusCode < 300 ? 'OK' : `Invalid HTTP Response: ${statusCode}`),
      statusCode,
      event: input.event ?? 'pull_request',
      action: input.action === undefined ? 'opened' : input.action,
      installationId: input.installationId === undefined ? null : input.installationId,
      repositoryId: input.repositoryId === undefined ? null : input.repositoryId,
    };
    this.hookDeliveries.push(d);
    return d;
  }

  deliveries(): FakeDelivery[] {
    return this.hookDeliveries;
  }

  /** How the app answers the redeliveries asked for from now on (default 200 OK). */
  answerRedeliveries(
    statusCode: number,
    status = statusCode < 300 ? 'OK' : `Invalid HTTP Response: ${statusCode}`,
  ): void {
    this.redeliveryAnswer = { statusCode, status };
  }

  /** A file in the repository (for contents API, e.g. .github/shiplog.yml); ref defaults to the default branch. */
  setFile(fullName: string, path: string, content: string, options: { ref?: string } = {}): void {
    const repo = this.repo(fullName);
    const ref = options.ref ?? repo.defaultBranch;
    const files = repo.files.get(ref) ?? new Map<string, string>();
    files.set(path, content);
    repo.files.set(ref, files);
  }

  installationId(owner: string): number {
    return this.installationFor(owner);
  }

  fail(fault: Fault): void {
    this.faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** How many requests hit this route (template or path), optionally counting only one method. */
  count(method: string | undefined, route: string): number {
    return this.requests.filter(
      (r) => (method === undefined || r.method === method) && (r.route === route || r.path === route),
    ).length;
  }

  resetRequests(): void {
    this.requests.length = 0;
  }

  // ---------------------------------------------------------------- internals

  private id(): number {
    return this.nextId++;
  }

  private installationFor(owner: string): number {
    for (const [id, account] of this.installations)
      if (account.toLowerCase() === owner.toLowerCase()) return id;
    return 90000 + this.installations.size;
  }

  private repo(fullName: string): RepoState {
    const repo = this.repos.get(fullName.toLowerCase());
    if (!repo) throw new Error(`fake-github: no repo ${fullName} (call addRepo first)`);
    return repo;
  }

  /** A full sha, or an unambiguous prefix of at least 7 hex digits as GitHub accepts. */
  private findCommit(repo: RepoState, ref: string): FakeCommit | undefined {
    const wanted = ref.toLowerCase();
    const exact = repo.commits.get(wanted);
    if (exact || !/^[0-9a-f]{7,39}$/.test(wanted)) return exact;
    const matches = [...repo.commits.values()].filter((c) => c.sha.startsWith(wanted));
    return matches.length === 1 ? matches[0] : undefined;
  }

  /** The commit and everything reachable from it through parents. */
  private reachable(repo: RepoState, start: string): Set<string> {
    const seen = new Set<string>();
    const stack = [start];
    while (stack.length) {
      const current = stack.pop()!;
      if (seen.has(current)) continue;
      seen.add(current);
      for (const parent of repo.commits.get(current)?.parents ?? []) stack.push(parent);
    }
    return seen;
  }

  /** The pull requests GitHub associates with a commit: linked ones, and those it is the merge or head commit of. */
  private pullsOf(repo: RepoState, commit: string): FakePull[] {
    const linked = repo.commitPulls.get(commit) ?? new Set<number>();
    return [...repo.pulls.values()].filter(
      (p) => linked.has(p.number) || p.mergeCommitSha === commit || p.headSha === commit,
    );
  }

  private graphqlWorld(): GraphQLWorld {
    return {
      urls: this.urls(),
      user: (login) => this.user(login),
      repository: (owner, name) => {
        const repo = this.repos.get(`${owner}/${name}`.toLowerCase());
        if (!repo) return undefined;
        return {
          info: repo,
          commit: (oid) => repo.commits.get(oid.toLowerCase()),
          pull: (number) => repo.pulls.get(number),
          pullsOf: (oid) => this.pullsOf(repo, oid.toLowerCase()),
        };
      },
    };
  }

  private repoFor(ctx: Ctx): RepoState {
    return this.repos.get(`${ctx.params.owner}/${ctx.params.repo}`.toLowerCase()) ?? notFound();
  }

  private urls(): Urls {
    return { api: this.url, html: this.htmlUrl };
  }

  private pullContext(repo: RepoState) {
    const urls = this.urls();
    return {
      repo,
      repoObject: repository(repo, this.user(repo.owner), urls),
      user: (login: string) => this.user(login),
      urls,
    };
  }

  private number(value: string | undefined): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) notFound();
    return n;
  }

  /** GitHub's page/per_page pagination with its Link header (per_page max 100, default 30). */
  private page<T>(ctx: Ctx, items: T[], defaultPerPage = 30): Reply {
    const perPage = Math.min(
      Math.max(Number(ctx.query.get('per_page') ?? defaultPerPage) || defaultPerPage, 1),
      100,
    );
    const page = Math.max(Number(ctx.query.get('page') ?? 1) || 1, 1);
    const last = Math.max(Math.ceil(items.length / perPage), 1);
    const link = (p: number, rel: string) => {
      const q = new URLSearchParams(ctx.query);
      q.set('per_page', String(perPage));
      q.set('page', String(p));
      return `<${ctx.selfUrl}?${q.toString()}>; rel="${rel}"`;
    };
    const links: string[] = [];
    if (page > 1) links.push(link(page - 1, 'prev'));
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
    if (page > 1) links.push(link(1, 'first'));
    return {
      status: 200,
      body: items.slice((page - 1) * perPage, page * perPage),
      headers: links.length ? { link: links.join(', ') } : {},
    };
  }

  private route(method: string, template: string, handler: Handler): void {
    if (!hasOperation(method, template))
      throw new Error(`fake-github: ${method} ${template} is not a GitHub operation`);
    this.routes.push({ method, template, segments: template.split('/').slice(1), handler });
  }

  private match(method: string, path: string) {
    const parts = path.split('/').slice(1);
    for (const r of this.routes) {
      if (r.method !== method) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < r.segments.length && ok; i++) {
        const seg = r.segments[i]!;
        const part = parts[i];
        if (part === undefined) ok = false;
        else if (seg === '{path}' && i === r.segments.length - 1) {
          // contents paths span segments; clients may send them %2F-encoded or as plain slashes
          params.path = parts.slice(i).map(decodeURIComponent).join('/');
          return { route: r, params };
        } else if (seg.startsWith('{')) params[seg.slice(1, -1)] = decodeURIComponent(part);
        else ok = seg === part;
      }
      if (ok && parts.length === r.segments.length) return { route: r, params };
    }
    return undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://fake');
    const prefix = url.pathname.startsWith('/api/v3/') ? '/api/v3' : '';
    const path = url.pathname.slice(prefix.length).replace(/\/+$/, '') || '/';
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown> = {};
    const auth = req.headers.authorization;
    const token = auth?.replace(/^(token|bearer)\s+/i, '');
    const record: RecordedRequest = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      ...(token !== undefined ? { token } : {}),
      ...(typeof req.headers['if-none-match'] === 'string'
        ? { ifNoneMatch: req.headers['if-none-match'] }
        : {}),
    };
    this.requests.push(record);
    const send = (reply: Reply) => this.send(res, record, reply);
    try {
      if (text) {
        try {
          body = JSON.parse(text) as Record<string, unknown>;
          record.body = body;
        } catch {
          throw new HttpError(400, 'Problems parsing JSON');
        }
      }
      // GitHub serves GraphQL at /graphql (api.github.com) or /api/graphql (GHES), never under /api/v3
      const graphql = method === 'POST' && prefix === '' && (path === GRAPHQL || path === '/api/graphql');
      const found = graphql ? undefined : this.match(method, path);
      if (!graphql && !found)
        return send({ status: 404, body: { message: 'Not Found', documentation_url: DOCS } });
      const template = found ? found.route.template : GRAPHQL;
      record.route = template;
      if (!auth)
        throw new HttpError(
          401,
          graphql ? 'This endpoint requires you to be authenticated.' : 'Requires authentication',
        );
      if (needsJwt(template) !== isJwt(token)) {
        throw new HttpError(
          401,
          isJwt(token)
            ? 'A JSON web token cannot be used for this endpoint'
            : 'A JSON web token could not be decoded',
        );
      }
      if (
        !isJwt(token) &&
        this.options.tokens &&
        !this.options.tokens.includes(token!) &&
        !this.issuedTokens.has(token!)
      ) {
        throw new HttpError(401, 'Bad credentials');
      }
      const fault = this.takeFault(method, path, template);
      if (fault?.delayMs) await sleep(fault.delayMs);
      if (
        fault &&
        (fault.status !== undefined ||
          fault.secondaryRateLimit ||
          fault.primaryRateLimit ||
          fault.body !== undefined)
      ) {
        record.faulted = true;
        return send(this.faultReply(fault));
      }
      if (!found) return send(await executeGraphQL(this.graphqlWorld(), body));
      const ctx: Ctx = {
        method,
        path,
        params: found.params,
        query: url.searchParams,
        body,
        headers: req.headers,
        ...(token !== undefined ? { token } : {}),
        selfUrl: `http://${req.headers.host ?? '127.0.0.1'}${prefix}${path}`,
      };
      send(await found.route.handler(ctx));
    } catch (e) {
      if (e instanceof HttpError)
        send({ status: e.status, body: { message: e.message, documentation_url: DOCS } });
      else send({ status: 500, body: { message: `fake-github internal error: ${(e as Error).message}` } });
    }
  }

  private takeFault(method: string, path: string, template: string) {
    for (const f of this.faults) {
      if (f.remaining <= 0) continue;
      if (f.method && f.method.toUpperCase() !== method) continue;
      const hit = f.route instanceof RegExp ? f.route.test(path) : f.route === template || f.route === path;
      if (!hit) continue;
      f.remaining--;
      return f;
    }
    return undefined;
  }

  private faultReply(f: Fault): Reply {
    if (f.secondaryRateLimit) {
      return {
        status: f.status ?? 403,
        headers: { 'retry-after': String(f.secondaryRateLimit.retryAfter), ...f.headers },
        body: f.body ?? {
          message:
            'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0000:1111:2222.',
          documentation_url:
            'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
        },
      };
    }
    if (f.primaryRateLimit) {
      const reset = Math.ceil(Date.now() / 1000) + f.primaryRateLimit.resetInSeconds;
      return {
        status: f.status ?? 403,
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset), ...f.headers },
        body: f.body ?? {
          message: 'API rate limit exceeded for installation.',
          documentation_url:
            'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit',
        },
      };
    }
    const status = f.status ?? (f.body !== undefined ? 200 : 500);
    return {
      status,
      ...(f.headers ? { headers: f.headers } : {}),
      body: f.body ?? { message: status >= 500 ? 'Server Error' : 'Error' },
    };
  }

  private send(res: ServerResponse, record: RecordedRequest, reply: Reply): void {
    let { status, body } = reply;
    const headers: Record<string, string> = {
      'x-github-request-id': randomBytes(6).toString('hex').toUpperCase(),
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-used': '1',
      'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 3600),
      'x-ratelimit-resource': 'core',
      ...reply.headers,
    };
    if (reply.raw !== undefined) {
      record.status = status;
      res.writeHead(status, { ...headers, 'content-type': 'application/vnd.github.raw; charset=utf-8' });
      res.end(reply.raw);
      return;
    }
    // GraphQL answers come from executing against GitHub's schema, so they fit it by construction
    if (body !== undefined && record.route && record.route !== GRAPHQL) {
      const problems = checkResponse(record.method, record.route, status, body);
      if (problems.length) {
        this.violations.push({ method: record.method, route: record.route, status, problems });
        if (this.options.strictSchema !== false) {
          // 400 is not retried by clients, so a bad fake shape fails the test at once, loudly
          status = 400;
          body = {
            message: `fake-github: response to ${record.method} ${record.route} violates GitHub's OpenAPI schema: ${problems.join('; ')}`,
          };
        }
      }
    }
    record.status = status;
    if (body === undefined) {
      res.writeHead(status, headers);
      res.end();
      return;
    }
    const json = JSON.stringify(body);
    // GitHub's conditional requests: a GET answer carries an ETag of its content; asked again with
    // If-None-Match and unchanged, it is a 304 with no body (which costs no rate limit)
    if (record.method === 'GET' && status === 200) {
      headers.etag = `W/"${createHash('sha256').update(json).digest('hex').slice(0, 40)}"`;
      if (record.ifNoneMatch === headers.etag) {
        record.status = 304;
        res.writeHead(304, headers);
        res.end();
        return;
      }
    }
    res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8' });
    res.end(json);
  }

  // ---------------------------------------------------------------- routes

  private defineRoutes(): void {
    const urls = () => this.urls();

    this.route('GET', '/app', () => ({
      status: 200,
      body: app(this.appId, this.user('shiplog-owner'), urls()),
    }));

    this.route('POST', '/app/installations/{installation_id}/access_tokens', (ctx) => {
      const id = Number(ctx.params.installation_id);
      if (!this.installations.has(id)) notFound();
      const token = `ghs_${randomBytes(18).toString('base64url')}`;
      this.issuedTokens.add(token);
      this.tokenInstallations.set(token, id);
      return {
        status: 201,
        body: {
          token,
          expires_at: new Date(Date.now() + 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          permissions: {
            checks: 'write',
            pull_requests: 'read',
            contents: 'write',
            members: 'read',
            metadata: 'read',
            deployments: 'write',
            actions: 'read',
            issues: 'write',
          },
          repository_selection: 'all',
        },
      };
    });

    // the app's installations (JWT), for its periodic sweeps
    this.route('GET', '/app/installations', (ctx) =>
      this.page(
        ctx,
        [...this.installations].map(([id, account]) => {
          const body = installation(id, this.appId, this.user(account), urls());
          // this operation's schema says `allOf: [simple-user, enterprise]` for the account (where
          // the component says anyOf), so the account also carries the enterprise's required fields
          return {
            ...body,
            account: {
              ...(body.account as Record<string, unknown>),
              name: account,
              slug: account.toLowerCase(),
              created_at: '2023-01-10T09:00:00Z',
              updated_at: '2024-05-01T12:00:00Z',
            },
          };
        }),
      ),
    );

    // the repositories an installation token may act on
    this.route('GET', '/installation/repositories', (ctx) => {
      const id = this.tokenInstallations.get(ctx.token ?? '');
      if (id === undefined) throw new HttpError(403, 'Resource not accessible by integration');
      const repos = [...this.repos.values()].filter((r) => r.installationId === id);
      const paged = this.page(
        ctx,
        repos.map((r) => repository(r, this.user(r.owner), urls())),
      );
      return {
        ...paged,
        body: { total_count: repos.length, repository_selection: 'all', repositories: paged.body },
      };
    });

    this.route('GET', '/repos/{owner}/{repo}/installation', (ctx) => {
      const repo = this.repoFor(ctx);
      return {
        status: 200,
        body: installation(repo.installationId, this.appId, this.user(repo.owner), urls()),
      };
    });

    this.route('GET', '/repos/{owner}/{repo}', (ctx) => {
      const repo = this.repoFor(ctx);
      return { status: 200, body: repository(repo, this.user(repo.owner), urls(), 'full-repository') };
    });

    this.route('GET', '/repos/{owner}/{repo}/contents/{path}', (ctx) => {
      const repo = this.repoFor(ctx);
      const ref = ctx.query.get('ref') ?? repo.defaultBranch;
      const files = repo.files.get(ref) ?? repo.files.get(repo.defaultBranch);
      const path = ctx.params.path ?? '';
      const content = files?.get(path);
      if (content === undefined) notFound();
      if (/\bvnd\.github(\.v3)?\.raw\b/.test(String(ctx.headers.accept ?? '')))
        return { status: 200, raw: content };
      const blob = sha(`blob ${content}`);
      const api = `${this.url}/repos/${repo.owner}/${repo.name}`;
      const html = `${this.htmlUrl}/${repo.owner}/${repo.name}/blob/${ref}/${path}`;
      return {
        status: 200,
        body: {
          type: 'file',
          encoding: 'base64',
          size: Buffer.byteLength(content),
          name: path.split('/').pop(),
          path,
          content: Buffer.from(content)
            .toString('base64')
            .replace(/(.{60})/g, '$1\n'),
          sha: blob,
          url: `${api}/contents/${path}?ref=${ref}`,
          git_url: `${api}/git/blobs/${blob}`,
          html_url: html,
          download_url: `https://raw.githubusercontent.com/${repo.owner}/${repo.name}/${ref}/${path}`,
          _links: { git: `${api}/git/blobs/${blob}`, self: `${api}/contents/${path}?ref=${ref}`, html },
        },
      };
    });

    this.route('GET', '/repos/{owner}/{repo}/commits/{commit_sha}/pulls', (ctx) => {
      const repo = this.repoFor(ctx);
      const pulls = this.pullsOf(repo, ctx.params.commit_sha!);
      const pc = this.pullContext(repo);
      return this.page(
        ctx,
        pulls.map((p) => pullRequest(p, pc, false)),
      );
    });

    const commitBody = (repo: RepoState, c: FakeCommit, detail = false) => {
      const author = c.author ? this.user(c.author) : null;
      const committer = c.committer === undefined ? author : c.committer ? this.user(c.committer) : null;
      return commitObject(c, repo, author, urls(), detail, committer);
    };

    this.route('GET', '/repos/{owner}/{repo}/issues/{issue_number}/timeline', (ctx) => {
      const repo = this.repoFor(ctx);
      const pr = repo.pulls.get(this.number(ctx.params.issue_number)) ?? notFound();
      const api = `${this.url}/repos/${repo.owner}/${repo.name}`;
      const events = (pr.timeline ?? []).map((e) => ({
        id: e.id,
        node_id: Buffer.from(`E_${e.id}`).toString('base64').replace(/=+$/, ''),
        url: `${api}/issues/events/${e.id}`,
        actor: simpleUser(this.user(e.actor), urls()),
        event: e.event,
        commit_id: null,
        commit_url: null,
        created_at: e.createdAt,
        performed_via_github_app: null,
      }));
      return this.page(ctx, events);
    });

    this.route('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/commits', (ctx) => {
      const repo = this.repoFor(ctx);
      const pr = repo.pulls.get(this.number(ctx.params.pull_number)) ?? notFound();
      const full = `${repo.owner}/${repo.name}`;
      const shas = pr.commitShas ?? [pr.headSha];
      const commits = shas.map((s) =>
        s === pr.headSha && !pr.commitShas
          ? this.ensureCommit(full, s, { author: pr.user })
          : this.findCommit(repo, s)!,
      );
      // GitHub lists at most 250 commits of a pull request
      return this.page(
        ctx,
        commits.slice(0, 250).map((c) => commitBody(repo, c)),
      );
    });

    this.route('GET', '/repos/{owner}/{repo}/commits/{ref}', (ctx) => {
      const repo = this.repoFor(ctx);
      const c = this.findCommit(repo, ctx.params.ref!);
      if (!c) throw new HttpError(422, `No commit found for SHA: ${ctx.params.ref}`);
      return { status: 200, body: commitBody(repo, c, true) };
    });

    // `git log BASE..HEAD` in chronological order, as GitHub documents; three-dot form only
    this.route('GET', '/repos/{owner}/{repo}/compare/{basehead}', (ctx) => {
      const repo = this.repoFor(ctx);
      const basehead = ctx.params.basehead!;
      const [baseRef, headRef, ...rest] = basehead.split('...');
      if (!baseRef || !headRef || rest.length) notFound();
      const base = this.findCommit(repo, baseRef) ?? notFound();
      const head = this.findCommit(repo, headRef) ?? notFound();
      const fromBase = this.reachable(repo, base.sha);
      const fromHead = this.reachable(repo, head.sha);
      const byIndex = (shas: Iterable<string>) =>
        [...shas].map((s) => repo.commits.get(s)!).sort((a, b) => a.index - b.index);
      const common = byIndex([...fromHead].filter((s) => fromBase.has(s)));
      const mergeBase = common.at(-1);
      if (!mergeBase) throw new HttpError(404, `No common ancestor between ${baseRef} and ${headRef}.`);
      const ahead = byIndex([...fromHead].filter((s) => !fromBase.has(s)));
      const behindBy = [...fromBase].filter((s) => !fromHead.has(s)).length;
      const status =
        ahead.length && behindBy ? 'diverged' : ahead.length ? 'ahead' : behindBy ? 'behind' : 'identical';
      const paged = ctx.query.has('per_page') || ctx.query.has('page');
      const page = paged ? this.page(ctx, ahead) : { status: 200, body: ahead.slice(-COMPARE_UNPAGED) };
      const api = `${this.url}/repos/${repo.owner}/${repo.name}`;
      const html = `${this.htmlUrl}/${repo.owner}/${repo.name}`;
      return {
        ...page,
        body: {
          url: `${api}/compare/${basehead}`,
          html_url: `${html}/compare/${basehead}`,
          permalink_url: `${html}/compare/${repo.owner}:${base.sha}...${repo.owner}:${head.sha}`,
          diff_url: `${html}/compare/${basehead}.diff`,
          patch_url: `${html}/compare/${basehead}.patch`,
          base_commit: commitBody(repo, base),
          merge_base_commit: commitBody(repo, mergeBase),
          status,
          ahead_by: ahead.length,
          behind_by: behindBy,
          total_commits: ahead.length,
          commits: (page.body as FakeCommit[]).map((c) => commitBody(repo, c)),
          files: [],
        },
      };
    });

    this.route('GET', '/repos/{owner}/{repo}/pulls', (ctx) => {
      const repo = this.repoFor(ctx);
      const state = ctx.query.get('state') ?? 'open';
      const pc = this.pullContext(repo);
      const pulls = [...repo.pulls.values()].filter((p) => state === 'all' || p.state === state);
      return this.page(
        ctx,
        pulls.map((p) => pullRequest(p, pc, false)),
      );
    });

    this.route('GET', '/repos/{owner}/{repo}/pulls/{pull_number}', (ctx) => {
      const repo = this.repoFor(ctx);
      const pr = repo.pulls.get(this.number(ctx.params.pull_number)) ?? notFound();
      return { status: 200, body: pullRequest(pr, this.pullContext(repo), true) };
    });

    this.route('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/files', (ctx) => {
      const repo = this.repoFor(ctx);
      const pr = repo.pulls.get(this.number(ctx.params.pull_number)) ?? notFound();
      // GitHub lists at most 3000 files however many the PR changes
      const files = pr.files.slice(0, MAX_FILES).map((f) => diffEntry(f, pr, repo, urls()));
      return this.page(ctx, files);
    });

    this.route('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews', (ctx) => {
      const repo = this.repoFor(ctx);
      const pr = repo.pulls.get(this.number(ctx.params.pull_number)) ?? notFound();
      return this.page(
        ctx,
        pr.reviews.map((r) => review(r, pr, repo, this.user(r.user), urls())),
      );
    });

    this.route('GET', '/repos/{owner}/{repo}/collaborators/{username}/permission', (ctx) => {
      const repo = this.repoFor(ctx);
      const user = this.users.get(ctx.params.username!.toLowerCase()) ?? notFound();
      const role =
        repo.permissions.get(user.login.toLowerCase()) ?? (user.login === repo.owner ? 'admin' : 'none');
      // GitHub's legacy `permission` folds maintain into write and triage into read
      const permission = role === 'maintain' ? 'write' : role === 'triage' ? 'read' : role;
      return {
        status: 200,
        body: {
          permission,
          role_name: role,
          user: {
            ...simpleUser(user, urls()),
            role_name: role,
            permissions: {
              admin: role === 'admin',
              maintain: ['admin', 'maintain'].includes(role),
              push: ['admin', 'maintain', 'write'].includes(role),
              triage: ['admin', 'maintain', 'write', 'triage'].includes(role),
              pull: role !== 'none',
            },
          },
        },
      };
    });

    this.route('GET', '/orgs/{org}/teams/{team_slug}/memberships/{username}', (ctx) => {
      const team = this.teams.get(`${ctx.params.org}/${ctx.params.team_slug}`.toLowerCase()) ?? notFound();
      const state = team.get(ctx.params.username!.toLowerCase()) ?? notFound();
      return {
        status: 200,
        body: {
          url: `${this.url}/organizations/1/team/1/memberships/${ctx.params.username}`,
          role: 'member',
          state,
        },
      };
    });

    this.route('GET', '/orgs/{org}/teams/{team_slug}/members', (ctx) => {
      const team = this.teams.get(`${ctx.params.org}/${ctx.params.team_slug}`.toLowerCase()) ?? notFound();
      // GitHub lists active members only; pending invitations are not members yet
      const members = [...team]
        .filter(([, state]) => state === 'active')
        .map(([login]) => simpleUser(this.user(login), urls()));
      return this.page(ctx, members);
    });

    const runBody = (repo: RepoState, run: FakeCheckRun) =>
      checkRun(run, repo, app(this.appId, this.user('shiplog-owner'), urls()), urls());

    const applyRun = (run: FakeCheckRun, body: Record<string, unknown>) => {
      const output = body.output as { title?: string; summary?: string; text?: string } | undefined;
      for (const [field, value] of [
        ['summary', output?.summary],
        ['text', output?.text],
      ] as const) {
        if (typeof value === 'string' && value.length > SUMMARY_LIMIT) {
          throw new HttpError(
            422,
            `Invalid request.\n\nOnly ${SUMMARY_LIMIT} characters are allowed; ${value.length} were supplied. (output.${field})`,
          );
        }
      }
      if (typeof body.name === 'string') run.name = body.name;
      if (typeof body.status === 'string') run.status = body.status;
      if (typeof body.conclusion === 'string') {
        run.conclusion = body.conclusion;
        run.status = 'completed';
      }
      if (run.status === 'completed') run.completedAt = (body.completed_at as string | undefined) ?? now();
      if (typeof body.external_id === 'string') run.externalId = body.external_id;
      if (typeof body.details_url === 'string') run.detailsUrl = body.details_url;
      if (output) {
        if (typeof output.title !== 'string' || typeof output.summary !== 'string') {
          throw new HttpError(422, 'Invalid request.\n\n"title" and "summary" are required in output.');
        }
        run.title = output.title;
        run.summary = output.summary;
        run.text = output.text ?? null;
      }
      if (run.status === 'completed' && !run.conclusion)
        throw new HttpError(422, 'Invalid request.\n\nconclusion is required');
    };

    this.route('POST', '/repos/{owner}/{repo}/check-runs', (ctx) => {
      const repo = this.repoFor(ctx);
      if (typeof ctx.body.name !== 'string' || typeof ctx.body.head_sha !== 'string') {
        throw new HttpError(422, 'Invalid request.\n\n"name" and "head_sha" are required.');
      }
      const run: FakeCheckRun = {
        id: this.id(),
        name: ctx.body.name,
        headSha: ctx.body.head_sha,
        status: 'queued',
        conclusion: null,
        title: null,
        summary: null,
        text: null,
        externalId: null,
        detailsUrl: null,
        startedAt: (ctx.body.started_at as string | undefined) ?? now(),
        completedAt: null,
        appId: this.appId,
      };
      applyRun(run, ctx.body);
      repo.checkRuns.push(run);
      return { status: 201, body: runBody(repo, run) };
    });

    this.route('PATCH', '/repos/{owner}/{repo}/check-runs/{check_run_id}', (ctx) => {
      const repo = this.repoFor(ctx);
      const run = repo.checkRuns.find((r) => r.id === Number(ctx.params.check_run_id)) ?? notFound();
      applyRun(run, ctx.body);
      return { status: 200, body: runBody(repo, run) };
    });

    this.route('GET', '/repos/{owner}/{repo}/check-runs/{check_run_id}', (ctx) => {
      const repo = this.repoFor(ctx);
      const run = repo.checkRuns.find((r) => r.id === Number(ctx.params.check_run_id)) ?? notFound();
      return { status: 200, body: runBody(repo, run) };
    });

    this.route('GET', '/repos/{owner}/{repo}/commits/{ref}/check-runs', (ctx) => {
      const repo = this.repoFor(ctx);
      const name = ctx.query.get('check_name');
      const runs = repo.checkRuns.filter((r) => r.headSha === ctx.params.ref && (!name || r.name === name));
      const page = this.page(
        ctx,
        runs.map((r) => runBody(repo, r)),
      );
      return { ...page, body: { total_count: runs.length, check_runs: page.body } };
    });

    const issueBody = (repo: RepoState, i: FakeIssue) =>
      issue(i, this.pullContext(repo), (repo.comments.get(i.number) ?? []).length, false);

    this.route('GET', '/repos/{owner}/{repo}/issues', (ctx) => {
      const repo = this.repoFor(ctx);
      const state = ctx.query.get('state') ?? 'open';
      const labels = (ctx.query.get('labels') ?? '').split(',').filter(Boolean);
      const items = [...repo.issues.values()]
        .filter((i) => state === 'all' || i.state === state)
        .filter((i) => labels.every((l) => i.labels.includes(l)))
        .sort((a, b) => b.number - a.number);
      return this.page(
        ctx,
        items.map((i) => issueBody(repo, i)),
      );
    });

    this.route('POST', '/repos/{owner}/{repo}/issues', (ctx) => {
      const repo = this.repoFor(ctx);
      if (typeof ctx.body.title !== 'string' || !ctx.body.title)
        throw new HttpError(422, 'Validation Failed');
      const i = this.addIssue(`${repo.owner}/${repo.name}`, {
        title: ctx.body.title,
        ...(typeof ctx.body.body === 'string' ? { body: ctx.body.body } : {}),
        labels: Array.isArray(ctx.body.labels) ? (ctx.body.labels as string[]) : [],
        user: 'shiplog[bot]',
      });
      return { status: 201, body: issueBody(repo, i) };
    });

    this.route('GET', '/repos/{owner}/{repo}/issues/{issue_number}', (ctx) => {
      const repo = this.repoFor(ctx);
      const i = repo.issues.get(this.number(ctx.params.issue_number)) ?? notFound();
      return { status: 200, body: issueBody(repo, i) };
    });

    this.route('PATCH', '/repos/{owner}/{repo}/issues/{issue_number}', (ctx) => {
      const repo = this.repoFor(ctx);
      const i = repo.issues.get(this.number(ctx.params.issue_number)) ?? notFound();
      if (ctx.body.state === 'open' || ctx.body.state === 'closed') i.state = ctx.body.state;
      if (typeof ctx.body.title === 'string') i.title = ctx.body.title;
      if (typeof ctx.body.body === 'string') i.body = ctx.body.body;
      if (Array.isArray(ctx.body.labels)) i.labels = ctx.body.labels as string[];
      i.updatedAt = now();
      return { status: 200, body: issueBody(repo, i) };
    });

    const commentsOf = (repo: RepoState, number: number) => {
      if (!repo.issues.has(number) && !repo.pulls.has(number)) notFound();
      const list = repo.comments.get(number) ?? [];
      repo.comments.set(number, list);
      return list;
    };

    this.route('GET', '/repos/{owner}/{repo}/issues/{issue_number}/comments', (ctx) => {
      const repo = this.repoFor(ctx);
      const number = this.number(ctx.params.issue_number);
      return this.page(
        ctx,
        commentsOf(repo, number).map((c) => issueComment(c, number, repo, this.user(c.user), urls())),
      );
    });

    this.route('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments', (ctx) => {
      const repo = this.repoFor(ctx);
      const number = this.number(ctx.params.issue_number);
      if (typeof ctx.body.body !== 'string' || !ctx.body.body) throw new HttpError(422, 'Validation Failed');
      if (ctx.body.body.length > SUMMARY_LIMIT)
        throw new HttpError(422, 'Validation Failed: body is too long (maximum is 65536 characters)');
      const c: FakeComment = { id: this.id(), user: 'shiplog[bot]', body: ctx.body.body, createdAt: now() };
      commentsOf(repo, number).push(c);
      return { status: 201, body: issueComment(c, number, repo, this.user(c.user), urls()) };
    });

    this.route('POST', '/repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule', (ctx) => {
      const repo = this.repoFor(ctx);
      const { state, environment_name: env } = ctx.body;
      if ((state !== 'approved' && state !== 'rejected') || typeof env !== 'string') {
        throw new HttpError(
          422,
          'Invalid request.\n\n"environment_name" and "state" (approved|rejected) are required.',
        );
      }
      repo.protectionCallbacks.push({
        runId: Number(ctx.params.run_id),
        body: ctx.body,
        ...(ctx.token ? { token: ctx.token } : {}),
      });
      return { status: 204 };
    });

    this.route('GET', '/repos/{owner}/{repo}/actions/runs/{run_id}/approvals', (ctx) => {
      const repo = this.repoFor(ctx);
      const approvals = repo.runApprovals.get(this.number(ctx.params.run_id)) ?? [];
      // Not paginated on GitHub: the whole review log in one answer
      return {
        status: 200,
        body: approvals.map((a) => environmentApproval(a, repo, this.user(a.user), urls())),
      };
    });

    // Newest first, as GitHub lists them; environment, sha, ref and task filter exactly
    this.route('GET', '/repos/{owner}/{repo}/deployments', (ctx) => {
      const repo = this.repoFor(ctx);
      const filters = (['environment', 'sha', 'ref', 'task'] as const)
        .map((k) => [k, ctx.query.get(k)] as const)
        .filter(([, v]) => v !== null);
      const list = repo.deployments
        .filter((d) => filters.every(([k, v]) => d[k] === v))
        .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id - a.id);
      return this.page(
        ctx,
        list.map((d) => deploymentObject(d, repo, this.user(d.creator), urls())),
      );
    });

    this.route('GET', '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses', (ctx) => {
      const repo = this.repoFor(ctx);
      const d = repo.deployments.find((x) => x.id === this.number(ctx.params.deployment_id)) ?? notFound();
      const newestFirst = [...d.statuses].reverse();
      return this.page(
        ctx,
        newestFirst.map((s) => deploymentStatus(s, d, repo, this.user(s.creator), urls())),
      );
    });

    // Cursor pagination: the Link header's next page starts at an opaque cursor, not a page number
    this.route('GET', '/app/hook/deliveries', (ctx) => {
      const perPage = Math.min(Math.max(Number(ctx.query.get('per_page') ?? 30) || 30, 1), 100);
      const status = ctx.query.get('status');
      const list = this.hookDeliveries
        .filter((d) => {
          const ok = d.statusCode >= 200 && d.statusCode < 400;
          return status === 'success' ? ok : status === 'failure' ? !ok : true;
        })
        .sort((a, b) => Date.parse(b.deliveredAt) - Date.parse(a.deliveredAt) || b.id - a.id);
      const cursor = ctx.query.get('cursor');
      let start = 0;
      if (cursor) {
        const id = /^v1_(\d+)$/.exec(cursor)?.[1];
        start = list.findIndex((d) => String(d.id) === id);
        if (start < 0) throw new HttpError(422, 'Invalid cursor');
      }
      const slice = list.slice(start, start + perPage);
      const next = list[start + perPage];
      const headers: Record<string, string> = {};
      if (next) {
        const q = new URLSearchParams(ctx.query);
        q.set('per_page', String(perPage));
        q.set('cursor', `v1_${next.id}`);
        headers.link = `<${ctx.selfUrl}?${q.toString()}>; rel="next"`;
      }
      return { status: 200, body: slice.map((d) => hookDelivery(d)), headers };
    });

    this.route('POST', '/app/hook/deliveries/{delivery_id}/attempts', (ctx) => {
      const original =
        this.hookDeliveries.find((d) => d.id === this.number(ctx.params.delivery_id)) ?? notFound();
      const again = this.addDelivery({
        guid: original.guid,
        redelivery: true,
        event: original.event,
        action: original.action,
        installationId: original.installationId,
        repositoryId: original.repositoryId,
        ...this.redeliveryAnswer,
      });
      this.redeliveries.push({ deliveryId: original.id, guid: original.guid, newId: again.id });
      return { status: 202, body: {} };
    });
  }
}

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const gh = new FakeGitHub(options);
  await gh.listen();
  return gh;
}
