/**
 * Fixed ledgers for audit and stats: the same list of entries is used in memory (for the pure
 * functions) and appended to a real ledger (for the CLI), so the hand-computed figures in the
 * tests hold for both. An override-review names its override by seq here; the builders fill in
 * that override's real entry hash, as the app does.
 */
import { appendEntry, type NewEntry } from '../../src/ledger/append.ts';
import { buildStatement } from '../../src/ledger/statement.ts';
import type { AuditEntry } from '../../src/audit/entry.ts';
import type { LedgerFixture } from '../support/ledger-fixture.ts';

export const sha = (tag: string): string => tag.padEnd(40, '0');

const person = (login: string, id = 1) => ({ login, id });
const reviewer = (login: string, stale = false) => ({
  login,
  id: 1,
  review_id: 1,
  state: 'APPROVED',
  submitted_at: '2026-02-01T00:00:00Z',
  commit_id: sha('aa'),
  stale,
});

export interface PrRecord {
  number: number;
  title: string;
  author: { login: string; id: number };
  merged_at: string | null;
  approval: Record<string, unknown>;
}

export function approvedPr(number: number, merged_at: string | null, by = 'dave'): PrRecord {
  return {
    number,
    title: `PR ${number}`,
    author: person(by),
    merged_at,
    approval: {
      status: 'approved',
      approvers: [reviewer('alice')],
      changes_requested: [],
      not_counted: [],
      reviews_considered: 1,
    },
  };
}

/** A change set the way policy/change-set.ts records it. */
export function changeSet(o: {
  commits: [string, number | null][];
  pull_requests: PrRecord[];
  uncovered?: { sha: string; author: string; message: string; reason: string }[];
  complete?: boolean;
  truncated?: string[];
  relation?: string;
}): Record<string, unknown> {
  return {
    base: sha('ba5e'),
    relation: o.relation ?? 'ahead',
    commits: { count: o.commits.length, list: o.commits.map(([s, pr]) => ({ sha: s, pull_request: pr })) },
    pull_requests: o.pull_requests,
    uncovered_commits: o.uncovered ?? [],
    removed_commits: { count: 0, list: [] },
    complete: o.complete ?? true,
    ...(o.truncated ? { truncated: o.truncated } : {}),
  };
}

type Draft = Omit<NewEntry, 'repository'> & { repository?: string };

const deploy = (
  timestamp: string,
  environment: string,
  commit: string,
  over: Partial<NewEntry> = {},
): Draft => ({
  type: 'deploy',
  timestamp,
  environment,
  commit,
  actor: { login: 'deploy-bot' },
  approval: { status: 'approved', approvers: [reviewer('alice')] },
  ...over,
});

const override = (seq: number, timestamp: string, pr: number, by = 'oncall'): Draft => ({
  type: 'override',
  timestamp,
  commit: sha(`0e${seq}`),
  actor: { login: by, id: 7 },
  approval: { status: 'overridden', approvers: [] },
  details: {
    reason: `INC-${seq}: payments down`,
    via: 'app comment',
    pull_request: {
      number: pr,
      url: `https://github.com/acme/web/pull/${pr}`,
      title: `Hotfix ${pr}`,
      author: 'dave',
      head_sha: sha(`0e${seq}`),
    },
  },
});

/** As the app writes it: `reviewed_at` is the review's time, `timestamp` when the app recorded it. */
const review = (
  of: number,
  pr: number,
  overrideAt: string,
  reviewed_at: string,
  by: string,
  within: boolean,
  review_within = '72h',
  timestamp = reviewed_at,
): Draft => ({
  type: 'override-review',
  timestamp,
  commit: sha(`0e${of}`),
  actor: { login: by, id: 8 },
  details: {
    // `hash` is filled in by the builders from the override's entry.
    override: { seq: of, by: 'oncall', at: overrideAt },
    reviewed_at,
    via: 'review',
    review_within,
    within,
    pull_request: { number: pr, url: `https://github.com/acme/web/pull/${pr}`, title: `Hotfix ${pr}` },
    review: { id: 99, submitted_at: reviewed_at },
  },
});

