/**
 * Job summaries: what an auditor or a reviewer of the run wants to see at a glance — what was
 * recorded, who approved it and why a review did not count, where the entry landed.
 */
import type { EnvironmentApprovals } from '../github/run-approvals.ts';
import type { ApprovalEvidence, ReviewerEvidence } from '../github/approvers.ts';
import type { EntryView } from '../ledger/query.ts';
import type { VerifyReport } from '../ledger/verify.ts';
import type { ChangeSetDecision, ChangeSetRecord } from '../policy/change-set.ts';
import { code, link, md, short, table } from './markdown.ts';

export interface RecordedSummary {
  type: string;
  commit: string;
  repository: string;
  serverUrl: string;
  environment?: string;
  branch?: string;
  evidence: ApprovalEvidence;
  details: Record<string, unknown>;
  seq: number;
  hash: string;
  ledgerCommit: string;
  ledgerCommitUrl?: string;
  ledgerBranch: string;
  runUrl: string;
  duplicate: boolean;
  /** Deploys: the change set since the environment's last deploy, and the verdict on it. */
  changeSet?: { record: ChangeSetRecord; decision: ChangeSetDecision };
  /** The deploy's status as recorded (for deploys, decided on the change set). */
  status?: string;
  /** Deploys: the environment's required reviewers' sign-off of this run. */
  environmentApprovals?: EnvironmentApprovals;
}

const STATUS_WORDS: Record<string, string> = {
  approved: '✅ approved',
  unapproved: '⚠️ unapproved',
  'no-pull-request': '⚠️ no pull request (direct push: nobody reviewed this change)',
  overridden: '🚨 overridden (break-glass)',
  'not-collected': 'not collected',
};

export function statusWord(status: string): string {
  return STATUS_WORDS[status] ?? md(status);
}

function reviewerRow(r: ReviewerEvidence & { reason?: string }, serverUrl: string): string[] {
  let verdict: string;
  if (r.reason === 'bot') verdict = '❌ a bot: never counts';
  else if (r.reason === 'author') verdict = '❌ the pull request author: cannot approve their own change';
  else if (r.state === 'CHANGES_REQUESTED') verdict = '❌ requested changes, not withdrawn: blocks approval';
  else if (r.stale) verdict = '❌ stale: approved an earlier head, not the commit that was merged';
  else verdict = '✅ approved the final head';
  return [
    link(r.login, `${serverUrl}/${encodeURIComponent(r.login)}`),
    md(r.state),
    code(short(r.commit_id)),
    md(r.submitted_at ?? '—'),
    verdict,
  ];
}

export function approvalSection(evidence: ApprovalEvidence, serverUrl: string): string {
  const out: string[] = [];
  const pr = evidence.pull_request;
  if (!pr) {
    out.push(
      '**No pull request brought this commit in** (a direct push or a commit made outside a PR): nobody approved it through review.',
    );
    return out.join('\n\n');
  }
  const people = [...evidence.approvers, ...evidence.changes_requested, ...(evidence.not_counted ?? [])];
  if (people.length === 0) out.push('Nobody approved or requested changes on the pull request.');
  else {
    out.push(
      table(
        ['Reviewer', 'Latest opinion', 'Reviewed commit', 'Submitted', 'Counts?'],
        people.map((r) => reviewerRow(r, serverUrl)),
      ),
    );
  }
  out.push(
    `${evidence.reviews_considered} review(s) considered; each reviewer's latest approval or change request counts, a later comment does not undo it, a dismissal does. The PR's final head is ${code(short(pr.head_sha))}.`,
  );
  return out.join('\n\n');
}

