/**
 * The package as people install it: packed, installed from the tarball into a scratch project, and
 * run through node_modules/.bin/shiplog (a symlink). Every README example starts with `shiplog …`,
 * so a bin that silently does nothing would make a CI job "verify" nothing and pass.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installPackedCli, type InstalledCli } from '../support/installed-cli.ts';

let cli: InstalledCli;
let remote: string;
const SHA = 'a'.repeat(40);

beforeAll(async () => {
  cli = await installPackedCli();
  remote = join(cli.project, 'ledger.git');
  execFileSync('git', ['init', '--bare', '--quiet', remote]);
}, 180_000);

afterAll(() => cli?.cleanup());

describe('the installed shiplog bin', () => {
  it('is a symlink that runs the CLI: --version prints the version', async () => {
    const r = await cli.run(['--version']);
    expect(r).toMatchObject({ code: 0, stdout: '0.1.0\n' });
    const pkg = JSON.parse(
      readFileSync(join(cli.project, 'node_modules', 'shiplog', 'package.json'), 'utf8'),
    ) as { dependencies?: object };
    // Bundled: installing it pulls nothing else from a registry.
    expect(pkg.dependencies ?? {}).toEqual({});
  });

  it('keygen, record and verify work end to end', async () => {
    const k = await cli.run(['keygen', '--out', 'keys']);
    expect(k.code).toBe(0);
    expect(statSync(join(cli.project, 'keys', 'shiplog.key')).mode & 0o777).toBe(0o600);
    const rec = await cli.run([
      'record',
      '--remote',
      remote,
      '--ledger-branch',
      'shiplog',
      '--key',
      'keys/shiplog.key',
      '--type',
      'deploy',
      '--commit',
      SHA,
      '--repo',
      'acme/web',
      '--environment',
      'production',
      '--cache-dir',
      'cache',
    ]);
    expect(rec.stderr).toBe('');
    expect(rec.code).toBe(0);
    expect(rec.stdout).toMatch(/^recorded seq 0 sha256:[0-9a-f]{64} on shiplog\n$/);
    const ok = await cli.run([
      'verify',
      '--remote',
      remote,
      '--trusted-key',
      'keys/shiplog.pub',
      '--cache-dir',
      'cache',
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/ledger valid: 1 entries/);
  });

  it('verify against a remote that does not exist fails loudly, never a silent exit 0', async () => {
    const r = await cli.run(['verify', '--remote', '/nonexistent', '--trusted-key', 'keys/shiplog.pub']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/does not exist/);
  });

  it('`shiplog log | head -1` ends quietly: no EPIPE stack trace', async () => {
    for (let i = 1; i <= 3; i++) {
      const c = (
        await cli.run([
          'record',
          '--remote',
          remote,
          '--ledger-branch',
          'shiplog',
          '--key',
          'keys/shiplog.key',
          '--type',
          'deploy',
          '--commit',
          String(i).repeat(40),
          '--repo',
          'acme/web',
          '--environment',
          'staging',
          '--cache-dir',
          'cache',
        ])
      ).code;
      expect(c).toBe(0);
    }
    // --help is long enough to fill more than one pipe read; log gives a table.
    for (const args of [
      ['log', '--remote', remote, '--cache-dir', 'cache'],
      ['help', 'record'],
    ]) {
      const r = await cli.pipeToHead(args, 1);
      expect(r.stderr).not.toMatch(/EPIPE|Error|at /);
      expect(r.head.split('\n').filter(Boolean)).toHaveLength(1);
    }
  });

  it('the package carries the bundle and what the README points to, not the sources', () => {
    const root = join(cli.project, 'node_modules', 'shiplog');
    for (const f of [
      'dist/cli.js',
      'dist/verify-worker.js',
      'dist/index.js',
      'action.yml',
      'app.yml',
      'README.md',
    ])
      expect(existsSync(join(root, f)), f).toBe(true);
    expect(existsSync(join(root, 'src'))).toBe(false);
    expect(existsSync(join(root, 'test'))).toBe(false);
  });
});

describe('shiplog app create-manifest from the installed package', () => {
  it("prints app.yml as the manifest flow's JSON with this installation's URLs", async () => {
    const r = await cli.run([
      'app',
      'create-manifest',
      '--webhook-url',
      'https://shiplog.acme.test/api/github/webhooks',
      '--redirect-url',
      'https://shiplog.acme.test/manifest-done',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const m = JSON.parse(r.stdout);
    expect(m).toMatchObject({
      name: 'shiplog',
      public: false,
      hook_attributes: { url: 'https://shiplog.acme.test/api/github/webhooks', active: true },
      redirect_url: 'https://shiplog.acme.test/manifest-done',
      default_permissions: { checks: 'write', pull_requests: 'read', deployments: 'write' },
    });
    expect(m.default_events).toContain('deployment_protection_rule');
  });

  it('refuses a manifest without a webhook URL, or with one that is not https', async () => {
    expect((await cli.run(['app', 'create-manifest'])).code).toBe(2);
    const r = await cli.run(['app', 'create-manifest', '--webhook-url', 'http://example.com/hook']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--webhook-url must be an https URL');
  });
});

describe('npx shiplog inside the clone', () => {
  it("runs the repository's own bin (keygen writes keys)", () => {
    const out = join(cli.project, 'npx-keys');
    execFileSync('npx', ['--offline', 'shiplog', 'keygen', '--out', out], {
      cwd: join(import.meta.dirname, '../..'),
      stdio: 'pipe',
      env: { ...process.env, npm_config_update_notifier: 'false', npm_config_engine_strict: 'false' },
    });
    expect(existsSync(join(out, 'shiplog.key'))).toBe(true);
  });
});
