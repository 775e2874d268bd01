import { describe, expect, it } from 'vitest';
import type { RuleResult, Verdict } from '../../src/policy/model.ts';
import { md, renderCheckRun, renderPolicyError, renderText } from '../../src/policy/render.ts';

const HEAD = '6dcb09b5b57875f334f61aebed695e2e4193db5e';

function rule(over: Partial<RuleResult>): RuleResult {
  return {
    name: 'Schema migrations',
    matchedFiles: [{ filename: 'db/migrations/0042_refunds.sql', status: 'added' }],
    required: 2,
    validApprovers: ['alice'],
    ignored: [],
    blockedBy: [],
    notNeeded: [],
    satisfied: false,
    missing: 1,
    ...over,
  };
}

function verdict(rules: RuleResult[], over: Partial<Verdict> = {}): Verdict {
  const passing = rules.filter((r) => r.satisfied).length;
  return {
    satisfied: passing === rules.length,
    title: `${passing} of ${rules.length} rules satisfied`,
    pullRequest: 42,
    headSha: HEAD,
    rules,
    problems: [],
    ...over,
  };
}

/** The table rows of a Markdown summary (lines starting with a pipe). */
const tableRows = (summary: string): string[] => summary.split('\n').filter((l) => l.startsWith('|'));
/** Cells of a GFM table row: split on pipes not escaped by a backslash. */
const cells = (row: string): string[] => row.split(/(?<!\\)\|/).slice(1, -1);

