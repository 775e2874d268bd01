/**
 * GitHub-shaped REST objects built from the fake's state. Each starts from the OpenAPI skeleton
 * (every required field present) and overrides what a scenario cares about, so a field GitHub
 * adds later still validates and the fake never drifts into a shape of its own.
 */
import { createHash } from 'node:crypto';
import { fromSchema } from './openapi.ts';

export type Role = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';
export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';
export type FileStatus = 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';

export interface FakeUser {
  login: string;
  id: number;
  type: 'User' | 'Bot' | 'Organization';
}

export interface FakeFile {
  filename: string;
  status: FileStatus;
  previous_filename?: string;
  additions: number;
  deletions: number;
  sha: string;
}

export interface FakeReview {
  id: number;
  user: string;
  state: ReviewState;
  commitId: string | null;
  submittedAt?: string;
  body: string;
}

export interface FakePull {
  number: number;
  id: number;
  title: string;
  body: string | null;
  user: string;
  headSha: string;
  headRef: string;
  baseRef: string;
  baseSha: string;
  state: 'open' | 'closed';
  draft: boolean;
  merged: boolean;
  mergeCommitSha: string | null;
  mergedBy: string | null;
  mergedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** The count GitHub reports; defaults to files.length (set higher to model a truncated list). */
  changedFiles?: number;
  files: FakeFile[];
  reviews: FakeReview[];
  labels: string[];
  /** The PR's commits, oldest first (`GET …/pulls/{n}/commits`); unset: just the head, by the author. */
  commitShas?: string[];
  /** Timeline events GitHub stamps itself (`GET …/issues/{n}/timeline`), oldest first. */
  timeline?: {
    id: number;
    event: 'base_ref_changed' | 'head_ref_force_pushed';
    actor: string;
    createdAt: string;
  }[];
}

export interface FakeComment {
  id: number;
  user: string;
  body: string;
  createdAt: string;
}

export interface FakeIssue {
  number: number;
  id: number;
  title: string;
  body: string | null;
  user: string;
  state: 'open' | 'closed';
  labels: string[];
  createdAt: string;
  updatedAt: string;
}

export interface FakeCheckRun {
  id: number;
  name: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  title: string | null;
  summary: string | null;
  text: string | null;
  externalId: string | null;
  detailsUrl: string | null;
  startedAt: string;
  completedAt: string | null;
  appId: number;
}

/** A commit in the fake's graph. */
export interface FakeCommit {
  sha: string;
  parents: string[];
  message: string;
  /** The account GitHub links the commit to (by the author's email), or null when none matches. */
  author: string | null;
  /** The account linked to the committer, when it differs from the author (undefined: same as author). */
  committer?: string | null;
  authorName: string;
  authorEmail: string;
  date: string;
  /** Order of creation: the fake's "chronological" order, parents always before children. */
  index: number;
}

export interface FakeRepoInfo {
  id: number;
  owner: string;
  name: string;
  defaultBranch: string;
  private: boolean;
}

/** Where links in objects point: the fake's own API for `url`s, a github.com-like host for pages. */
export interface Urls {
  api: string;
  html: string;
}

export function nodeId(kind: string, id: number): string {
  return Buffer.from(`${kind}${id}`).toString('base64').replace(/=+$/, '');
}

