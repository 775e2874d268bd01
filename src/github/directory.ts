/**
 * Repository permissions and team membership for one evaluation, each looked up at most once per
 * login (the same reviewer appears under several rules). A failed lookup is an error, not "none":
 * the caller decides to fail closed and says why.
 */
import { callGitHub, statusOf } from './call.ts';
import type { GitHubApi } from './client.ts';
import { pages } from './paginate.ts';
import { asObject, optionalString } from './parse.ts';

export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

export interface Directory {
  permission(login: string): Promise<Permission>;
  /** Active member of the team (pending invitations do not count). `slug` may be `org/slug`. */
  isTeamMember(slug: string, login: string): Promise<boolean>;
  /** The team's members (GitHub lists active members only, child teams included, like membership). */
  teamMembers(slug: string, maxPages: number): Promise<{ members: Set<string>; complete: boolean }>;
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

function splitTeam(slug: string, org: string): [string, string] {
  return slug.includes('/') ? (slug.split('/', 2) as [string, string]) : [org, slug];
}

export function createDirectory(
  api: GitHubApi,
  { owner, repo, org = owner }: { owner: string; repo: string; org?: string },
): Directory {
  const permissions = new Map<string, Promise<Permission>>();
  const memberships = new Map<string, Promise<boolean>>();
  const listings = new Map<
    string,
    { maxPages: number; listing: Promise<{ members: Set<string>; complete: boolean }> }
  >();

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

    teamMembers(slug, maxPages) {
      const [teamOrg, teamSlug] = splitTeam(slug, org);
      const key = `${teamOrg}/${teamSlug}`.toLowerCase();
      const cached = listings.get(key);
      if (cached && cached.maxPages >= maxPages) return cached.listing;
      const what = `GET /orgs/${teamOrg}/teams/${teamSlug}/members`;
      const listing = callGitHub(what, async () => {
        const members = new Set<string>();
        const route = 'GET /orgs/{org}/teams/{team_slug}/members';
        let complete = true;
        try {
          for await (const items of pages(api, route, { org: teamOrg, team_slug: teamSlug }, what, {
            maxPages,
            onLimit: 'stop',
            onStop: () => (complete = false),
          })) {
            for (const item of items) {
              const login = optionalString(asObject(item, `${what}: member`).login);
              if (login) members.add(login.toLowerCase());
            }
          }
        } catch (error) {
          // A team this token cannot see has no members we could count (as membership answers 404).
          if (statusOf(error) === 404) return { members, complete: true };
          throw error;
        }
        return { members, complete };
      });
      listings.set(key, { maxPages, listing });
      return listing;
    },

    isTeamMember(slug, login) {
      const [teamOrg, teamSlug] = splitTeam(slug, org);
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
