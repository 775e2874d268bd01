import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { appendEntry } from '../../src/ledger/append.ts';
import { loadSigningKey } from '../../src/ledger/keys.ts';
import { sampleEntry, sh, workClone } from '../support/ledger-fixture.ts';
import { runCli } from '../support/run-cli.ts';
import {
  createWorkbench,
  ledgerEntries,
  runAction,
  secretLines,
  visibleLog,
  type ActionRun,
} from './harness.ts';
import { useActionTestbed } from './testbed.ts';

const REPO = 'acme/web';
const tb = useActionTestbed(REPO);
let n = 0;

function action(
  inputs: Record<string, string>,
  env: Record<string, string> = {},
  event?: unknown,
): Promise<ActionRun> {
  return runAction(tb.bundle, tb.wb, tb.gh, { inputs, env, event });
}

async function seed(count: number, over: Parameters<typeof sampleEntry>[1] = {}): Promise<void> {
  const key = loadSigningKey(tb.wb.privatePem, 'test');
  for (let i = 0; i < count; i++) {
    await appendEntry({
      location: { ...tb.wb.location, cacheDir: join(tb.wb.dir, 'seed') },
      key,
      entry: sampleEntry(i, over),
    });
  }
}

describe('verify', () => {
  it('passes on an intact ledger, with trusted keys given as a workspace file', async () => {
    await seed(3);
    mkdirSync(join(tb.wb.workspace, '.github'));
    writeFileSync(join(tb.wb.workspace, '.github/shiplog.pub'), tb.wb.publicPem);

    const run = await action({ command: 'verify', 'trusted-keys': '.github/shiplog.pub' });

    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs).toMatchObject({ entries: '3', seq: '2' });
    expect(run.summary).toContain('ledger verified');
  });

  it('fails on a damaged ledger and lists each problem as an annotation', async () => {
    await seed(3);
    const work = workClone(tb.wb.remote, tb.wb.dir);
    // Quietly edit the newest entry in place and force the rewritten commit over the branch.
    const envelope = JSON.parse(sh(work, 'show', 'HEAD:entry.json')) as { payload: string };
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString()) as {
      predicate: { environment: string };
    };
    statement.predicate.environment = 'staging';
    envelope.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
    writeFileSync(join(work, 'entry.json'), JSON.stringify(envelope) + '\n');
    sh(work, 'commit', '-q', '-a', '--amend', '--no-edit');
    sh(work, 'push', '-q', '--force', 'origin', 'shiplog');

    const run = await action({ command: 'verify', 'trusted-keys': tb.wb.publicPem });

    expect(run.code).toBe(1);
    const annotations = run.stdout.split('\n').filter((l) => l.startsWith('::error title=shiplog verify'));
    expect(annotations.length).toBeGreaterThan(0);
    expect(annotations.join('\n')).toContain('seq 2');
    expect(run.stdout).toContain('::error::the ledger on branch shiplog failed verification');
    expect(run.summary).toContain('verification failed');
  });

  it('fails when the ledger was signed by a key the workflow does not trust', async () => {
    await seed(1);
    const other = createWorkbench();
    const run = await action({ command: 'verify', 'trusted-keys': other.publicPem });
    other.cleanup();
    expect(run.code, run.stdout).toBe(1);
    expect(run.stdout).toMatch(
      /::error title=shiplog verify%3A signature::seq 0, .*no signature by a trusted key/,
    );
  });
});

describe('query', () => {
  it('outputs the entries for a commit and a summary table', async () => {
    await seed(2);
    await seed(1, { commit: 'f'.repeat(40), environment: 'staging', type: 'migration' });

    const byCommit = await action({ command: 'query', commit: 'f'.repeat(40) });
    expect(byCommit.code, byCommit.stderr).toBe(0);
    const entries = JSON.parse(byCommit.outputs.entries!) as { seq: number; commit: string; hash: string }[];
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ commit: 'f'.repeat(40), type: 'migration' });
    expect(entries[0]!.hash).toMatch(/^sha256:/);
    expect(byCommit.outputs.seq).toBe(String(entries[0]!.seq));
    expect(byCommit.summary).toContain('| Seq | Type | Environment |');

    const byEnv = await action({ command: 'query', environment: 'production' });
    expect(JSON.parse(byEnv.outputs.entries!)).toHaveLength(2);
    expect(byEnv.outputs['approval-status']).toBe('approved');

    const none = await action({ command: 'query', commit: 'e'.repeat(40) });
    expect(none.code).toBe(0);
    expect(none.outputs.entries).toBe('[]');
    expect(none.summary).toContain('Nothing recorded matches');
  });

  it("outputs the newest entry's inclusion proof with proof: true, which verify-proof accepts offline", async () => {
    await seed(1, { commit: 'c'.repeat(40), environment: 'canary' });
    const run = await action({ command: 'query', commit: 'c'.repeat(40), proof: 'true' });
    expect(run.code, run.stderr).toBe(0);
    const bundle = JSON.parse(run.outputs.proof!) as { kind: string; seq: number };
    expect(bundle).toMatchObject({ kind: 'inclusion', seq: Number(run.outputs.seq) });
    const file = join(tb.wb.dir, 'query-proof.json');
    writeFileSync(file, run.outputs.proof!);
    const pub = join(tb.wb.dir, 'query-proof.pub');
    writeFileSync(pub, tb.wb.publicPem);
    const ok = await runCli(['verify-proof', file, '--trusted-key', pub]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`ok: entry ${run.outputs.seq} is in the signed checkpoint`);
    // without the input there is no proof output (it costs fetches)
    const plain = await action({ command: 'query', commit: 'c'.repeat(40) });
    expect(plain.outputs.proof).toBeUndefined();
  });
});