/** The audit scenario; "now" for it is AUDIT_NOW. Comments give each entry's seq. */
export const AUDIT_NOW = new Date('2026-03-10T00:00:00Z');
export const H = sha('4ead'); // the deploy of seq 3: itself a direct push
export const AUDIT_LEDGER: Draft[] = [
  /* 0 */ deploy('2026-02-20T10:00:00Z', 'production', sha('a0')),
  /* 1 */ deploy('2026-02-21T10:00:00Z', 'staging', sha('a1'), {
    approval: {
      status: 'unapproved',
      approvers: [{ login: 'carol', id: 3, stale: true }],
      pull_request: { number: 7, title: 'Old PR', author: person('dave') },
    },
  }),
  /* 2 */ deploy('2026-02-22T10:00:00Z', 'production', sha('a2'), {
    approval: { status: 'no-pull-request', approvers: [] },
  }),
  /* 3 */ deploy('2026-02-23T10:00:00Z', 'production', H, {
    approval: { status: 'unapproved', approvers: [] },
    change_set: changeSet({
      commits: [
        [sha('c11'), 11],
        [sha('c12'), 12],
        [sha('c13'), 13],
        [H, null],
      ],
      pull_requests: [
        approvedPr(11, '2026-02-22T00:00:00Z'),
        approvedPr(12, '2026-02-22T00:00:00Z'),
        {
          ...approvedPr(13, '2026-02-22T00:00:00Z', 'frank'),
          approval: {
            status: 'unapproved',
            approvers: [],
            changes_requested: [reviewer('erin')],
            not_counted: [{ ...reviewer('frank'), reason: 'author' }],
            reviews_considered: 2,
          },
        },
      ],
      uncovered: [
        {
          sha: sha('c13'),
          author: 'frank',
          message: 'Skip the fraud check',
          reason: 'unapproved-pull-request',
        },
        { sha: H, author: 'bob', message: 'Hotfix typo', reason: 'no-pull-request' },
      ],
    }),
  }),
  /* 4 */ deploy('2026-02-24T10:00:00Z', 'staging', sha('a4'), {
    approval: { status: 'unapproved', approvers: [] },
    change_set: changeSet({
      commits: [[sha('c21'), 21]],
      pull_requests: [approvedPr(21, '2026-02-24T00:00:00Z')],
      complete: false,
      truncated: ['the compare API listed 250 of 300 commits'],
    }),
  }),
  /* 5 */ override(5, '2026-03-01T00:00:00Z', 20),
  /* 6 */ override(6, '2026-03-02T00:00:00Z', 21),
  // Reviewed a day after the override, recorded four days after it (a delayed webhook): in time.
  /* 7 */ review(
    6,
    21,
    '2026-03-02T00:00:00Z',
    '2026-03-03T00:00:00Z',
    'erin',
    true,
    '72h',
    '2026-03-06T00:00:00Z',
  ),
  /* 8 */ override(8, '2026-03-03T00:00:00Z', 22),
  /* 9 */ review(8, 22, '2026-03-03T00:00:00Z', '2026-03-07T00:00:00Z', 'erin', false),
  /* 10 */ override(10, '2026-03-04T00:00:00Z', 23),
  /* 11 */ review(10, 23, '2026-03-04T00:00:00Z', '2026-03-08T00:00:00Z', 'erin', true, '7d'),
  /* 12 */ override(12, '2026-03-09T12:00:00Z', 24),
  /* 13 */ deploy('2026-03-09T13:00:00Z', 'production', sha('5'), {
    details: { status: 'started' },
    change_set: changeSet({
      commits: [[sha('5'), null]],
      pull_requests: [],
      uncovered: [{ sha: sha('5'), author: 'bob', message: 'Tweak', reason: 'no-pull-request' }],
    }),
  }),
  /* 14 */ deploy('2026-03-09T13:10:00Z', 'production', sha('5'), {
    details: { status: 'success' },
    approval: { status: 'no-pull-request', approvers: [] },
    change_set: changeSet({
      commits: [[sha('5'), null]],
      pull_requests: [],
      uncovered: [{ sha: sha('5'), author: 'bob', message: 'Tweak', reason: 'no-pull-request' }],
    }),
  }),
  /* 15 */ {
    type: 'reconciliation',
    timestamp: '2026-03-09T14:00:00Z',
    commit: sha('5'),
    environment: 'production',
    details: { status: 'drift' },
  },
];

