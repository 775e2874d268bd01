/**
 * Builders for GitHub REST objects in their real shapes (as in GitHub's OpenAPI examples): pull
 * request, PR file (diff entry) and review. Tests build snapshots from these, so the snapshot
 * parser is exercised on the same fields the live API returns.
 */
import type { Directory, Permission } from '../../src/policy/model.ts';

export const REPO = 'acme/payments';
export const HEAD = '6dcb09b5b57875f334f61aebed695e2e4193db5e';
export const OLD_HEAD = 'ecdd80bb57125d7ba9641ffaa4d7d2c19d3f3091';
const BASE = '2f7a4cbd0b7c1f3e8d9a6b5c4d3e2f1a0b9c8d7e';

const ids = new Map<string, number>();
function idOf(login: string): number {
  if (!ids.has(login)) ids.set(login, 1000 + ids.size);
  return ids.get(login)!;
}

export function ghUser(
  login: string,
  type: 'User' | 'Bot' | 'Organization' = 'User',
): Record<string, unknown> {
  const id = idOf(login);
  return {
    login,
    id,
    node_id: Buffer.from(`04:User${id}`).toString('base64'),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url: `https://api.github.com/users/${login}`,
    html_url: `https://github.com/${login}`,
    followers_url: `https://api.github.com/users/${login}/followers`,
    following_url: `https://api.github.com/users/${login}/following{/other_user}`,
    gists_url: `https://api.github.com/users/${login}/gists{/gist_id}`,
    starred_url: `https://api.github.com/users/${login}/starred{/owner}{/repo}`,
    subscriptions_url: `https://api.github.com/users/${login}/subscriptions`,
    organizations_url: `https://api.github.com/users/${login}/orgs`,
    repos_url: `https://api.github.com/users/${login}/repos`,
    events_url: `https://api.github.com/users/${login}/events{/privacy}`,
    received_events_url: `https://api.github.com/users/${login}/received_events`,
    type,
    user_view_type: 'public',
    site_admin: false,
  };
}

export function ghPullRequest(opts: {
  number?: number;
  author?: string;
  headSha?: string;
  changedFiles?: number;
}): Record<string, unknown> {
  const number = opts.number ?? 42;
  const author = opts.author ?? 'dora';
  const url = `https://api.github.com/repos/${REPO}/pulls/${number}`;
  return {
    url,
    id: 1_800_000_000 + number,
    node_id: 'PR_kwDOAbCdEs5rStUv',
    html_url: `https://github.com/${REPO}/pull/${number}`,
    diff_url: `https://github.com/${REPO}/pull/${number}.diff`,
    patch_url: `https://github.com/${REPO}/pull/${number}.patch`,
    issue_url: `https://api.github.com/repos/${REPO}/issues/${number}`,
    number,
    state: 'open',
    locked: false,
    title: 'Add refunds table and production config',
    user: ghUser(author),
    body: 'Adds the refunds table.',
    created_at: '2026-11-20T09:00:00Z',
    updated_at: '2026-11-21T10:00:00Z',
    closed_at: null,
    merged_at: null,
    merge_commit_sha: null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    labels: [],
    milestone: null,
    draft: false,
    head: {
      label: `acme:${author}/refunds`,
      ref: `${author}/refunds`,
      sha: opts.headSha ?? HEAD,
      user: ghUser('acme', 'Organization'),
    },
    base: { label: 'acme:main', ref: 'main', sha: BASE, user: ghUser('acme', 'Organization') },
    author_association: 'MEMBER',
    auto_merge: null,
    merged: false,
    mergeable: true,
    mergeable_state: 'blocked',
    comments: 0,
    review_comments: 1,
    maintainer_can_modify: false,
    commits: 3,
    additions: 120,
    deletions: 4,
    changed_files: opts.changedFiles ?? 0,
  };
}

export function ghFile(
  filename: string,
  status: 'added' | 'removed' | 'modified' | 'renamed' = 'modified',
  previousFilename?: string,
): Record<string, unknown> {
  const file: Record<string, unknown> = {
    sha: 'bbcd538c8e72b8c175046e27cc8f907076331401',
    filename,
    status,
    additions: status === 'removed' ? 0 : 10,
    deletions: status === 'added' ? 0 : 2,
    changes: status === 'removed' ? 2 : 12,
    blob_url: `https://github.com/${REPO}/blob/${HEAD}/${filename}`,
    raw_url: `https://github.com/${REPO}/raw/${HEAD}/${filename}`,
    contents_url: `https://api.github.com/repos/${REPO}/contents/${filename}?ref=${HEAD}`,
    patch: '@@ -1,2 +1,10 @@',
  };
  if (previousFilename !== undefined) file.previous_filename = previousFilename;
  return file;
}

let reviewIds = 2_000_000;
let clock = Date.parse('2026-11-21T10:00:00Z');

/** A submitted review; each one is a minute after the previous, like a real history. */
export function ghReview(
  login: string | null,
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING',
  opts: { commitId?: string | null; type?: 'User' | 'Bot'; number?: number } = {},
): Record<string, unknown> {
  const id = ++reviewIds;
  clock += 60_000;
  const number = opts.number ?? 42;
  const html = `https://github.com/${REPO}/pull/${number}#pullrequestreview-${id}`;
  const review: Record<string, unknown> = {
    id,
    node_id: `PRR_kwDOAbCd${id}`,
    user: login === null ? null : ghUser(login, opts.type ?? 'User'),
    body: state === 'COMMENTED' ? 'One question inline.' : '',
    state,
    html_url: html,
    pull_request_url: `https://api.github.com/repos/${REPO}/pulls/${number}`,
    _links: {
      html: { href: html },
      pull_request: { href: `https://api.github.com/repos/${REPO}/pulls/${number}` },
    },
    commit_id: opts.commitId === undefined ? HEAD : opts.commitId,
    author_association: 'MEMBER',
  };
  // Pending reviews have not been submitted, and GitHub leaves the field out.
  if (state !== 'PENDING') review.submitted_at = new Date(clock).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return review;
}

export interface SnapshotParts {
  pr?: Parameters<typeof ghPullRequest>[0];
  files: Record<string, unknown>[];
  reviews?: Record<string, unknown>[];
  teams?: Record<string, string[]>;
  permissions?: Record<string, Permission>;
}

/** A snapshot file's content; changed_files defaults to the number of files given. */
export function ghSnapshot(parts: SnapshotParts): Record<string, unknown> {
  return {
    pull_request: ghPullRequest({ changedFiles: parts.files.length, ...parts.pr }),
    files: parts.files,
    reviews: parts.reviews ?? [],
    teams: parts.teams ?? {},
    permissions: parts.permissions ?? {},
  };
}

/** Wraps a Directory and counts what it is asked, to check that evaluation asks little. */
export function countingDirectory(inner: Directory): Directory & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    permission: (login) => {
      calls.push(`permission:${login}`);
      return inner.permission(login);
    },
    isTeamMember: (team, login) => {
      calls.push(`team:${team}:${login}`);
      return inner.isTeamMember(team, login);
    },
    ...(inner.teamMembers
      ? {
          teamMembers: (team: string, maxPages: number) => {
            calls.push(`list:${team}:${maxPages}`);
            return inner.teamMembers!(team, maxPages);
          },
        }
      : {}),
  };
}
