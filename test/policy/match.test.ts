import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isShiplogError } from '../../src/errors.ts';
import { compilePaths, matchRules } from '../../src/policy/match.ts';
import type { Rule } from '../../src/policy/model.ts';

const rule = (name: string, paths: string[]): Rule => ({ name, paths, approvals: 1, teams: [], users: [] });

describe('compilePaths', () => {
  it('matches globs including dotfiles and nested folders', () => {
    const m = compilePaths(['db/migrations/**', '**/*.sql']);
    expect(m('db/migrations/0001_init.sql')).toBe(true);
    expect(m('db/migrations/.keep')).toBe(true);
    expect(m('services/api/schema.sql')).toBe(true);
    expect(m('db/seeds/users.csv')).toBe(false);
    expect(compilePaths(['.github/**'])('.github/workflows/deploy.yml')).toBe(true);
  });

  it('applies `!` exclusions after the positive patterns, in any order', () => {
    for (const paths of [
      ['config/production/**', '!config/production/README.md'],
      ['!config/production/README.md', 'config/production/**'],
    ]) {
      const m = compilePaths(paths);
      expect(m('config/production/db.yml')).toBe(true);
      expect(m('config/production/README.md')).toBe(false);
    }
  });

  it('matches nothing when a rule has only exclusions', () => {
    const m = compilePaths(['!docs/**']);
    expect(m('src/index.ts')).toBe(false);
    expect(m('docs/a.md')).toBe(false);
  });

  it('refuses a pattern that could never match a path GitHub reports (issue 17)', () => {
    for (const [pattern, why] of [
      ['/infra/**', /is absolute/],
      ['./infra/**', /starts with "\.\/"/],
      ['!./infra/README.md', /starts with "\.\/"/],
      ['db//x', /contains "\/\/"/],
      ['db/../x/**', /"\." or "\.\." segment/],
      [' db/**', /space/],
    ] as const) {
      expect(() => compilePaths([pattern])).toThrow(why);
    }
  });

  it('reads a directory pattern or a plain path as everything under it (issue 17)', () => {
    const dir = compilePaths(['db/migrations/']);
    expect(dir('db/migrations/001.sql')).toBe(true);
    expect(dir('db/migrations/old/002.sql')).toBe(true);
    expect(dir('db/migrations.txt')).toBe(false);
    const plain = compilePaths(['db/migrations', '!db/migrations/README.md']);
    expect(plain('db/migrations')).toBe(true);
    expect(plain('db/migrations/001.sql')).toBe(true);
    expect(plain('db/migrations/README.md')).toBe(false);
    expect(plain('db/migrations-old/1.sql')).toBe(false);
    expect(compilePaths(['!db/migrations/old/', 'db/**'])('db/migrations/old/1.sql')).toBe(false);
  });

  it('is case-sensitive like git', () => {
    expect(compilePaths(['Config/**'])('config/a.yml')).toBe(false);
  });

  it('rejects an empty exclusion', () => {
    expect(() => compilePaths(['!'])).toThrow(/path pattern "!" is empty/);
  });
});

describe('matchRules', () => {
  const rules = [
    rule('Prod', ['config/production/**']),
    rule('SQL', ['**/*.sql']),
    rule('Docs', ['docs/**']),
  ];

  it('lists the matched files per rule, by current or previous name', () => {
    const matches = matchRules(rules, [
      { filename: 'config/archive/db.yml', previous_filename: 'config/production/db.yml', status: 'renamed' },
      { filename: 'db/0001.sql', status: 'removed' },
      { filename: 'README.md', status: 'modified' },
    ]);
    expect(matches.map((m) => [m.rule.name, m.matchedFiles.map((f) => f.filename)])).toEqual([
      ['Prod', ['config/archive/db.yml']],
      ['SQL', ['db/0001.sql']],
      ['Docs', []],
    ]);
    expect(matches[0]!.matchedFiles[0]).toEqual({
      filename: 'config/archive/db.yml',
      previous_filename: 'config/production/db.yml',
      status: 'renamed',
    });
  });

  it('matches a rename into a protected path by its new name', () => {
    const [prod] = matchRules(rules, [
      { filename: 'config/production/x.yml', previous_filename: 'tmp/x.yml' },
    ]);
    expect(prod!.matchedFiles).toHaveLength(1);
  });
});

describe('glob matching never throws', () => {
  it('for arbitrary patterns and paths: compiling fails only with BAD_POLICY, matching never fails', () => {
    const globChar = fc.constantFrom(
      '*',
      '**',
      '?',
      '[',
      ']',
      '{',
      '}',
      ',',
      '!',
      '(',
      ')',
      '|',
      '+',
      '@',
      '/',
      '\\',
      '.',
      'a',
      'b',
      '-',
      '^',
      '$',
    );
    const pattern = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.array(globChar, { maxLength: 20 }).map((c) => c.join('')),
    );
    const path = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc
        .array(fc.constantFrom('a', 'b', '.', '/', '..', '.git', '*'), { maxLength: 12 })
        .map((p) => p.join('')),
    );
    fc.assert(
      fc.property(
        fc.array(pattern, { maxLength: 5 }),
        fc.array(path, { maxLength: 5 }),
        (patterns, paths) => {
          let matcher;
          try {
            matcher = compilePaths(patterns);
          } catch (e) {
            expect(isShiplogError(e, 'BAD_POLICY')).toBe(true);
            return;
          }
          for (const p of paths) expect(typeof matcher(p)).toBe('boolean');
          expect(matcher('')).toBe(false);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
