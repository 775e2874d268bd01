/**
 * Findings as OCSF: every audit exception kind and every ledger alarm kind is a Compliance Finding
 * (2003) that validates against OCSF 1.3.0, with a uid that stays the same when found again; and
 * `shiplog audit --format ocsf` prints them, one per line, through the CLI a user types.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXCEPTION_KINDS, type AuditException } from '../../src/audit/exceptions.ts';
import { alarmFinding, exceptionFinding } from '../../src/export/findings.ts';
import { appendEntry } from '../../src/ledger/append.ts';
import { createLedgerFixture, type LedgerFixture } from '../support/ledger-fixture.ts';
import { validateOcsf } from '../support/ocsf-validate.ts';
import { runCli } from '../support/run-cli.ts';

const HASH = `sha256:${'a'.repeat(64)}`;

function exception(kind: AuditException['kind'], over: Partial<AuditException> = {}): AuditException {
  return {
    kind,
    seq: 4,
    hash: HASH,
    timestamp: '2026-03-01T12:00:00.000Z',
    environment: 'production',
    repository: 'acme/web',
    commit: 'c'.repeat(40),
    why: `a sentence about ${kind}`,
    pull_requests: [13],
    commits: ['d'.repeat(40)],
    ...over,
  };
}

type Finding = {
  finding_info: { uid: string; types: string[] };
  compliance: { control: string; status_id: number };
  severity_id: number;
};
const asFinding = (e: unknown) => e as Finding;

describe('audit exceptions as Compliance Findings', () => {
  it.each([...EXCEPTION_KINDS, 'approval-not-collected'])('%s validates against OCSF 1.3.0', (kind) => {
    const f = exceptionFinding(exception(kind as AuditException['kind']), { productVersion: '0.1.0' });
    expect(validateOcsf(JSON.parse(JSON.stringify(f)))).toEqual({ errors: [], warnings: [] });
    expect(f).toMatchObject({
      class_uid: 2003,
      type_uid: 200301,
      compliance: { control: `audit:${kind}`, status_id: 3, standards: ['shiplog change control'] },
      finding_info: { types: ['shiplog', `audit:${kind}`], desc: `a sentence about ${kind}` },
      metadata: { sequence: 4, correlation_uid: HASH },
    });
  });

  it('the same exception found again has the same uid; another pull request, another finding', () => {
    const uid = (x: AuditException) => asFinding(exceptionFinding(x)).finding_info.uid;
    expect(uid(exception('unapproved-pr'))).toBe(uid(exception('unapproved-pr')));
    expect(uid(exception('unapproved-pr', { pull_requests: [14] }))).not.toBe(
      uid(exception('unapproved-pr')),
    );
    expect(uid(exception('unapproved-pr'))).not.toBe(uid(exception('uncovered-commits')));
  });

  it('severity: skipped review is High, late review Low', () => {
    expect(asFinding(exceptionFinding(exception('uncovered-commits'))).severity_id).toBe(4);
    expect(asFinding(exceptionFinding(exception('override-reviewed-late'))).severity_id).toBe(2);
  });
});

describe('ledger alarms as Compliance Findings', () => {
  it.each(['force-push', 'deleted', 'unexpected-commits', 'non-linear'])('%s validates, Critical', (kind) => {
    const alarm = {
      kind,
      branch: 'shiplog',
      repository: 'acme/ledger',
      before: 'b'.repeat(40),
      after: 'f'.repeat(40),
      pusher: 'mallory',
      problems: ['commit ffff adds no entry'],
      key: `${kind}:${'f'.repeat(40)}`,
    };
    const f = asFinding(alarmFinding(alarm, new Date('2026-03-01T00:00:00Z')));
    expect(validateOcsf(JSON.parse(JSON.stringify(f)))).toEqual({ errors: [], warnings: [] });
    expect(f).toMatchObject({ severity_id: 5, compliance: { control: `alarm:${kind}`, status_id: 3 } });
    expect(asFinding(alarmFinding(alarm, 0)).finding_info.uid).toBe(f.finding_info.uid);
  });
});

describe('shiplog audit --format ocsf', () => {
  let fx: LedgerFixture;
  beforeAll(async () => {
    fx = await createLedgerFixture();
    // A break-glass override ten days ago that nobody reviewed: override-not-reviewed.
    await appendEntry({
      location: fx.location,
      key: fx.key,
      entry: {
        type: 'override',
        timestamp: new Date(Date.now() - 10 * 86_400_000).toISOString(),
        repository: 'acme/web',
        commit: 'e'.repeat(40),
        actor: { login: 'oncall', id: 7 },
        approval: { status: 'overridden', approvers: [] },
        details: { reason: 'INC-1', via: 'app comment' },
      },
    });
  });
  afterAll(() => fx.cleanup());

  const audit = (...extra: string[]) =>
    runCli([
      'audit',
      '--remote',
      fx.remote,
      '--cache-dir',
      fx.cacheDir,
      '--trusted-key',
      fx.pubFile,
      ...extra,
    ]);

  it('prints one valid Compliance Finding per exception, exit 1; the uid is the same on the next run', async () => {
    const r = await audit('--format', 'ocsf');
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const f = JSON.parse(lines[0]!) as Finding;
    expect(validateOcsf(f)).toEqual({ errors: [], warnings: [] });
    expect(f).toMatchObject({ class_uid: 2003, compliance: { control: 'audit:override-not-reviewed' } });
    const again = JSON.parse((await audit('--format', 'ocsf')).stdout.trim()) as Finding;
    expect(again.finding_info.uid).toBe(f.finding_info.uid);
  });

  it('refuses an unknown format, and --json with ocsf (exit 2)', async () => {
    expect((await audit('--format', 'cef')).code).toBe(2);
    expect((await audit('--format', 'ocsf', '--json')).code).toBe(2);
  });
});
