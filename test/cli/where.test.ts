import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEntry } from '../../src/ledger/append.ts';
import type { ChangePredicate } from '../../src/ledger/statement.ts';
import { createLedgerFixture, sampleEntry, sh, type LedgerFixture } from '../support/ledger-fixture.ts';
import { runCli } from '../support/run-cli.ts';

let fx: LedgerFixture;
let code: string;
const c: Record<string, string> = {};

// main: c1 ─ c2 ─ c3 ─ c4, and a feature commit f1 off c2 that was never merged.
function makeCodeRepo(dir: string): void {
  mkdirSync(dir);
  sh(dir, 'init', '--quiet', '-b', 'main');
  for (const name of ['c1', 'c2']) {
    sh(dir, 'commit', '--quiet', '--allow-empty', '-m', name);
    c[name] = sh(dir, 'rev-parse', 'HEAD').trim();
  }
  sh(dir, 'checkout', '--quiet', '-b', 'feature');
  sh(dir, 'commit', '--quiet', '--allow-empty', '-m', 'f1');
  c.f1 = sh(dir, 'rev-parse', 'HEAD').trim();
  sh(dir, 'checkout', '--quiet', 'main');
  for (const name of ['c3', 'c4']) {
    sh(dir, 'commit', '--quiet', '--allow-empty', '-m', name);
    c[name] = sh(dir, 'rev-parse', 'HEAD').trim();
  }
}

let seq = 0;
async function deploy(
  commit: string,
  environment: string,
  over: Partial<ChangePredicate> = {},
): Promise<void> {
  await appendEntry({
    location: fx.location,
    key: fx.key,
    entry: sampleEntry(seq++, { commit, environment, actor: { login: 'deploy-bot' }, ...over }),
  });
}

beforeAll(async () => {
  fx = await createLedgerFixture();
  code = join(fx.dir, 'code');
  makeCodeRepo(code);
  await deploy(c.c2!, 'production', {
    approval: {
      status: 'approved',
      approvers: [
        { login: 'alice', stale: false },
        { login: 'mallory', stale: true },
      ],
    },
  }); // seq 0
  await deploy(c.c4!, 'staging', { details: { status: 'success', version: '1.4.0' } }); // seq 1
  await deploy(c.c3!, 'production', { details: { status: 'success' } }); // seq 2
  await deploy(c.c3!, 'production', { details: { status: 'rolled-back' } }); // seq 3
  await deploy(c.c4!, 'qa', { details: { status: 'failure' } }); // seq 4
  await appendEntry({
    location: fx.location,
    key: fx.key,
    entry: sampleEntry(seq++, { type: 'migration', commit: c.c4!, environment: 'production' }),
  }); // seq 5
});
afterAll(() => fx.cleanup());

const where = (rev: string, ...extra: string[]) =>
  runCli(['where', rev, '--remote', fx.remote, '--cache-dir', fx.cacheDir, '--repo-dir', code, ...extra]);

describe('shiplog where', () => {
  it('--json: latest successful deploy per environment and whether it contains the commit', async () => {
    const r = await where(c.c1!.slice(0, 8), '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toEqual({
      commit: c.c1,
      environments: [
        {
          environment: 'production',
          repository: 'acme/web',
          // c3 was rolled back: production is on c2 again
          deployed_commit: c.c2,
          deployed_at: '2026-01-01T00:00:00.000Z',
          deployed_by: 'deploy-bot',
          approvers: ['alice'],
          approval_status: 'approved',
          seq: 0,
          contains: true,
        },
        {
          environment: 'qa',
          repository: 'acme/web',
          deployed_commit: null,
          deployed_at: null,
          deployed_by: null,
          approvers: [],
          approval_status: null,
          seq: null,
          contains: false,
        },
        expect.objectContaining({ environment: 'staging', deployed_commit: c.c4, seq: 1, contains: true }),
      ],
    });
  });

  it('a commit after production but before staging is only in staging', async () => {
    const out = JSON.parse((await where(c.c3!, '--json')).stdout);
    expect(
      out.environments.map((e: { environment: string; contains: boolean }) => [e.environment, e.contains]),
    ).toEqual([
      ['production', false],
      ['qa', false],
      ['staging', true],
    ]);
  });

  it('an unmerged branch commit is nowhere; any rev works', async () => {
    const out = JSON.parse((await where('feature', '--json')).stdout);
    expect(out.commit).toBe(c.f1);
    expect(out.environments.every((e: { contains: boolean }) => e.contains === false)).toBe(true);
  });

  it('prints a table for people', async () => {
    const r = await where('HEAD~3');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`commit ${c.c1}`);
    expect(lines[1]).toMatch(/^ENVIRONMENT\s+CONTAINS\s+DEPLOYED\s+WHEN\s+BY\s+APPROVERS\s+SEQ$/);
    expect(r.stdout).toMatch(
      new RegExp(
        `^production\\s+yes\\s+${c.c2!.slice(0, 12)}\\s+2026-01-01T00:00:00Z\\s+deploy-bot\\s+alice\\s+0$`,
        'm',
      ),
    );
    expect(r.stdout).toMatch(/^qa\s+not deployed\s+not deployed\s+-\s+-\s+-\s+-$/m);
    expect(r.stdout).toMatch(/^staging\s+yes\s+/m);
  });

  it('exit 2 for an unknown commit, an option-like rev, or a missing checkout', async () => {
    const bad = await where('0000000');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/"0000000" is not a commit in the checkout/);
    const dash = await runCli(['where', '--remote', fx.remote, '--repo-dir', code, '--', '--output=/tmp/x']);
    expect(dash.code).toBe(2);
    expect(dash.stderr).toMatch(/"--output=\/tmp\/x" is not a commit/);
    const missing = await runCli([
      'where',
      c.c1!,
      '--remote',
      fx.remote,
      '--cache-dir',
      fx.cacheDir,
      '--repo-dir',
      join(fx.dir, 'no-such-dir'),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/does not exist/);
  });

  it('says "unknown" when the deployed commit is missing from the checkout', async () => {
    const other = join(fx.dir, 'other');
    mkdirSync(other);
    sh(other, 'init', '--quiet', '-b', 'main');
    sh(other, 'commit', '--quiet', '--allow-empty', '-m', 'unrelated');
    const r = await runCli([
      'where',
      'HEAD',
      '--remote',
      fx.remote,
      '--cache-dir',
      fx.cacheDir,
      '--repo-dir',
      other,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^production\s+unknown\s+/m);
    expect(r.stdout).toMatch(/fetch it and ask again/);
  });
});
