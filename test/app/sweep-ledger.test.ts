/**
 * What the sweeps find without a webhook: a ledger branch rewritten while its push webhook was
 * lost raises the alarm with the checkpoint the app kept, and the reconciliation of GitHub's
 * deployments with the ledger appends one signed `reconciliation` entry naming the deployment no
 * one recorded, and opens one alarm.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { appendEntry } from '../../src/ledger/append.ts';
import { findEntries } from '../../src/ledger/query.ts';
import { shardBranch } from '../../src/ledger/shards.ts';
import { verifyLedger } from '../../src/ledger/verify.ts';
import { sampleEntry } from '../support/ledger-fixture.ts';
import { useLedgerApp } from './harness.ts';

const HOUR = 3600_000;
const ago = (hours: number) => new Date(Date.now() - hours * HOUR).toISOString();
const sha = (n: number) => n.toString(16).padStart(40, 'd');

/**
 * An app with a ledger of its own for each scenario; on it, each repository's entries are in that
 * repository's shard, as the app writes them.
 */
function sweepScenario() {
  const app = useLedgerApp({ SHIPLOG_SWEEP_INTERVAL: 'off', SHIPLOG_RECONCILE_INTERVAL: 'off' });
  const h = app.h;
  const fresh = (full: string) => app.fresh(full);
  const git = (...args: string[]) =>
    execFileSync('git', ['--git-dir', app.ledger.remote, ...args], { encoding: 'utf8' }).trim();
  const alarms = (full: string) => h.gh.issues(full).filter((i) => i.labels.includes('shiplog-alarm'));
  let seq = 0;
  // the app keeps each repository's ledger in its own shard of the mirror
  const append = (over: Parameters<typeof sampleEntry>[1] & { repository: string }) =>
    appendEntry({
      location: { ...app.ledger.location, branch: shardBranch(over.repository) },
      key: app.ledger.key,
      entry: sampleEntry(seq++, over),
    });
  return { app, h, fresh, git, alarms, append };
}

describe('sweeps: ledger tips', () => {
  const { h, git, alarms, append } = sweepScenario();

  it('alarms on a ledger rewrite whose push webhook never came, with the checkpoint it kept', async () => {
    const r = h.repo('');
    await append({ repository: r.full });
    await append({ repository: r.full });
    const before = await h.app.sweeps.sweep();
    expect(before.find((s) => s.ledger)?.ledger).toMatch(/first-look|unchanged|grew/);
    const ref = `refs/heads/${shardBranch(r.full)}`;
    const tipBefore = git('rev-parse', ref);
    const checkpointBefore = git('show', `${ref}:checkpoint`);

    // someone rewinds the branch by one entry; GitHub's push webhook is lost
    git('update-ref', ref, `${tipBefore}~1`);
    const after = await h.app.sweeps.sweep();
    expect(after.find((s) => s.ledger)?.ledger).toBe('rewritten');

    const opened = alarms(r.full);
    expect(opened).toHaveLength(1);
    expect(opened[0]!.title).toContain('was force-pushed');
    expect(opened[0]!.body).toContain(tipBefore);
    expect(opened[0]!.body).toContain(checkpointBefore.trim().split('\n')[0]!);
    expect(opened[0]!.body).toContain(checkpointBefore.trim().split('\n')[2]!);

    // the next sweep finds nothing new to say
    await h.app.sweeps.sweep();
    expect(alarms(r.full)).toHaveLength(1);
    // put the ledger back for the next scenario
    git('update-ref', ref, tipBefore);
    await h.app.sweeps.sweep();
    for (const issue of alarms(r.full)) issue.state = 'closed';
  });
});

describe('sweeps: reconciliation', () => {
  const { app, h, fresh, alarms, append } = sweepScenario();

  it('reconciles 5 deployments with 4 records: one reconciliation entry, one unrecorded-deploy, one alarm', async () => {
    const r = h.repo('environments:\n  production: {}\n');
    const deployments = [1, 2, 3, 4, 5].map((n) =>
      h.gh.addDeployment(r.full, {
        sha: sha(n),
        environment: 'production',
        createdAt: ago(30 - n * 4),
        statuses: [{ state: 'in_progress' }, { state: 'success' }],
      }),
    );
    // deployment 3 was never recorded
    for (const n of [1, 2, 4, 5])
      await append({
        repository: r.full,
        commit: sha(n),
        environment: 'production',
        timestamp: new Date(Date.parse(ago(30 - n * 4)) + 90_000).toISOString(),
        details: { status: 'success' },
      });

    const swept = await h.app.sweeps.reconcile();
    const mine = swept.find((s) => s.repository === r.full)!;
    expect(mine.error).toBeUndefined();
    expect(mine.reconciled).toHaveLength(1);
    const production = mine.reconciled![0]!;
    expect(production.result.counts).toEqual({ 'unrecorded-deploy': 1, 'unmatched-entry': 0 });
    expect(production.result.differences).toEqual([
      expect.objectContaining({
        kind: 'unrecorded-deploy',
        deployment_id: deployments[2]!.id,
        commit: sha(3),
      }),
    ]);

    const entries = (await findEntries(fresh(r.full), { type: 'reconciliation' })).filter(
      (e) => e.statement.predicate.repository === r.full,
    );
    expect(entries).toHaveLength(1);
    const p = entries[0]!.statement.predicate;
    expect(p.environment).toBe('production');
    expect(p.commit).toBe(sha(5));
    expect(p.details).toMatchObject({
      status: 'drift',
      counts: { 'unrecorded-deploy': 1, 'unmatched-entry': 0 },
      unrecorded_deployment_ids: [deployments[2]!.id],
      compared: { successful_deployments: 5, recorded: 4 },
    });

    const opened = alarms(r.full);
    expect(opened).toHaveLength(1);
    expect(opened[0]!.title).toBe(`shiplog alarm: 1 unrecorded deploy to production in ${r.full}`);
    expect(opened[0]!.body).toContain(String(deployments[2]!.id));
    expect(opened[0]!.body).toContain(`seq ${entries[0]!.seq}`);

    // the ledger with the reconciliation on it still verifies
    const report = await verifyLedger({ location: fresh(r.full), trusted: [app.ledger.trusted] });
    expect(report.problems).toEqual([]);
  });
});
