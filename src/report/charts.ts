/**
 * Small bar charts as inline SVG: drawn here from numbers, so the page loads nothing and the
 * Content-Security-Policy needs no exception (SVG elements are markup, not resources). Colours come
 * from the page's stylesheet through classes, never from style attributes, which the policy would
 * block. Labels go through the `markup` tag like every other text.
 */
import { markup, type Markup } from './markup.ts';

export interface Bar {
  /** Under the bar (short: a date, a bucket). */
  label: string;
  value: number;
  /** Tooltip and accessible text for the bar. */
  title: string;
}

const WIDTH = 360;
const HEIGHT = 150;
const LEFT = 26;
const RIGHT = 6;
const TOP = 14;
const BOTTOM = 22;

/** Bars of whole counts; the y axis shows 0 and the largest value. */
export function barChart(bars: readonly Bar[], opts: { label: string; tone?: 'good' | 'neutral' }): Markup {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const slot = plotW / Math.max(1, bars.length);
  const barW = Math.max(2, slot * 0.7);
  const y0 = TOP + plotH;
  const n = (v: number): string => String(Math.round(v * 10) / 10);
  // Past 8 bars the labels would run into each other: every other one (the last always) is kept.
  const labelled = (i: number): boolean => bars.length <= 8 || (bars.length - 1 - i) % 2 === 0;
  const rects = bars.map((b, i) => {
    const h = (b.value / max) * plotH;
    const x = LEFT + i * slot + (slot - barW) / 2;
    const value = b.value
      ? markup`<text class="value" x="${n(x + barW / 2)}" y="${n(y0 - h - 3)}" text-anchor="middle">${b.value}</text>`
      : '';
    return markup`<g><rect class="bar" x="${n(x)}" y="${n(y0 - h)}" width="${n(barW)}" height="${n(h)}"><title>${b.title}</title></rect>${value}${labelled(i) ? markup`<text class="label" x="${n(x + barW / 2)}" y="${n(HEIGHT - 8)}" text-anchor="middle">${b.label}</text>` : ''}</g>`;
  });
  const empty = bars.every((b) => b.value === 0)
    ? markup`<text class="empty-note" x="${n(LEFT + plotW / 2)}" y="${n(TOP + plotH / 2)}" text-anchor="middle">no data</text>`
    : '';
  return markup`<svg class="chart tone-${opts.tone ?? 'good'}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${opts.label}">
<line class="axis" x1="${LEFT}" y1="${y0}" x2="${WIDTH - RIGHT}" y2="${y0}"></line>
<text class="tick" x="${LEFT - 4}" y="${y0}" text-anchor="end">0</text>
<text class="tick" x="${LEFT - 4}" y="${TOP + 4}" text-anchor="end">${max}</text>
${rects}${empty}
</svg>`;
}
