import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/audit/entry.ts';
import type { GitHubDeployment } from '../../src/github/deployments-list.ts';
import { buildStatement, type ChangePredicate } from '../../src/ledger/statement.ts';
import { reconcile, type ReconcileScope } from '../../src/reconcile/compare.ts';

const sha = (tag: string): string => tag.padEnd(40, '0');
const MIN = 60_000;
const T0 = Date.UTC(2026, 2, 1, 9);
const at = (minutes: number): string => new Date(T0 + minutes * MIN).toISOString().replace('.000', '');

const scope: ReconcileScope = {
  repository: 'acme/web',
  environment: 'production',
  since: new Date(T0),
  until: new Date(T0 + 7 * 24 * 60 * MIN),
};

let nextId = 500;
/** A deployment that succeeded `minutes` after creation (unless `succeeded: false`). */
function deployment(
  commit: string,
  createdMin: number,
  o: Partial<GitHubDeployment> & { tookMin?: number; succeeded?: boolean } = {},
): GitHubDeployment {
  const { tookMin = 5, succeeded = true, ...over } = o;
  const done = at(createdMin + tookMin);
  return {
    id: nextId++,
    sha: commit,
    ref: 'main',
    environment: 'production',
    createdAt: at(createdMin),
    creator: 'alice',
    latest: { state: succeeded ? 'success' : 'failure', createdAt: done },
    ...(succeeded ? { succeededAt: done } : {}),
    ...over,
  };
}

let seq = 0;
function entry(commit: string, minute: number, over: Partial<ChangePredicate> = {}): AuditEntry {
  const n = seq++;
  const predicate: ChangePredicate = {
    seq: n,
    prev: '0'.repeat(64),
    type: 'deploy',
    timestamp: at(minute),
    repository: 'acme/web',
    commit,
    environment: 'production',
    details: { status: 'success' },
    ...over,
  };
  return { seq: n, hash: `sha256:${n.toString(16).padStart(64, '0')}`, statement: buildStatement(predicate) };
}

const kinds = (r: ReturnType<typeof reconcile>) => r.differences.map((d) => d.kind);

