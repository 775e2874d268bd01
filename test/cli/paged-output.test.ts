/**
 * Page-by-page output into a slow or closing pipe (`shiplog log --limit 0 | …`): every page waits
 * for the pipe to drain and none leaves a listener behind (before, each wait left an `error`
 * listener, and the 11th made Node print MaxListenersExceededWarning on the user's terminal); a
 * closed pipe stops the writer quietly.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PagedOutput } from '../../src/cli/output.ts';

/** A pipe that holds 16 bytes and is read a tick after each write. */
function slowPipe(): { out: PassThrough; received: () => string } {
  const out = new PassThrough({ highWaterMark: 16 });
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString()));
  out.pause();
  const drip = setInterval(() => out.read(), 1);
  out.on('close', () => clearInterval(drip));
  return { out, received: () => text };
}

describe('PagedOutput', () => {
  it('waits for a slow pipe page after page, leaving no listener behind', async () => {
    const { out, received } = slowPipe();
    const before = { drain: out.listenerCount('drain'), error: out.listenerCount('error') };
    const pager = new PagedOutput(out);
    const pages = Array.from({ length: 50 }, (_, i) => `page ${i} ${'x'.repeat(100)}\n`);
    for (const p of pages) expect(await pager.write(p)).toBe(true);
    expect(out.listenerCount('drain')).toBe(before.drain);
    // its own EPIPE watch is the one error listener it keeps
    expect(out.listenerCount('error')).toBe(before.error + 1);
    out.resume();
    await new Promise((r) => setTimeout(r, 20));
    expect(received()).toBe(pages.join(''));
    out.destroy();
  });

  it('answers false once the reader is gone (EPIPE), and writes nothing more', async () => {
    const { out } = slowPipe();
    const pager = new PagedOutput(out);
    const pending = pager.write('y'.repeat(100));
    out.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    expect(await pending).toBe(false);
    expect(await pager.write('more')).toBe(false);
    out.destroy();
  });
});