describe('gate', () => {
  const policy = [
    'rules:',
    '  - name: migrations',
    '    paths: ["db/migrations/**"]',
    '    approvals: 1',
    'settings:',
    '  override:',
    '    users: [mona]',
  ].join('\n');

  function pr(files: string[], title = 'Add column') {
    const commit = createHash('sha1').update(`gate-${++n}`).digest('hex');
    const p = tb.gh.addPullRequest(REPO, {
      user: 'alice',
      merged: true,
      mergeCommitSha: commit,
      files,
      title,
    });
    return { p, commit };
  }

  beforeAll(() => {
    tb.gh.setFile(REPO, '.github/shiplog.yml', policy);
    tb.gh.setPermission(REPO, 'bob', 'write');
    // a listed overrider still needs write access (issue 17)
    tb.gh.setPermission(REPO, 'mona', 'write');
  });

  it('passes when the policy is met', async () => {
    const { p, commit } = pr(['db/migrations/003.sql']);
    tb.gh.addReview(REPO, p.number, { user: 'bob', state: 'APPROVED' });

    const run = await action({ command: 'gate', commit });

    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs['approval-status']).toBe('approved');
    expect(run.summary).toContain('1 of 1 rule satisfied');
  });

  it('fails when the policy is not met, saying why', async () => {
    const { p, commit } = pr(['db/migrations/004.sql']);
    tb.gh.addReview(REPO, p.number, { user: 'alice', state: 'APPROVED' });

    const run = await action({ command: 'gate', commit });

    expect(run.code).toBe(1);
    expect(run.outputs['approval-status']).toBe('unapproved');
    expect(run.stdout).toContain(`::error::approval policy not met for pull request #${p.number}`);
    expect(run.summary).toContain('migrations');
  });

  it('evaluates the pull request of a pull_request event', async () => {
    const p = tb.gh.addPullRequest(REPO, { user: 'alice', files: ['db/migrations/005.sql'] });
    tb.gh.addReview(REPO, p.number, { user: 'bob', state: 'APPROVED' });
    const event = { pull_request: { number: p.number, head: { sha: p.headSha } } };

    const run = await action({ command: 'gate' }, { GITHUB_EVENT_NAME: 'pull_request' }, event);

    expect(run.code, run.stdout + run.stderr).toBe(0);
  });

  it('passes with a warning when the repository has no policy file, like the app', async () => {
    tb.gh.addRepo('acme/unguarded');
    const commit = createHash('sha1').update(`gate-${++n}`).digest('hex');
    tb.gh.addPullRequest('acme/unguarded', {
      user: 'alice',
      merged: true,
      mergeCommitSha: commit,
      files: ['x'],
    });

    const run = await action({ command: 'gate', commit }, { GITHUB_REPOSITORY: 'acme/unguarded' });

    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('::warning title=shiplog gate%3A no policy::');
  });

  it('fails closed for a direct push', async () => {
    const run = await action({ command: 'gate', commit: 'd'.repeat(40) });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('no merged pull request brought commit');
  });

  it('lets a permitted actor break glass and records the override on the ledger', async () => {
    const { commit } = pr(['db/migrations/006.sql'], 'Hotfix');
    const run = await action({
      command: 'gate',
      commit,
      'override-reason': 'Outage INC-7: schema fix cannot wait',
      'signing-key': tb.wb.privatePem,
    });

    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs['approval-status']).toBe('overridden');
    const [entry] = await ledgerEntries(tb.wb, { commit });
    expect(entry!.statement.predicate).toMatchObject({
      type: 'override',
      approval: { status: 'overridden' },
      actor: { login: 'mona' },
      details: {
        reason: 'Outage INC-7: schema fix cannot wait',
        unmet_rules: [{ name: 'migrations', missing: 1 }],
      },
    });
    for (const s of secretLines(tb.wb.privatePem))
      expect(visibleLog(run) + run.summary + run.outputsRaw).not.toContain(s);
  });

  it('refuses an override by someone the policy does not allow, recording nothing', async () => {
    const { commit } = pr(['db/migrations/007.sql']);
    const run = await action(
      { command: 'gate', commit, 'override-reason': 'because', 'signing-key': tb.wb.privatePem },
      { GITHUB_ACTOR: 'mallory' },
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('mallory may not override the approval gate (allowed: mona)');
    expect(await ledgerEntries(tb.wb)).toEqual([]);
  });
});