function detailRows(details: Record<string, unknown>): string[][] {
  const rows: string[][] = [];
  for (const [key, value] of Object.entries(details)) {
    if (Array.isArray(value)) {
      const items = value.map((v) => {
        if (typeof v === 'string') return md(v);
        const o = v as { path?: string; name?: string; sha256?: string; digest?: string };
        const digest = o.sha256 ? `sha256:${o.sha256}` : (o.digest ?? '');
        return `${md(o.path ?? o.name ?? '')} ${code(digest.slice(0, 19))}`;
      });
      const shown = items.slice(0, 50);
      if (items.length > shown.length) shown.push(`… and ${items.length - shown.length} more`);
      rows.push([md(key), shown.join('<br>') || '—']);
    } else if (value !== undefined) {
      rows.push([md(key), md(String(value))]);
    }
  }
  return rows;
}

export function recordSummary(s: RecordedSummary): string {
  const pr = s.evidence.pull_request;
  const head = s.duplicate
    ? `## shiplog: ${md(s.type)} already recorded (seq ${s.seq})\n\nThis run attempt had already recorded this change; nothing new was appended.`
    : `## shiplog: ${md(s.type)} recorded as seq ${s.seq}`;
  const rows: string[][] = [
    ['Type', md(s.type)],
    ['Commit', link(short(s.commit), `${s.serverUrl}/${s.repository}/commit/${s.commit}`)],
  ];
  if (s.environment) rows.push(['Environment', md(s.environment)]);
  if (s.branch) rows.push(['Branch', md(s.branch)]);
  rows.push(['Approval', statusWord(s.status ?? s.evidence.status)]);
  if (pr) {
    const merged = pr.merged_by ? `, merged by ${md(pr.merged_by.login)}` : '';
    rows.push([
      'Pull request',
      `${link(`#${pr.number} ${pr.title}`, pr.url)} by ${md(pr.author.login)}${merged}`,
    ]);
  }
  const env = s.environmentApprovals;
  if (env) {
    const who = env.status === 'collected' ? env.approvals.map((a) => `${md(a.login)} (${a.state})`) : [];
    rows.push([
      'Environment reviewers',
      env.status === 'not-collected'
        ? `not collected: ${md(env.reason)}`
        : who.length
          ? who.join(', ')
          : 'none (the environment has no required reviewers, or none reviewed this run)',
    ]);
  }
  rows.push(
    ['Seq', String(s.seq)],
    ['Entry hash', code(s.hash)],
    [
      'Ledger commit',
      s.ledgerCommitUrl ? link(short(s.ledgerCommit), s.ledgerCommitUrl) : code(short(s.ledgerCommit)),
    ],
    ['Ledger branch', md(s.ledgerBranch)],
    ['Run', link('this workflow run', s.runUrl)],
  );
  return [
    head,
    table(['', ''], rows),
    ...(s.changeSet ? ['### Change set', changeSetSection(s.changeSet, s.serverUrl, s.repository)] : []),
    '### Approvals',
    approvalSection(s.evidence, s.serverUrl),
    ...(Object.keys(s.details).length
      ? ['### Details', table(['Field', 'Value'], detailRows(s.details))]
      : []),
  ].join('\n\n');
}

/** What the deploy ships since the environment's last deploy, and what no approved PR covers. */
function changeSetSection(
  cs: { record: ChangeSetRecord; decision: ChangeSetDecision },
  serverUrl: string,
  repository: string,
): string {
  const r = cs.record;
  const commitLink = (sha: string): string => link(short(sha), `${serverUrl}/${repository}/commit/${sha}`);
  const lines = [
    md(cs.decision.summary, 2000),
    table(
      ['', ''],
      [
        ['Base (last deploy here)', r.base ? commitLink(r.base) : 'none: first deploy to this environment'],
        ['Relation', md(r.relation)],
        ['Commits shipped', String(r.commits.count)],
        ['Evidence complete', r.complete ? 'yes' : `**no**: ${md((r.truncated ?? []).join('; '), 500)}`],
      ],
    ),
  ];
  if (r.pull_requests.length) {
    lines.push(
      table(
        ['Pull request', 'Author', 'Approval'],
        r.pull_requests
          .slice(0, 100)
          .map((p) => [
            link(`#${p.number} ${p.title}`, `${serverUrl}/${repository}/pull/${p.number}`),
            md(p.author.login),
            statusWord(p.approval.status),
          ]),
      ),
    );
  }
  if (r.uncovered_commits.length) {
    lines.push(
      table(
        ['Not covered by an approved PR', 'Author', 'Why'],
        r.uncovered_commits
          .slice(0, 100)
          .map((c) => [`${commitLink(c.sha)} ${md(c.message, 100)}`, md(c.author), md(c.reason)]),
      ),
    );
  }
  return lines.join('\n\n');
}

