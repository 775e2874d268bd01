/**
 * The approval decision recorded at merge: a merged pull request gets one signed `merge` entry on
 * the ledger (a real bare repository) naming each valid approval's review id, and a deploy's
 * change set later cites that entry — so dismissing a review after the merge leaves the deploy's
 * evidence as it was, while a change set that cannot trust the entry reads the reviews and says so.
 */
import { describe, expect, it } from 'vitest';
import { deployChangeSet } from '../../src/evidence/deploy-change-set.ts';
import { verifyLedger } from '../../src/ledger/verify.ts';
import { newKey } from '../support/ledger-fixture.ts';
import { useLedgerApp } from './harness.ts';
import { mergeScenario } from './merge-scenario.ts';

const app = useLedgerApp();
const { h, fresh, mergeEntries, mergedWithTwoApprovals, closedEvent, api } = mergeScenario(app);

type Json = Record<string, unknown>;

describe('merge entries', () => {
  it('records the verdict at merge with both review ids, once however often GitHub delivers', async () => {
    const s = mergedWithTwoApprovals();
    const event = closedEvent(s.full, s.pull);
    expect((await h.send('pull_request', event)).status).toBe(200);
    expect((await h.send('pull_request', event)).status).toBe(200);

    const entries = await mergeEntries(s.full);
    expect(entries).toHaveLength(1);
    const p = entries[0]!.statement.predicate;
    expect(p.commit).toBe(s.tip);
    expect(entries[0]!.statement.subject[0]!.digest.gitCommit).toBe(s.tip);
    expect(p.approval?.status).toBe('approved');
    const details = p.details as Json;
    expect(details.pull_request).toMatchObject({
      number: s.pull.number,
      base_ref: 'main',
      head_sha: s.pull.headSha,
      merge_commit_sha: s.tip,
    });
    const policyBlob = (await api().request('GET /repos/{owner}/{repo}/contents/{path}', {
      owner: s.owner,
      repo: s.repo,
      path: '.github/shiplog.yml',
    })) as { data: { sha: string } };
    expect(details.policy).toMatchObject({ path: '.github/shiplog.yml', blob_sha: policyBlob.data.sha });
    const verdict = details.verdict as { outcome: string; rules: Json[] };
    expect(verdict.outcome).toBe('satisfied');
    expect(verdict.rules).toHaveLength(1);
    expect(verdict.rules[0]).toMatchObject({ name: 'Migrations', satisfied: true, required: 2 });
    const approvals = verdict.rules[0]!.approvals as Json[];
    expect(approvals.map((a) => [a.login, a.review_id, a.reviewed_sha]).sort()).toEqual(
      [
        ['bob', s.reviews.bob.id, s.pull.headSha],
        ['carol', s.reviews.carol.id, s.pull.headSha],
      ].sort(),
    );
    expect(details.overrides).toEqual([]);
    const report = await verifyLedger({ location: fresh(s.full), trusted: [app.ledger.trusted] });
    expect(report.problems).toEqual([]);
  });

  it('records nothing for a pull request closed without merging', async () => {
    const s = mergedWithTwoApprovals();
    expect((await h.send('pull_request', closedEvent(s.full, s.pull, false))).status).toBe(200);
    expect(await mergeEntries(s.full)).toEqual([]);
  });

  it('records an unsatisfied verdict as unapproved, with what was missing', async () => {
    const s = mergedWithTwoApprovals();
    s.reviews.carol.state = 'COMMENTED';
    expect((await h.send('pull_request', closedEvent(s.full, s.pull))).status).toBe(200);
    const [entry] = await mergeEntries(s.full);
    expect(entry!.statement.predicate.approval?.status).toBe('unapproved');
    const verdict = (entry!.statement.predicate.details as Json).verdict as {
      outcome: string;
      rules: Json[];
    };
    expect(verdict.outcome).toBe('unsatisfied');
    expect(verdict.rules[0]).toMatchObject({ satisfied: false, missing: 1 });
  });
});

// A deploy's change set verifies its whole ledger, and a `shiplog` branch holds one repository's
// entries: this scenario gets an app and a ledger of its own.
describe('merge entries cited by a deploy', () => {
  const ownApp = useLedgerApp();
  const own = mergeScenario(ownApp);
  it('a review dismissed after the merge does not change the deploy change set recorded from it', async () => {
    const { h, fresh, mergeEntries, mergedWithTwoApprovals, closedEvent, api } = own;
    const s = mergedWithTwoApprovals();
    expect((await h.send('pull_request', closedEvent(s.full, s.pull))).status).toBe(200);
    const [merge] = await mergeEntries(s.full);

    // after the merge, both approvals are dismissed
    s.reviews.bob.state = 'DISMISSED';
    s.reviews.carol.state = 'DISMISSED';

    const request = {
      api: api(),
      repository: s.full,
      environment: 'production',
      head: s.tip,
      // the ledger itself is verified against the app's key; `trusted` is whose merges are believed
      trust: { keys: [ownApp.ledger.trusted] },
    };
    const cited = await deployChangeSet({
      ...request,
      ledger: fresh(s.full),
      trusted: [ownApp.ledger.trusted],
    });
    expect(cited.decision.status).toBe('approved');
    const pr = cited.record.pull_requests.find((p) => p.number === s.pull.number)!;
    expect(pr.approval.source).toBe('merge-entry');
    expect(pr.approval.merge_entry).toEqual({ seq: merge!.seq, hash: merge!.hash, verdict: 'satisfied' });
    expect(pr.approval.approvers.map((a) => a.review_id).sort()).toEqual(
      [s.reviews.bob.id, s.reviews.carol.id].sort(),
    );
    expect(cited.record.approval_sources).toEqual({ merge_entries: 1, reviews_at_deploy: 0 });

    // without a key to believe the entry, the reviews are read as they are now: and say so
    const reread = await deployChangeSet({ ...request, ledger: fresh(s.full) });
    expect(reread.decision.status).toBe('unapproved');
    const again = reread.record.pull_requests.find((p) => p.number === s.pull.number)!;
    expect(again.approval.source).toBe('reviews-at-deploy');
    expect(again.approval.approvers).toEqual([]);

    // an entry signed by a key nobody trusts is not evidence either, and is counted
    const stranger = newKey().trusted;
    const forged = await deployChangeSet({ ...request, ledger: fresh(s.full), trusted: [stranger] });
    expect(forged.decision.status).toBe('unapproved');
    expect(forged.record.approval_sources).toEqual({
      merge_entries: 0,
      reviews_at_deploy: 1,
      untrusted_merge_entries: 1,
    });
  });
});