const cs = (...prs: PrRecord[]) =>
  changeSet({ commits: prs.map((p) => [sha(`c${p.number}`), p.number]), pull_requests: prs });

/** The stats scenario: the window is 2026-03-01 → 2026-03-31 (30 days). */
export const STATS_SINCE = new Date('2026-03-01T00:00:00Z');
export const STATS_UNTIL = new Date('2026-03-31T00:00:00Z');
const X = sha('f0');
export const STATS_LEDGER: Draft[] = [
  /* p0 */ deploy('2026-02-25T00:00:00Z', 'production', sha('b0'), {
    change_set: cs(approvedPr(1, '2026-02-24T00:00:00Z')),
  }),
  /* p1 */ deploy('2026-03-02T12:00:00Z', 'production', sha('b1'), {
    change_set: cs(
      approvedPr(1, '2026-02-24T00:00:00Z'),
      approvedPr(2, '2026-03-02T10:00:00Z'),
      approvedPr(3, '2026-03-01T12:00:00Z'),
    ),
  }),
  /* s0 */ deploy('2026-03-03T00:00:00Z', 'staging', sha('b1'), {
    change_set: cs(approvedPr(2, '2026-03-02T10:00:00Z'), approvedPr(9, null)),
  }),
  /* p2 */ deploy('2026-03-05T00:00:00Z', 'production', sha('b2'), {
    details: { status: 'failure' },
    change_set: cs(approvedPr(4, '2026-03-04T18:00:00Z')),
  }),
  /* p3 */ deploy('2026-03-05T03:00:00Z', 'production', sha('b2'), { details: { status: 'failure' } }),
  /* p4 */ deploy('2026-03-05T06:00:00Z', 'production', sha('b3'), {
    change_set: cs(approvedPr(4, '2026-03-04T18:00:00Z'), approvedPr(5, '2026-03-05T05:00:00Z')),
  }),
  /* p5 */ deploy('2026-03-10T00:00:00Z', 'production', X, {
    change_set: cs(approvedPr(6, '2026-03-09T00:00:00Z')),
  }),
  /* p6 */ deploy('2026-03-10T02:00:00Z', 'production', X, { details: { status: 'rolled-back' } }),
  /* p7 */ deploy('2026-03-10T03:00:00Z', 'production', sha('b3'), {
    change_set: changeSet({ commits: [], pull_requests: [], relation: 'behind' }),
  }),
  /* s1 */ deploy('2026-03-15T00:00:00Z', 'staging', sha('b4'), { details: { status: 'failure' } }),
  /* s2 */ {
    type: 'migration',
    timestamp: '2026-03-16T00:00:00Z',
    environment: 'staging',
    commit: sha('b4'),
  },
  /* p8 */ deploy('2026-03-20T00:00:00Z', 'production', sha('b5'), { details: { status: 'started' } }),
  /* p9 */ deploy('2026-03-20T00:30:00Z', 'production', sha('b5')),
  /* p10 */ deploy('2026-04-02T00:00:00Z', 'production', sha('b6')),
];

function complete(d: Draft, hashOf: (seq: number) => string): NewEntry {
  const entry = { repository: 'acme/web', ...d } as NewEntry;
  const ref = entry.details?.override as { seq: number } | undefined;
  if (entry.type !== 'override-review' || !ref) return entry;
  return { ...entry, details: { ...entry.details, override: { ...ref, hash: hashOf(ref.seq) } } };
}

const fakeHash = (seq: number): string => `sha256:${seq.toString(16).padStart(64, 'e')}`;

/** The drafts as verified entries, in memory. */
export function inMemory(drafts: readonly Draft[], branch?: string): AuditEntry[] {
  return drafts.map((d, seq) => ({
    seq,
    hash: fakeHash(seq),
    statement: buildStatement({ ...complete(d, fakeHash), seq, prev: fakeHash(seq - 1) }),
    ...(branch ? { branch } : {}),
  }));
}

/** The drafts appended to a real ledger. */
export async function appendAll(fx: LedgerFixture, drafts: readonly Draft[]): Promise<void> {
  const hashes: string[] = [];
  for (const d of drafts) {
    const r = await appendEntry({
      location: fx.location,
      key: fx.key,
      entry: complete(d, (s) => hashes[s]!),
    });
    hashes.push(r.hash);
  }
}
