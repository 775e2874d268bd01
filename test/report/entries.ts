/** Report inputs without a ledger: statements built in memory and a verify report to match. */
import { buildStatement, type ChangePredicate } from '../../src/ledger/statement.ts';
import type { VerifyReport } from '../../src/ledger/verify.ts';
import type { ReportEntry } from '../../src/report/model.ts';
import { commitOf, sampleEntry } from '../support/ledger-fixture.ts';

export function reportEntry(seq: number, over: Partial<ChangePredicate> = {}): ReportEntry {
  const predicate: ChangePredicate = {
    ...sampleEntry(seq),
    seq,
    prev: `sha256:${'0'.repeat(64)}`,
    actor: { login: 'deploy-bot' },
    ...over,
  };
  return { seq, hash: `sha256:${seq.toString(16).padStart(64, 'e')}`, statement: buildStatement(predicate) };
}

export function okReport(entries: number, over: Partial<VerifyReport> = {}): VerifyReport {
  return {
    ok: true,
    remote: '/srv/ledger.git',
    branch: 'shiplog',
    tip: commitOf(0xfeed),
    entries,
    checked: entries,
    head: `sha256:${'a'.repeat(64)}`,
    checkpoint: { origin: 'acme/web', size: entries, root: Buffer.alloc(32, 0xaa).toString('base64') },
    keys: ['b'.repeat(64)],
    problems: [],
    ...over,
  };
}
