/** Plain-text tables for terminals, shared by the CLI and the policy room's text rendering. */

import { inert } from './inert.ts';

export interface Column<T> {
  header: string;
  value: (row: T) => string;
}

/** Left-aligned columns. Control and bidi characters in cells are escaped (inert.ts), so untrusted text cannot fake rows. */
export function table<T>(rows: readonly T[], columns: Column<T>[]): string {
  const cells = rows.map((r) => columns.map((c) => oneLine(c.value(r))));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => row[i]!.length)));
  const line = (vals: string[]): string =>
    vals
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [
    line(columns.map((c) => c.header)),
    line(widths.map((w) => '-'.repeat(w))),
    ...cells.map(line),
  ].join('\n');
}

function oneLine(s: string): string {
  return inert(s);
}