describe('reconcile', () => {
  it('finds nothing when every successful deployment has its record', () => {
    const r = reconcile(
      [deployment(sha('a1'), 0), deployment(sha('a2'), 60), deployment(sha('a3'), 120)],
      [entry(sha('a1'), 3), entry(sha('a2'), 64), entry(sha('a3'), 121)],
      scope,
    );
    expect(r).toMatchObject({
      status: 'reconciled',
      repository: 'acme/web',
      environment: 'production',
      since: '2026-03-01T09:00:00.000Z',
      tolerance_seconds: 3600,
      uses_deployments: true,
      compared: { deployments: 3, successful_deployments: 3, entries: 3, recorded: 3 },
      counts: { 'unrecorded-deploy': 0, 'unmatched-entry': 0 },
      differences: [],
    });
  });

  it('names the deployment that has no record: id, commit, creator, time', () => {
    const missing = deployment(sha('b2'), 60, { creator: 'mallory', ref: 'hotfix' });
    const r = reconcile([deployment(sha('b1'), 0), missing], [entry(sha('b1'), 2)], scope);
    expect(r.status).toBe('drift');
    expect(r.counts).toEqual({ 'unrecorded-deploy': 1, 'unmatched-entry': 0 });
    expect(r.differences).toEqual([
      {
        kind: 'unrecorded-deploy',
        deployment_id: missing.id,
        commit: sha('b2'),
        ref: 'hotfix',
        environment: 'production',
        creator: 'mallory',
        created_at: at(60),
        succeeded_at: at(65),
        state: 'success',
        why:
          `GitHub deployment ${missing.id} of b200000 (hotfix) to production by mallory, created 2026-03-01 10:00 UTC, ` +
          'succeeded 2026-03-01 10:05 UTC, has no deploy entry in the ledger',
      },
    ]);
    expect(r.compared).toEqual({ deployments: 2, successful_deployments: 2, entries: 1, recorded: 1 });
  });

  it('owes a record for a deployment that succeeded and was replaced (inactive), not for one that never succeeded', () => {
    const replaced = deployment(sha('c1'), 0, { latest: { state: 'inactive', createdAt: at(90) } });
    const failed = deployment(sha('c2'), 30, { succeeded: false });
    const running = deployment(sha('c3'), 60, {
      succeeded: false,
      latest: { state: 'in_progress', createdAt: at(61) },
    });
    const statusless: GitHubDeployment = {
      ...deployment(sha('c4'), 70),
      latest: undefined,
      succeededAt: undefined,
    };
    const r = reconcile([replaced, failed, running, statusless], [], scope);
    expect(r.differences).toMatchObject([
      { kind: 'unrecorded-deploy', deployment_id: replaced.id, state: 'inactive', succeeded_at: at(5) },
    ]);
    expect(r.differences[0]!.why).toMatch(
      /succeeded 2026-03-01 09:05 UTC \(now inactive\), has no deploy entry/,
    );
    expect(r.compared).toMatchObject({ deployments: 4, successful_deployments: 1 });
  });

  it('ties a deployment to its record by the run, however far apart their times', () => {
    // waited two days for approval, recorded by a later job 3 hours after the deploy succeeded
    const d = deployment(sha('d1'), 0, { runId: 901, tookMin: 2 * 24 * 60 });
    const r = reconcile([d], [entry(sha('d1'), 2 * 24 * 60 + 180, { run: { id: 901 } })], scope);
    expect(r.differences).toEqual([]);
    // without run ids on both sides, time decides: 3 hours is beyond the tolerance
    const untied = reconcile([{ ...d, runId: undefined }], [entry(sha('d1'), 2 * 24 * 60 + 180)], scope);
    expect(kinds(untied)).toEqual(['unrecorded-deploy', 'unmatched-entry']);
    expect(untied.differences[1]!.why).toMatch(
      /but GitHub's deployments of that commit to production are more than 1h away from it$/,
    );
    // a wider tolerance accepts it
    expect(
      reconcile([{ ...d, runId: undefined }], [entry(sha('d1'), 2 * 24 * 60 + 180)], {
        ...scope,
        toleranceMs: 4 * 60 * MIN,
      }).differences,
    ).toEqual([]);
  });

  it('does not match a record of the same commit made by another run', () => {
    const d = deployment(sha('e1'), 0, { runId: 7 });
    const e = entry(sha('e1'), 3, { run: { id: '8' } });
    const r = reconcile([d], [e], scope);
    expect(r.differences).toMatchObject([
      { kind: 'unrecorded-deploy', deployment_id: d.id, run_id: 7 },
      { kind: 'unmatched-entry', seq: e.seq, run_id: 8 },
    ]);
    expect(r.differences[1]!.why).toBe(
      `deploy entry seq ${e.seq} records e100000 to production by run 8 at 2026-03-01 09:03 UTC, ` +
        `but GitHub's deployment of that commit (${d.id}) was made by run 7, not run 8`,
    );
  });

  it('needs a record per deployment: two deployments of one commit and one record leave the farther one unrecorded', () => {
    const first = deployment(sha('f1'), 0);
    const second = deployment(sha('f1'), 20);
    const r = reconcile([first, second], [entry(sha('f1'), 24)], scope);
    expect(r.differences).toMatchObject([{ kind: 'unrecorded-deploy', deployment_id: first.id }]);
    // a second record of one deployment is a duplicate, not an unmatched entry
    const dup = reconcile([first], [entry(sha('f1'), 2), entry(sha('f1'), 3)], scope);
    expect(dup.differences).toEqual([]);
  });

  it('prefers the successful attempt when a failed one is of the same run', () => {
    const failed = deployment(sha('f2'), 0, { runId: 33, succeeded: false });
    const retried = deployment(sha('f2'), 10, { runId: 33 });
    const r = reconcile([failed, retried], [entry(sha('f2'), 1, { run: { id: 33 } })], scope);
    expect(r.differences).toEqual([]);
  });

  it('flags a record with no deployment only where the environment uses deployments', () => {
    const orphan = entry(sha('a9'), 30);
    const r = reconcile([deployment(sha('a1'), 0)], [entry(sha('a1'), 1), orphan], scope);
    expect(r.differences).toMatchObject([
      {
        kind: 'unmatched-entry',
        seq: orphan.seq,
        hash: orphan.hash,
        commit: sha('a9'),
        environment: 'production',
        timestamp: at(30),
        why: `deploy entry seq ${orphan.seq} records a900000 to production at 2026-03-01 09:30 UTC, but GitHub has no deployment of that commit to production`,
      },
    ]);
    // no deployment to the environment at all in the window: nothing is expected to have one
    const none = reconcile([], [entry(sha('a1'), 1), orphan], scope);
    expect(none).toMatchObject({ status: 'reconciled', uses_deployments: false, differences: [] });
    expect(none.compared.entries).toBe(2);
  });

  it('counts only successful deploy entries of the repository and environment', () => {
    const d = deployment(sha('g1'), 0);
    const r = reconcile(
      [d],
      [
        entry(sha('g1'), 1, { repository: 'acme/other' }),
        entry(sha('g1'), 1, { environment: 'staging' }),
        entry(sha('g1'), 1, { type: 'migration' }),
        entry(sha('g1'), 1, { details: { status: 'failure' } }),
        entry(sha('g2'), 1, { details: { status: 'started' } }),
      ],
      scope,
    );
    expect(kinds(r)).toEqual(['unrecorded-deploy']);
    expect(r.compared.entries).toBe(0);
    // no status means a step that ran after the deploy succeeded; names compare without case
    const ok = reconcile(
      [{ ...d, environment: 'Production', sha: sha('G1') }],
      [entry(sha('g1'), 1, { details: undefined, repository: 'Acme/Web' })],
      scope,
    );
    expect(ok.differences).toEqual([]);
  });

  it('judges only the window, but lets records and deployments outside it match those inside', () => {
    // created before the window: owed nothing here, yet it explains the record just inside
    const before = deployment(sha('h1'), -10);
    const inside = deployment(sha('h2'), 100);
    const r = reconcile(
      [before, inside],
      [entry(sha('h1'), 2), entry(sha('h2'), 101), entry(sha('h0'), -500)],
      scope,
    );
    expect(r.differences).toEqual([]);
    expect(r.compared).toMatchObject({ deployments: 1, successful_deployments: 1, entries: 2 });
    // a record from before the window is never flagged; nor is a deployment of another environment owed
    const other = reconcile([deployment(sha('h3'), 10, { environment: 'staging' })], [], scope);
    expect(other).toMatchObject({ uses_deployments: false, differences: [] });
  });

  it('lists differences oldest first', () => {
    const late = deployment(sha('i2'), 300);
    const early = deployment(sha('i1'), 10);
    const orphan = entry(sha('i9'), 100);
    const r = reconcile([late, early, deployment(sha('i3'), 200)], [entry(sha('i3'), 201), orphan], scope);
    expect(
      r.differences.map((d) => (d.kind === 'unrecorded-deploy' ? `d${d.deployment_id}` : `e${d.seq}`)),
    ).toEqual([`d${early.id}`, `e${orphan.seq}`, `d${late.id}`]);
  });
});
