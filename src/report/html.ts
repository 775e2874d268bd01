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
import { DEFAULT_REVIEW_WITHIN_MS } from '../audit/exceptions.ts';
import { groupProblems } from '../ledger/problem-groups.ts';
import type { Problem, VerifyReport } from '../ledger/verify.ts';
import { collectReport, type CollectedReport } from './collect.ts';
import { changeSetBlock } from './change-set.ts';
import { deliverySection } from './delivery.ts';
import { exceptionsSection } from './exceptions.ts';
import { formatTime, plural } from './format.ts';
import { markup, trusted, type Markup } from './markup.ts';
import { BADGE_ORDER, badgeFor, toRows, type ReportEntry, type ReportRow } from './model.ts';
import { PAGE_SCRIPT } from './page-script.ts';
import { PAGE_STYLE } from './page-style.ts';

export interface ReportInput {
  /** Every entry (small ledgers, tests)… */
  entries?: readonly ReportEntry[];
  /** …or what a ReportCollector gathered while verify streamed the ledger. */
  collected?: CollectedReport;
  verify: VerifyReport;
  /** The checkpoint file as stored on the ledger branch (the signed note). */
  checkpointText?: string;
  generatedAt: Date;
  /** How soon an override must be reviewed for the Exceptions section (default 72h). */
  reviewWithinMs?: number;
}

const NO_ENVIRONMENT = 'no environment';

export function renderReportHtml(input: ReportInput): string {
  const reviewWithinMs = input.reviewWithinMs ?? DEFAULT_REVIEW_WITHIN_MS;
  const c = input.collected ?? collectReport(input.entries ?? [], { now: input.generatedAt, reviewWithinMs });
  const rows = toRows(c.rows);
  const environments = groupByEnvironment(rows);
  const envOptions = c.environments;
  const types = c.types;
  const remote = displayRemote(input.verify.remote);
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
${exceptionsSection(c.findings, { verified: input.verify.ok, reviewWithinMs })}
${input.verify.ok ? deliverySection(c.delivery) : unverifiedDelivery()}
${summary(c)}
${windowNote(c)}
<div class="filters" role="search">
<label for="filter-env">Environment <select id="filter-env"><option value="">all</option>${envOptions.map(option)}</select></label>
<label for="filter-type">Type <select id="filter-type"><option value="">all</option>${types.map(option)}</select></label>
<button type="button" id="filter-reset">Show all</button>
</div>
<p class="filter-note" id="filter-note"></p>
${[...environments].map(([env, list]) => environmentSection(env, list, damaged, { remote, branch: input.verify.branch }))}
<p class="empty" id="no-match" hidden>No changes match the filters.</p>
${c.total === 0 ? markup`<p class="empty">The ledger has no entries.</p>` : rows.length === 0 ? markup`<p class="empty">No entries in this window.</p>` : ''}
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
  const problems = v.ok ? '' : problemTable(v.problems);
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

/** Counts over the whole ledger, whatever window the timeline shows. */
function summary(c: CollectedReport): Markup {
  const badges = BADGE_ORDER.filter((s) => c.badges.has(s)).map((s) => {
    const b = badgeFor(s);
    return markup`<span class="badge tone-${b.tone}">${number(c.badges.get(s)!)} ${b.label}</span>`;
  });
  return markup`<div class="summary" id="summary"><b>${number(c.total)} ${plural(c.total, 'change', 'changes')}</b>${badges}</div>`;
}

/** What the timeline below covers, and what it leaves to the CSV. */
function windowNote(c: CollectedReport): Markup | string {
  const { since, until } = c.window;
  const outside = c.before + c.after;
  const capped = c.rows.length < c.inWindow;
  if (!since && !until && !capped) return '';
  const span =
    since && until
      ? `from ${formatTime(since)} to ${formatTime(until)}`
      : since
        ? `since ${formatTime(since)}`
        : `until ${formatTime(until!)}`;
  const shown = capped
    ? `the newest ${number(c.rows.length)} of the ${number(c.inWindow)} entries ${since || until ? span : ''}`
    : `${number(c.inWindow)} ${plural(c.inWindow, 'entry', 'entries')} ${span}`;
  const rest = outside
    ? `; ${number(outside)} ${plural(outside, 'entry is', 'entries are')} outside this window (${number(c.before)} before, ${number(c.after)} after)`
    : '';
  return markup`<p class="window-note" id="window-note">The timeline shows ${shown}${rest}. The summary, exceptions and metrics above cover the whole ledger; the CSV beside this report holds every entry.</p>`;
}

const number = (n: number): string => n.toLocaleString('en-US');

/** Verify's problems: identical ones as one group (its sentence, count and first few). */
function problemTable(problems: readonly Problem[]): Markup {
  const row = (p: Problem): Markup =>
    markup`<tr><td>${p.check}</td><td>${p.seq ?? '-'}</td><td><code>${p.commit ?? '-'}</code></td><td><code>${p.file ?? '-'}</code></td><td>${p.message}</td></tr>`;
  const groups = groupProblems(problems, GROUP_SHOWN);
  const body = groups.every((g) => g.count <= GROUP_SHOWN)
    ? problems.map(row)
    : groups.map((g) =>
        g.count === 1
          ? row(g.first[0]!)
          : markup`<tr class="problem-group"><th colspan="5">${g.summary}</th></tr>${g.first.map(row)}${
              g.count > g.first.length
                ? markup`<tr class="more"><td colspan="5">… and ${number(g.count - g.first.length)} more like these (<code>shiplog verify --json</code> lists every one)</td></tr>`
                : ''
            }`,
      );
  return markup`<table class="problems"><thead><tr><th>check</th><th>seq</th><th>ledger commit</th><th>file</th><th>problem</th></tr></thead><tbody>${body}</tbody></table>`;
}

const GROUP_SHOWN = 5;

function groupByEnvironment(rows: ReportRow[]): Map<string, ReportRow[]> {
  const groups = new Map<string, ReportRow[]>();
  for (const r of rows) {
    const key = r.environment ?? NO_ENVIRONMENT;
    const list = groups.get(key) ?? [];
    list.push(r);
    groups.set(key, list);
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
  ledger: LedgerRef,
): Markup {
  return markup`<section class="env" data-env="${env}">
<header><h2>${env}</h2><span class="count muted">${rows.length} ${plural(rows.length, 'change', 'changes')}</span></header>
<ol class="timeline">
${rows.map((r) => changeItem(r, damaged.all || damaged.seqs.has(r.seq), ledger))}
</ol>
</section>
`;
}

/** Where the entries' proofs come from: `shiplog prove` against this remote and branch. */
interface LedgerRef {
  remote: string;
  branch: string;
}

function changeItem(r: ReportRow, unverified: boolean, ledger: LedgerRef): Markup {
  // Anyone can check an entry's inclusion offline: the command that writes its proof bundle.
  const prove = `shiplog prove ${r.seq} --remote ${ledger.remote} --ledger-branch ${r.shard ?? ledger.branch}`;
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
<details><summary>Details</summary><p class="proof">Inclusion proof: <code>${prove}</code> (then <code>shiplog verify-proof FILE --trusted-key KEY</code>)</p><pre>${statement}</pre></details>
</li>
`;
}

/** Credentials in a remote URL must not end up in a file handed to auditors. */
export function displayRemote(remote: string): string {
  return remote.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}
