/**
 * The checkpoint origin a new ledger gets names where the ledger lives (issue 18): for a local path
 * the absolute path on this host, never a bare `shiplog/shiplog` that any other ledger could claim;
 * for a URL its host and path, never the credentials in it (the origin is signed into every
 * checkpoint for good).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultOrigin } from '../../src/ledger/append.ts';
import { createLedgerFixture, commitOf, type LedgerFixture } from '../support/ledger-fixture.ts';
import { runCli } from '../support/run-cli.ts';

let fx: LedgerFixture;
beforeAll(async () => {
  fx = await createLedgerFixture();
});
afterAll(() => fx.cleanup());

function bareRepo(name: string): string {
  const path = join(fx.dir, 'ledgers', name);
  mkdirSync(path, { recursive: true });
  execFileSync('git', ['init', '--bare', '-q', path]);
  return realpathSync(path);
}

describe('the checkpoint origin of a new ledger', () => {
  it('a local path: localhost, the absolute path without .git, and the branch', async () => {
    const remote = bareRepo('team-a.git');
    const r = await runCli([
      'record',
      '--remote',
      remote,
      '--cache-dir',
      join(fx.dir, 'cache-a'),
      '--key',
      fx.keyFile,
      '--type',
      'deploy',
      '--commit',
      commitOf(1),
      '--environment',
      'production',
      '--repo',
      'acme/web',
    ]);
    expect(r.code, r.stderr).toBe(0);
    // A new ledger of one repository is its shard.
    const note = execFileSync('git', ['--git-dir', remote, 'show', 'shiplog/acme/web:checkpoint'], {
      encoding: 'utf8',
    });
    const origin = note.split('\n')[0]!;
    expect(origin).toBe(`localhost${remote.replace(/\.git$/, '')}/shiplog/acme/web`);
    // Two ledgers on one host do not share an origin.
    expect(defaultOrigin({ remote: bareRepo('team-b.git'), branch: 'shiplog' })).not.toBe(origin);
  });

  it('a relative path is made absolute first', () => {
    expect(defaultOrigin({ remote: 'test', branch: 'shiplog/acme/web' })).toBe(
      `localhost${resolve('test')}/shiplog/acme/web`,
    );
  });

  it('a URL: host and path, never the credentials it carries', () => {
    expect(
      defaultOrigin({
        remote: 'https://x-access-token:ghs_secret123@github.com/acme/ledger.git',
        branch: 'shiplog/acme/web',
      }),
    ).toBe('github.com/acme/ledger/shiplog/acme/web');
    expect(defaultOrigin({ remote: 'git@github.example:acme/ledger.git', branch: 'shiplog' })).toBe(
      'github.example/acme/ledger/shiplog',
    );
    expect(defaultOrigin({ remote: 'ssh://git@git.acme.test:2222/ops/ledger', branch: 'shiplog' })).toBe(
      'git.acme.test:2222/ops/ledger/shiplog',
    );
  });
});
