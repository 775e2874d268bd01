/**
 * What the query commands answer for names and evidence a user types: one repository however it is
 * spelled, environment names that match nothing, deploys recorded without evidence, and figures
 * from too little history. Real git: a code checkout, a central ledger repository, the CLI.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newKey, sh } from '../support/ledger-fixture.ts';
import { runCli } from '../support/run-cli.ts';

let dir: string;
let central: string;
let checkout: string;
let sha: string;
let keyFile: string;
let pubFile: string;
let cache: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shiplog-queries-'));
  central = join(dir, 'audit-ledgers.git');
  execFileSync('git', ['init', '--bare', '--quiet', central]);
  checkout = join(dir, 'web');
  mkdirSync(checkout);
  sh(checkout, 'init', '--quiet');
  writeFileSync(join(checkout, 'a.txt'), 'a\n');
  sh(checkout, 'add', '.');
  sh(checkout, 'commit', '--quiet', '-m', 'first');
  sha = sh(checkout, 'rev-parse', 'HEAD').trim();
  const k = newKey();
  keyFile = join(dir, 'shiplog.key');
  pubFile = join(dir, 'shiplog.pub');
  writeFileSync(keyFile, k.privatePem, { mode: 0o600 });
  writeFileSync(pubFile, k.publicPem);
  cache = join(dir, 'cache');
  // Recorded as a user types it: mixed case, from the CLI (no approval evidence, no actor).
  const r = await runCli([
    'record',
    '--remote',
    central,
    '--cache-dir',
    cache,
    '--key',
    keyFile,
    '--type',
    'deploy',
    '--commit',
    sha,
    '--repo',
    'Acme/Web',
    '--environment',
    'production',
  ]);
  expect(r.stderr).toBe('');
  expect(r.stdout).toMatch(/ on shiplog\/acme\/web\n$/);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const at = (...args: string[]): string[] => [...args, '--remote', central, '--cache-dir', cache];

describe('one repository, one name', () => {
  it('--repo Acme/Web writes shard shiplog/acme/web and keeps the name as given', async () => {
    const r = await runCli(at('log', '--repo', 'acme/web', '--json'));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)[0].statement.predicate.repository).toBe('Acme/Web');
  });

  it.each(['acme/web', 'ACME/WEB', 'Acme/Web'])('where <sha> --repo %s finds the deploy', async (repo) => {
    const r = await runCli(at('where', sha.slice(0, 10), '--repo', repo, '--repo-dir', checkout, '--json'));
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).environments).toMatchObject([
      { environment: 'production', contains: true, deployed_commit: sha },
    ]);
  });

  it('log --environment PRODUCTION matches production (GitHub ignores case)', async () => {
    const r = await runCli(at('log', '--environment', 'PRODUCTION', '--json'));
    expect(JSON.parse(r.stdout)).toHaveLength(1);
  });
});

describe('names that match nothing are said to match nothing', () => {
  it('audit --environment prodcution: exit 2, naming the environments there are', async () => {
    const r = await runCli(at('audit', '--trusted-key', pubFile, '--environment', 'prodcution'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      '--environment "prodcution" matches no environment in the ledger (it has: production)',
    );
    expect(r.stdout).not.toContain('No exceptions');
  });

  it('stats --environment prodcution: exit 2', async () => {
    const r = await runCli(at('stats', '--trusted-key', pubFile, '--environment', 'prodcution'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('matches no environment');
  });

  it('log --environment prodcution: exit 2; log --type deploi: exit 2', async () => {
    const env = await runCli(at('log', '--environment', 'prodcution'));
    expect(env.code).toBe(2);
    expect(env.stderr).toContain('--environment "prodcution" matches no environment in the ledger');
    const type = await runCli(at('log', '--type', 'deploi'));
    expect(type.code).toBe(2);
    expect(type.stderr).toContain('--type must be one of deploy, migration, config-override');
  });
});

describe('missing evidence is an exception', () => {
  it('a deploy recorded without approval evidence or actor is approval-not-collected, never "no exceptions"', async () => {
    const r = await runCli(at('audit', '--trusted-key', pubFile, '--environment', 'Production'));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('approval-not-collected');
    expect(r.stdout).toContain('without approval evidence (not collected) and without an actor');
    expect(r.stdout).not.toMatch(/no exceptions/i);
    const json = JSON.parse((await runCli(at('audit', '--trusted-key', pubFile, '--json'))).stdout);
    expect(json.counts['approval-not-collected']).toBe(1);
  });
});

describe('figures that mean something', () => {
  it('stats on minutes of history says "not enough history", not hundreds of deploys a day', async () => {
    const r = await runCli(at('stats', '--trusted-key', pubFile));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/deployment frequency\s+not enough history/);
    expect(r.stdout).not.toMatch(/per day/);
  });

  it('--since 99999d is refused, not a window from 1753', async () => {
    const r = await runCli(at('stats', '--trusted-key', pubFile, '--since', '99999d'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('a duration goes back at most 3650d');
  });
});
