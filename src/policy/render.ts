/**
 * Verdicts for people: GitHub-flavoured Markdown for the check run, a plain table for terminals.
 * Logins, file names and even rule names are written by whoever opened the pull request or the
 * policy, so every such string is neutralised before it reaches Markdown or a terminal.
 */
import type { IgnoredReview, MatchedFile, RuleResult, Verdict } from './model.ts';
import { inert } from '../text/inert.ts';
import { table } from '../text/table.ts';

export const MAX_FILES_LISTED = 50;
/** GitHub rejects check run summaries longer than 65535 characters. */
const MAX_SUMMARY_CHARS = 65_000;
const MAX_FIELD_CHARS = 300;

export interface CheckRunOutput {
  title: string;
  summary: string;
}

export function renderCheckRun(verdict: Verdict): CheckRunOutput {
  const parts: string[] = [];
  parts.push(
    `${verdict.satisfied ? '✅' : '❌'} **${md(verdict.title)}** for commit ${md(short(verdict.headSha))}`,
  );
  if (verdict.problems.length > 0) {
    parts.push(verdict.problems.map((p) => `> ⚠️ ${md(p, 1000)}`).join('\n>\n'));
  }
  if (verdict.rules.length === 0) {
    if (verdict.problems.length === 0) parts.push('No rule of the policy matches the changed files.');
    return { title: checkTitle(verdict.title), summary: fit(parts) };
  }

  parts.push(
    [
      '| Rule | Matched files | Required | Valid approvals | Status |',
      '| --- | ---: | ---: | --- | --- |',
      ...verdict.rules.map(
        (r) =>
          `| ${md(r.name)} | ${r.matchedFiles.length} | ${r.required} | ${approvalsCell(r)} | ${r.satisfied ? '✅' : '❌'} ${md(status(r))} |`,
      ),
    ].join('\n'),
  );

  for (const rule of verdict.rules) {
    const lines = [
      `### ${md(rule.name)}`,
      '',
      `<details><summary>${rule.matchedFiles.length} matched file(s)</summary>`,
      '',
    ];
    for (const f of rule.matchedFiles.slice(0, MAX_FILES_LISTED)) lines.push(`- ${fileLabel(f, md)}`);
    const more = rule.matchedFiles.length - MAX_FILES_LISTED;
    if (more > 0) lines.push(`- … and ${more} more`);
    lines.push('', '</details>');
    if (rule.ignored.length > 0) {
      lines.push('', 'Reviews that did not count:', '');
      for (const i of rule.ignored) lines.push(`- ${md(i.login)} (${stateWord(i.state)}): ${explain(i)}`);
    }
    if (rule.notNeeded.length > 0) {
      lines.push(
        '',
        `Also approved, not checked (the rule already had enough valid approvals): ${rule.notNeeded.map((l) => md(l)).join(', ')}`,
      );
    }
    parts.push(lines.join('\n'));
  }
  return { title: checkTitle(verdict.title), summary: fit(parts) };
}

/** A failing check for a policy file that could not be read: says what to fix. */
export function renderPolicyError(message: string): CheckRunOutput {
  return {
    title: 'invalid shiplog policy',
    summary: `❌ **The approval policy could not be read**, so protected changes cannot be approved.\n\n> ${md(message, 4000)}\n\nFix the policy file on the default branch; the check re-runs on the next event.`,
  };
}

export function renderText(verdict: Verdict): string {
  const out: string[] = [];
  out.push(
    `${verdict.satisfied ? 'SATISFIED' : 'NOT SATISFIED'}: ${plain(verdict.title)} (PR #${verdict.pullRequest} at ${plain(short(verdict.headSha))})`,
  );
  for (const p of verdict.problems) out.push(`problem: ${plain(p, 1000)}`);
  if (verdict.rules.length === 0) return out.join('\n') + '\n';

  out.push(
    '',
    table(verdict.rules, [
      { header: 'RULE', value: (r) => plain(r.name) },
      { header: 'FILES', value: (r) => String(r.matchedFiles.length) },
      { header: 'REQUIRED', value: (r) => String(r.required) },
      { header: 'VALID APPROVALS', value: (r) => approvalsText(r) },
      { header: 'STATUS', value: (r) => `${r.satisfied ? 'ok' : 'FAIL'}: ${plain(status(r))}` },
    ]),
  );
  for (const rule of verdict.rules) {
    out.push('', `${plain(rule.name)}:`, `  matched files (${rule.matchedFiles.length}):`);
    for (const f of rule.matchedFiles.slice(0, MAX_FILES_LISTED)) out.push(`    ${fileLabel(f, plain)}`);
    const more = rule.matchedFiles.length - MAX_FILES_LISTED;
    if (more > 0) out.push(`    … and ${more} more`);
    if (rule.ignored.length > 0) {
      out.push('  reviews that did not count:');
      for (const i of rule.ignored)
        out.push(`    ${plain(i.login)} (${stateWord(i.state)}): ${plain(explain(i))}`);
    }
    if (rule.notNeeded.length > 0)
      out.push(
        `  also approved, not checked (enough valid approvals already): ${rule.notNeeded.map((l) => plain(l)).join(', ')}`,
      );
  }
  return out.join('\n') + '\n';
}

