/** Terminal output helpers: plain tables for people, JSON for machines, colour only on a TTY. */

export interface Column<T> {
  header: string;
  value: (row: T) => string;
}

export function table<T>(rows: T[], columns: Column<T>[]): string {
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
  // Untrusted text (titles, branch names) must not move the cursor or fake extra rows.
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

const useColour = (): boolean => !!process.stdout.isTTY && !process.env.NO_COLOR;

export const colour = {
  green: (s: string): string => (useColour() ? `\u001b[32m${s}\u001b[0m` : s),
  red: (s: string): string => (useColour() ? `\u001b[31m${s}\u001b[0m` : s),
  dim: (s: string): string => (useColour() ? `\u001b[2m${s}\u001b[0m` : s),
  bold: (s: string): string => (useColour() ? `\u001b[1m${s}\u001b[0m` : s),
};
