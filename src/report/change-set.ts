/**
 * A deploy's change set on its timeline row: how many commits it shipped since which base, each
 * pull request with its approval badge, and the commits no approved pull request covers,
 * highlighted, so a reader sees what shipped without opening the statement.
 */
import { changeSetOf, shortSha, type PullRequestView } from '../audit/entry.ts';
import type { ChangePredicate } from '../ledger/statement.ts';
import { count } from './format.ts';
import { markup, type Markup } from './markup.ts';

const RELATION: Record<string, string> = {
  'first-deploy': 'first deploy to this environment',
  same: 'same commit as the last deploy',
  ahead: 'ahead of the last deploy',
  behind: 'rollback: behind the last deploy',
  diverged: 'diverged from the last deploy',
};

const UNCOVERED: Record<string, string> = {
  'no-pull-request': 'no pull request',
  'unapproved-pull-request': 'pull request not approved',
  unknown: 'pull request unknown',
};

export function changeSetBlock(p: ChangePredicate): Markup | string {
  const cs = changeSetOf(p);
  if (!cs) return '';
  if (!cs.readable)
    return markup`<div class="changeset incomplete"><span class="badge tone-warn">change set unreadable</span> ${cs.problem}</div>`;
  const since = cs.base ? markup` since <code title="${cs.base}">${shortSha(cs.base)}</code>` : '';
  const relation = RELATION[cs.relation] ?? cs.relation;
  const removed = cs.removed_commits.count
    ? markup` · removes ${count(cs.removed_commits.count, 'commit')}`
    : '';
  const incomplete = cs.complete
    ? ''
    : markup` <span class="badge tone-warn">incomplete evidence</span> <span class="muted">${cs.truncated[0] ?? 'reason not recorded'}</span>`;
  const prs = cs.pull_requests.length ? markup`<ul class="cs-prs">${cs.pull_requests.map(prItem)}</ul>` : '';
  const uncovered = cs.uncovered_commits.length
    ? markup`<ul class="cs-uncovered">${cs.uncovered_commits.map(
        (c) =>
          markup`<li class="uncovered"><code title="${c.sha}">${shortSha(c.sha)}</code> <span class="message">${c.message}</span> by <b>${c.author}</b> <span class="badge tone-bad">${UNCOVERED[c.reason] ?? c.reason}</span></li>`,
      )}</ul>`
    : '';
  return markup`<div class="changeset"><div class="cs-summary"><b>${count(cs.commits.count, 'commit')}</b>${since} <span class="muted">(${relation})</span>${removed}${incomplete}</div>${prs}${uncovered}</div>`;
}

function prItem(pr: PullRequestView): Markup {
  const a = pr.approval;
  const tone = a.status === 'approved' ? 'good' : 'bad';
  const approvers = a.approvers.filter((r) => !r.stale).map((r) => r.login);
  return markup`<li class="cs-pr" data-approval="${a.status}"><span class="badge tone-${tone}">${a.status}</span> #${pr.number}${pr.title ? markup` <span class="pr-title">${pr.title}</span>` : ''}${pr.author ? ` by ${pr.author}` : ''} <span class="muted">· approvers: ${approvers.length ? approvers.join(', ') : 'none'}${a.changes_requested.length ? ` · changes requested: ${a.changes_requested.map((r) => r.login).join(', ')}` : ''}</span></li>`;
}
