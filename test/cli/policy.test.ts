import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.ts';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/policy/${name}`, import.meta.url));
const POLICY = fixture('shiplog.yml');
const evaluate = (policy: string, pr: string, ...extra: string[]) =>
  runCli(['policy', 'evaluate', '--policy', policy, '--pr', fixture(pr), ...extra]);

const tmp = mkdtempSync(join(tmpdir(), 'shiplog-policy-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('shiplog policy evaluate', () => {
  it('exits 0 and prints the table when every matching rule holds', async () => {
    const r = await evaluate(POLICY, 'snapshot-approved.json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('SATISFIED: 3 of 3 rules satisfied (PR #42 at 6dcb09b5b578)');
    expect(r.stdout).toMatch(/^Schema migrations\s+1\s+2\s+2 \(carol, dave\)\s+ok: satisfied$/m);
    expect(r.stdout).toMatch(/^DBA sign-off\s+1\s+1\s+1 \(carol\)\s+ok: satisfied$/m);
    expect(r.stdout).toMatch(/^Production config\s+2\s+1\s+1 \(bob\)\s+ok: satisfied$/m);
    expect(r.stdout).toContain('config/legacy/stripe.yml (renamed from config/production/stripe.yml)');
    expect(r.stdout).not.toContain('config/production/README.md');
    expect(r.stdout).toContain('alice (approved): stale');
    expect(r.stdout).toContain('renovate[bot] (approved): bot');
  });

  it('exits 1 and says why when approvals are missing or changes were requested', async () => {
    const r = await evaluate(POLICY, 'snapshot-blocked.json');
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toBe('NOT SATISFIED: 0 of 3 rules satisfied (PR #42 at 6dcb09b5b578)');
    expect(r.stdout).toMatch(
      /^Schema migrations\s+1\s+2\s+1 \(carol\)\s+FAIL: changes requested by bob; needs 1 more approval$/m,
    );
    expect(r.stdout).toContain('erin (approved): no write access');
    expect(r.stdout).toContain('dora (approved): author');
  });

  it('prints the verdict as JSON with --json, keeping the exit code', async () => {
    const r = await evaluate(POLICY, 'snapshot-blocked.json', '--json');
    expect(r.code).toBe(1);
    const verdict = JSON.parse(r.stdout);
    expect(verdict).toMatchObject({
      satisfied: false,
      title: '0 of 3 rules satisfied',
      pullRequest: 42,
      problems: [],
    });
    expect(verdict.rules.map((x: { name: string }) => x.name)).toEqual([
      'Schema migrations',
      'DBA sign-off',
      'Production config',
    ]);
    expect(verdict.rules[0].blockedBy).toEqual(['bob']);

    const ok = await evaluate(POLICY, 'snapshot-approved.json', '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).satisfied).toBe(true);
  });

  it('exits 0 with "no protected changes" when no rule matches', async () => {
    const r = await evaluate(POLICY, 'snapshot-docs-only.json');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('SATISFIED: no protected changes (PR #42 at 6dcb09b5b578)\n');
  });

  it('exits 1 on a truncated file list and says so', async () => {
    const r = await evaluate(POLICY, 'snapshot-truncated.json');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('NOT SATISFIED: file list truncated: the pull request changes 3412 files');
  });

  it('exits 2 for an invalid value, naming the line and the problem', async () => {
    const r = await evaluate(fixture('bad-value.yml'), 'snapshot-approved.json');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `shiplog: error[BAD_POLICY]: ${fixture('bad-value.yml')} line 4: rules[0].approvals must be integer (got "two")\n`,
    );
  });

  it('exits 2 for invalid YAML, naming the line', async () => {
    const r = await evaluate(fixture('broken-yaml.txt'), 'snapshot-approved.json');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^shiplog: error\[BAD_POLICY\]: .*broken-yaml\.txt line 5: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a \]\n$/,
    );
  });

  it('exits 2 for an invalid snapshot, naming the field', async () => {
    const r = await evaluate(POLICY, 'snapshot-bad-state.json');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[BAD_SNAPSHOT]:');
    expect(r.stderr).toContain('reviews[1].state must be one of');
  });

  it('exits 2 for missing files and missing options', async () => {
    const missing = await evaluate(join(tmp, 'nope.yml'), 'snapshot-approved.json');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read policy file');
    const notJson = join(tmp, 'pr.json');
    writeFileSync(notJson, 'not json');
    expect((await runCli(['policy', 'evaluate', '--policy', POLICY, '--pr', notJson])).code).toBe(2);
    expect((await runCli(['policy', 'evaluate', '--policy', POLICY])).code).toBe(2);
  });
});
