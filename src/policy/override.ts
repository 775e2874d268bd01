/**
 * Who may break glass (`/shiplog override <reason>`, the gate's `override-reason`): the users and
 * teams in `settings.override`, or repository admins when neither list is set.
 */
import type { Directory, Policy } from './model.ts';
import { sameLogin } from './opinions.ts';

export async function mayOverride(policy: Policy, login: string, directory: Directory): Promise<boolean> {
  const { users, teams } = policy.settings.override;
  if (users.length === 0 && teams.length === 0) return (await directory.permission(login)) === 'admin';
  if (users.some((u) => sameLogin(u, login))) return true;
  for (const team of teams) {
    if (await directory.isTeamMember(team, login)) return true;
  }
  return false;
}

/** For the reply to an unauthorised override: who could have done it. */
export function describeOverriders(policy: Policy): string {
  const { users, teams } = policy.settings.override;
  if (users.length === 0 && teams.length === 0) return 'repository admins';
  return [...users, ...teams.map((t) => `team ${t}`)].join(', ');
}
