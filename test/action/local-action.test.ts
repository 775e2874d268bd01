/**
 * The Action run the way its README says to run it locally: `local-action run . src/action/main.ts
 * <env file>` (@github/local-action, which imports `run()` from the entry point with its own
 * @actions/core), against the fake GitHub and a local ledger.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { actionDefaults, ledgerEntries, runnerEnv, TOKEN } from './harness.ts';
import { useActionTestbed } from './testbed.ts';

const run = promisify(execFile);
const REPO = 'acme/web';
const ROOT = join(import.meta.dirname, '../..');
const tb = useActionTestbed(REPO);

/** A dotenv file: values in double quotes, newlines escaped (dotenv expands \n inside them). */
function dotenv(vars: Record<string, string>): string {
  return Object.entries(vars)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`)
    .join('\n');
}

describe('@github/local-action', () => {
  it('runs src/action/main.ts and records the deploy on the ledger', async () => {
    const commit = createHash('sha1').update('local-action').digest('hex');
    const pr = tb.gh.addPullRequest(REPO, { user: 'alice', merged: true, mergeCommitSha: commit });
    tb.gh.addReview(REPO, pr.number, { user: 'bob', state: 'APPROVED' });
    const places = {
      home: tb.wb.dir,
      cacheDir: join(tb.wb.dir, 'cache'),
      apiUrl: tb.gh.url,
      event: join(tb.wb.dir, 'event.json'),
      workspace: tb.wb.workspace,
      output: join(tb.wb.dir, 'output'),
      summary: join(tb.wb.dir, 'summary.md'),
    };
    writeFileSync(places.event, JSON.stringify({ ref: 'refs/heads/main' }));
    writeFileSync(places.output, '');
    const env = runnerEnv(places, {
      ...actionDefaults(TOKEN),
      'ledger-remote': tb.wb.remote,
      type: 'deploy',
      environment: 'production',
      commit,
      'signing-key': tb.wb.privatePem,
    });
    const envFile = join(tb.wb.dir, 'local.env');
    writeFileSync(envFile, dotenv(env));
    const bin = join(ROOT, 'node_modules', '.bin', 'local-action');
    const { stdout } = await run(bin, ['run', '.', 'src/action/main.ts', envFile], {
      cwd: ROOT,
      env: { ...process.env, NODE_PACKAGE_MANAGER: 'npm' },
      maxBuffer: 1 << 24,
      timeout: 120_000,
    });
    expect(stdout).toContain('shiplog: recorded deploy as seq 0');
    const [entry] = await ledgerEntries(tb.wb, { commit });
    expect(entry!.statement.predicate).toMatchObject({
      type: 'deploy',
      environment: 'production',
      commit,
      approval: { status: 'approved', pull_request: { number: pr.number } },
      change_set: { relation: 'first-deploy', complete: true },
    });
  }, 180_000);
});