function status(r: RuleResult): string {
  const parts: string[] = [];
  if (r.blockedBy.length > 0) parts.push(`changes requested by ${r.blockedBy.join(', ')}`);
  if (r.missing > 0) parts.push(`needs ${r.missing} more approval${r.missing === 1 ? '' : 's'}`);
  return parts.length > 0 ? parts.join('; ') : 'satisfied';
}

function approvalsCell(r: RuleResult): string {
  return r.validApprovers.length === 0
    ? '0'
    : `${r.validApprovers.length}: ${r.validApprovers.map((l) => md(l)).join(', ')}`;
}

function approvalsText(r: RuleResult): string {
  return r.validApprovers.length === 0
    ? '0'
    : `${r.validApprovers.length} (${r.validApprovers.map((l) => plain(l)).join(', ')})`;
}

/** `escape` is applied to the untrusted names only, so the wording around them stays readable. */
function fileLabel(f: MatchedFile, escape: (s: string) => string): string {
  const how = f.status === 'removed' ? ' (deleted)' : '';
  return f.previous_filename !== undefined && f.previous_filename !== f.filename
    ? `${escape(f.filename)} (renamed from ${escape(f.previous_filename)})${how}`
    : `${escape(f.filename)}${how}`;
}

function stateWord(state: IgnoredReview['state']): string {
  return state === 'CHANGES_REQUESTED'
    ? 'changes requested'
    : state === 'DISMISSED'
      ? 'dismissed'
      : 'approved';
}

function explain(i: IgnoredReview): string {
  switch (i.reason) {
    case 'stale':
      return 'stale: the approval is for an earlier commit; new commits were pushed since';
    case 'author':
      return 'author: the pull request author cannot approve their own change';
    case 'contributor':
      return 'contributor: authored or committed commits in this pull request, so not an independent reviewer';
    case 'base changed':
      return "base changed: the approval came before the pull request's base branch changed; the diff against the new base was not reviewed";
    case 'bot':
      return 'bot: approvals by bots and apps do not count';
    case 'no write access':
      return 'no write access: only reviewers with write, maintain or admin permission count';
    case 'not in team':
      return 'not in team: this rule only counts its listed users and teams';
    case 'dismissed':
      return 'dismissed: the review was dismissed';
    case 'unknown user':
      return 'unknown user: the account no longer exists';
    case 'lookup failed':
      return 'lookup failed: permission or team membership could not be checked';
  }
}

function short(sha: string): string {
  return sha.slice(0, 12);
}

function checkTitle(title: string): string {
  // Check run titles are one line; keep them short enough to read in the merge box.
  const t = plain(title);
  return t.length > 200 ? `${t.slice(0, 199)}…` : t;
}

/** Keeps the summary under GitHub's limit, cutting whole sections and saying so. */
function fit(parts: string[]): string {
  const out: string[] = [];
  let used = 0;
  for (const [i, part] of parts.entries()) {
    if (used + part.length + 2 > MAX_SUMMARY_CHARS) {
      out.push(
        `_… ${parts.length - i} more section(s) left out: the summary would exceed GitHub's size limit._`,
      );
      break;
    }
    out.push(part);
    used += part.length + 2;
  }
  return out.join('\n\n') + '\n';
}

/** Untrusted text for a terminal: one line, control and bidi characters escaped (inert.ts), bounded. */
export function plain(s: string, max = MAX_FIELD_CHARS): string {
  const t = inert(String(s));
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/**
 * Untrusted text for Markdown: inert in tables and lists. HTML is entity-encoded, every Markdown
 * punctuation character is backslash-escaped (so `|` cannot add table cells and backticks cannot
 * open code), and `@` gets a zero-width space so a file name cannot mention people or teams.
 */
export function md(s: string, max = MAX_FIELD_CHARS): string {
  return plain(s, max)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_{}[\]()#+\-.!|~:"'=$^]/g, '\\$&')
    .replace(/@/g, '@\u200b');
}
