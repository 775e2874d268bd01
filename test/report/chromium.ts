/**
 * Headless Chromium from the command line (Debian's `chromium` package): the DOM after the page's
 * scripts ran, a screenshot, and the console messages Chromium logs to stderr. No driver library:
 * one process per look, each with its own throw-away profile.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

export function chromiumPath(): string {
  const found = CANDIDATES.find((p): p is string => !!p && existsSync(p));
  if (!found) {
    throw new Error(
      'headless Chromium is required for the report browser tests but was not found at /usr/bin/chromium: ' +
        'install it with "apt-get install -y chromium" (or set CHROMIUM_PATH)',
    );
  }
  return found;
}

export interface PageLook {
  stdout: string;
  /** Console messages the page produced (Chromium logs them as CONSOLE lines). */
  console: string[];
  stderr: string;
}

export function fileUrl(path: string, query = ''): string {
  return pathToFileURL(path).href + query;
}

/** Loads `url` once; `mode` is `--dump-dom` or `--screenshot=<png>`. */
export function look(url: string, mode: string[], extra: string[] = []): Promise<PageLook> {
  const profile = mkdtempSync(join(tmpdir(), 'shiplog-chromium-'));
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
    `--user-data-dir=${profile}`,
    '--enable-logging=stderr',
    '--v=0',
    // Scripts get time to run before the DOM is dumped or the picture taken.
    '--virtual-time-budget=5000',
    ...extra,
    ...mode,
    url,
  ];
  return new Promise((resolve, reject) => {
    execFile(
      chromiumPath(),
      args,
      { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        rmSync(profile, { recursive: true, force: true });
        if (err) return reject(new Error(`chromium failed: ${err.message}\n${stderr}`));
        const console = stderr.split('\n').filter((l) => /CONSOLE/.test(l));
        resolve({ stdout, console, stderr });
      },
    );
  });
}

export const dumpDom = (url: string, extra: string[] = []): Promise<PageLook> =>
  look(url, ['--dump-dom'], extra);

export const screenshot = (url: string, png: string, size = '1280,1400'): Promise<PageLook> =>
  look(url, [`--screenshot=${png}`, `--window-size=${size}`]);
