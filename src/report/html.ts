/**
 * The auditor's report: one self-contained HTML file. Verification first (a timeline is only
 * worth reading if the ledger checks out), then the exceptions `shiplog audit` lists, the delivery
 * metrics `shiplog stats` computes, and each environment's changes, newest first (a deploy with
 * the change set it shipped).
 * A Content-Security-Policy that allows only this file's own style and script (by hash) means the
 * page can make no request at all, and injected markup could not run even if escaping failed.
 *
 * The tag is called `markup`, not `html`: Prettier reformats `html` templates, which would change
 * the page (and the hashed script) behind the tests' back.
 */
import { createHash } from 'node:crypto';
import { DEFAULT_REVIEW_WITHIN_MS, findExceptions } from '../audit/exceptions.ts';
import type { VerifyReport } from '../ledger/verify.ts';
import { changeSetBlock } from './change-set.ts';
import { deliverySection } from './delivery.ts';
import { exceptionsSection } from './exceptions.ts';
import { formatTime, plural } from './format.ts';
import { markup, trusted, type Markup } from './markup.ts';
import { BADGE_ORDER, toRows, type BadgeTone, type ReportEntry, type ReportRow } from './model.ts';
import { PAGE_SCRIPT } from './page-script.ts';
import { PAGE_STYLE } from './page-style.ts';

export interface ReportInput {
  entries: readonly ReportEntry[];
  verify: VerifyReport;
  /** The checkpoint file as stored on the ledger branch (the signed note). */
  checkpointText?: string;
  generatedAt: Date;
  /** How soon an override must be reviewed for the Exceptions section (default 72h). */
  reviewWithinMs?: number;
}

const NO_ENVIRONMENT = 'no environment';

export function renderReportHtml(input: ReportInput): string {
  const rows = toRows(input.entries);
  const environments = groupByEnvironment(rows);
  const envOptions = [...environments.keys()].filter((e) => e !== NO_ENVIRONMENT);
  const types = [...new Set(rows.map((r) => r.type))].sort();
  const remote = displayRemote(input.verify.remote);
  const reviewWithinMs = input.reviewWithinMs ?? DEFAULT_REVIEW_WITHIN_MS;
  const damaged = damagedSeqs(input.verify);
  const page = markup`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy()}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>shiplog report: ${remote}</title>
<style>${trusted(PAGE_STYLE)}</style>
</head>
<body>
<main>
<h1>shiplog report</h1>
<p class="meta">Ledger <code>${remote}</code>, branch <code>${input.verify.branch}</code> at <code>${input.verify.tip}</code> · generated ${formatTime(input.generatedAt.toISOString())}</p>
${verificationPanel(input)}
${exceptionsSection(findExceptions(input.entries, { now: input.generatedAt, reviewWithinMs }), { verified: input.verify.ok, reviewWithinMs })}
${input.verify.ok ? deliverySection(input.entries, input.generatedAt) : unverifiedDelivery()}
${summary(rows)}
<div class="filters" role="search">
<label for="filter-env">Environment <select id="filter-env"><option value="">all</option>${envOptions.map(option)}</select></label>
<label for="filter-type">Type <select id="filter-type"><option value="">all</option>${types.map(option)}</select></label>
<button type="button" id="filter-reset">Show all</button>
</div>
<p class="filter-note" id="filter-note"></p>
${[...environments].map(([env, list]) => environmentSection(env, list, damaged))}
<p class="empty" id="no-match" hidden>No changes match the filters.</p>
${rows.length === 0 ? markup`<p class="empty">The ledger has no entries.</p>` : ''}
</main>
<script>${trusted(PAGE_SCRIPT)}</script>
</body>
</html>
`;
  return page.text;
}

