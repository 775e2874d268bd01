/**
 * The report's Exceptions: what `shiplog audit` lists, right under the verification, because it is
 * what an auditor reads the report for. Rows carry their environment so the page's environment
 * filter narrows them too.
 */
import type { AuditException, AuditFindings, ExceptionKind } from '../audit/exceptions.ts';
import { formatWindow } from '../audit/window.ts';
import type { BadgeTone } from './model.ts';
import { count, formatTime } from './format.ts';
import { markup, type Markup } from './markup.ts';

/** Evidence that contradicts approval is bad; evidence that is missing or late is a warning. */
const TONE: Record<ExceptionKind, BadgeTone> = {
  'uncovered-commits': 'bad',
  'unapproved-pr': 'bad',
  'direct-push-deploy': 'warn',
  'incomplete-evidence': 'warn',
  'approval-not-collected': 'warn',
  'override-not-reviewed': 'bad',
  'override-reviewed-late': 'warn',
  'unrecorded-deploy': 'bad',
};

export function exceptionsSection(
  findings: AuditFindings,
  opts: { verified: boolean; reviewWithinMs: number },
): Markup {
  const list = findings.exceptions;
  if (!opts.verified) {
    // Only what is verified is said: no list, and above all no "No exceptions".
    return markup`<section class="panel exceptions unverified" id="exceptions">
<h2>Exceptions: not established<span class="muted" id="exceptions-shown"></span></h2>
<p class="caveat">The ledger did not verify, so its exceptions cannot be listed: an entry that fails verification may hide one or invent one. Fix the ledger (see the problems above), then run the report again.</p>
</section>`;
  }
  const title = list.length
    ? `${count(list.length, 'exception')}`
    : // Says what was looked for: a deploy recorded without evidence is not thereby approved.
      `No exceptions: no uncovered commits, unapproved pull requests, direct pushes, incomplete change sets or deploys without approval evidence or actor, and no override unreviewed after ${formatWindow(opts.reviewWithinMs)}`;
  const table = list.length
    ? markup`<table class="exceptions"><thead><tr><th>when</th><th>seq</th><th>kind</th><th>environment</th><th>commit</th><th>why</th></tr></thead><tbody>${list.map(row)}</tbody></table>`
    : '';
  const awaiting = findings.awaitingReview.length
    ? markup`<ul class="awaiting">${findings.awaitingReview.map(
        (a) =>
          markup`<li data-env="${a.environment ?? ''}">Override${a.by ? ` by ${a.by}` : ''} (seq ${a.seq}${a.pull_request ? `, pull request #${a.pull_request}` : ''}) awaits review until ${formatTime(a.due)}.</li>`,
      )}</ul>`
    : '';
  return markup`<section class="panel exceptions ${list.length ? 'found' : 'none'}" id="exceptions">
<h2>${title}<span class="muted" id="exceptions-shown"></span></h2>
${table}${awaiting}
</section>`;
}

function row(x: AuditException): Markup {
  const shard = x.shard ? markup`<span class="muted"> ${x.shard}</span>` : '';
  return markup`<tr class="exception" data-env="${x.environment ?? ''}" data-kind="${x.kind}"><td><time datetime="${x.timestamp}">${formatTime(x.timestamp)}</time></td><td>#${x.seq}${shard}</td><td><span class="badge tone-${TONE[x.kind]}">${x.kind.replace(/-/g, ' ')}</span></td><td>${x.environment ?? '-'}</td><td><code title="${x.commit}">${x.commit.slice(0, 12)}</code></td><td class="why">${x.why}</td></tr>`;
}
