import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
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
      `origin <code>acme/web</code>, size 5, head <code>sha256:${'a'.repeat(64)}</code>`,
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
    expect(page).toMatch(/<details><summary>Details<\/summary><pre>\{\n {2}&quot;hash&quot;: &quot;sha256:/);
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
    expect(out).not.toContain('secret');
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
