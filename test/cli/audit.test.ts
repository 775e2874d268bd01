import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_CSV_COLUMNS } from '../../src/audit/csv.ts';
import { appendEntry, type NewEntry } from '../../src/ledger/append.ts';
import { approvedPr, changeSet, sha } from '../audit/scenario.ts';
import { createLedgerFixture, newKey, type LedgerFixture } from '../support/ledger-fixture.ts';
import { runCli } from '../support/run-cli.ts';

const DAY = 86_400_000;
const ago = (days: number): string => new Date(Date.now() - days * DAY).toISOString();
const HEAD = sha('de9');
const DIRECT = sha('d1ec7');

function override(at: string, pr: number): NewEntry {
  return {
    type: 'override',
    timestamp: at,
    repository: 'acme/web',
    commit: sha(`0e${pr}`),
    actor: { login: 'oncall', id: 7 },
    approval: { status: 'overridden', approvers: [] },
    details: {
      reason: `INC-${pr}: =cmd|' /C calc'!A0`,
      via: 'app comment',
      pull_request: {
        number: pr,
        url: `https://github.com/acme/web/pull/${pr}`,
        title: `Hotfix ${pr}`,
        author: 'dave',
        head_sha: sha(`0e${pr}`),
      },
    },
  };
}

/**
 * Seq 0: a production deploy 10 days ago of a change set of 3 PRs (#13 unapproved: changes
 * requested by erin) and one direct push (not the deployed commit). Seq 1: an override 10 days ago,
 * never reviewed. Seq 2 + 3: an override 5 days ago reviewed a day later. Seq 4: a clean staging
 * deploy 1 day ago.
 */
async function recordAuditLedger(fx: LedgerFixture): Promise<void> {
  const entries: NewEntry[] = [
    {
      type: 'deploy',
      actor: { login: 'deploy-bot' },
      timestamp: ago(10),
      repository: 'acme/web',
      commit: HEAD,
      environment: 'production',
      approval: { status: 'unapproved', approvers: [] },
      change_set: changeSet({
        commits: [
          [sha('c11'), 11],
          [sha('c12'), 12],
          [DIRECT, null],
          [sha('c13'), 13],
          [HEAD, 11],
        ],
        pull_requests: [
          approvedPr(11, ago(11)),
          approvedPr(12, ago(11)),
          {
            ...approvedPr(13, ago(11), 'frank'),
            approval: {
              status: 'unapproved',
              approvers: [],
              changes_requested: [{ login: 'erin', id: 5 }],
              not_counted: [],
              reviews_considered: 1,
            },
          },
        ],
        uncovered: [
          { sha: DIRECT, author: 'bob', message: 'Bump timeout', reason: 'no-pull-request' },
          {
            sha: sha('c13'),
            author: 'frank',
            message: 'Skip fraud check',
            reason: 'unapproved-pull-request',
          },
        ],
      }),
    },
    override(ago(10), 20),
    override(ago(5), 21),
  ];
  const hashes: string[] = [];
  for (const entry of entries)
    hashes.push((await appendEntry({ location: fx.location, key: fx.key, entry })).hash);
  await appendEntry({
    location: fx.location,
    key: fx.key,
    entry: {
      type: 'override-review',
      timestamp: ago(4),
      repository: 'acme/web',
      commit: sha('0e21'),
      actor: { login: 'erin', id: 5 },
      details: {
        override: { seq: 2, hash: hashes[2], by: 'oncall', at: entries[2]!.timestamp },
        via: 'review',
        review_within: '72h',
        within: true,
        pull_request: { number: 21 },
        review: { id: 1, submitted_at: ago(4) },
      },
    },
  });
  await appendEntry({
    location: fx.location,
    key: fx.key,
    entry: {
      type: 'deploy',
      actor: { login: 'deploy-bot' },
      timestamp: ago(1),
      repository: 'acme/web',
      commit: sha('5a'),
      environment: 'staging',
      approval: { status: 'approved', approvers: [] },
    },
  });
}

let fx: LedgerFixture;
beforeAll(async () => {
  fx = await createLedgerFixture();
  await recordAuditLedger(fx);
});
afterAll(() => fx.cleanup());

const audit = (...extra: string[]) =>
  runCli(['audit', '--remote', fx.remote, '--cache-dir', fx.cacheDir, '--trusted-key', fx.pubFile, ...extra]);

