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

/**
 * Output written a page at a time to a stream that may be slower than us (a pipe) or go away (`|
 * head`): `write` waits for the stream to drain, and answers false once it is gone (EPIPE), so the
 * caller stops producing. Waiting thousands of times leaves no listener behind.
 */
export class PagedOutput {
  private closed = false;

  constructor(private readonly out: NodeJS.WritableStream = process.stdout) {
    out.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      this.closed = true;
    });
  }

  async write(text: string): Promise<boolean> {
    if (this.closed) return false;
    if (text && !this.out.write(text)) {
      const out = this.out;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          out.off('drain', done);
          out.off('error', done);
          resolve();
        };
        out.on('drain', done);
        out.on('error', done);
      });
    }
    return !this.closed;
  }
}