export function simpleUser(u: FakeUser, urls: Urls): Record<string, unknown> {
  const api = `${urls.api}/users/${u.login}`;
  return {
    login: u.login,
    id: u.id,
    node_id: nodeId(u.type === 'Bot' ? 'BOT_' : 'U_', u.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${u.id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: `${urls.html}/${u.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: u.type,
    user_view_type: 'public',
    site_admin: false,
  };
}

export function repository(repo: FakeRepoInfo, owner: FakeUser, urls: Urls, schema = 'repository') {
  const api = `${urls.api}/repos/${repo.owner}/${repo.name}`;
  return fromSchema(schema, {
    id: repo.id,
    node_id: nodeId('R_', repo.id),
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    owner: simpleUser(owner, urls),
    private: repo.private,
    visibility: repo.private ? 'private' : 'public',
    html_url: `${urls.html}/${repo.owner}/${repo.name}`,
    url: api,
    clone_url: `${urls.html}/${repo.owner}/${repo.name}.git`,
    git_url: `git://${new URL(urls.html).host}/${repo.owner}/${repo.name}.git`,
    ssh_url: `git@${new URL(urls.html).host}:${repo.owner}/${repo.name}.git`,
    svn_url: `${urls.html}/${repo.owner}/${repo.name}`,
    pulls_url: `${api}/pulls{/number}`,
    issues_url: `${api}/issues{/number}`,
    default_branch: repo.defaultBranch,
    description: null,
    homepage: null,
    mirror_url: null,
    language: 'TypeScript',
    archived: false,
    disabled: false,
    fork: false,
    created_at: '2023-01-10T09:00:00Z',
    updated_at: '2024-05-01T12:00:00Z',
    pushed_at: '2024-05-01T12:00:00Z',
  });
}

export function label(name: string, repo: FakeRepoInfo, urls: Urls) {
  const id = 100000 + [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 1000000, 7);
  return {
    id,
    node_id: nodeId('LA_', id),
    url: `${urls.api}/repos/${repo.owner}/${repo.name}/labels/${encodeURIComponent(name)}`,
    name,
    description: null,
    color: 'ededed',
    default: false,
  };
}

interface PullContext {
  repo: FakeRepoInfo;
  repoObject: Record<string, unknown>;
  user: (login: string) => FakeUser;
  urls: Urls;
}

function pullLinks(pr: FakePull, ctx: PullContext) {
  const api = `${ctx.urls.api}/repos/${ctx.repo.owner}/${ctx.repo.name}`;
  const html = `${ctx.urls.html}/${ctx.repo.owner}/${ctx.repo.name}`;
  return {
    url: `${api}/pulls/${pr.number}`,
    html_url: `${html}/pull/${pr.number}`,
    diff_url: `${html}/pull/${pr.number}.diff`,
    patch_url: `${html}/pull/${pr.number}.patch`,
    issue_url: `${api}/issues/${pr.number}`,
    commits_url: `${api}/pulls/${pr.number}/commits`,
    review_comments_url: `${api}/pulls/${pr.number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pr.number}/comments`,
    statuses_url: `${api}/statuses/${pr.headSha}`,
    _links: {
      self: { href: `${api}/pulls/${pr.number}` },
      html: { href: `${html}/pull/${pr.number}` },
      issue: { href: `${api}/issues/${pr.number}` },
      comments: { href: `${api}/issues/${pr.number}/comments` },
      review_comments: { href: `${api}/pulls/${pr.number}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${api}/pulls/${pr.number}/commits` },
      statuses: { href: `${api}/statuses/${pr.headSha}` },
    },
  };
}

/** `pull-request-simple` (lists) or the full `pull-request` (GET one PR). */
export function pullRequest(pr: FakePull, ctx: PullContext, full: boolean) {
  const author = simpleUser(ctx.user(pr.user), ctx.urls);
  const ownerUser = simpleUser(ctx.user(ctx.repo.owner), ctx.urls);
  const base = {
    id: pr.id,
    node_id: nodeId('PR_', pr.id),
    ...pullLinks(pr, ctx),
    number: pr.number,
    state: pr.state,
    locked: false,
    title: pr.title,
    user: author,
    body: pr.body,
    labels: pr.labels.map((name) => label(name, ctx.repo, ctx.urls)),
    milestone: null,
    active_lock_reason: null,
    created_at: pr.createdAt,
    updated_at: pr.updatedAt,
    closed_at: pr.state === 'closed' ? (pr.mergedAt ?? pr.updatedAt) : null,
    merged_at: pr.mergedAt,
    merge_commit_sha: pr.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: {
      label: `${ctx.repo.owner}:${pr.headRef}`,
      ref: pr.headRef,
      sha: pr.headSha,
      user: ownerUser,
      repo: ctx.repoObject,
    },
    base: {
      label: `${ctx.repo.owner}:${pr.baseRef}`,
      ref: pr.baseRef,
      sha: pr.baseSha,
      user: ownerUser,
      repo: ctx.repoObject,
    },
    author_association: pr.user === ctx.repo.owner ? 'OWNER' : 'MEMBER',
    auto_merge: null,
    draft: pr.draft,
  };
  if (!full) return fromSchema('pull-request-simple', base);
  return fromSchema('pull-request', {
    ...base,
    merged: pr.merged,
    mergeable: pr.state === 'open' ? true : null,
    rebaseable: pr.state === 'open' ? true : null,
    mergeable_state: pr.state === 'open' ? 'clean' : 'unknown',
    merged_by: pr.mergedBy ? simpleUser(ctx.user(pr.mergedBy), ctx.urls) : null,
    comments: 0,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: pr.commitShas?.length ?? 1,
    additions: pr.files.reduce((n, f) => n + f.additions, 0),
    deletions: pr.files.reduce((n, f) => n + f.deletions, 0),
    changed_files: pr.changedFiles ?? pr.files.length,
  });
}

export function diffEntry(file: FakeFile, pr: FakePull, repo: FakeRepoInfo, urls: Urls) {
  const path = file.filename.split('/').map(encodeURIComponent).join('/');
  const html = `${urls.html}/${repo.owner}/${repo.name}`;
  return {
    sha: file.status === 'removed' ? '0000000000000000000000000000000000000000' : file.sha,
    filename: file.filename,
    status: file.status,
    additions: file.additions,
    deletions: file.deletions,
    changes: file.additions + file.deletions,
    blob_url: `${html}/blob/${pr.headSha}/${path}`,
    raw_url: `${html}/raw/${pr.headSha}/${path}`,
    contents_url: `${urls.api}/repos/${repo.owner}/${repo.name}/contents/${path}?ref=${pr.headSha}`,
    patch: `@@ -1,${file.deletions} +1,${file.additions} @@`,
    ...(file.previous_filename !== undefined ? { previous_filename: file.previous_filename } : {}),
  };
}

export function review(r: FakeReview, pr: FakePull, repo: FakeRepoInfo, user: FakeUser, urls: Urls) {
  const html = `${urls.html}/${repo.owner}/${repo.name}/pull/${pr.number}`;
  const api = `${urls.api}/repos/${repo.owner}/${repo.name}/pulls/${pr.number}`;
  return {
    id: r.id,
    node_id: nodeId('PRR_', r.id),
    user: simpleUser(user, urls),
    body: r.body,
    state: r.state,
    html_url: `${html}#pullrequestreview-${r.id}`,
    pull_request_url: api,
    author_association: 'MEMBER',
    _links: { html: { href: `${html}#pullrequestreview-${r.id}` }, pull_request: { href: api } },
    ...(r.submittedAt !== undefined ? { submitted_at: r.submittedAt } : {}),
    commit_id: r.commitId,
  };
}

/** A `commit` object (compare, GET a commit); `detail` adds stats and files as GET a commit does. */
export function commit(
  c: FakeCommit,
  repo: FakeRepoInfo,
  author: FakeUser | null,
  urls: Urls,
  detail = false,
  committer: FakeUser | null = author,
) {
  const api = `${urls.api}/repos/${repo.owner}/${repo.name}`;
  const html = `${urls.html}/${repo.owner}/${repo.name}`;
  const who = { name: c.authorName, email: c.authorEmail, date: c.date };
  const user = author ? simpleUser(author, urls) : null;
  const tree = createHash('sha1').update(`tree ${c.sha}`).digest('hex');
  return fromSchema('commit', {
    url: `${api}/commits/${c.sha}`,
    sha: c.sha,
    node_id: Buffer.from(`C_${c.sha}`).toString('base64').replace(/=+$/, ''),
    html_url: `${html}/commit/${c.sha}`,
    comments_url: `${api}/commits/${c.sha}/comments`,
    commit: {
      url: `${api}/git/commits/${c.sha}`,
      author: who,
      committer: who,
      message: c.message,
      comment_count: 0,
      tree: { sha: tree, url: `${api}/git/trees/${tree}` },
      verification: {
        verified: false,
        reason: 'unsigned',
        payload: null,
        signature: null,
        verified_at: null,
      },
    },
    author: user,
    committer: committer ? simpleUser(committer, urls) : null,
    parents: c.parents.map((p) => ({ sha: p, url: `${api}/commits/${p}`, html_url: `${html}/commit/${p}` })),
    ...(detail ? { stats: { additions: 1, deletions: 0, total: 1 }, files: [] } : {}),
  });
}

export function issue(i: FakeIssue, ctx: PullContext, comments: number, isPull: boolean) {
  const api = `${ctx.urls.api}/repos/${ctx.repo.owner}/${ctx.repo.name}`;
  const html = `${ctx.urls.html}/${ctx.repo.owner}/${ctx.repo.name}`;
  return fromSchema('issue', {
    id: i.id,
    node_id: nodeId(isPull ? 'PR_' : 'I_', i.id),
    url: `${api}/issues/${i.number}`,
    repository_url: api,
    labels_url: `${api}/issues/${i.number}/labels{/name}`,
    comments_url: `${api}/issues/${i.number}/comments`,
    events_url: `${api}/issues/${i.number}/events`,
    html_url: `${html}/${isPull ? 'pull' : 'issues'}/${i.number}`,
    number: i.number,
    state: i.state,
    title: i.title,
    body: i.body,
    user: simpleUser(ctx.user(i.user), ctx.urls),
    labels: i.labels.map((name) => label(name, ctx.repo, ctx.urls)),
    assignee: null,
    assignees: [],
    milestone: null,
    locked: false,
    active_lock_reason: null,
    comments,
    closed_at: i.state === 'closed' ? i.updatedAt : null,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
    author_association: 'MEMBER',
    ...(isPull
      ? {
          pull_request: {
            url: `${api}/pulls/${i.number}`,
            html_url: `${html}/pull/${i.number}`,
            diff_url: `${html}/pull/${i.number}.diff`,
            patch_url: `${html}/pull/${i.number}.patch`,
            merged_at: null,
          },
        }
      : {}),
  });
}

export function issueComment(
  c: FakeComment,
  issueNumber: number,
  repo: FakeRepoInfo,
  user: FakeUser,
  urls: Urls,
) {
  const api = `${urls.api}/repos/${repo.owner}/${repo.name}`;
  return fromSchema('issue-comment', {
    id: c.id,
    node_id: nodeId('IC_', c.id),
    url: `${api}/issues/comments/${c.id}`,
    html_url: `${urls.html}/${repo.owner}/${repo.name}/issues/${issueNumber}#issuecomment-${c.id}`,
    issue_url: `${api}/issues/${issueNumber}`,
    body: c.body,
    user: simpleUser(user, urls),
    created_at: c.createdAt,
    updated_at: c.createdAt,
    author_association: 'MEMBER',
  });
}

export function app(appId: number, owner: FakeUser, urls: Urls) {
  return fromSchema('integration', {
    id: appId,
    slug: 'shiplog',
    node_id: nodeId('A_', appId),
    owner: simpleUser(owner, urls),
    name: 'shiplog',
    description: 'Signed change ledger and approval gates',
    external_url: 'https://example.com/shiplog',
    html_url: `${urls.html}/apps/shiplog`,
    created_at: '2023-01-10T09:00:00Z',
    updated_at: '2024-05-01T12:00:00Z',
    permissions: {
      checks: 'write',
      pull_requests: 'read',
      contents: 'read',
      members: 'read',
      metadata: 'read',
    },
    events: ['pull_request', 'pull_request_review', 'check_run', 'check_suite', 'merge_group'],
  });
}

export function checkRun(
  run: FakeCheckRun,
  repo: FakeRepoInfo,
  appObject: Record<string, unknown>,
  urls: Urls,
) {
  return fromSchema('check-run', {
    id: run.id,
    node_id: nodeId('CR_', run.id),
    head_sha: run.headSha,
    external_id: run.externalId ?? '',
    url: `${urls.api}/repos/${repo.owner}/${repo.name}/check-runs/${run.id}`,
    html_url: `${urls.html}/${repo.owner}/${repo.name}/runs/${run.id}`,
    details_url: run.detailsUrl ?? `${urls.html}/apps/shiplog`,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: {
      title: run.title,
      summary: run.summary,
      text: run.text,
      annotations_count: 0,
      annotations_url: `${urls.api}/repos/${repo.owner}/${repo.name}/check-runs/${run.id}/annotations`,
    },
    name: run.name,
    check_suite: { id: 5000000 + run.id },
    app: appObject,
    pull_requests: [],
  });
}

export function installation(id: number, appId: number, account: FakeUser, urls: Urls) {
  return fromSchema('installation', {
    id,
    account: simpleUser(account, urls),
    repository_selection: 'all',
    access_tokens_url: `${urls.api}/app/installations/${id}/access_tokens`,
    repositories_url: `${urls.api}/installation/repositories`,
    html_url: `${urls.html}/settings/installations/${id}`,
    app_id: appId,
    app_slug: 'shiplog',
    target_id: account.id,
    target_type: account.type === 'Organization' ? 'Organization' : 'User',
    permissions: {
      checks: 'write',
      pull_requests: 'read',
      contents: 'read',
      members: 'read',
      metadata: 'read',
    },
    events: ['pull_request', 'pull_request_review'],
    created_at: '2023-01-10T09:00:00Z',
    updated_at: '2024-05-01T12:00:00Z',
    single_file_name: null,
    suspended_by: null,
    suspended_at: null,
  });
}

export type DeploymentStatusState =
  'error' | 'failure' | 'inactive' | 'pending' | 'success' | 'queued' | 'in_progress';

export interface FakeDeploymentStatus {
  id: number;
  state: DeploymentStatusState;
  createdAt: string;
  creator: string;
  /** A workflow run's page (…/actions/runs/<id>/job/<id>) for statuses GitHub Actions sets. */
  logUrl?: string;
  description: string;
}

export interface FakeDeployment {
  id: number;
  sha: string;
  ref: string;
  task: string;
  environment: string;
  creator: string;
  createdAt: string;
  /** Oldest first, as they were set. */
  statuses: FakeDeploymentStatus[];
}

export function deployment(d: FakeDeployment, repo: FakeRepoInfo, creator: FakeUser, urls: Urls) {
  const api = `${urls.api}/repos/${repo.owner}/${repo.name}`;
  return fromSchema('deployment', {
    url: `${api}/deployments/${d.id}`,
    id: d.id,
    node_id: nodeId('DE_', d.id),
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: {},
    original_environment: d.environment,
    environment: d.environment,
    description: null,
    creator: simpleUser(creator, urls),
    created_at: d.createdAt,
    updated_at: d.statuses.at(-1)?.createdAt ?? d.createdAt,
    statuses_url: `${api}/deployments/${d.id}/statuses`,
    repository_url: api,
    transient_environment: false,
    production_environment: d.environment === 'production',
  });
}

export function deploymentStatus(
  s: FakeDeploymentStatus,
  d: FakeDeployment,
  repo: FakeRepoInfo,
  creator: FakeUser,
  urls: Urls,
) {
  const api = `${urls.api}/repos/${repo.owner}/${repo.name}`;
  // GitHub copies log_url into the deprecated target_url; the schema wants a URL there either way.
  const target =
    s.logUrl ?? `${urls.html}/${repo.owner}/${repo.name}/deployments/${encodeURIComponent(d.environment)}`;
  return fromSchema('deployment-status', {
    url: `${api}/deployments/${d.id}/statuses/${s.id}`,
    id: s.id,
    node_id: nodeId('DES_', s.id),
    state: s.state,
    creator: simpleUser(creator, urls),
    description: s.description,
    environment: d.environment,
    target_url: target,
    ...(s.logUrl !== undefined ? { log_url: s.logUrl } : {}),
    created_at: s.createdAt,
    updated_at: s.createdAt,
    deployment_url: `${api}/deployments/${d.id}`,
    repository_url: api,
  });
}

export interface FakeRunApproval {
  user: string;
  state: 'approved' | 'rejected' | 'pending';
  comment: string;
  /** Names of the environments the review was for. */
  environments: string[];
}

/** One entry of a run's environment review log (`GET …/actions/runs/{run_id}/approvals`). */
export function environmentApproval(a: FakeRunApproval, repo: FakeRepoInfo, user: FakeUser, urls: Urls) {
  return fromSchema('environment-approvals', {
    environments: a.environments.map((name) => {
      const id = 56780000 + [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 10000, 11);
      return {
        id,
        node_id: nodeId('EN_', id),
        name,
        url: `${urls.api}/repos/${repo.owner}/${repo.name}/environments/${encodeURIComponent(name)}`,
        html_url: `${urls.html}/${repo.owner}/${repo.name}/deployments/activity_log?environments_filter=${encodeURIComponent(name)}`,
        created_at: '2023-01-10T09:00:00Z',
        updated_at: '2024-05-01T12:00:00Z',
      };
    }),
    state: a.state,
    user: simpleUser(user, urls),
    comment: a.comment,
  });
}

export interface FakeDelivery {
  id: number;
  guid: string;
  deliveredAt: string;
  redelivery: boolean;
  /** `OK`, or what went wrong: `Invalid HTTP Response: 503`, `timed out`, `failed to connect`. */
  status: string;
  statusCode: number;
  event: string;
  action: string | null;
  installationId: number | null;
  repositoryId: number | null;
}

/** A `hook-delivery-item` of the app's webhook. */
export function hookDelivery(d: FakeDelivery) {
  return fromSchema('hook-delivery-item', {
    id: d.id,
    guid: d.guid,
    delivered_at: d.deliveredAt,
    redelivery: d.redelivery,
    duration: d.statusCode === 0 ? 10 : 0.05,
    status: d.status,
    status_code: d.statusCode,
    event: d.event,
    action: d.action,
    installation_id: d.installationId,
    repository_id: d.repositoryId,
    throttled_at: null,
  });
}
