/**
 * Repository permissions and team membership for one evaluation, each looked up at most once per
 * login (the same reviewer appears under several rules). A failed lookup is an error, not "none":
 * the caller decides to fail closed and says why.
 */
import { callGitHub, statusOf } from './call.ts';
import type { GitHubApi } from './client.ts';
import { asObject, optionalString } from './parse.ts';

export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

export interface Directory {
  permission(login: string): Promise<Permission>;
  /** Active member of the team (pending invitations do not count). `slug` may be `org/slug`. */
  isTeamMember(slug: string, login: string): Promise<boolean>;
}

const ROLES = new Set<string>(['admin', 'maintain', 'write', 'triage', 'read', 'none']);
const LEGACY: Record<string, Permission> = {
  admin: 'admin',
  write: 'write',
  push: 'write',
  read: 'read',
  pull: 'read',
};

/**
 * `role_name` is the precise role (maintain, triage, …); the older `permission` field folds
 * maintain into write and triage into read, so it is only the fallback for custom role names.
 */
export function toPermission(roleName: string | undefined, permission: string | undefined): Permission {
  const role = roleName?.toLowerCase();
  if (role && ROLES.has(role)) return role as Permission;
  return LEGACY[permission?.toLowerCase() ?? ''] ?? 'none';
}

export function createDirectory(
  api: GitHubApi,
  { owner, repo, org = owner }: { owner: string; repo: string; org?: string },
): Directory {
  const permissions = new Map<string, Promise<Permission>>();
  const memberships = new Map<string, Promise<boolean>>();

  // Promises are cached, so concurrent lookups of one login share a single request.
  const once = <T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> => {
    let hit = cache.get(key);
    if (!hit) {
      hit = load();
      cache.set(key, hit);
    }
    return hit;
  };

  return {
    permission(login) {
      return once(permissions, login.toLowerCase(), () => {
        const what = `GET /repos/${owner}/${repo}/collaborators/${login}/permission`;
        return callGitHub(what, async () => {
          try {
            const { data } = await api.request(
              'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
              {
                owner,
                repo,
                username: login,
              },
            );
            const body = asObject(data, what);
            return toPermission(optionalString(body.role_name), optionalString(body.permission));
          } catch (error) {
            // GitHub answers 404 for a login that does not exist or cannot be a collaborator
            if (statusOf(error) === 404) return 'none';
            throw error;
          }
        });
      });
    },

    isTeamMember(slug, login) {
      const [teamOrg, teamSlug] = slug.includes('/') ? (slug.split('/', 2) as [string, string]) : [org, slug];
      return once(memberships, `${teamOrg}/${teamSlug}/${login}`.toLowerCase(), () => {
        const what = `GET /orgs/${teamOrg}/teams/${teamSlug}/memberships/${login}`;
        return callGitHub(what, async () => {
          try {
            const { data } = await api.request('GET /orgs/{org}/teams/{team_slug}/memberships/{username}', {
              org: teamOrg,
              team_slug: teamSlug,
              username: login,
            });
            return asObject(data, what).state === 'active';
          } catch (error) {
            if (statusOf(error) === 404) return false;
            throw error;
          }
        });
      });
    },
  };
}
