import { describe, expect, it } from 'vitest';
import { isShiplogError } from '../../src/errors.ts';
import { parseExpires, parseInputs } from '../../src/action/inputs.ts';

const env = { GITHUB_REPOSITORY: 'acme/web', GITHUB_SHA: 'a'.repeat(40) };
const NOW = new Date('2026-03-01T12:00:00Z');

function parse(inputs: Record<string, string>) {
  return parseInputs((name) => inputs[name] ?? '', env, NOW);
}

function errorOf(inputs: Record<string, string>): string {
  try {
    parse(inputs);
  } catch (e) {
    expect(isShiplogError(e, 'USAGE')).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected parseInputs to fail');
}

const KEY = '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----';

describe('parseInputs', () => {
  it('reads a deploy into one typed object with defaults', () => {
    const i = parse({
      type: 'deploy',
      'signing-key': KEY,
      environment: 'production',
      status: 'rolled-back',
      artifacts: `app@sha256:${'AB'.repeat(32)}\n# a comment\n\ndist/*.tgz`,
    });
    expect(i).toMatchObject({
      command: 'record',
      type: 'deploy',
      commit: 'a'.repeat(40),
      ledgerBranch: 'shiplog',
      ledgerRepository: 'acme/web',
      status: 'rolled-back',
      allowDuplicate: false,
      artifacts: [
        { kind: 'digest', name: 'app', digest: `sha256:${'ab'.repeat(32)}` },
        { kind: 'glob', pattern: 'dist/*.tgz' },
      ],
    });
    expect(i.commitInput).toBeUndefined();
  });

  it('writes a shard on a mirror shared by many repositories, as the app does; `shiplog` on one named after it', () => {
    const base = { type: 'deploy', 'signing-key': KEY, environment: 'production' };
    expect(parse({ ...base, 'ledger-remote': '/srv/ledgers/all.git' }).ledgerBranch).toBe('shiplog/acme/web');
    expect(parse({ ...base, 'ledger-remote': 'https://git.example.com/acme/web.git' }).ledgerBranch).toBe(
      'shiplog',
    );
    expect(parse({ ...base, 'ledger-repository': 'acme/ledger' }).ledgerBranch).toBe('shiplog/acme/web');
    expect(
      parse({ ...base, 'ledger-remote': '/srv/ledgers/all.git', 'ledger-branch': 'shiplog' }).ledgerBranch,
    ).toBe('shiplog');
  });

  it.each([
    [{ command: 'deploy' }, 'input "command": must be one of record, verify, query, gate'],
    [{ 'signing-key': KEY }, 'input "type": is required for command record'],
    [{ type: 'deploy' }, 'input "signing-key": is required for command record'],
    [
      { type: 'release', 'signing-key': KEY },
      'input "type": must be one of deploy, migration, config-override',
    ],
    [
      { type: 'deploy', 'signing-key': KEY, commit: 'abc123' },
      'input "commit": must be a full 40-hex commit sha',
    ],
    [{ type: 'deploy', 'signing-key': KEY, status: 'ok' }, 'input "status": must be one of success, failure'],
    [
      { type: 'deploy', 'signing-key': KEY, url: 'javascript:alert(1)' },
      'input "url": must be an http(s) URL',
    ],
    [
      { type: 'deploy', 'signing-key': KEY, artifacts: 'app@sha256:abc' },
      'input "artifacts": "app@sha256:abc": the digest',
    ],
    [
      { type: 'deploy', 'signing-key': KEY, artifacts: '/etc/passwd' },
      'input "artifacts": "/etc/passwd" is absolute',
    ],
    [{ type: 'migration', 'signing-key': KEY }, 'input "migrations": is required for type migration'],
    [{ type: 'migration', 'signing-key': KEY, migrations: 'db/../../x.sql' }, 'climbs out of the workspace'],
    [
      { type: 'migration', 'signing-key': KEY, migrations: 'a.sql', 'migration-tool': 'knex' },
      'input "migration-tool"',
    ],
    [
      { type: 'deploy', 'signing-key': KEY, database: 'orders' },
      'input "database": only applies to type migration',
    ],
    [
      { type: 'config-override', 'signing-key': KEY, 'config-keys': 'X' },
      'input "reason": is required for type config-override',
    ],
    [{ type: 'config-override', 'signing-key': KEY, reason: 'r' }, 'needs config-keys or config-files'],
    [
      { type: 'config-override', 'signing-key': KEY, reason: 'r', 'config-keys': 'PASSWORD=hunter2' },
      'a line containing "=" looks like a value',
    ],
    [
      { type: 'config-override', 'signing-key': KEY, reason: 'r', 'config-keys': 'X', expires: 'tomorrow' },
      'input "expires": must be an ISO timestamp',
    ],
    [
      {
        type: 'config-override',
        'signing-key': KEY,
        reason: 'r',
        'config-keys': 'X',
        expires: '2020-01-01T00:00:00Z',
      },
      'is already in the past',
    ],
    [
      { type: 'deploy', 'signing-key': KEY, 'allow-duplicate': 'yes' },
      'input "allow-duplicate": must be true or false',
    ],
    [{ type: 'deploy', 'signing-key': KEY, 'ledger-branch': '--upload-pack=x' }, 'input "ledger-branch"'],
    [
      { type: 'deploy', 'signing-key': KEY, 'ledger-repository': 'not a repo' },
      'input "ledger-repository": must be OWNER/NAME',
    ],
    [
      { type: 'deploy', 'signing-key': KEY, environment: 'prod\nuction' },
      'input "environment": must be one line',
    ],
    [{ command: 'verify' }, 'input "trusted-keys": is required for command verify'],
    [{ command: 'gate', 'override-reason': 'x' }, 'input "signing-key": is required with override-reason'],
    [{ command: 'query', 'override-reason': 'x' }, 'input "override-reason": is only for command gate'],
  ])('refuses %j', (inputs, message) => {
    expect(errorOf(inputs)).toContain(message);
  });

  it('never echoes the signing key in an error', () => {
    const message = errorOf({ type: 'nope', 'signing-key': KEY });
    expect(message).not.toContain('abc');
  });

  it('accepts a reason over several lines but no other control characters', () => {
    const base = { type: 'config-override', 'signing-key': KEY, 'config-keys': 'X' };
    expect(parse({ ...base, reason: 'INC-1\nraise the timeout' }).reason).toBe('INC-1\nraise the timeout');
    expect(errorOf({ ...base, reason: 'bad\u001b[31m' })).toContain(
      'input "reason": contains control characters',
    );
  });

  it('accepts an explicit commit in any case and lets query filter by type', () => {
    const i = parse({ command: 'query', commit: 'B'.repeat(40), type: 'override' });
    expect(i).toMatchObject({ commit: 'b'.repeat(40), commitInput: 'b'.repeat(40), type: 'override' });
  });
});

describe('parseExpires', () => {
  it('turns durations into timestamps from now', () => {
    expect(parseExpires('4h', NOW)).toBe('2026-03-01T16:00:00.000Z');
    expect(parseExpires('2d', NOW)).toBe('2026-03-03T12:00:00.000Z');
    expect(parseExpires('30m', NOW)).toBe('2026-03-01T12:30:00.000Z');
    expect(parseExpires('2026-04-01T00:00:00+02:00', NOW)).toBe('2026-03-31T22:00:00.000Z');
  });
});