describe('renderCheckRun', () => {
  const v = verdict([
    rule({
      ignored: [
        { login: 'dora', state: 'APPROVED', reason: 'author', reviewId: 1 },
        { login: 'erin', state: 'APPROVED', reason: 'stale', reviewId: 2 },
        { login: 'renovate[bot]', state: 'APPROVED', reason: 'bot', reviewId: 3 },
      ],
    }),
    rule({
      name: 'Production config',
      matchedFiles: [
        { filename: 'config/archive/a.yml', previous_filename: 'config/production/a.yml', status: 'renamed' },
      ],
      required: 1,
      validApprovers: ['bob'],
      blockedBy: ['carol'],
      missing: 0,
    }),
    rule({
      name: 'Docs',
      required: 1,
      validApprovers: ['bob'],
      notNeeded: ['dave'],
      satisfied: true,
      missing: 0,
    }),
  ]);

  it('puts one table row per matching rule with files, required, approvers and status', () => {
    const { title, summary } = renderCheckRun(v);
    expect(title).toBe('1 of 3 rules satisfied');
    const rows = tableRows(summary);
    expect(rows).toHaveLength(5); // header, separator, 3 rules
    expect(cells(rows[2]!).map((c) => c.trim())).toEqual([
      'Schema migrations',
      '1',
      '2',
      '1: alice',
      '❌ needs 1 more approval',
    ]);
    expect(rows[3]).toContain('changes requested by carol');
    expect(rows[4]).toContain('✅');
  });

  it('explains every review that did not count', () => {
    const { summary } = renderCheckRun(v);
    expect(summary).toContain('- dora (approved): author: the pull request author cannot approve');
    expect(summary).toContain('- erin (approved): stale: the approval is for an earlier commit');
    expect(summary).toContain('- renovate\\[bot\\] (approved): bot:');
    expect(summary).toContain(
      'Also approved, not checked (the rule already had enough valid approvals): dave',
    );
    expect(summary).toContain('config/archive/a\\.yml (renamed from config/production/a\\.yml)');
  });

  it('lists at most 50 matched files per rule', () => {
    const files = Array.from({ length: 73 }, (_, i) => ({ filename: `db/m${i}.sql` }));
    const { summary } = renderCheckRun(verdict([rule({ matchedFiles: files })]));
    expect(summary).toContain('73 matched file(s)');
    expect(summary).toContain('db/m49\\.sql');
    expect(summary).not.toContain('db/m50\\.sql');
    expect(summary).toContain('- … and 23 more');
  });

  it('neutralises attacker-controlled file names and logins', () => {
    const evil =
      'x.sql | injected | cell |\n| fake | row |`code` <img src=x onerror=alert(1)> @acme/admins [link](http://e.vil)';
    const { summary } = renderCheckRun(
      verdict([
        rule({
          matchedFiles: [{ filename: evil }],
          validApprovers: ['a|b'],
          ignored: [{ login: 'x<script>', state: 'APPROVED', reason: 'no write access', reviewId: 9 }],
        }),
      ]),
    );
    const rows = tableRows(summary);
    expect(rows).toHaveLength(3);
    expect(cells(rows[2]!)).toHaveLength(5);
    expect(summary).not.toMatch(/<img|<script/);
    expect(summary).not.toMatch(/(?<!\\)`/);
    expect(summary).not.toContain('@acme');
    expect(summary).not.toContain('](http');
    expect(summary).toContain('x\\.sql \\| injected');
  });

  it('says "no protected changes" when nothing matched', () => {
    const { title, summary } = renderCheckRun(verdict([], { title: 'no protected changes' }));
    expect(title).toBe('no protected changes');
    expect(summary).toContain('No rule of the policy matches the changed files.');
  });

  it('shows problems such as truncation prominently', () => {
    const t =
      'file list truncated: GitHub listed 3000 of 3400 changed files, so protected paths cannot be ruled out';
    const { title, summary } = renderCheckRun(verdict([], { satisfied: false, title: t, problems: [t] }));
    expect(title).toBe(t);
    expect(summary).toMatch(/^❌/);
    expect(summary).toContain('> ⚠️ file list truncated');
  });

  it("stays under GitHub's summary size limit", () => {
    const many = Array.from({ length: 200 }, (_, i) =>
      rule({
        name: `rule ${i}`,
        matchedFiles: Array.from({ length: 60 }, (_, j) => ({ filename: `${'d/'.repeat(40)}${j}.sql` })),
      }),
    );
    const { summary } = renderCheckRun(verdict(many));
    expect(summary.length).toBeLessThanOrEqual(65_535);
    expect(summary).toMatch(/more section\(s\) left out/);
  });
});

describe('renderPolicyError', () => {
  it('makes a failing check that says what is wrong', () => {
    const out = renderPolicyError(
      '.github/shiplog.yml line 4: rules[0].approvals must be integer (got "two")',
    );
    expect(out.title).toBe('invalid shiplog policy');
    expect(out.summary).toContain('line 4\\: rules\\[0\\]\\.approvals must be integer');
  });
});

describe('renderText', () => {
  it('prints the same information as a plain table', () => {
    const text = renderText(
      verdict([
        rule({ ignored: [{ login: 'erin', state: 'APPROVED', reason: 'no write access', reviewId: 1 }] }),
        rule({ name: 'Docs', required: 1, satisfied: true, missing: 0 }),
      ]),
    );
    const lines = text.split('\n');
    expect(lines[0]).toBe(`NOT SATISFIED: 1 of 2 rules satisfied (PR #42 at ${HEAD.slice(0, 12)})`);
    expect(lines[2]).toMatch(/^RULE\s+FILES\s+REQUIRED\s+VALID APPROVALS\s+STATUS$/);
    expect(lines[4]).toMatch(/^Schema migrations\s+1\s+2\s+1 \(alice\)\s+FAIL: needs 1 more approval$/);
    expect(lines[5]).toMatch(/^Docs\s+1\s+1\s+1 \(alice\)\s+ok: satisfied$/);
    expect(text).toContain('    erin (approved): no write access: only reviewers with write');
    expect(text).toContain('    db/migrations/0042_refunds.sql');
  });

  it('keeps control characters in file names off the terminal', () => {
    const text = renderText(verdict([rule({ matchedFiles: [{ filename: 'a\u001b[2J\nb.sql\u202e' }] })]));
    expect(text.includes('\u001b') || text.includes('\u202e')).toBe(false);
    expect(text).toContain('a\\u001b[2J\\u000ab.sql\\u202e');
  });
});

describe('md', () => {
  it('leaves plain words alone and escapes Markdown punctuation', () => {
    expect(md('alice')).toBe('alice');
    expect(md('a_b*c')).toBe('a\\_b\\*c');
    expect(md('<b>&')).toBe('&lt;b&gt;&amp;');
  });
});