function contentSecurityPolicy(): string {
  const hash = (s: string): string => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;
  return [
    "default-src 'none'",
    `style-src ${hash(PAGE_STYLE)}`,
    `script-src ${hash(PAGE_SCRIPT)}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

const option = (value: string): Markup => markup`<option value="${value}">${value}</option>`;

function verificationPanel(input: ReportInput): Markup {
  const v = input.verify;
  const cp = v.checkpoint;
  const entries = `${v.entries} ${plural(v.entries, 'entry', 'entries')}`;
  const title = v.ok
    ? `Verified: ${entries}, chain intact, every signature by a trusted key`
    : `Verification FAILED: ${v.problems.length} ${plural(v.problems.length, 'problem', 'problems')} in ${entries}`;
  const problems = v.ok
    ? ''
    : markup`<table class="problems"><thead><tr><th>check</th><th>seq</th><th>ledger commit</th><th>file</th><th>problem</th></tr></thead><tbody>${v.problems.map(
        (p) =>
          markup`<tr><td>${p.check}</td><td>${p.seq ?? '-'}</td><td><code>${p.commit ?? '-'}</code></td><td><code>${p.file ?? '-'}</code></td><td>${p.message}</td></tr>`,
      )}</tbody></table>`;
  const checkpoint = cp
    ? markup`origin <code>${cp.origin}</code>, size ${cp.size}, root <code>${cp.root}</code>`
    : 'none';
  const keys = v.keys.length ? v.keys.map((k, i) => markup`${i ? ', ' : ''}<code>${k}</code>`) : 'none';
  const note = input.checkpointText
    ? markup`<details><summary>Signed checkpoint note</summary><pre>${input.checkpointText}</pre></details>`
    : '';
  return markup`<section class="panel verify ${v.ok ? 'ok' : 'failed'}" id="verification">
<h2>${title}</h2>
${problems}
<dl class="facts">
<dt>Head</dt><dd><code>${v.head ?? 'none'}</code></dd>
<dt>Checkpoint</dt><dd>${checkpoint}</dd>
<dt>Signing keys</dt><dd>${keys}</dd>
</dl>
${note}
</section>`;
}

function summary(rows: ReportRow[]): Markup {
  const counts = new Map<string, { label: string; tone: BadgeTone; n: number }>();
  for (const r of rows) {
    const c = counts.get(r.badge.status) ?? { label: r.badge.label, tone: r.badge.tone, n: 0 };
    c.n++;
    counts.set(r.badge.status, c);
  }
  const badges = BADGE_ORDER.map((s) => counts.get(s))
    .filter((c) => c !== undefined)
    .map((c) => markup`<span class="badge tone-${c.tone}">${c.n} ${c.label}</span>`);
  return markup`<div class="summary" id="summary"><b>${rows.length} ${plural(rows.length, 'change', 'changes')}</b>${badges}</div>`;
}

function groupByEnvironment(rows: ReportRow[]): Map<string, ReportRow[]> {
  const groups = new Map<string, ReportRow[]>();
  for (const r of rows) {
    const key = r.environment ?? NO_ENVIRONMENT;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const names = [...groups.keys()].sort((a, b) =>
    a === NO_ENVIRONMENT ? 1 : b === NO_ENVIRONMENT ? -1 : a.localeCompare(b),
  );
  return new Map(names.map((n) => [n, groups.get(n)!]));
}

/**
 * The entries a verification problem names (by seq): marked in the timeline and the CSV, so a
 * damaged entry is never read as evidence. A problem that names no entry (the checkpoint, the
 * history's shape) leaves every entry unverified.
 */
export function damagedSeqs(v: VerifyReport): { all: boolean; seqs: ReadonlySet<number> } {
  if (v.ok) return { all: false, seqs: new Set() };
  const seqs = new Set(v.problems.flatMap((p) => (p.seq === undefined ? [] : [p.seq])));
  return { all: v.problems.some((p) => p.seq === undefined), seqs };
}

/** A ledger that does not verify gives no figures: they would rest on entries nobody can trust. */
function unverifiedDelivery(): Markup {
  return markup`<section class="panel delivery unverified" id="delivery">
<h2>Delivery metrics: not computed</h2>
<p class="caveat">The ledger did not verify, so no figure computed from it can be relied on.</p>
</section>`;
}

function environmentSection(
  env: string,
  rows: ReportRow[],
  damaged: { all: boolean; seqs: ReadonlySet<number> },
): Markup {
  return markup`<section class="env" data-env="${env}">
<header><h2>${env}</h2><span class="count muted">${rows.length} ${plural(rows.length, 'change', 'changes')}</span></header>
<ol class="timeline">
${rows.map((r) => changeItem(r, damaged.all || damaged.seqs.has(r.seq)))}
</ol>
</section>
`;
}

function changeItem(r: ReportRow, unverified: boolean): Markup {
  const version = r.version ? markup`<span class="version">${r.version}</span>` : '';
  const branch = r.branch ? markup`<span class="branch muted">from <code>${r.branch}</code></span>` : '';
  // `success` is the normal case; only a deploy that did not (or no longer does) run gets a badge.
  const deployStatus =
    r.deployStatus && r.deployStatus !== 'success'
      ? markup`<span class="badge deploy-status tone-${r.deployStatus === 'started' ? 'neutral' : 'bad'}">${r.deployStatus}</span>`
      : '';
  const approvers = r.approvers.length ? r.approvers.join(', ') : 'none';
  const stale = r.staleApprovers.length
    ? markup` <span class="stale">(stale: ${r.staleApprovers.join(', ')})</span>`
    : '';
  const pr = r.pullRequest;
  const prText = pr
    ? markup` · PR${pr.number !== undefined ? ` #${pr.number}` : ''}${pr.title ? markup` <span class="pr-title">${pr.title}</span>` : ''}`
    : '';
  const statement = JSON.stringify({ hash: r.hash, statement: r.statement }, null, 2);
  const mark = unverified ? markup`<span class="badge unverified tone-bad">${'not verified'}</span>` : '';
  return markup`<li class="change tone-${r.badge.tone}${unverified ? ' unverified' : ''}" id="seq-${r.seq}" data-seq="${r.seq}" data-env="${r.environment ?? ''}" data-type="${r.type}" data-approval="${r.badge.status}">
<div class="when"><time datetime="${r.timestamp}">${formatTime(r.timestamp)}</time><span class="seq">#${r.seq}</span></div>
<div class="what"><span class="type">${r.type}</span><code class="commit" title="${r.commit}">${r.commit.slice(0, 12)}</code><span class="repo">${r.repository}</span>${version}${branch}</div>
<div class="badges">${mark}<span class="badge approval tone-${r.badge.tone}">${r.badge.label}</span>${deployStatus}</div>
<div class="who">by <b class="actor">${r.actor ?? 'unknown'}</b> · approvers: <b class="approvers">${approvers}</b>${stale}${prText}</div>
${r.type === 'deploy' ? changeSetBlock(r.statement.predicate) : ''}
<details><summary>Details</summary><pre>${statement}</pre></details>
</li>
`;
}

/** Credentials in a remote URL must not end up in a file handed to auditors. */
export function displayRemote(remote: string): string {
  return remote.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}
