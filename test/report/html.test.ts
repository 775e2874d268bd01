import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AUDIT_LEDGER, inMemory, STATS_LEDGER } from '../audit/scenario.ts';
import { displayRemote, renderReportHtml } from '../../src/report/html.ts';
import { escapeHtml, markup } from '../../src/report/markup.ts';
import { okReport, reportEntry } from './entries.ts';

const at = new Date('2026-03-02T10:00:00Z');
const EVIL = `<x-evil onclick="alert(1)">'&"`;
const EVIL_TEXT = escapeHtml(EVIL);

function tags(page: string): string[] {
  return page.match(/<[a-z][^>]*>/gi) ?? [];
}

/** Attribute names of every tag (values are always double-quoted, so quotes delimit them). */
function attributeNames(page: string): string[] {
  return tags(page).flatMap((tag) =>
    [...tag.replace(/^<[a-z0-9-]+/i, '').matchAll(/\s*([^\s=>"/]+)(?:="[^"]*")?/g)].map((m) =>
      m[1]!.toLowerCase(),
    ),
  );
}

describe('escaping', () => {
  it('escapes the five HTML specials and every interpolated value, but not nested markup', () => {
    expect(escapeHtml(`<a href="x">'&`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;');
    const inner = markup`<b>${'<i>'}</b>`;
    expect(markup`<p title="${'"x'}">${inner}${['<', 1, null, undefined, false]}</p>`.text).toBe(
      '<p title="&quot;x"><b>&lt;i&gt;</b>&lt;1</p>',
    );
  });
});

describe('renderReportHtml', () => {
  const entries = [
    reportEntry(0, { type: 'migration', environment: 'production' }),
    reportEntry(1, {
      environment: 'staging',
      details: { status: 'success', version: '2.0.0' },
      approval: {
        status: 'unapproved',
        approvers: [{ login: 'carol', stale: true }],
        pull_request: { number: 7, title: 'Faster checkout' },
      },
    }),
    reportEntry(2, { type: 'config-override', approval: { status: 'overridden' } }),
    reportEntry(3, { approval: { status: 'no-pull-request' }, details: { status: 'failure' } }),
    reportEntry(4, { type: 'migration', environment: undefined, approval: undefined }),
  ];
  const page = renderReportHtml({ entries, verify: okReport(5), generatedAt: at });

  it('shows the verification, the checkpoint and one row per entry, grouped by environment', () => {
    expect(page).toContain('Verified: 5 entries, chain intact');
    expect(page).toContain(
      `origin <code>acme/web</code>, size 5, root <code>${Buffer.alloc(32, 0xaa).toString('base64')}</code>`,
    );
    const sections = [...page.matchAll(/<section class="env" data-env="([^"]*)"/g)].map((m) => m[1]);
    expect(sections).toEqual(['production', 'staging', 'no environment']);
    const rows = [
      ...page.matchAll(/data-seq="(\d+)" data-env="([^"]*)" data-type="([^"]*)" data-approval="([^"]*)"/g),
    ];
    expect(rows.map((m) => m.slice(1))).toEqual([
      ['3', 'production', 'deploy', 'no-pull-request'],
      ['2', 'production', 'config-override', 'overridden'],
      ['0', 'production', 'migration', 'approved'],
      ['1', 'staging', 'deploy', 'unapproved'],
      ['4', '', 'migration', 'not-collected'],
    ]);
  });

  it('badges: approval status by label, plus a deploy that did not succeed', () => {
    for (const [tone, label] of [
      ['good', 'approved'],
      ['bad', 'unapproved'],
      ['warn', 'overridden'],
      ['warn', 'no pull request'],
      ['neutral', 'not collected'],
    ]) {
      expect(page).toContain(`<span class="badge approval tone-${tone}">${label}</span>`);
    }
    expect(page).toContain('<span class="badge deploy-status tone-bad">failure</span>');
    expect(page).not.toContain('deploy-status tone-bad">success');
    expect(page).toContain('<b class="approvers">none</b> <span class="stale">(stale: carol)</span> · PR #7');
    expect(page).toContain('<b>5 changes</b>');
  });

  it('an unknown approval status is never shown as approved', () => {
    const odd = reportEntry(0, { approval: { status: 'totally-fine' as never } });
    const out = renderReportHtml({ entries: [odd], verify: okReport(1), generatedAt: at });
    expect(out).toContain('data-approval="not-collected"');
  });

  it('offers filters for the environments and types present', () => {
    expect(page).toMatch(
      /<select id="filter-env"><option value="">all<\/option><option value="production">production<\/option><option value="staging">staging<\/option><\/select>/,
    );
    expect(page).toMatch(
      /<select id="filter-type">.*value="config-override".*value="deploy".*value="migration"/s,
    );
  });

  it('the statement is behind a <details> element, escaped', () => {
    expect(page).toMatch(
      /<details><summary>Details<\/summary><p class="proof">Inclusion proof: <code>shiplog prove \d+ --remote [^<]+<\/code>[^\n]*<\/p><pre>\{\n {2}&quot;hash&quot;: &quot;sha256:/,
    );
  });

  it('is self-contained: no external resources, and a CSP that admits only its own style and script', () => {
    expect(page).not.toMatch(/<link\b/i);
    const names = new Set(attributeNames(page));
    for (const banned of ['src', 'href', 'action', 'srcset', 'poster', 'data', 'background']) {
      expect(names.has(banned)).toBe(false);
    }
    expect(page).not.toMatch(/url\(|@import/);
    const style = /<style>([\s\S]*?)<\/style>/.exec(page)![1]!;
    const script = /<script>([\s\S]*?)<\/script>/.exec(page)![1]!;
    const sha = (s: string): string => createHash('sha256').update(s).digest('base64');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/
      .exec(page)![1]!
      .replace(/&#39;/g, "'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`style-src 'sha256-${sha(style)}'`);
    expect(csp).toContain(`script-src 'sha256-${sha(script)}'`);
    expect(page.match(/<script\b/g)).toHaveLength(1);
    // Inline SVG charts are markup, not resources; colours come from classes (a style attribute
    // would need 'unsafe-inline').
    expect(page.match(/<svg class="chart /g)).toHaveLength(2);
    expect(names.has('style')).toBe(false);
    const print = page.slice(page.indexOf('@media print'));
    expect(print).toMatch(/\.filters, details, \.no-print \{ display: none !important; \}/);
    expect(print).toMatch(/li\.change, \.panel, table\.problems tr \{ break-inside: avoid; \}/);
  });

  it('makes HTML injection impossible through any recorded text', () => {
    const hostile = reportEntry(9, {
      environment: EVIL,
      branch: EVIL,
      repository: 'acme/web',
      actor: { login: EVIL },
      approval: {
        status: 'approved',
        approvers: [{ login: EVIL, stale: false }],
        pull_request: { number: 1, title: `</pre></details></li><script>alert(1)</script>${EVIL}` },
      },
      details: { status: EVIL, version: EVIL },
      change_set: {
        base: null,
        relation: EVIL,
        commits: { count: 1, list: [{ sha: 'c'.repeat(40), pull_request: 1 }] },
        pull_requests: [
          {
            number: 1,
            title: EVIL,
            author: { login: EVIL, id: 1 },
            merged_at: EVIL,
            approval: {
              status: EVIL,
              approvers: [{ login: EVIL }],
              changes_requested: [{ login: EVIL }],
              not_counted: [],
            },
          },
        ],
        uncovered_commits: [
          { sha: 'c'.repeat(40), author: EVIL, message: EVIL, reason: 'unapproved-pull-request' },
        ],
        removed_commits: { count: 0, list: [] },
        complete: false,
        truncated: [EVIL],
      },
    });
    const out = renderReportHtml({
      entries: [hostile],
      verify: okReport(1, {
        ok: false,
        remote: `https://user:secret@example.com/${EVIL}`,
        branch: EVIL,
        problems: [{ check: 'signature', seq: 9, file: EVIL, message: EVIL }],
      }),
      checkpointText: EVIL,
      generatedAt: at,
    });
    expect(out).not.toContain('<x-evil');
    expect(out.match(/<script\b/g)).toHaveLength(1);
    expect(out).not.toContain('<script>alert');
    expect(attributeNames(out).filter((n) => n.startsWith('on'))).toEqual([]);
    expect(attributeNames(out)).not.toContain('x-evil');
    expect(out.split(EVIL_TEXT).length - 1).toBeGreaterThanOrEqual(10);
    expect(out).toContain(`data-env="${EVIL_TEXT}"`);
    // The change set and the exceptions it raises carry the hostile text too, escaped.
    expect(out).toContain(`<span class="message">${EVIL_TEXT}</span>`);
    expect(out).not.toContain('secret');
    // Exceptions are listed only for a ledger that verifies: the same entry there, escaped.
    const listed = renderReportHtml({ entries: [hostile], verify: okReport(1), generatedAt: at });
    expect(listed).not.toContain('<x-evil');
    expect(listed).toMatch(/<tr class="exception" data-env="&lt;x-evil[^"]*" data-kind="uncovered-commits">/);
  });

  it('a failed verification heads the page with every problem', () => {
    const out = renderReportHtml({
      entries: entries.slice(0, 1),
      verify: okReport(2, {
        ok: false,
        problems: [
          {
            check: 'signature',
            seq: 1,
            commit: 'c'.repeat(40),
            file: 'entry.json',
            message: 'no trusted key signed it',
          },
          { check: 'checkpoint', message: 'checkpoint head differs' },
        ],
      }),
      generatedAt: at,
    });
    expect(out).toContain('<section class="panel verify failed" id="verification">');
    expect(out).toContain('Verification FAILED: 2 problems in 2 entries');
    expect(out).toContain(
      `<tr><td>signature</td><td>1</td><td><code>${'c'.repeat(40)}</code></td><td><code>entry.json</code></td><td>no trusted key signed it</td></tr>`,
    );
    expect(out).toContain(
      '<tr><td>checkpoint</td><td>-</td><td><code>-</code></td><td><code>-</code></td><td>checkpoint head differs</td></tr>',
    );
  });

  it('an empty ledger says so', () => {
    const out = renderReportHtml({ entries: [], verify: okReport(0), generatedAt: at });
    expect(out).toContain('The ledger has no entries.');
  });

  it('never prints credentials from a remote URL', () => {
    expect(displayRemote('https://x-access-token:ghs_abc@github.com/acme/web.git')).toBe(
      'https://github.com/acme/web.git',
    );
    expect(displayRemote('git@github.com:acme/web.git')).toBe('git@github.com:acme/web.git');
    expect(displayRemote('/srv/ledger.git')).toBe('/srv/ledger.git');
  });
});

describe('exceptions, change sets and delivery metrics', () => {
  // The audit scenario followed by the stats one, seen at the end of the stats window.
  const entries = inMemory([...AUDIT_LEDGER, ...STATS_LEDGER]);
  const page = renderReportHtml({
    entries,
    verify: okReport(entries.length),
    generatedAt: new Date('2026-03-31T00:00:00Z'),
  });
  const order = (id: string): number => page.indexOf(`id="${id}"`);

  it('the exceptions come right after the verification, then the metrics, then the timeline', () => {
    expect(order('verification')).toBeGreaterThan(0);
    expect(order('exceptions')).toBeGreaterThan(order('verification'));
    expect(order('delivery')).toBeGreaterThan(order('exceptions'));
    expect(order('summary')).toBeGreaterThan(order('delivery'));
  });

  it('lists what shiplog audit lists, with a badge per kind and the sentence', () => {
    expect(page).toContain(
      '<section class="panel exceptions found" id="exceptions">\n<h2>12 exceptions<span class="muted" id="exceptions-shown"></span></h2>',
    );
    const rows = [...page.matchAll(/<tr class="exception" data-env="([^"]*)" data-kind="([^"]*)">/g)];
    expect(rows.map((m) => m[2])).toEqual([
      'unapproved-pr',
      'direct-push-deploy',
      'uncovered-commits',
      'unapproved-pr',
      'direct-push-deploy',
      'incomplete-evidence',
      'override-not-reviewed',
      'override-reviewed-late',
      'override-reviewed-late',
      'override-not-reviewed', // seq 12: 03-09 12:00 + 72h is before 03-31
      'uncovered-commits',
      'direct-push-deploy',
    ]);
    expect(rows[6]![1]).toBe(''); // an override has no environment
    expect(page).toContain('<span class="badge tone-bad">uncovered commits</span>');
    expect(page).toContain(
      '<td class="why">Pull request #13 &quot;PR 13&quot; by frank, shipped by the deploy of 4ead000 to production (seq 3), is not approved: ',
    );
  });

  it('a clean ledger says there is nothing, and a failed verification casts doubt on the list', () => {
    const clean = renderReportHtml({ entries: entries.slice(0, 1), verify: okReport(1), generatedAt: at });
    expect(clean).toContain(
      '<section class="panel exceptions none" id="exceptions">\n<h2>No exceptions: no uncovered commits, unapproved pull requests, direct pushes, incomplete change sets or deploys without approval evidence or actor, and no override unreviewed after 72h<span',
    );
    const failed = renderReportHtml({
      entries,
      verify: okReport(entries.length, {
        ok: false,
        problems: [{ check: 'signature', seq: 3, message: 'x' }],
      }),
      generatedAt: at,
    });
    expect(failed).toContain('<p class="caveat">The ledger did not verify');
  });

  it('a ledger that fails verification: no "No exceptions", no delivery metrics, the damaged entry marked', () => {
    const clean = entries.slice(0, 1);
    const failed = renderReportHtml({
      entries: clean,
      verify: okReport(1, {
        ok: false,
        problems: [{ check: 'signature', seq: 0, message: 'bad signature' }],
      }),
      generatedAt: at,
    });
    expect(failed).not.toContain('No exceptions');
    expect(failed).not.toContain('class="panel exceptions none"');
    expect(failed).toContain('<h2>Exceptions: not established');
    expect(failed).toContain('<h2>Delivery metrics: not computed</h2>');
    expect(failed).not.toMatch(/per week|class="chart/);
    expect(failed).toMatch(/<li class="change [^"]* unverified" id="seq-0"/);
    expect(failed).toContain('<span class="badge unverified tone-bad">not verified</span>');
  });

  it('each deploy shows its change set: commits, PRs with approval badges, uncovered commits highlighted', () => {
    const row = /<li class="change [^"]*" id="seq-3"[\s\S]*?<\/li>\n/.exec(page)![0];
    expect(row).toContain('<div class="cs-summary"><b>4 commits</b> since <code title="ba5e');
    expect(row).toContain('<span class="muted">(ahead of the last deploy)</span>');
    const prs = [
      ...row.matchAll(
        /<li class="cs-pr" data-approval="([^"]*)"><span class="badge tone-(\w+)">[^<]*<\/span> #(\d+)/g,
      ),
    ];
    expect(prs.map((m) => [m[3], m[1], m[2]])).toEqual([
      ['11', 'approved', 'good'],
      ['12', 'approved', 'good'],
      ['13', 'unapproved', 'bad'],
    ]);
    expect(row).toContain('changes requested: erin');
    expect(row.match(/<li class="uncovered">/g)).toHaveLength(2);
    expect(row).toContain(
      '<li class="uncovered"><code title="4ead000000000000000000000000000000000000">4ead000</code> <span class="message">Hotfix typo</span> by <b>bob</b> <span class="badge tone-bad">no pull request</span></li>',
    );
    const incomplete = /<li class="change [^"]*" id="seq-4"[\s\S]*?<\/li>\n/.exec(page)![0];
    expect(incomplete).toContain(
      '<span class="badge tone-warn">incomplete evidence</span> <span class="muted">the compare API listed 250 of 300 commits</span>',
    );
    // A deploy recorded before change sets shows none.
    const old = /<li class="change [^"]*" id="seq-0"[\s\S]*?<\/li>\n/.exec(page)![0];
    expect(old).not.toContain('changeset');
  });

  it('delivery metrics: the four figures for the last 30 days with what they rest on, per environment, and two charts', () => {
    const section = /<section class="panel metrics" id="delivery">[\s\S]*?<\/section>/.exec(page)![0];
    const figures = [
      ...section.matchAll(
        /<div class="figure-name">([^<]*)<\/div><div class="figure-value[^"]*">([^<]*)<\/div><div class="figure-basis muted">([^<]*)<\/div>/g,
      ),
    ].map((m) => m.slice(1));
    // The audit scenario adds deploys on 03-09 (one success, one start) to the stats scenario's:
    // 6 + 1 = 7 successes in 30 days, 7 · 7 / 30 = 1.63 a week; 9 + 1 = 10 deploys with an outcome.
    expect(figures).toEqual([
      ['Deployment frequency', '1.63 / week', '7 successful deploys, 0.23 per day'],
      [
        'Lead time for changes',
        'p50 12h',
        'p90 24h; 6 pull requests in 4 deploys; 1 deploy without a change set',
      ],
      ['Change failure rate', '40.0%', '4 of 10 deploys: 3 failed, 1 rolled back'],
      ['Time to restore', 'p50 1h', '2 restores; 1 not restored yet'],
    ]);
    expect(section).toContain(
      '<tr data-env="production"><td>production</td><td>1.40 <span class="muted">(6)</span></td><td>12h</td><td>24h <span class="muted">(5 PRs)</span></td>',
    );
    const charts = [
      ...section.matchAll(/<svg class="chart[^"]*"[^>]*aria-label="([^"]*)">([\s\S]*?)<\/svg>/g),
    ];
    expect(charts.map((c) => c[1])).toEqual([
      'Successful deploys per week over the last 12 weeks',
      'Lead time distribution',
    ]);
    const bars = (svg: string): number[] =>
      [...svg.matchAll(/<title>[^<]*?(\d+) (?:successful deploy|pull request)/g)].map((m) => Number(m[1]));
    // Successful deploys by whole weeks back from 03-31 00:00 (floor((03-31 − t) / 7d)):
    // 5 weeks back: 02-20, 02-21, 02-22, 02-23 (audit seq 0–3)       → 4
    // 4: 02-24 10:00 (seq 4), 02-25 (p0), 03-02 12:00 (p1), 03-03 (s0) → 4
    // 3: 03-05 06:00 (p4), 03-09 13:10 (seq 14), 03-10 00:00 (p5, exactly 21 days) → 3
    // 2: 03-10 03:00 (p7) → 1;  1: 03-20 00:30 (p9) → 1;  0: none (p10 is after the end)
    expect(bars(charts[0]![2]!)).toEqual([0, 0, 0, 0, 0, 0, 4, 4, 3, 1, 1, 0]);
    // lead times 1h 2h 12h 14h 24h 24h: < 1h 0, 1–4h 2, 4–24h 2, 1–3d 2
    expect(bars(charts[1]![2]!)).toEqual([0, 2, 2, 2, 0, 0]);
  });
});