describe('shiplog audit', () => {
  it('exits 1 listing the unapproved PR, the uncovered commits and the unreviewed override', async () => {
    const r = await audit();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('ledger valid: 5 entries, chain intact, signatures trusted');
    expect(lines[1]).toBe('3 exceptions:');
    expect(lines[2]).toMatch(/^SEQ {2}TIME {2,}KIND {2,}ENV {2,}COMMIT {2,}WHY$/);
    expect(r.stdout).toContain(
      'uncovered-commits      production  de9000000000  The deploy of de90000 to production (seq 0) shipped 2 commits no approved pull request covers: ' +
        'd1ec700 "Bump timeout" by bob (no pull request); c130000 "Skip fraud check" by frank (pull request #13 is not approved).',
    );
    expect(r.stdout).toContain(
      'unapproved-pr          production  de9000000000  Pull request #13 "PR 13" by frank, shipped by the deploy of de90000 to production (seq 0), is not approved: changes requested by erin.',
    );
    expect(r.stdout).toMatch(
      /override-not-reviewed {2}- {11}0e2000000000 {2}The break-glass override by oncall at .* \(seq 1\) of pull request #20 "Hotfix 20" by dave, reason "INC-20: =cmd\|' \/C calc'!A0", has no review recorded within 72h \(overdue by 7d\)\./,
    );
    // The override reviewed a day after it (seq 2) is not listed; nor is the clean staging deploy.
    expect(r.stdout).not.toMatch(/\(seq 2\)|#21/);
    expect(lines).toHaveLength(8); // message, count, header, rule, 3 rows, and '' after the last newline
  });

  it('--json: the exceptions with their fields, counts per kind, the filters', async () => {
    const r = await audit('--json');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual([
      'ok',
      'verified',
      'entries',
      'filters',
      'review_within',
      'counts',
      'exceptions',
      'awaiting_review',
    ]);
    expect(out).toMatchObject({ ok: false, verified: true, entries: 5, filters: {}, review_within: '72h' });
    expect(out.counts).toEqual({
      'uncovered-commits': 1,
      'unapproved-pr': 1,
      'direct-push-deploy': 0,
      'incomplete-evidence': 0,
      'approval-not-collected': 0,
      'override-not-reviewed': 1,
      'override-reviewed-late': 0,
      'unrecorded-deploy': 0,
    });
    expect(out.exceptions.map((x: { kind: string }) => x.kind)).toEqual([
      'uncovered-commits',
      'unapproved-pr',
      'override-not-reviewed',
    ]);
    expect(out.exceptions[0]).toEqual({
      kind: 'uncovered-commits',
      seq: 0,
      hash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      timestamp: expect.any(String),
      environment: 'production',
      repository: 'acme/web',
      commit: HEAD,
      why: expect.stringContaining('shipped 2 commits'),
      commits: [DIRECT, sha('c13')],
    });
    expect(out.exceptions[1].pull_requests).toEqual([13]);
    expect(out.exceptions[2]).toMatchObject({ seq: 1, commit: sha('0e20'), pull_requests: [20] });
    expect(out.awaiting_review).toEqual([]);
  });

  it('--environment and --since narrow the list; nothing left is exit 0', async () => {
    const prod = JSON.parse((await audit('--json', '--environment', 'production')).stdout);
    expect(prod.exceptions.map((x: { seq: number }) => x.seq)).toEqual([0, 0]);
    expect(prod.filters).toEqual({ environment: 'production' });
    const recent = await audit('--since', '3d');
    expect(recent.code).toBe(0);
    expect(recent.stdout).toMatch(
      /^ledger valid: 5 entries.*\nno exceptions since \d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)? UTC\n$/,
    );
  });

  it('a longer --review-within puts the unreviewed override back in its window', async () => {
    const r = await audit('--json', '--review-within', '2w');
    const out = JSON.parse(r.stdout);
    expect(out.review_within).toBe('336h');
    expect(out.counts['override-not-reviewed']).toBe(0);
    expect(out.awaiting_review).toEqual([
      expect.objectContaining({ seq: 1, by: 'oncall', pull_request: 20, repository: 'acme/web' }),
    ]);
    // An environment the ledger does not have is a typo, not "no exceptions in nowhere".
    const text = await audit('--review-within', '2w', '--environment', 'nowhere');
    expect(text.code).toBe(2);
    expect(text.stdout).not.toContain('no exceptions');
    expect(text.stderr).toContain('--environment "nowhere" matches no environment in the ledger');
  });

  it('--csv writes one RFC 4180 row per exception, formulas neutralised', async () => {
    const csv = join(fx.dir, 'out', 'exceptions.csv');
    const r = await audit('--csv', csv);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`csv ${csv}\n`);
    const text = readFileSync(csv, 'utf8');
    const lines = text.split('\r\n');
    expect(lines[0]).toBe(AUDIT_CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(5); // header, 3 rows, '' after the last CRLF
    expect(lines[1]).toMatch(
      new RegExp(
        `^uncovered-commits,0,sha256:[0-9a-f]{64},[^,]+,production,acme/web,${HEAD},,,${DIRECT} ${sha('c13')},"The deploy`,
      ),
    );
    expect(lines[2]).toMatch(/^unapproved-pr,0,.*,13,,"Pull request #13 ""PR 13"" by frank/);
    expect(lines[3]).toMatch(/^override-not-reviewed,1,/);
  });

  it('a ledger that does not verify: exit 1 with the problems, and no exceptions', async () => {
    const stranger = join(fx.dir, 'stranger.pub');
    writeFileSync(stranger, newKey().publicPem);
    const r = await runCli([
      'audit',
      '--remote',
      fx.remote,
      '--cache-dir',
      fx.cacheDir,
      '--trusted-key',
      stranger,
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^ledger INVALID: \d+ problems?; exceptions are not listed for a ledger that does not verify\n/,
    );
    expect(r.stdout).toMatch(/\nsignature +0 /);
    expect(r.stdout).not.toContain('uncovered-commits');
    const json = JSON.parse(
      (
        await runCli([
          'audit',
          '--remote',
          fx.remote,
          '--cache-dir',
          fx.cacheDir,
          '--trusted-key',
          stranger,
          '--json',
        ])
      ).stdout,
    );
    expect(json).toMatchObject({ ok: false, verified: false });
    expect(json.problems).toContainEqual(expect.objectContaining({ check: 'signature', seq: 0 }));
    expect(json.exceptions).toBeUndefined();
  });

  it('usage errors exit 2 before the ledger is read', async () => {
    const bad = await audit('--since', 'last tuesday');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /error\[USAGE\]: --since must be a date .* or a duration back from now like 30d or 12h \(got "last tuesday"\)/,
    );
    expect((await audit('--since', '1d', '--until', '2d')).code).toBe(2);
    expect((await audit('--review-within', 'soon')).code).toBe(2);
    const noKey = await runCli(['audit', '--remote', fx.remote, '--cache-dir', fx.cacheDir]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/NO_TRUSTED_KEY/);
  });
});

describe('shiplog audit --all-shards', () => {
  let central: LedgerFixture;
  beforeAll(async () => {
    central = await createLedgerFixture();
    for (const repository of ['acme/api', 'acme/web']) {
      await appendEntry({
        location: { ...central.location, branch: `shiplog/${repository}` },
        key: central.key,
        entry: {
          type: 'deploy',
          actor: { login: 'deploy-bot' },
          timestamp: ago(2),
          repository,
          commit: sha('ab'),
          environment: 'production',
          approval: { status: 'no-pull-request', approvers: [] },
        },
      });
    }
  });
  afterAll(() => central.cleanup());

  it('reads every shard and names the shard of each exception', async () => {
    const args = [
      'audit',
      '--remote',
      central.remote,
      '--cache-dir',
      central.cacheDir,
      '--trusted-key',
      central.pubFile,
      '--all-shards',
    ];
    const r = await runCli(args);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\nSHARD +SEQ/);
    expect(r.stdout).toMatch(/\nshiplog\/acme\/api {2}0 .* direct-push-deploy /);
    expect(r.stdout).toMatch(/\nshiplog\/acme\/web {2}0 .* direct-push-deploy /);
    const json = JSON.parse((await runCli([...args, '--json'])).stdout);
    expect(
      json.exceptions.map((x: { shard: string; repository: string }) => [x.shard, x.repository]),
    ).toEqual([
      ['shiplog/acme/api', 'acme/api'],
      ['shiplog/acme/web', 'acme/web'],
    ]);
  });
});