export function verifySummary(report: VerifyReport): string {
  const title = report.ok
    ? `## shiplog: ledger verified ✅ (${report.entries} entries)`
    : `## shiplog: ledger verification failed ❌ (${report.problems.length} problem(s))`;
  const rows = [
    ['Branch', md(report.branch)],
    ['Entries', String(report.entries)],
    ['Head', report.head ? code(report.head) : '—'],
    [
      'Checkpoint',
      report.checkpoint ? `${md(report.checkpoint.origin)}, size ${report.checkpoint.size}` : '—',
    ],
    ['Signing keys seen', report.keys.map((k) => code(k.slice(0, 16))).join(', ') || '—'],
  ];
  const parts = [title, table(['', ''], rows)];
  if (report.problems.length > 0) {
    const shown = report.problems.slice(0, 200);
    parts.push(
      table(
        ['Check', 'Seq', 'Ledger commit', 'File', 'Problem'],
        shown.map((p) => [
          md(p.check),
          p.seq === undefined ? '—' : String(p.seq),
          p.commit ? code(short(p.commit)) : '—',
          md(p.file ?? '—'),
          md(p.message, 500),
        ]),
      ),
    );
    if (report.problems.length > shown.length)
      parts.push(`… and ${report.problems.length - shown.length} more.`);
  }
  return parts.join('\n\n');
}

export function querySummary(
  entries: EntryView[],
  filter: Record<string, string | undefined>,
  capped: boolean,
): string {
  const what = Object.entries(filter)
    .filter(([, v]) => v)
    .map(([k, v]) => `${k} ${md(v!)}`)
    .join(', ');
  const parts = [
    `## shiplog: ${entries.length}${capped ? '+' : ''} ledger entr${entries.length === 1 ? 'y' : 'ies'} for ${what || 'all entries'}`,
  ];
  if (entries.length === 0) return [...parts, 'Nothing recorded matches.'].join('\n\n');
  parts.push(
    table(
      ['Seq', 'Type', 'Environment', 'Commit', 'When', 'Approval', 'Approvers', 'Pull request'],
      entries.map((e) => {
        const p = e.statement.predicate;
        const approval = (p.approval ?? {}) as {
          status?: string;
          approvers?: { login?: string; stale?: boolean }[];
          pull_request?: { number?: number; url?: string };
        };
        const approvers = (approval.approvers ?? [])
          .filter((a) => typeof a.login === 'string')
          .map((a) => md(a.login!) + (a.stale ? ' (stale)' : ''))
          .join(', ');
        const pr = approval.pull_request;
        return [
          String(e.seq),
          md(p.type),
          md(p.environment ?? '—'),
          code(short(p.commit)),
          md(p.timestamp),
          approval.status ? statusWord(approval.status) : '—',
          approvers || '—',
          pr?.number !== undefined ? link(`#${pr.number}`, pr.url) : '—',
        ];
      }),
    ),
  );
  if (capped)
    parts.push(
      `Only the newest ${entries.length} are shown; narrow the query with commit, environment or type.`,
    );
  return parts.join('\n\n');
}

export function errorSummary(command: string, message: string): string {
  return `## shiplog ${md(command)} failed ❌\n\n> ${md(message, 2000)}`;
}
