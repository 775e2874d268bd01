/**
 * The report as a browser shows it (Debian's headless Chromium): no console messages, the rows
 * and badges, filters from the URL query, and a screenshot kept in test-output/ to look at.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLedgerFixture, type LedgerFixture } from '../support/ledger-fixture.ts';
import { runCli } from '../support/run-cli.ts';
import { renderReportHtml } from '../../src/report/html.ts';
import { AUDIT_LEDGER, inMemory, STATS_LEDGER } from '../audit/scenario.ts';
import { chromiumPath, dumpDom, fileUrl, screenshot } from './chromium.ts';
import { okReport } from './entries.ts';
import { recordSample } from './sample-ledger.ts';

// Any request leaving the page would fail loudly (and be logged) instead of reaching a network.
const OFFLINE = ['--host-resolver-rules=MAP * ~NOTFOUND'];
const OUTPUT = resolve('test-output');

let fx: LedgerFixture;
let report: string;

beforeAll(async () => {
  chromiumPath(); // fail with the install hint before doing any work
  fx = await createLedgerFixture();
  await recordSample(fx);
  report = join(fx.dir, 'report.html');
  const r = await runCli([
    'report',
    '--remote',
    fx.remote,
    '--cache-dir',
    fx.cacheDir,
    '--trusted-key',
    fx.pubFile,
    '--out',
    report,
    // The sample is dated March 2026: the timeline's window is opened to take it in.
    '--since',
    '2026-01-01',
  ]);
  expect(r.code).toBe(0);
});
afterAll(() => fx?.cleanup());

interface Row {
  seq: number;
  approval: string;
  hidden: boolean;
}

function rowsOf(dom: string): Row[] {
  return [...dom.matchAll(/<li\b[^>]*\bclass="change\b[^>]*>/g)].map(([tag]) => ({
    seq: Number(/data-seq="(\d+)"/.exec(tag)![1]),
    approval: /data-approval="([^"]*)"/.exec(tag)![1]!,
    hidden: /\shidden(=""|\s|>)/.test(tag),
  }));
}

const shown = (dom: string): number[] =>
  rowsOf(dom)
    .filter((r) => !r.hidden)
    .map((r) => r.seq)
    .sort((a, b) => a - b);

function sectionHidden(dom: string, env: string): boolean {
  const tag = new RegExp(`<section\\b[^>]*data-env="${env}"[^>]*>`).exec(dom)?.[0];
  if (!tag) throw new Error(`no section for ${env}`);
  return /\shidden(=""|\s|>)/.test(tag);
}

describe('report in headless Chromium', () => {
  it('loads with no console messages and shows every row with its badge', async () => {
    const page = await dumpDom(fileUrl(report), OFFLINE);
    expect(page.console).toEqual([]);
    const rows = rowsOf(page.stdout);
    expect(rows.map((r) => [r.seq, r.approval, r.hidden])).toEqual([
      [4, 'no-pull-request', false],
      [3, 'overridden', false],
      [2, 'approved', false],
      [0, 'approved', false],
      [6, 'not-collected', false],
      [5, 'unapproved', false],
      [1, 'approved', false],
    ]);
    expect(page.stdout).toContain('Verified: 7 entries, chain intact');
    for (const label of ['approved', 'unapproved', 'overridden', 'no pull request', 'not collected']) {
      expect(page.stdout).toContain(`>${label}</span>`);
    }
    // The hostile PR title and branch stayed text: the only script is the report's own.
    expect(page.stdout.match(/<script\b/g)).toHaveLength(1);
    expect(page.stdout).not.toMatch(/<img\b/);
    // The only SVG is the report's own two charts (the hostile branch's <svg onload> stayed text).
    expect(page.stdout.match(/<svg\b/g)).toHaveLength(2);
    expect(page.stdout.match(/<svg class="chart /g)).toHaveLength(2);
    expect(page.stdout).not.toMatch(/<svg[^>]*\sonload/);
    expect(page.stdout).toMatch(/<title>shiplog report: [^<]*<\/title>/);
    expect(page.stdout).toContain('&lt;b&gt;mallory&lt;/b&gt;');
  });

  it('applies ?env= and ?type= filters on load', async () => {
    const prod = (await dumpDom(fileUrl(report, '?env=production'), OFFLINE)).stdout;
    expect(shown(prod)).toEqual([0, 2, 3, 4]);
    expect(sectionHidden(prod, 'production')).toBe(false);
    expect(sectionHidden(prod, 'staging')).toBe(true);
    expect(prod).toContain('Filtered: environment production (4 of 7 changes)');

    const prodDeploys = await dumpDom(fileUrl(report, '?env=production&type=deploy'), OFFLINE);
    expect(prodDeploys.console).toEqual([]);
    expect(shown(prodDeploys.stdout)).toEqual([2, 4]);

    const migrations = (await dumpDom(fileUrl(report, '?type=migration'), OFFLINE)).stdout;
    expect(shown(migrations)).toEqual([0, 6]);
    expect(sectionHidden(migrations, 'staging')).toBe(false);

    const nowhere = (await dumpDom(fileUrl(report, '?env=%3Cb%3Enowhere'), OFFLINE)).stdout;
    expect(shown(nowhere)).toEqual([]);
    expect(nowhere).toMatch(/<p class="empty" id="no-match">No changes match/);
    expect(nowhere).toContain('<option value="&lt;b&gt;nowhere">&lt;b&gt;nowhere</option>');
  });

  it('filtered rows are really not rendered', async () => {
    // A harness page frames the report and records which rows have a layout box.
    const harness = join(fx.dir, 'harness.html');
    writeFileSync(
      harness,
      `<!doctype html><body><iframe id="f" width="1200" height="800" src="report.html?env=staging&type=deploy"></iframe>
<script>
document.getElementById('f').addEventListener('load', function () {
  var rows = this.contentDocument.querySelectorAll('li.change');
  var seen = [];
  rows.forEach(function (li) { if (li.getClientRects().length) seen.push(li.getAttribute('data-seq')); });
  document.body.setAttribute('data-rendered', seen.join(','));
});
</script></body>`,
    );
    const page = await dumpDom(fileUrl(harness), [...OFFLINE, '--allow-file-access-from-files']);
    expect(page.stdout).toMatch(/<body data-rendered="5,1">/);
  });

  it('screenshot: test-output/report.png', async () => {
    mkdirSync(OUTPUT, { recursive: true });
    const png = join(OUTPUT, 'report.png');
    const page = await screenshot(fileUrl(report), png);
    expect(page.console).toEqual([]);
    expect(statSync(png).size).toBeGreaterThan(20_000);
    await screenshot(
      fileUrl(report, '?env=production&type=deploy'),
      join(OUTPUT, 'report-filtered.png'),
      '1280,700',
    );
  });

  it('the console check is not blind: a broken page is caught', async () => {
    const broken = join(fx.dir, 'broken.html');
    writeFileSync(broken, '<!doctype html><script>throw new Error("boom")</script>');
    const page = await dumpDom(fileUrl(broken), OFFLINE);
    expect(page.console.join('\n')).toMatch(/Uncaught Error: boom/);
  });
});

describe('exceptions, change sets and delivery charts in headless Chromium', () => {
  let page: string;
  beforeAll(() => {
    const entries = inMemory([...AUDIT_LEDGER, ...STATS_LEDGER]);
    page = join(fx.dir, 'delivery.html');
    writeFileSync(
      page,
      renderReportHtml({
        entries,
        verify: okReport(entries.length),
        generatedAt: new Date('2026-03-31T00:00:00Z'),
      }),
    );
  });

  it('renders the charts under the CSP with no console messages (a blocked style or script would log one)', async () => {
    const look = await dumpDom(fileUrl(page), OFFLINE);
    expect(look.console).toEqual([]);
    expect(look.stdout.match(/<svg class="chart /g)).toHaveLength(2);
    expect(look.stdout.match(/<rect class="bar"/g)).toHaveLength(12 + 6);
    expect(look.stdout.match(/<tr class="exception"/g)).toHaveLength(12);
  });

  it('the charts have a layout box and the bars the stylesheet colours', async () => {
    const harness = join(fx.dir, 'charts.html');
    writeFileSync(
      harness,
      `<!doctype html><body><iframe id="f" width="1200" height="800" src="delivery.html"></iframe>
<script>
document.getElementById('f').addEventListener('load', function () {
  var doc = this.contentDocument;
  var charts = doc.querySelectorAll('svg.chart');
  var sizes = [];
  charts.forEach(function (svg) { var r = svg.getBoundingClientRect(); sizes.push(Math.round(r.width) > 100 && Math.round(r.height) > 40); });
  var bar = doc.querySelector('svg.chart rect.bar');
  document.body.setAttribute('data-sized', sizes.join(','));
  document.body.setAttribute('data-fill', this.contentWindow.getComputedStyle(bar).fill);
});
</script></body>`,
    );
    const look = await dumpDom(fileUrl(harness), [...OFFLINE, '--allow-file-access-from-files']);
    expect(look.stdout).toMatch(/data-sized="true,true"/);
    expect(look.stdout).toMatch(/data-fill="rgb\(26, 127, 55\)"/); // --good
  });

  it('?env= narrows the exceptions too (an override, with no environment, only shows unfiltered)', async () => {
    const dom = (await dumpDom(fileUrl(page, '?env=staging'), OFFLINE)).stdout;
    const rows = [
      ...dom.matchAll(/<tr class="exception" data-env="([^"]*)" data-kind="([^"]*)"( hidden="")?>/g),
    ];
    expect(rows.filter((r) => !r[3]).map((r) => [r[1], r[2]])).toEqual([
      ['staging', 'unapproved-pr'],
      ['staging', 'incomplete-evidence'],
    ]);
    expect(dom).toContain(
      '12 exceptions<span class="muted" id="exceptions-shown"> (2 in environment staging)</span>',
    );
  });

  it('screenshot: test-output/report-delivery.png', async () => {
    mkdirSync(OUTPUT, { recursive: true });
    const png = join(OUTPUT, 'report-delivery.png');
    const look = await screenshot(fileUrl(page), png, '1280,2000');
    expect(look.console).toEqual([]);
    expect(statSync(png).size).toBeGreaterThan(20_000);
  });
});
