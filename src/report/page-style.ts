/** The report's stylesheet: inline, so the file opens anywhere with no network. */
export const PAGE_STYLE = `
:root {
  --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #ffffff; --panel: #f6f8fa;
  --good: #1a7f37; --good-bg: #dafbe1; --bad: #cf222e; --bad-bg: #ffebe9;
  --warn: #9a6700; --warn-bg: #fff8c5; --neutral: #59636e; --neutral-bg: #eff2f5;
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Liberation Sans", sans-serif;
  color: var(--fg); background: var(--bg); }
main { max-width: 1120px; margin: 0 auto; padding: 24px 24px 48px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 0; }
code, pre, .mono { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 0.9em; }
.muted { color: var(--muted); }
.meta { margin: 0 0 16px; color: var(--muted); overflow-wrap: anywhere; }
.panel { border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; margin: 0 0 16px; background: var(--panel); }
.verify.ok { border-color: var(--good); background: var(--good-bg); }
.verify.failed { border-color: var(--bad); background: var(--bad-bg); }
.verify h2 { margin-bottom: 6px; }
.verify.ok h2 { color: var(--good); }
.verify.failed h2 { color: var(--bad); }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
table.problems { border-collapse: collapse; width: 100%; margin-top: 8px; background: var(--bg); }
table.problems th, table.problems td { text-align: left; border: 1px solid var(--line); padding: 4px 8px; vertical-align: top; }
.summary { display: flex; flex-wrap: wrap; gap: 8px; margin: 0 0 16px; align-items: center; }
.filters { display: flex; flex-wrap: wrap; gap: 16px; align-items: center; margin: 0 0 16px; }
.filters label { display: flex; gap: 6px; align-items: center; font-weight: 600; }
.filters select { font: inherit; padding: 3px 6px; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); }
.filter-note { display: none; }
section.env { margin: 0 0 24px; }
section.env > header { display: flex; gap: 10px; align-items: baseline; border-bottom: 2px solid var(--line); padding-bottom: 4px; margin-bottom: 8px; }
ol.timeline { list-style: none; margin: 0; padding: 0 0 0 18px; border-left: 2px solid var(--line); }
li.change { position: relative; display: grid; grid-template-columns: 190px 1fr auto; gap: 2px 16px;
  padding: 8px 10px; margin: 0 0 6px; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); }
li.change::before { content: ""; position: absolute; left: -26px; top: 14px; width: 12px; height: 12px;
  border-radius: 50%; background: var(--neutral); border: 2px solid var(--bg); }
li.change.tone-good::before { background: var(--good); }
li.change.tone-bad::before { background: var(--bad); }
li.change.tone-warn::before { background: var(--warn); }
.when { color: var(--muted); }
.when .seq { display: block; font-size: 12px; }
.what { display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: baseline; min-width: 0; }
.what .type { font-weight: 700; }
.what .version { color: var(--muted); font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 0.9em; }
.who { grid-column: 2 / 3; color: var(--muted); overflow-wrap: anywhere; }
.who b { color: var(--fg); font-weight: 600; }
.badges { grid-column: 3; grid-row: 1 / 3; display: flex; flex-direction: column; gap: 4px; align-items: flex-end; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; white-space: nowrap;
  border: 1px solid currentColor; }
.tone-good .badge.approval, .badge.tone-good { color: var(--good); background: var(--good-bg); }
.badge.tone-bad { color: var(--bad); background: var(--bad-bg); }
.badge.tone-warn { color: var(--warn); background: var(--warn-bg); }
.badge.tone-neutral { color: var(--neutral); background: var(--neutral-bg); }
details { grid-column: 1 / 4; }
details summary { cursor: pointer; color: var(--muted); font-size: 12px; width: max-content; }
details .proof { font-size: 12px; margin: 6px 0; overflow-wrap: anywhere; }
details pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 8px;
  overflow: auto; max-height: 420px; margin: 6px 0 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.empty { padding: 12px; color: var(--muted); }
.exceptions.none { border-color: var(--good); background: var(--good-bg); }
.exceptions.none h2 { color: var(--good); }
.exceptions.found { border-color: var(--bad); }
.exceptions.found h2 { color: var(--bad); }
table.exceptions, table.metrics-table { border-collapse: collapse; width: 100%; margin-top: 8px; background: var(--bg); }
table.exceptions th, table.exceptions td, table.metrics-table th, table.metrics-table td { text-align: left;
  border: 1px solid var(--line); padding: 4px 8px; vertical-align: top; }
table.exceptions td.why { overflow-wrap: anywhere; }
.caveat { color: var(--bad); font-weight: 600; margin: 6px 0; }
.window-note { color: var(--muted); background: var(--panel); border-left: 3px solid var(--line);
  padding: 8px 12px; margin: 0 0 14px; border-radius: 4px; }
.problems tr.problem-group th { text-align: left; background: var(--bad-bg); color: var(--bad); }
.problems tr.more td { color: var(--muted); font-style: italic; }
.awaiting { margin: 8px 0 0; padding-left: 18px; color: var(--warn); }
.metrics > p { margin: 4px 0 0; }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 8px; margin: 8px 0 0; }
.figure { background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; }
.figure-name { font-size: 12px; color: var(--muted); font-weight: 600; }
.figure-value { font-size: 20px; font-weight: 700; }
.figure-basis { font-size: 12px; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; margin-top: 12px; }
.chart-box { margin: 0; flex: 1 1 320px; background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 8px; }
.chart-box figcaption { font-size: 12px; color: var(--muted); font-weight: 600; margin-bottom: 4px; }
svg.chart { display: block; width: 100%; max-width: 520px; height: auto; }
svg.chart .bar { fill: var(--good); }
svg.chart.tone-neutral .bar { fill: var(--neutral); }
svg.chart .axis { stroke: var(--line); }
svg.chart text { font-size: 9px; fill: var(--muted); }
svg.chart .value { fill: var(--fg); font-weight: 600; }
svg.chart .empty-note { font-size: 12px; }
table.exceptions td:first-child { white-space: nowrap; }
.changeset { grid-column: 2 / 4; border-left: 3px solid var(--line); padding: 2px 0 2px 8px; font-size: 13px; min-width: 0; }
.changeset ul { list-style: none; margin: 2px 0 0; padding: 0; }
.changeset li { margin: 2px 0; overflow-wrap: anywhere; }
.changeset li.uncovered { background: var(--bad-bg); border-radius: 4px; padding: 1px 6px; }
.changeset .badge { font-size: 11px; padding: 0 6px; }
@media print {
  :root { --panel: #ffffff; }
  body { font-size: 11px; }
  main { max-width: none; padding: 0; }
  .filters, details, .no-print { display: none !important; }
  .filter-note:not(:empty) { display: block; margin: 0 0 12px; font-style: italic; }
  section.env > header { break-after: avoid; }
  li.change, .panel, table.problems tr { break-inside: avoid; }
  table.exceptions tr, .figures, .chart-box, .changeset { break-inside: avoid; }
  .panel.exceptions, .panel.metrics { break-inside: auto; }
  li.change::before { display: none; }
  ol.timeline { border-left: 0; padding-left: 0; }
  * { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
`;
