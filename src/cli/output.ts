/** Terminal output helpers: plain tables for people, JSON for machines, colour only on a TTY. */

import { inertJson } from '../text/inert.ts';

export { table, type Column } from '../text/table.ts';
export { inert, inertJson } from '../text/inert.ts';

/** JSON on stdout, with C1 and bidi characters escaped as JSON escapes (the same value, inert). */
export function printJson(value: unknown): void {
  process.stdout.write(inertJson(value, 2) + '\n');
}

const useColour = (): boolean => !!process.stdout.isTTY && !process.env.NO_COLOR;

export const colour = {
  green: (s: string): string => (useColour() ? `\u001b[32m${s}\u001b[0m` : s),
  red: (s: string): string => (useColour() ? `\u001b[31m${s}\u001b[0m` : s),
  dim: (s: string): string => (useColour() ? `\u001b[2m${s}\u001b[0m` : s),
  bold: (s: string): string => (useColour() ? `\u001b[1m${s}\u001b[0m` : s),
};
