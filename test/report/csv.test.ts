import { describe, expect, it } from 'vitest';
import { csvCell, neutraliseFormula, renderCsv } from '../../src/report/csv.ts';
import { parseCsv } from '../support/csv.ts';
import { commitOf } from '../support/ledger-fixture.ts';
import { reportEntry } from './entries.ts';

describe('renderCsv', () => {
  it('one row per entry, oldest first, with the agreed columns', () => {
    const csv = renderCsv([
      reportEntry(1, {
        environment: 'staging',
        approval: {
          status: 'approved',
          approvers: [
            { login: 'alice', stale: false },
            { login: 'bob', stale: false },
            { login: 'old', stale: true },
          ],
          pull_request: { number: 42, title: 'x' },
        },
        details: { status: 'success', version: '1.2.3' },
      }),
      reportEntry(0, { type: 'migration', environment: undefined, approval: undefined }),
    ]);
    expect(csv.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual([
      'seq',
      'hash',
      'timestamp',
      'type',
      'environment',
      'repository',
      'commit',
      'actor',
      'approval_status',
      'approvers',
      'pr_number',
      'details_json',
      'verified',
    ]);
    expect(rows.slice(1)).toEqual([
      [
        '0',
        `sha256:${'0'.padStart(64, 'e')}`,
        '2026-01-01T00:00:00.000Z',
        'migration',
        '',
        'acme/web',
        commitOf(0),
        'deploy-bot',
        'not-collected',
        '',
        '',
        '',
        'yes',
      ],
      [
        '1',
        `sha256:${'1'.padStart(64, 'e')}`,
        '2026-01-01T00:00:01.000Z',
        'deploy',
        'staging',
        'acme/web',
        commitOf(1),
        'deploy-bot',
        'approved',
        'alice bob',
        '42',
        '{"status":"success","version":"1.2.3"}',
        'yes',
      ],
    ]);
  });

  it('quotes commas, quotes and line breaks (RFC 4180) and neutralises formulas', () => {
    const csv = renderCsv([
      reportEntry(0, {
        environment: "=cmd|' /C calc'!A0",
        actor: { login: '@SUM(1,2)' },
        approval: { status: 'approved', approvers: [{ login: '+1' }, { login: 'x' }] },
        details: { note: 'a "quoted", multi\nline value' },
      }),
      reportEntry(1, { environment: '-2+3', actor: { login: 'line\r\nbreak' } }),
    ]);
    const [, first, second] = parseCsv(csv);
    expect(first![4]).toBe("'=cmd|' /C calc'!A0");
    expect(first![7]).toBe("'@SUM(1,2)");
    expect(first![9]).toBe("'+1 x");
    expect(JSON.parse(first![11]!)).toEqual({ note: 'a "quoted", multi\nline value' });
    expect(second![4]).toBe("'-2+3");
    expect(second![7]).toBe('line\r\nbreak');
    expect(csv).toContain('"{""note"":""a \\""quoted\\"", multi\\nline value""}"');
  });

  it('csvCell and neutraliseFormula', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('')).toBe('');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('=A1,"x"')).toBe(`"'=A1,""x"""`);
    for (const lead of ['=', '+', '-', '@', '\t', '\r'])
      expect(neutraliseFormula(`${lead}x`)).toBe(`'${lead}x`);
    expect(neutraliseFormula('a=b')).toBe('a=b');
    expect(neutraliseFormula("'already")).toBe("'already");
  });
});

describe('renderCsv of a ledger that fails verification', () => {
  it('says which entries are not verified in the verified column', () => {
    const entries = [reportEntry(0), reportEntry(1), reportEntry(2)];
    const named = parseCsv(renderCsv(entries, { all: false, seqs: new Set([1]) }));
    expect(named.slice(1).map((r) => r.at(-1))).toEqual(['yes', 'no', 'yes']);
    const whole = parseCsv(renderCsv(entries, { all: true, seqs: new Set() }));
    expect(whole.slice(1).map((r) => r.at(-1))).toEqual(['no', 'no', 'no']);
  });
});
