/**
 * The CLI as a user gets it: the package packed with `npm pack` (so package.json's "files" and
 * "bin" decide what is in it) and installed from the tarball into a scratch project, offline. The
 * bin is then run through node_modules/.bin, a symlink, exactly as `npx shiplog` or a CI job does.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleDist } from '../action/harness.ts';

const ROOT = resolve(import.meta.dirname, '../..');

export interface InstalledCli {
  /** The scratch project the package was installed into. */
  project: string;
  /** node_modules/.bin/shiplog of the scratch project. */
  bin: string;
  run(
    args: string[],
    opts?: { env?: Record<string, string>; cwd?: string },
  ): Promise<{ code: number; stdout: string; stderr: string }>;
  /** `shiplog ARGS | head -N` through a real pipe; the CLI's exit code and stderr. */
  pipeToHead(args: string[], lines: number): Promise<{ code: number; stderr: string; head: string }>;
  cleanup(): void;
}

export async function installPackedCli(): Promise<InstalledCli> {
  const dir = mkdtempSync(join(tmpdir(), 'shiplog-installed-'));
  // The freshly built dist/ goes into a staging copy of the package, so a rebuild by another test
  // cannot change the files while npm packs them; "files" in package.json decides the rest.
  const cli = await bundleDist(['cli.js', 'verify-worker.js', 'index.js', 'app.js']);
  const stage = join(dir, 'stage');
  mkdirSync(stage);
  for (const f of ['package.json', 'README.md', 'SECURITY.md', 'action.yml', 'app.yml', 'schema'])
    cpSync(join(ROOT, f), join(stage, f), { recursive: true });
  cpSync(join(cli, '..'), join(stage, 'dist'), { recursive: true });
  rmSync(join(cli, '..'), { recursive: true, force: true });
  const packs = join(dir, 'packs');
  mkdirSync(packs);
  const npmEnv = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false' };
  execFileSync('npm', ['pack', '--silent', '--pack-destination', packs], {
    cwd: stage,
    env: npmEnv,
    stdio: 'pipe',
  });
  const tarball = join(
    packs,
    readdirSync(packs).find((f) => f.endsWith('.tgz'))!,
  );
  const project = join(dir, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), '{"name":"scratch","version":"1.0.0","private":true}\n');
  // Offline: the bundled CLI needs no runtime dependency, so nothing is fetched from a registry.
  execFileSync('npm', ['install', '--offline', '--no-audit', '--engine-strict=false', tarball], {
    cwd: project,
    env: npmEnv,
    stdio: 'pipe',
  });
  const bin = join(project, 'node_modules', '.bin', 'shiplog');
  return {
    project,
    bin,
    run: (args, opts = {}) =>
      new Promise((done) => {
        execFile(
          bin,
          args,
          { cwd: opts.cwd ?? project, env: { ...process.env, ...opts.env }, maxBuffer: 1 << 26 },
          (err, stdout, stderr) => {
            const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
            done({ code, stdout, stderr });
          },
        );
      }),
    pipeToHead: (args, lines) =>
      new Promise((done) => {
        const child = spawn(bin, args, { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
        const head = spawn('head', ['-n', String(lines)], { stdio: ['pipe', 'pipe', 'ignore'] });
        child.stdout.pipe(head.stdin);
        head.stdin.on('error', () => undefined);
        let stderr = '';
        let out = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        head.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.on('close', (code) => done({ code: code ?? -1, stderr, head: out }));
      }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
