/**
 * The progress line: drawn on a terminal only, after ~2 s, never with --quiet or --json, cleared
 * when done. The unit tests inject a terminal and a clock; the process tests run the CLI with
 * stderr a pipe (nothing) and under a pseudo-terminal (`script`), where the line shows.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progressLine, startProgress, type ProgressStream } from '../../src/cli/progress.ts';
import { createLedgerFixture, type LedgerFixture } from '../support/ledger-fixture.ts';

function terminal(isTTY = true): ProgressStream & { text: string } {
  const s = {
    isTTY,
    columns: 100,
    text: '',
    write(t: string) {
      s.text += t;
      return true;
    },
  };
  return s;
}

describe('progress line', () => {
  it('says nothing for the first 2 s, then done / total, rate and time left; finish clears it', () => {
    let now = 0;
    const tty = terminal();
    const p = startProgress({ label: 'verifying', stream: tty, now: () => now });
    now = 1500;
    p.update(10_000, 100_000);
    expect(tty.text).toBe('');
    now = 2500;
    p.update(25_000, 100_000);
    expect(tty.text).toBe('\r\u001b[Kverifying 25,000 / 100,000 entries (25%), 10,000/s, about 8 s left');
    now = 2600; // redrawn at most every 250 ms
    p.update(26_000, 100_000);
    expect(tty.text.split('\r\u001b[K')).toHaveLength(2);
    p.finish();
    expect(tty.text.endsWith('\r\u001b[K')).toBe(true);
  });

  it('is off when stderr is not a terminal, with --quiet and with --json', () => {
    for (const o of [
      { stream: terminal(false) },
      { stream: terminal(), quiet: true },
      { stream: terminal(), json: true },
    ]) {
      let now = 0;
      const p = startProgress({ label: 'verifying', now: () => now, ...o });
      now = 10_000;
      p.update(5, 10);
      p.finish();
      expect(o.stream.text).toBe('');
    }
  });

  it('reads well for long runs', () => {
    expect(progressLine('exporting', 1_000, 100_027, 10)).toBe(
      'exporting 1,000 / 100,027 entries (0%), 100/s, about 16 min 30 s left',
    );
  });
});

const CLI = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(cmd, args, { env: { ...process.env, SHIPLOG_PROGRESS_AFTER_MS: '0' } }, (err, stdout, stderr) =>
      resolve({ code: (err as { code?: number } | null)?.code ?? 0, stdout, stderr }),
    ),
  );
}

describe('progress from a real process', () => {
  let fx: LedgerFixture;
  beforeAll(async () => {
    fx = await createLedgerFixture();
    await fx.append(3);
  });
  afterAll(() => fx?.cleanup());
  const verify = () => [
    '--import',
    'tsx',
    CLI,
    'verify',
    '--remote',
    fx.remote,
    '--cache-dir',
    fx.cacheDir,
    '--trusted-key',
    fx.pubFile,
  ];

  it('stderr a pipe: nothing on stderr, even with the delay at 0', async () => {
    const r = await run(process.execPath, verify());
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^ledger valid: 3 entries/);
  });

  it.skipIf(!existsSync('/usr/bin/script'))(
    'a pseudo-terminal: the line shows and is cleared; not with --quiet',
    async () => {
      const quote = (a: string) => `'${a.replace(/'/g, "'\\''")}'`;
      const line = [process.execPath, ...verify()].map(quote).join(' ');
      const shown = await run('/usr/bin/script', ['-qfec', line, '/dev/null']);
      expect(shown.code).toBe(0);
      expect(shown.stdout).toMatch(/verifying \d+ \/ 3 entries/);
      expect(shown.stdout).toContain('\r\u001b[K');
      const quiet = await run('/usr/bin/script', ['-qfec', `${line} --quiet`, '/dev/null']);
      expect(quiet.stdout).not.toMatch(/verifying/);
      expect(quiet.stdout).toMatch(/ledger valid: 3 entries/);
    },
  );
});
