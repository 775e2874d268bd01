import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLedgerFixture, commitOf, type LedgerFixture } from '../support/ledger-fixture.ts';
import { runCli } from '../support/run-cli.ts';

let fx: LedgerFixture;
beforeEach(async () => {
  fx = await createLedgerFixture();
});
afterEach(() => fx.cleanup());

const rec = (extra: string[] = []): string[] => [
  'record',
  '--remote',
  fx.remote,
  '--cache-dir',
  fx.cacheDir,
  '--key',
  fx.keyFile,
  '--type',
  'deploy',
  '--commit',
  commitOf(1),
  '--repo',
  'acme/web',
  '--environment',
  'production',
  ...extra,
];

describe('shiplog CLI: ledger commands', () => {
  it('keygen writes a 0600 private key and a public key and prints the keyid', async () => {
    const out = join(fx.dir, 'keys');
    const r = await runCli(['keygen', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^keyid [0-9a-f]{64}$/m);
    expect(statSync(join(out, 'shiplog.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(out, 'shiplog.key'), 'utf8')).toContain('BEGIN PRIVATE KEY');
    expect(readFileSync(join(out, 'shiplog.pub'), 'utf8')).toContain('BEGIN PUBLIC KEY');
    expect((await runCli(['keygen', '--out', out])).code).toBe(2);
  });

  it('record → verify → log → show round trip', async () => {
    const r1 = await runCli(rec());
    expect(r1).toMatchObject({ code: 0 });
    // The remote is not acme/web's own repository: a central ledger, so the record goes to its shard.
    expect(r1.stdout).toMatch(/^recorded seq 0 sha256:[0-9a-f]{64} on shiplog\/acme\/web$/m);
    const r2 = await runCli(rec(['--json']).map((a) => (a === commitOf(1) ? commitOf(2) : a)));
    expect(JSON.parse(r2.stdout)).toMatchObject({ seq: 1 });

    const v = await runCli([
      'verify',
      '--remote',
      fx.remote,
      '--cache-dir',
      fx.cacheDir,
      '--trusted-key',
      fx.pubFile,
    ]);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain('ledger valid: 2 entries');

    const log = await runCli(['log', '--remote', fx.remote, '--cache-dir', fx.cacheDir, '--json']);
    const entries = JSON.parse(log.stdout);
    expect(entries.map((e: { seq: number }) => e.seq)).toEqual([1, 0]);
    expect(entries[0].statement.predicate.commit).toBe(commitOf(2));

    const byCommit = await runCli([
      'log',
      '--remote',
      fx.remote,
      '--cache-dir',
      fx.cacheDir,
      '--commit',
      commitOf(2),
    ]);
    const rows = byCommit.stdout.trim().split('\n').slice(2);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/^1 /);

    const show = await runCli(['show', '--remote', fx.remote, '--cache-dir', fx.cacheDir, '0', '--json']);
    expect(JSON.parse(show.stdout)).toMatchObject({
      seq: 0,
      statement: { predicate: { commit: commitOf(1) } },
    });
    const byHash = await runCli([
      'show',
      '--remote',
      fx.remote,
      '--cache-dir',
      fx.cacheDir,
      JSON.parse(show.stdout).hash,
    ]);
    expect(byHash.stdout).toMatch(/^seq {8}0$/m);
  });

  it('verify exits 1 and lists problems on a damaged ledger', async () => {
    await runCli(rec());
    const other = join(fx.dir, 'other');
    await runCli(['keygen', '--out', other]);
    const v = await runCli([
      'verify',
      '--remote',
      fx.remote,
      '--cache-dir',
      fx.cacheDir,
      '--trusted-key',
      join(other, 'shiplog.pub'),
    ]);
    expect(v.code).toBe(1);
    expect(v.stdout).toContain('ledger INVALID');
    expect(v.stdout).toMatch(/signature +0 +[0-9a-f]{12} +entry\.json +no signature by a trusted key/);
  });

  it('reads the signing key from SHIPLOG_SIGNING_KEY', async () => {
    const args = rec().filter((a, i, all) => a !== '--key' && all[i - 1] !== '--key');
    const r = await runCli(args, { SHIPLOG_SIGNING_KEY: readFileSync(fx.keyFile, 'utf8') });
    expect(r.code).toBe(0);
    const none = await runCli(args, { SHIPLOG_SIGNING_KEY: undefined });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no signing key');
  });

  it('gives clear errors and exit 2 for bad input', async () => {
    const bad = join(fx.dir, 'bad.key');
    writeFileSync(bad, 'not a key');
    let r = await runCli(rec(['--key', bad]));
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('is not a PEM key')]);
    writeFileSync(bad, '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
    r = await runCli(rec(['--key', bad]));
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('is not a readable private key')]);
    expect(r.stderr).not.toContain('AAAA');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    writeFileSync(bad, rsa);
    r = await runCli(rec(['--key', bad]));
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('is a rsa key')]);

    r = await runCli([
      'verify',
      '--remote',
      fx.remote,
      '--cache-dir',
      fx.cacheDir,
      '--trusted-key',
      fx.pubFile,
    ]);
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('has no ledger branch')]);
    r = await runCli([
      'verify',
      '--remote',
      fx.remote,
      '--cache-dir',
      fx.cacheDir,
      '--trusted-key',
      fx.pubFile,
      '--ledger-branch',
      'shiplog',
    ]);
    expect([r.code, r.stderr]).toEqual([
      2,
      expect.stringContaining('the ledger branch "shiplog" does not exist'),
    ]);

    r = await runCli(['verify', '--remote', fx.remote, '--cache-dir', fx.cacheDir]);
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('no trusted key')]);

    const notGit = join(fx.dir, 'plain-folder');
    mkdirSync(notGit);
    r = await runCli(['log', '--remote', notGit, '--cache-dir', fx.cacheDir]);
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('is not a reachable git repository')]);
    r = await runCli(['log', '--remote', join(fx.dir, 'missing'), '--cache-dir', fx.cacheDir]);
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('does not exist')]);
    const pwned = join(fx.dir, 'pwned');
    r = await runCli(['log', '--remote', `--upload-pack=touch ${pwned}`, '--cache-dir', fx.cacheDir]);
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('looks like an option')]);
    r = await runCli([
      'log',
      '--remote',
      fx.remote,
      '--ledger-branch',
      `--upload-pack=touch ${pwned}`,
      '--cache-dir',
      fx.cacheDir,
    ]);
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('is not a valid branch name')]);
    r = await runCli(['log', '--remote', `ext::sh -c touch% ${pwned}`, '--cache-dir', fx.cacheDir]);
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('remote helper URLs')]);
    expect(existsSync(pwned)).toBe(false);

    r = await runCli(rec(['--commit', 'abc']));
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('full 40-hex commit')]);
    r = await runCli(rec(['--type', 'deploy; rm -rf /']));
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('--type must be one of')]);
    r = await runCli(['log', '--remote', fx.remote, '--cache-dir', fx.cacheDir, '--commit', 'xyz']);
    expect(r.code).toBe(2);
  });
});
