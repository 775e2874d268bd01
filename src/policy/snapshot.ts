/**
 * Offline evaluation input: a JSON snapshot of one pull request in GitHub's own REST shapes
 * (`{ pull_request, files, reviews, teams, permissions }`), so people can try a policy before they
 * merge it. Parsed once here into an EvaluationInput and a Directory backed by the snapshot's maps.
 */
import { ShiplogError } from '../errors.ts';
import type {
  ChangedFile,
  Directory,
  EvaluationInput,
  GitHubReview,
  Permission,
  ReviewState,
} from './model.ts';

export const MAX_SNAPSHOT_BYTES = 100 * 1024 * 1024;
const MAX_FILES = 100_000;
const MAX_REVIEWS = 10_000;

const PERMISSIONS: readonly Permission[] = ['admin', 'maintain', 'write', 'triage', 'read', 'none'];
const REVIEW_STATES: readonly ReviewState[] = [
  'APPROVED',
  'CHANGES_REQUESTED',
  'COMMENTED',
  'DISMISSED',
  'PENDING',
];

export interface Snapshot {
  input: EvaluationInput;
  /** Team slug (lower case) → member logins (lower case). */
  teams: Map<string, Set<string>>;
  /** Login (lower case) → permission; logins not listed have none. */
  permissions: Map<string, Permission>;
}

export function parseSnapshot(text: string, source: string): Snapshot {
  if (Buffer.byteLength(text, 'utf8') > MAX_SNAPSHOT_BYTES) {
    throw new ShiplogError('BAD_SNAPSHOT', `${source}: snapshot is larger than 100 MB`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ShiplogError('BAD_SNAPSHOT', `${source}: not valid JSON: ${(e as Error).message}`);
  }
  return snapshotFromObject(value, source);
}

export function snapshotFromObject(value: unknown, source: string): Snapshot {
  const at = new Reader(source);
  const root = at.object(value, 'snapshot');

  const pr = at.object(root.pull_request, 'pull_request');
  const number = at.integer(pr.number, 'pull_request.number', 1);
  const author = at.object(pr.user, 'pull_request.user');
  const head = at.object(pr.head, 'pull_request.head');
  const pullRequest: EvaluationInput['pullRequest'] = {
    number,
    author: at.string(author.login, 'pull_request.user.login'),
    headSha: at.sha(head.sha, 'pull_request.head.sha'),
  };
  if (pr.changed_files !== undefined)
    pullRequest.changedFiles = at.integer(pr.changed_files, 'pull_request.changed_files', 0);

  const files = at.array(root.files, 'files', MAX_FILES).map((raw, i): ChangedFile => {
    const f = at.object(raw, `files[${i}]`);
    const file: ChangedFile = { filename: at.string(f.filename, `files[${i}].filename`) };
    if (f.previous_filename !== undefined && f.previous_filename !== null) {
      file.previous_filename = at.string(f.previous_filename, `files[${i}].previous_filename`);
    }
    if (f.status !== undefined) file.status = at.string(f.status, `files[${i}].status`);
    return file;
  });

  const reviews = at.array(root.reviews, 'reviews', MAX_REVIEWS).map((raw, i): GitHubReview => {
    const r = at.object(raw, `reviews[${i}]`);
    let user: GitHubReview['user'] = null;
    if (r.user !== null) {
      const u = at.object(r.user, `reviews[${i}].user`);
      user = {
        login: at.string(u.login, `reviews[${i}].user.login`),
        id: at.integer(u.id, `reviews[${i}].user.id`, 0),
        type: at.string(u.type, `reviews[${i}].user.type`),
      };
    }
    const review: GitHubReview = {
      id: at.integer(r.id, `reviews[${i}].id`, 0),
      user,
      state: at.oneOf(r.state, `reviews[${i}].state`, REVIEW_STATES),
      commit_id:
        r.commit_id === null || r.commit_id === undefined
          ? null
          : at.string(r.commit_id, `reviews[${i}].commit_id`),
    };
    if (r.submitted_at !== undefined && r.submitted_at !== null) {
      review.submitted_at = at.string(r.submitted_at, `reviews[${i}].submitted_at`);
    }
    return review;
  });

  const teams = new Map<string, Set<string>>();
  if (root.teams !== undefined) {
    for (const [slug, members] of Object.entries(at.object(root.teams, 'teams'))) {
      const logins = at
        .array(members, `teams.${slug}`, MAX_REVIEWS)
        .map((m, i) => at.string(m, `teams.${slug}[${i}]`));
      teams.set(slug.toLowerCase(), new Set(logins.map((l) => l.toLowerCase())));
    }
  }
  const permissions = new Map<string, Permission>();
  if (root.permissions !== undefined) {
    for (const [login, perm] of Object.entries(at.object(root.permissions, 'permissions'))) {
      permissions.set(login.toLowerCase(), at.oneOf(perm, `permissions.${login}`, PERMISSIONS));
    }
  }

  const input: EvaluationInput = { pullRequest, files, reviews };
  if (root.files_truncated !== undefined)
    input.filesTruncated = at.boolean(root.files_truncated, 'files_truncated');
  return { input, teams, permissions };
}

/** The snapshot's answers to the Directory's questions; anyone unlisted has no access. */
export function snapshotDirectory(snapshot: Pick<Snapshot, 'teams' | 'permissions'>): Directory {
  return {
    permission: (login) => Promise.resolve(snapshot.permissions.get(login.toLowerCase()) ?? 'none'),
    isTeamMember: (slug, login) =>
      Promise.resolve(snapshot.teams.get(slug.toLowerCase())?.has(login.toLowerCase()) ?? false),
  };
}

/** Field readers that name the offending field, so a hand-edited snapshot is easy to fix. */
class Reader {
  constructor(private readonly source: string) {}

  private fail(field: string, expected: string, got: unknown): never {
    throw new ShiplogError(
      'BAD_SNAPSHOT',
      `${this.source}: ${field} must be ${expected} (got ${describe(got)})`,
    );
  }

  object(v: unknown, field: string): Record<string, unknown> {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.fail(field, 'an object', v);
    return v as Record<string, unknown>;
  }

  array(v: unknown, field: string, max: number): unknown[] {
    if (!Array.isArray(v)) this.fail(field, 'an array', v);
    if (v.length > max) this.fail(field, `an array of at most ${max} items`, `${v.length} items`);
    return v;
  }

  string(v: unknown, field: string): string {
    if (typeof v !== 'string' || v === '') this.fail(field, 'a non-empty string', v);
    return v;
  }

  integer(v: unknown, field: string, min: number): number {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min)
      this.fail(field, `an integer ≥ ${min}`, v);
    return v;
  }

  boolean(v: unknown, field: string): boolean {
    if (typeof v !== 'boolean') this.fail(field, 'true or false', v);
    return v;
  }

  sha(v: unknown, field: string): string {
    if (typeof v !== 'string' || !/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(v))
      this.fail(field, 'a full commit sha', v);
    return v;
  }

  oneOf<T extends string>(v: unknown, field: string, allowed: readonly T[]): T {
    if (!(allowed as readonly unknown[]).includes(v)) this.fail(field, `one of ${allowed.join(', ')}`, v);
    return v as T;
  }
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  return String(v);
}
