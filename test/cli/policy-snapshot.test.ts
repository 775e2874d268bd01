/**
 * `shiplog policy snapshot` against the fake GitHub: the JSON it writes is what `policy evaluate`
 * reads, and evaluating it gives the verdict the app would give.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.ts';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.ts';

const POLICY = fileURLToPath(new URL('../fixtures/policy/shiplog.yml', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'shiplog-snapshot-cli-'));
let gh: FakeGitHub;
let env: Record<string, string>;

beforeAll(async () => {
  gh = await startFakeGitHub({ tokens: ['cli-token'] });
  env = { GITHUB_TOKEN: 'cli-token', GITHUB_API_URL: gh.url };
  gh.addRepo('acme/shop');
  for (const login of ['bob', 'carol']) gh.setPermission('acme/shop', login, 'write');
  gh.setPermission('acme/shop', 'erin', 'read');
  gh.addTeam('acme', 'dba', ['carol']);
  const pr = gh.addPullRequest('acme/shop', {
    number: 7,
    user: 'alice',
    files: [
      'db/migrations/003_orders.sql',
      { filename: 'config/legacy/app.yml', previous_filename: 'config/production/app.yml' },
    ],
  });
  // erin reviews first so the (lazy) evaluation has to look at her
  gh.addReview('acme/shop', pr.number, { user: 'erin', state: 'APPROVED' });
  gh.addReview('acme/shop', pr.number, { user: 'bob', state: 'APPROVED' });
  gh.addReview('acme/shop', pr.number, { user: 'carol', state: 'APPROVED' });
});
afterAll(async () => {
  await gh.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('shiplog policy snapshot', () => {
  it('writes a snapshot that policy evaluate reads, with the verdict the app would give', async () => {
    const out = join(tmp, 'pr-7.json');
    const r = await runCli(
      ['policy', 'snapshot', '--repo', 'acme/shop', '--pr', '7', '--teams', 'dba', '--out', out],
      env,
    );
    expect(r.stderr).toContain(`wrote ${out} (2 files, 3 reviews)`);
    expect(r.code).toBe(0);
    expect(gh.violations).toEqual([]);

    const snapshot = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
    expect(snapshot.teams).toEqual({ dba: ['carol'] });
    expect(snapshot.permissions).toEqual({ alice: 'none', bob: 'write', carol: 'write', erin: 'read' });
    expect((snapshot.pull_request as { number: number }).number).toBe(7);

    const evaluated = await runCli(['policy', 'evaluate', '--policy', POLICY, '--pr', out]);
    expect(evaluated.stderr).toBe('');
    expect(evaluated.stdout.split('\n')[0]).toMatch(/^SATISFIED: 3 of 3 rules satisfied \(PR #7 at /);
    expect(evaluated.stdout).toMatch(/^Schema migrations\s+1\s+2\s+2 \(bob, carol\)\s+ok: satisfied$/m);
    expect(evaluated.stdout).toMatch(/^Production config\s+1\s+1\s+1 \(bob\)\s+ok: satisfied$/m);
    expect(evaluated.stdout).toContain('config/legacy/app.yml (renamed from config/production/app.yml)');
    expect(evaluated.stdout).toContain('erin (approved): no write access');
    expect(evaluated.code).toBe(0);
  });

  it('takes the teams from a policy file and prints to standard output without --out', async () => {
    const r = await runCli(
      ['policy', 'snapshot', '--repo', 'acme/shop', '--pr', '7', '--policy', POLICY],
      env,
    );
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { teams: unknown }).teams).toEqual({ dba: ['carol'] });
  });

  it('exits 2 on usage errors and 1 when GitHub fails, saying which call', async () => {
    const noToken = await runCli(['policy', 'snapshot', '--repo', 'acme/shop', '--pr', '7'], {
      GITHUB_TOKEN: undefined,
    });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('GITHUB_TOKEN');
    const badRepo = await runCli(['policy', 'snapshot', '--repo', 'shop', '--pr', '7'], env);
    expect(badRepo.code).toBe(2);
    expect(badRepo.stderr).toContain('--repo must be OWNER/NAME');
    const missing = await runCli(['policy', 'snapshot', '--repo', 'acme/shop', '--pr', '99'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/GET \/repos\/acme\/shop\/pulls\/99.* failed: 404/);
  });
});
