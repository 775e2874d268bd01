/**
 * `shiplog record` refuses what the Action refuses (one module, ledger/record-input.ts, for every
 * writer): nothing refused may reach the remote, because an entry can never be taken back.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEntry } from '../../src/ledger/append.ts';
import { MAX_DETAILS_BYTES } from '../../src/ledger/record-input.ts';
import { createLedgerFixture, commitOf, sampleEntry, type LedgerFixture } from '../support/ledger-fixture.ts';
import { runCli } from '../support/run-cli.ts';

let fx: LedgerFixture;
beforeAll(async () => {
  fx = await createLedgerFixture();
});
afterAll(() => fx.cleanup());

function details(name: string, value: unknown): string {
  const file = join(fx.dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

const record = (type: string, extra: string[]) =>
  runCli([
    'record',
    '--remote',
    fx.remote,
    '--ledger-branch',
    'shiplog',
    '--cache-dir',
    fx.cacheDir,
    '--key',
    fx.keyFile,
    '--type',
    type,
    '--commit',
    commitOf(7),
    '--repo',
    'acme/web',
    ...extra,
  ]);

function remoteBranches(): string {
  return execFileSync('git', ['--git-dir', fx.remote, 'for-each-ref', '--format=%(refname)'], {
    encoding: 'utf8',
  });
}

describe('record refuses what every writer refuses', () => {
  it.each([
    [
      'a config key carrying its value (A=secret)',
      'config-override',
      () => ['--details', details('kv.json', { keys: ['A=secret'], reason: 'INC-1' })],
      /a line containing "=" looks like a value/,
    ],
    [
      'a config-override without a reason',
      'config-override',
      () => ['--details', details('noreason.json', { keys: ['TIMEOUT'] })],
      /needs a reason/,
    ],
    [
      'a config-override with a blank reason',
      'config-override',
      () => ['--details', details('blank.json', { keys: ['TIMEOUT'], reason: '  ' })],
      /needs a reason/,
    ],
    [
      'a deploy status outside the documented set',
      'deploy',
      () => ['--environment', 'production', '--details', details('exploded.json', { status: 'exploded' })],
      /status must be one of success, failure, started, rolled-back/,
    ],
    ['a deploy without an environment', 'deploy', () => [], /--environment is required for --type deploy/],
    ['an empty environment', 'deploy', () => ['--environment', ''], /--environment must not be empty/],
    [
      'a blank environment',
      'deploy',
      () => ['--environment', '   '],
      /--environment must not be empty or blank/,
    ],
    [
      'an over-long environment',
      'deploy',
      () => ['--environment', 'p'.repeat(201)],
      /--environment is longer than 200 characters/,
    ],
    [
      'an environment with a newline',
      'deploy',
      () => ['--environment', 'prod\nuction'],
      /--environment must not contain tabs, newlines or control characters/,
    ],
    [
      '--details over the documented limit',
      'deploy',
      () => [
        '--environment',
        'production',
        '--details',
        details('big.json', { version: 'x'.repeat(MAX_DETAILS_BYTES) }),
      ],
      /at most 65536 bytes/,
    ],
    [
      '--details in invalid UTF-8 (refused, not replaced)',
      'deploy',
      () => {
        const file = join(fx.dir, 'latin1.json');
        writeFileSync(file, Buffer.from([0x7b, 0x22, 0x76, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d])); // {"v":"\xe9"}
        return ['--environment', 'production', '--details', file];
      },
      /is not valid UTF-8/,
    ],
    [
      'an argument that was not valid UTF-8 (Node shows it as U+FFFD)',
      'deploy',
      () => ['--environment', 'prod\uFFFD'],
      /--environment is not valid UTF-8/,
    ],
  ])('refuses %s, with exit 2, and nothing reaches the remote', async (_what, type, extra, message) => {
    const r = await record(type, extra());
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
    expect(remoteBranches()).toBe('');
  });

  it('records a valid config-override with key names and a reason', async () => {
    const r = await record('config-override', [
      '--details',
      details('ok.json', { keys: ['TIMEOUT'], reason: 'INC-1: raise the timeout' }),
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('the same rules hold below the CLI (the app and the Action append through appendEntry)', () => {
  it.each([
    [{ type: 'config-override' as const, details: { keys: ['DB_PASSWORD=hunter2'], reason: 'x' } }, /"="/],
    [
      { type: 'config-override' as const, details: { keys: ['A'], reason: 'x', values: { A: '1' } } },
      /values never/,
    ],
    [{ environment: undefined }, /a deploy needs an environment/],
    [{ environment: 'Production ' }, /must not start or end with spaces/],
    [{ details: { status: 'exploded' } }, /status must be one of/],
    [{ environment: 'prod\uD800' }, /not valid Unicode/],
  ])('appendEntry refuses %j', async (over, message) => {
    await expect(
      appendEntry({ location: fx.location, key: fx.key, entry: sampleEntry(50, over) }),
    ).rejects.toThrow(message);
  });
});
