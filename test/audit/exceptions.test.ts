import { describe, expect, it } from 'vitest';
import { changeSetOf } from '../../src/audit/entry.ts';
import { findExceptions, notApprovedBecause } from '../../src/audit/exceptions.ts';
import { buildStatement } from '../../src/ledger/statement.ts';
import { AUDIT_LEDGER, AUDIT_NOW, H, inMemory, sha } from './scenario.ts';

const entries = inMemory(AUDIT_LEDGER);
const HOUR = 3_600_000;

describe('findExceptions', () => {
  const { exceptions, awaitingReview } = findExceptions(entries, { now: AUDIT_NOW });

  it('lists every exception in time order, each on the entry it concerns', () => {
    expect(exceptions.map((x) => [x.seq, x.kind])).toEqual([
      [1, 'unapproved-pr'], // no change set: the deploy's own PR, approval.status unapproved
      [2, 'direct-push-deploy'], // no change set: approval.status no-pull-request
      [3, 'uncovered-commits'], // c13 (PR #13 unapproved) and H (direct push)
      [3, 'unapproved-pr'], // PR #13; #11 and #12 are approved
      [3, 'direct-push-deploy'], // H, the deployed commit itself, has no PR
      [4, 'incomplete-evidence'], // complete: false
      [5, 'override-not-reviewed'], // 2026-03-01 + 72h = 03-04 < now (03-10), no review
      [9, 'override-reviewed-late'], // recorded within: false (and 96h > 72h)
      [11, 'override-reviewed-late'], // recorded within: true under a 7d policy, but 96h > 72h
      [14, 'uncovered-commits'], // the outcome of the start at seq 13, audited once
      [14, 'direct-push-deploy'],
    ]);
    // seq 0 (approved), 6+7 (reviewed after 24h, though recorded after 96h), 12 (window still
    // open), 13 (superseded by 14)
    // and 15 (a reconciliation) raise nothing.
  });

  it('names the commits, pull requests and people in one sentence', () => {
    const why = (seq: number, kind: string) => exceptions.find((x) => x.seq === seq && x.kind === kind)!.why;
    expect(why(3, 'uncovered-commits')).toBe(
      'The deploy of 4ead000 to production (seq 3) shipped 2 commits no approved pull request covers: ' +
        'c130000 "Skip the fraud check" by frank (pull request #13 is not approved); 4ead000 "Hotfix typo" by bob (no pull request).',
    );
    expect(why(3, 'unapproved-pr')).toBe(
      'Pull request #13 "PR 13" by frank, shipped by the deploy of 4ead000 to production (seq 3), is not approved: ' +
        "changes requested by erin; frank's review does not count (the author).",
    );
    expect(why(3, 'direct-push-deploy')).toBe(
      'The deploy of 4ead000 to production (seq 3): the deployed commit came in without a pull request ("Hotfix typo" by bob).',
    );
    expect(why(1, 'unapproved-pr')).toBe(
      'Pull request #7 "Old PR" by dave, shipped by the deploy of a100000 to staging (seq 1), is not approved: ' +
        'the approval by carol was of an older head.',
    );
    expect(why(4, 'incomplete-evidence')).toBe(
      'The change set of the deploy of a400000 to staging (seq 4) is incomplete, so coverage of every shipped commit (1) ' +
        'was not established: the compare API listed 250 of 300 commits.',
    );
    // now − (03-01T00:00 + 72h) = 03-10 − 03-04 = 6 days overdue
    expect(why(5, 'override-not-reviewed')).toBe(
      'The break-glass override by oncall at 2026-03-01 00:00 UTC (seq 5) of pull request #20 "Hotfix 20" by dave, ' +
        'reason "INC-5: payments down", has no review recorded within 72h (overdue by 6d).',
    );
    // 03-03T00:00 → 03-07T00:00 = 96h = 4d
    expect(why(9, 'override-reviewed-late')).toBe(
      'The break-glass override by oncall at 2026-03-03 00:00 UTC (seq 8) of pull request #22 "Hotfix 22" by dave, ' +
        'reason "INC-8: payments down", was reviewed by erin at 2026-03-07 00:00 UTC, 4d later, past the 72h window.',
    );
  });

  it('gives the fields an exception is filed by, and structured references for machines', () => {
    const x = exceptions.find((e) => e.seq === 3 && e.kind === 'uncovered-commits')!;
    expect(x).toEqual({
      kind: 'uncovered-commits',
      seq: 3,
      hash: entries[3]!.hash,
      timestamp: '2026-02-23T10:00:00Z',
      environment: 'production',
      repository: 'acme/web',
      commit: H,
      why: expect.any(String),
      commits: [sha('c13'), H],
    });
    expect(exceptions.find((e) => e.seq === 3 && e.kind === 'unapproved-pr')!.pull_requests).toEqual([13]);
    const late = exceptions.find((e) => e.seq === 9)!;
    expect(late).toMatchObject({ commit: sha('0e8'), pull_requests: [22] });
    expect(late.environment).toBeUndefined();
    expect(late.shard).toBeUndefined();
  });

  it('an override whose window is still open is awaiting review, not an exception', () => {
    // 2026-03-09T12:00 + 72h = 2026-03-12T12:00, after now
    expect(awaitingReview).toEqual([
      {
        seq: 12,
        hash: entries[12]!.hash,
        timestamp: '2026-03-09T12:00:00Z',
        due: '2026-03-12T12:00:00.000Z',
        by: 'oncall',
        repository: 'acme/web',
        commit: sha('0e12'),
        pull_request: 24,
      },
    ]);
    // Three days later it is overdue.
    const later = findExceptions(entries, { now: new Date('2026-03-13T00:00:00Z') });
    expect(later.exceptions.filter((x) => x.seq === 12).map((x) => x.kind)).toEqual([
      'override-not-reviewed',
    ]);
    expect(later.awaitingReview).toEqual([]);
  });

  it('the review window is the caller’s: a longer one forgives a late review but not a missing one, nor within: false', () => {
    const week = findExceptions(entries, { now: AUDIT_NOW, reviewWithinMs: 168 * HOUR });
    const overrides = week.exceptions.filter((x) => x.kind.startsWith('override'));
    expect(overrides.map((x) => [x.seq, x.kind])).toEqual([
      [5, 'override-not-reviewed'], // 03-01 + 7d = 03-08 < now
      [9, 'override-reviewed-late'], // 96h < 7d, but the app recorded within: false
    ]);
    expect(overrides[0]!.why).toMatch(/has no review recorded within 168h \(overdue by 2d\)\.$/);
    expect(overrides[1]!.why).toMatch(
      /was reviewed by erin at 2026-03-07 00:00 UTC, 4d later, which the app recorded as outside the policy's 72h window\.$/,
    );
    expect(week.awaitingReview.map((a) => [a.seq, a.due])).toEqual([[12, '2026-03-16T12:00:00.000Z']]);
  });

  it("a review is timed by the review's own time, else by when the entry was recorded", () => {
    const noTimes = entries.map((e) => {
      if (e.seq !== 7) return e;
      const { reviewed_at: _r, review: _v, ...details } = e.statement.predicate.details!;
      return { ...e, statement: buildStatement({ ...e.statement.predicate, details }) };
    });
    const late = findExceptions(noTimes, { now: AUDIT_NOW }).exceptions.filter((x) => x.seq === 7);
    // recorded 03-06 00:00 for an override of 03-02 00:00: 96h > 72h
    expect(late.map((x) => x.why)).toEqual([
      expect.stringMatching(/was reviewed by erin at 2026-03-06 00:00 UTC, 4d later, past the 72h window\.$/),
    ]);
  });

  it('filters by environment and time after linking (a review still finds its override)', () => {
    const staging = findExceptions(entries, { now: AUDIT_NOW, environment: 'staging' });
    expect(staging.exceptions.map((x) => [x.seq, x.kind])).toEqual([
      [1, 'unapproved-pr'],
      [4, 'incomplete-evidence'],
    ]);
    // From 03-05 on: the late reviews (03-07, 03-08) are judged against overrides made before it.
    const recent = findExceptions(entries, { now: AUDIT_NOW, since: new Date('2026-03-05T00:00:00Z') });
    expect(recent.exceptions.map((x) => [x.seq, x.kind])).toEqual([
      [9, 'override-reviewed-late'],
      [11, 'override-reviewed-late'],
      [14, 'uncovered-commits'],
      [14, 'direct-push-deploy'],
    ]);
    const until = findExceptions(entries, { now: AUDIT_NOW, until: new Date('2026-02-22T12:00:00Z') });
    expect(until.exceptions.map((x) => x.seq)).toEqual([1, 2]);
  });

  it('a start with no outcome after it is audited (the deploy may have shipped)', () => {
    const onlyStart = inMemory(AUDIT_LEDGER.slice(0, 14));
    const found = findExceptions(onlyStart, { now: AUDIT_NOW }).exceptions.filter((x) => x.seq === 13);
    expect(found.map((x) => x.kind)).toEqual(['uncovered-commits', 'direct-push-deploy']);
    expect(found[0]!.why).toMatch(
      /^The deploy of 5000000 to production \(seq 13, started with no outcome recorded\)/,
    );
  });

  it('shards: a review links to its override by hash, and by seq only within its own shard', () => {
    const a = inMemory(AUDIT_LEDGER.slice(0, 8), 'shiplog/acme/web');
    // The same override seq 6 in another shard, never reviewed: its review in shard a is not its own.
    const b = inMemory(AUDIT_LEDGER.slice(0, 7), 'shiplog/acme/api').map((e) => ({
      ...e,
      hash: e.hash.replace('sha256:e', 'sha256:b'),
    }));
    const found = findExceptions([...a, ...b], { now: AUDIT_NOW }).exceptions.filter((x) =>
      x.kind.startsWith('override'),
    );
    expect(found.map((x) => [x.shard, x.seq, x.kind])).toEqual([
      ['shiplog/acme/api', 5, 'override-not-reviewed'],
      ['shiplog/acme/web', 5, 'override-not-reviewed'],
      ['shiplog/acme/api', 6, 'override-not-reviewed'],
    ]);
    // Without the hash, seq 6 within shard a still links.
    const bySeq = a.map((e) =>
      e.seq === 7
        ? {
            ...e,
            statement: buildStatement({
              ...e.statement.predicate,
              details: { ...e.statement.predicate.details, override: { seq: 6 } },
            }),
          }
        : e,
    );
    expect(findExceptions(bySeq, { now: AUDIT_NOW }).exceptions.map((x) => x.seq)).not.toContain(6);
  });

  it('an unreadable change set is incomplete evidence, never an approval', () => {
    const broken = inMemory([
      { ...AUDIT_LEDGER[0]!, change_set: { commits: 'many' } as Record<string, unknown> },
    ]);
    expect(changeSetOf(broken[0]!.statement.predicate)).toEqual({
      readable: false,
      problem: 'predicate.change_set.commits has no count',
    });
    expect(findExceptions(broken, { now: AUDIT_NOW }).exceptions.map((x) => [x.kind, x.why])).toEqual([
      [
        'incomplete-evidence',
        'The change set of the deploy of a000000 to production (seq 0) cannot be read (predicate.change_set.commits has no count), so what it shipped is not established.',
      ],
    ]);
  });

  it('says why evidence is no approval, naming reviewers', () => {
    const none = { status: 'unapproved', approvers: [], changes_requested: [], not_counted: [] };
    expect(notApprovedBecause(none)).toBe('nobody approved it');
    expect(notApprovedBecause({ ...none, not_counted: [{ login: 'renovate[bot]', reason: 'bot' }] })).toBe(
      "renovate[bot]'s review does not count (a bot)",
    );
    expect(notApprovedBecause({ ...none, status: 'unknown' })).toBe('its approval evidence is missing');
  });

  it("lists each deployment the app's reconciliations found unrecorded once, at the first that found it", () => {
    const unrecorded = {
      kind: 'unrecorded-deploy',
      deployment_id: 4711,
      commit: sha('dead'),
      ref: 'hotfix',
      environment: 'production',
      creator: 'mallory',
      created_at: '2026-03-08T09:00:00Z',
      succeeded_at: '2026-03-08T09:05:00Z',
      state: 'success',
    };
    const sweep = (timestamp: string) => ({
      type: 'reconciliation' as const,
      timestamp,
      commit: sha('5'),
      environment: 'production',
      details: { status: 'drift', differences: [unrecorded], unrecorded_deployment_ids: [4711] },
    });
    const found = findExceptions(inMemory([sweep('2026-03-08T12:00:00Z'), sweep('2026-03-09T12:00:00Z')]), {
      now: AUDIT_NOW,
    }).exceptions;
    expect(found).toEqual([
      expect.objectContaining({
        kind: 'unrecorded-deploy',
        seq: 0,
        environment: 'production',
        commit: sha('dead'),
        timestamp: '2026-03-08T09:05:00Z',
        why: `GitHub deployment 4711 of ${sha('dead').slice(0, 7)} to production by mallory succeeded at 2026-03-08T09:05:00Z with no deploy entry on the ledger (found by the reconciliation at seq 0).`,
      }),
    ]);
  });
});
