/**
 * A ledger branch that cannot be created is not a race, and a remote that cannot be reached is not
 * a failed check: `record` and `verify` say so at once, with exit 2 and git's own reason.
 */
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLedgerFixture, commitOf, type LedgerFixture } from '../support/ledger-fixture.ts';
import { runCli } from '../support/run-cli.ts';

let fx: LedgerFixture;
beforeAll(async () => {
  fx = await createLedgerFixture();
  await fx.append(1); // a `shiplog` ledger, as a repository's own ledger has
});
afterAll(() => fx.cleanup());

const record = (extra: string[], cacheDir = `${fx.dir}/cache-${Math.random().toString(16).slice(2)}`) =>
  runCli(
    [
      'record',
      '--remote',
      fx.remote,
      '--cache-dir',
      cacheDir,
      '--key',
      fx.keyFile,
      '--type',
      'deploy',
      '--commit',
      commitOf(9),
      '--environment',
      'production',
      ...extra,
    ],
    { SHIPLOG_APPEND_ATTEMPTS: '30' },
  );

const branches = (): string[] =>
  execFileSync('git', ['--git-dir', fx.remote, 'for-each-ref', '--format=%(refname:short)', 'refs/heads'], {
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean);

describe('record on a remote whose ledger branches do not fit', () => {
  it('a remote with a `shiplog` ledger and no shards: appends there and says so', async () => {
    const r = await record(['--repo', 'acme/web']);
    expect(r.stderr).toContain('holds a "shiplog" ledger and no shards: appending to "shiplog"');
    expect(r.stdout).toMatch(/^recorded seq 1 .* on shiplog\n$/);
    expect(r.code).toBe(0);
    expect(branches()).toEqual(['shiplog']);
  });

  it('a shard git cannot create beside `shiplog`: exit 2 at once, naming the branch and --ledger-branch', async () => {
    const r = await record(['--repo', 'acme/web', '--ledger-branch', 'shiplog/acme/web']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'cannot create ledger branch "shiplog/acme/web": the remote holds "shiplog", and git cannot hold both; pass --ledger-branch shiplog',
    );
    expect(r.stderr).not.toContain('retrying');
  });

  it('even with --create, git refusing the branch is reported at once, not retried as a race', async () => {
    const r = await record(['--repo', 'acme/web', '--ledger-branch', 'shiplog/acme/web', '--create']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the remote holds "shiplog"');
    expect(r.stderr).not.toContain('another writer appended first');
  });

  it('a --ledger-branch that does not exist beside other ledgers asks for --create', async () => {
    const r = await record(['--repo', 'acme/web', '--ledger-branch', 'audit']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ledger branch "audit" does not exist');
    expect(r.stderr).toContain('--create to start a new ledger at seq 0 on "audit"');
    expect(branches()).toEqual(['shiplog']);
    const created = await record(['--repo', 'acme/web', '--ledger-branch', 'audit', '--create']);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^recorded seq 0 .* on audit\n$/);
  });
});

describe("an unreachable remote is exit 2 with git's own reason, never exit 1", () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    // A port that was just free: nothing listens there once the server is closed.
    server = createServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    port = (server.address() as { port: number }).port;
    await new Promise<void>((done) => server.close(() => done()));
  });

  it.each(['verify', 'log', 'record'])('%s against a refused connection', async (command) => {
    const remote = `http://127.0.0.1:${port}/acme/web.git`;
    const args =
      command === 'verify'
        ? ['verify', '--remote', remote, '--trusted-key', fx.pubFile]
        : command === 'log'
          ? ['log', '--remote', remote]
          : [
              'record',
              '--remote',
              remote,
              '--key',
              fx.keyFile,
              '--type',
              'deploy',
              '--commit',
              commitOf(3),
              '--repo',
              'acme/web',
              '--environment',
              'production',
            ];
    const r = await runCli([...args, '--cache-dir', `${fx.dir}/cache-offline`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /error\[REMOTE_UNREACHABLE\]: ledger remote "http:\/\/127\.0\.0\.1:\d+\/acme\/web\.git" cannot be reached: .*(Couldn't connect|Connection refused|Failed to connect)/,
    );
    expect(r.stderr).not.toContain(' | ');
  });

  it("a host name that does not resolve (DNS) is exit 2 with the resolver's reason", async () => {
    // .invalid never resolves (RFC 2606)
    const remote = 'https://shiplog-test.invalid/acme/web.git';
    const r = await runCli([
      ...['verify', '--remote', remote, '--trusted-key', fx.pubFile],
      ...['--cache-dir', `${fx.dir}/cache-dns`],
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /error\[REMOTE_UNREACHABLE\]: ledger remote "https:\/\/shiplog-test\.invalid\/acme\/web\.git" cannot be reached: .*(Could not resolve host|Name or service not known)/,
    );
  });
});
