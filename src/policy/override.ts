/**
 * Who may break glass (`/shiplog override <reason>`, the gate's `override-reason`): the users and
 * teams in `settings.override`, or repository admins when neither list is set.
 */
import type { Directory, Policy, Verdict } from './model.ts';
import { sameLogin } from './opinions.ts';
import { durationMs as parseDuration } from '../text/duration.ts';

const WRITE = new Set(['admin', 'maintain', 'write']);

/**
 * Why `login` may not break glass on this pull request now, or undefined when they may. Checked
 * like an approval: a user or team member listed in `settings.override` still needs write access
 * at this moment (a listed user whose access was removed is nobody), and the pull request's author
 * may override their own pull request only with `settings.override.allow_author`.
 */
export async function overrideRefusal(
  policy: Policy,
  login: string,
  directory: Directory,
  pull?: { author: string },
): Promise<string | undefined> {
  const { users, teams, allow_author } = policy.settings.override;
  if (pull && !allow_author && sameLogin(login, pull.author)) {
    return "the pull request's author may not override their own pull request (settings.override.allow_author)";
  }
  if (users.length === 0 && teams.length === 0) {
    return (await directory.permission(login)) === 'admin'
      ? undefined
      : 'only repository admins may override';
  }
  let listed = users.some((u) => sameLogin(u, login));
  for (const team of teams) {
    if (listed) break;
    listed = await directory.isTeamMember(team, login);
  }
  if (!listed) return 'not listed in settings.override';
  const permission = await directory.permission(login);
  return WRITE.has(permission)
    ? undefined
    : `listed in settings.override, but has ${permission} access, not write`;
}

export async function mayOverride(
  policy: Policy,
  login: string,
  directory: Directory,
  pull?: { author: string },
): Promise<boolean> {
  return (await overrideRefusal(policy, login, directory, pull)) === undefined;
}

/** For the reply to an unauthorised override: who could have done it. */
export function describeOverriders(policy: Policy): string {
  const { users, teams } = policy.settings.override;
  if (users.length === 0 && teams.length === 0) return 'repository admins';
  return [...users, ...teams.map((t) => `team ${t}`)].join(', ');
}

const COMMAND = /^\/shiplog[ \t]+override(?=\s|$)/;
const MAX_REASON = 1000;

/**
 * `/shiplog override <reason>` at the start of a comment (the reason may continue on the next
 * lines). Undefined when the comment is not an override command; `reason` is empty when none was
 * given, which the caller refuses.
 */
export function parseOverrideCommand(body: string): { reason: string } | undefined {
  const text = body.replace(/\r\n?/g, '\n').trimStart();
  const m = COMMAND.exec(text);
  if (!m) return undefined;
  const reason = text
    .slice(m[0].length)
    // eslint-disable-next-line no-control-regex -- control characters never reach the ledger or a check
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
    .trim();
  return { reason: reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON)}…` : reason };
}

/** What an override entry records about the verdict it set aside: the rules that were not met. */
export function unmetRules(verdict: Verdict): {
  unmet_rules: { name: string; required: number; missing: number; blocked_by: string[] }[];
  problems: string[];
} {
  return {
    unmet_rules: verdict.rules
      .filter((r) => !r.satisfied)
      .map((r) => ({ name: r.name, required: r.required, missing: r.missing, blocked_by: r.blockedBy })),
    problems: verdict.problems,
  };
}

/** How an override entry names the pull request it set aside (the Action's gate and the app's command). */
export function overriddenPullRequest(pr: {
  number: number;
  url: string;
  title: string;
  author: string;
  headSha: string;
}): {
  pull_request: { number: number; url: string; title: string; author: string; head_sha: string };
} {
  return {
    pull_request: {
      number: pr.number,
      url: pr.url,
      title: pr.title,
      author: pr.author,
      head_sha: pr.headSha,
    },
  };
}

const REVIEW_COMMAND = /^\/shiplog[ \t]+review-override(?=\s|$)/;

/** `/shiplog review-override <note>`: an eligible reviewer signs off a break-glass after the fact. */
export function parseReviewOverrideCommand(body: string): { note: string } | undefined {
  const text = body.replace(/\r\n?/g, '\n').trimStart();
  const m = REVIEW_COMMAND.exec(text);
  if (!m) return undefined;
  // control characters never reach the ledger
  // eslint-disable-next-line no-control-regex -- that is the point of this pattern
  const controls = /[\u0000-\u0008\u000b-\u001f\u007f]/g;
  const note = text.slice(m[0].length).replace(controls, '').trim();
  return { note: note.length > MAX_REASON ? `${note.slice(0, MAX_REASON)}…` : note };
}

/** `settings.override.review_within` (e.g. `72h`) in milliseconds. */
export function durationMs(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) throw new Error(`"${value}" is not a duration such as 72h`);
  return ms;
}

/**
 * Who may review a break-glass: someone with write access (or more) who is neither the one who
 * overrode, nor the pull request's author, nor a bot — the override's four-eyes check.
 */
export async function mayReviewOverride(
  reviewer: { login: string; type?: string },
  override: { by: string; author: string },
  directory: Directory,
): Promise<{ ok: true } | { ok: false; why: string }> {
  if (reviewer.type === 'Bot' || reviewer.login.endsWith('[bot]')) return { ok: false, why: 'a bot' };
  if (sameLogin(reviewer.login, override.by)) return { ok: false, why: 'the one who overrode' };
  if (sameLogin(reviewer.login, override.author)) return { ok: false, why: "the pull request's author" };
  const permission = await directory.permission(reviewer.login);
  if (!['admin', 'maintain', 'write'].includes(permission))
    return { ok: false, why: `${permission} access only` };
  return { ok: true };
}
