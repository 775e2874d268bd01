/**
 * The container image. Where a Docker engine answers, `docker build` builds it; here (a docker
 * client, no engine) the test checks the Dockerfile's stages by running the commands they run, in
 * the files the image gets: `npm ci --omit=dev` on package.json + package-lock.json (offline: the
 * test has no network), then `node dist/app.js` with the image's environment — it starts, answers
 * /healthz and /readyz, and exits 0 on SIGTERM.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../../support/fake-github.ts';
import { appEnv } from '../harness.ts';
import { appBundle } from './replicas.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

interface Stage {
  from: string;
  lines: string[];
}

/** The Dockerfile's stages, continuation lines joined, comments dropped. */
function stages(text: string): Stage[] {
  const out: Stage[] = [];
  const joined = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  for (const line of joined) {
    if (/^FROM /i.test(line)) out.push({ from: line.slice(5).trim(), lines: [] });
    else out.at(-1)?.lines.push(line);
  }
  return out;
}

function dockerEngine(): boolean {
  return spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

describe('the container image', () => {
  const [deps, runtime] = stages(dockerfile);

  it('has a dependencies stage and a small Node 24 runtime that runs dist/app.js as a non-root user', () => {
    expect(deps?.from).toMatch(/^node:24-alpine AS deps$/);
    expect(deps?.lines.some((l) => /^RUN npm ci --omit=dev\b/.test(l))).toBe(true);
    expect(runtime?.from).toMatch(/^node:24-alpine$/);
    expect(runtime?.lines).toContain('USER node');
    expect(runtime?.lines.at(-1)).toBe('CMD ["node", "dist/app.js"]');
    // what the image copies is what .dockerignore lets in
    const allowed = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('!'))
      .map((l) => l.slice(1));
    const copied = [...deps!.lines, ...runtime!.lines]
      .filter((l) => l.startsWith('COPY ') && !l.includes('--from'))
      .flatMap((l) => l.split(/\s+/).slice(1, -1));
    for (const file of copied) expect(allowed).toContain(file);
  });

  it.runIf(dockerEngine())('builds with docker build', () => {
    execFileSync('docker', ['build', '-t', 'shiplog-app:test', ROOT], { stdio: 'inherit', timeout: 600_000 });
  });

  describe('its stages, run here as the Dockerfile runs them', () => {
    let gh: FakeGitHub;
    let dir: string;
    beforeAll(async () => {
      gh = await startFakeGitHub();
      dir = mkdtempSync(join(tmpdir(), 'shiplog-image-'));
    });
    afterAll(async () => {
      await gh?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('installs the production dependencies from the lockfile, starts, answers /healthz and /readyz, stops on SIGTERM', async () => {
      // stage deps: COPY package.json package-lock.json; RUN npm ci --omit=dev …
      for (const f of ['package.json', 'package-lock.json']) copyFileSync(join(ROOT, f), join(dir, f));
      const ci = deps!.lines
        .find((l) => l.startsWith('RUN npm ci'))!
        .replace(/^RUN /, '')
        .split(' && ')[0]!;
      const args = ci.split(/\s+/).slice(1);
      execFileSync('npm', [...args, '--offline'], { cwd: dir, stdio: 'pipe', timeout: 300_000 });

      // stage runtime: COPY dist/app.js dist/verify-worker.js ./dist/, ENV …, CMD node dist/app.js
      const app = await appBundle();
      mkdirSync(join(dir, 'dist'));
      for (const f of ['app.js', 'verify-worker.js']) copyFileSync(join(app, '..', f), join(dir, 'dist', f));
      const env: Record<string, string> = {};
      for (const line of runtime!.lines.filter((l) => l.startsWith('ENV ')))
        for (const m of line.slice(4).matchAll(/(\w+)=(\S+)/g)) env[m[1]!] = m[2]!;
      expect(env.LOG_FORMAT).toBe('json');
      mkdirSync(join(dir, 'cache'));
      const child = spawn(process.execPath, ['dist/app.js'], {
        cwd: dir,
        env: {
          PATH: process.env.PATH ?? '',
          ...env,
          ...appEnv(gh, { LOG_LEVEL: 'info' }),
          // the image's /var/cache/shiplog, here a folder of the test's
          SHIPLOG_CACHE_DIR: join(dir, 'cache'),
          LOG_FORMAT: 'json',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.setEncoding('utf8').on('data', (c: string) => {
          out += c;
          const m = /listening on (\S+?);/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.once('exit', (code) => reject(new Error(`app exited with ${code}: ${out}`)));
      });
      // structured logs: every line is one JSON object
      for (const line of out.trim().split('\n')) expect(() => JSON.parse(line) as unknown).not.toThrow();
      expect(await (await fetch(`${url}/healthz`)).text()).toBe('PONG');
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ ready: true, redis: 'not configured' });
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      expect((await exited)[0]).toBe(0);
    });
  });
});
