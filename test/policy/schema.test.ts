import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { isShiplogError, ShiplogError } from '../../src/errors.ts';
import { environmentPolicy, parsePolicy, policyFromObject } from '../../src/policy/schema.ts';

const SRC = '.github/shiplog.yml';

function policyError(text: string): ShiplogError {
  try {
    parsePolicy(text, SRC);
  } catch (e) {
    if (isShiplogError(e, 'BAD_POLICY')) return e;
    throw e;
  }
  throw new Error('expected BAD_POLICY');
}

const ISSUE_EXAMPLE = readFileSync(new URL('../fixtures/policy/shiplog.yml', import.meta.url), 'utf8');

describe('parsePolicy', () => {
  it('reads the example policy with every default filled in', () => {
    const policy = parsePolicy(ISSUE_EXAMPLE, SRC);
    expect(policy.source).toBe(SRC);
    expect(policy.rules).toEqual([
      {
        name: 'Schema migrations',
        paths: ['db/migrations/**', '**/*.sql'],
        approvals: 2,
        teams: [],
        users: [],
      },
      { name: 'DBA sign-off', paths: ['db/migrations/**'], approvals: 1, teams: ['dba'], users: [] },
      {
        name: 'Production config',
        paths: ['config/production/**', '!config/production/README.md'],
        approvals: 1,
        teams: [],
        users: ['alice', 'bob'],
      },
    ]);
    expect(policy.settings).toEqual({
      stale_approvals: false,
      allow_author: false,
      allow_contributor: false,
      block_on_changes_requested: true,
      check_name: 'shiplog/approvals',
      override: { users: [], teams: [], allow_author: false, review_within: '72h' },
    });
    expect(environmentPolicy(policy, 'production')).toEqual({
      require_approved_pr: true,
      min_approvals: 1,
      allow_direct_push: false,
      require_approved_change_set: true,
    });
    expect(environmentPolicy(policy, 'staging')).toEqual({
      require_approved_pr: true,
      min_approvals: 1,
      allow_direct_push: false,
      require_approved_change_set: true,
    });
    expect(environmentPolicy(policy, 'constructor')).toBeUndefined();
    expect(policy.ledger).toEqual({ repository: 'acme/audit', branch: 'shiplog' });
  });

  it('treats an empty file as an empty policy', () => {
    const policy = parsePolicy('# nothing yet\n', SRC);
    expect(policy.rules).toEqual([]);
    expect(policy.settings.check_name).toBe('shiplog/approvals');
    expect(policy.ledger).toEqual({});
  });

  it('accepts _extends (Probot org defaults)', () => {
    expect(parsePolicy('_extends: .github\n', SRC).extends).toBe('.github');
  });

  it('names the line and the problem for a wrong type', () => {
    const e = policyError('rules:\n  - name: Migrations\n    paths: ["db/**"]\n    approvals: "two"\n');
    expect(e.message).toBe(`${SRC} line 4: rules[0].approvals must be integer (got "two")`);
    expect(e.exitCode).toBe(2);
  });

  it('names the line of invalid YAML', () => {
    const e = policyError('rules:\n  - name: Migrations\n    paths: [db/**\n  approvals: 1\n');
    expect(e.message).toMatch(new RegExp(`^\\${SRC} line \\d: invalid YAML: .+`));
    expect(e.message).not.toContain('\n');
    expect(policyError('a: 1\na: 2\n').message).toBe(`${SRC} line 2: invalid YAML: Map keys must be unique`);
  });

  it('catches typos in keys and suggests the right one', () => {
    const e = policyError('settings:\n  stale_aprovals: true\n');
    expect(e.message).toBe(
      `${SRC} line 2: settings has unknown key "stale_aprovals" (did you mean "stale_approvals"?)`,
    );
    expect(policyError('rule: []\n').message).toContain(
      'line 1: the policy has unknown key "rule" (did you mean "rules"?)',
    );
  });

  it('reports missing keys, negative numbers and bad names with their lines', () => {
    expect(policyError('rules:\n  - name: A\n    approvals: 1\n').message).toBe(
      `${SRC} line 2: rules[0] is missing required key "paths"`,
    );
    expect(policyError('rules:\n  - name: A\n    paths: [a]\n    approvals: -1\n').message).toBe(
      `${SRC} line 4: rules[0].approvals must be at least 0 (got -1)`,
    );
    expect(policyError('rules:\n  - name: A\n    paths: [a]\n    users: ["al ice"]\n').message).toBe(
      `${SRC} line 4: rules[0].users[0] must be a GitHub login (letters, digits, "-" and "_") (got "al ice")`,
    );
    expect(policyError('ledger:\n  repository: not-a-repo\n').message).toContain(
      'line 2: ledger.repository must look like "owner/name"',
    );
    expect(policyError('environments:\n  production:\n    min_approvals: 1.5\n').message).toContain(
      'line 3: environments.production.min_approvals must be integer',
    );
  });

  it('lists several problems, ordered by line', () => {
    const e = policyError('settings:\n  allow_author: yes please\nrules:\n  - name: A\n    paths: []\n');
    expect(e.message).toBe(
      `${SRC} line 2: settings.allow_author must be boolean (got "yes please"); line 5: rules[0].paths must have at least 1 item(s)`,
    );
    expect(e.details).toHaveLength(2);
  });

  it('rejects duplicate rule names and unusable globs', () => {
    expect(policyError('rules:\n  - {name: A, paths: [a]}\n  - {name: a, paths: [b]}\n').message).toBe(
      `${SRC} line 3: rule name "a" is already used by rules[0]`,
    );
    expect(policyError('rules:\n  - name: A\n    paths: ["!"]\n').message).toBe(
      `${SRC} line 3: path pattern "!" is empty`,
    );
  });

  it('bounds its input: size, rules and paths per rule', () => {
    expect(policyError(`# ${'x'.repeat(1024 * 1024)}\n`).message).toMatch(/over the 1 MB limit/);
    const rules = Array.from({ length: 201 }, (_, i) => ({ name: `r${i}`, paths: ['a'] }));
    expect(policyError(stringify({ rules })).message).toBe(
      `${SRC} line 2: rules has 201 items; at most 200 are allowed`,
    );
    const paths = Array.from({ length: 201 }, (_, i) => `p${i}/**`);
    expect(policyError(stringify({ rules: [{ name: 'big', paths }] })).message).toContain(
      'rules[0].paths has 201 items; at most 200 are allowed',
    );
  });

  it('refuses alias bombs', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++)
      bomb.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(97 + i)}`)
          .join(', ')}]`,
      );
    expect(policyError(bomb.join('\n')).code).toBe('BAD_POLICY');
  });
});

describe('policyFromObject', () => {
  it('validates an already-parsed object (Probot context.config)', () => {
    const policy = policyFromObject({ rules: [{ name: 'A', paths: ['a/**'] }], _extends: '.github' }, SRC);
    expect(policy.rules[0]).toEqual({ name: 'A', paths: ['a/**'], approvals: 1, teams: [], users: [] });
  });

  it('explains that line numbers are unavailable', () => {
    expect(() => policyFromObject({ rules: [{ name: 'A', paths: ['a'], approvals: 'x' }] }, SRC)).toThrow(
      `${SRC}: rules[0].approvals must be integer (got "x") (line numbers unavailable: the policy was given as an already-parsed object)`,
    );
  });

  it('accepts null (no policy file content) as an empty policy', () => {
    expect(policyFromObject(null, SRC).rules).toEqual([]);
  });
});

describe('parsePolicy never fails with anything but BAD_POLICY', () => {
  const onlyBadPolicy = (run: () => unknown): void => {
    try {
      run();
    } catch (e) {
      if (!isShiplogError(e, 'BAD_POLICY')) throw e;
      expect(e.message.length).toBeGreaterThan(0);
    }
  };

  it('for arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => onlyBadPolicy(() => parsePolicy(text, SRC))),
      {
        numRuns: 500,
      },
    );
  });

  it('for YAML-looking text built from policy words', () => {
    const token = fc.constantFrom(
      'rules:',
      'settings:',
      '- name: x',
      'paths:',
      '[',
      ']',
      '{',
      '}',
      '"',
      "'",
      ':',
      '-',
      '!',
      '&a',
      '*a',
      '  ',
      '\n',
      'approvals: 2',
      'teams: [dba]',
      'users:',
      'null',
      '~',
      '1e999',
      '__proto__:',
      'constructor:',
      'environments:',
      'production:',
      'ledger:',
      'branch: ..',
      '? ',
      '!!binary',
      '%YAML 1.2',
      '---',
      '#',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 40 }), (tokens) =>
        onlyBadPolicy(() => parsePolicy(tokens.join(''), SRC)),
      ),
      { numRuns: 1000 },
    );
  });

  it('for arbitrary objects, as text and as parsed objects', () => {
    const policyish = fc.record(
      {
        rules: fc.oneof(
          fc.array(
            fc.record(
              {
                name: fc.oneof(fc.string(), fc.anything()),
                paths: fc.oneof(fc.array(fc.string()), fc.anything()),
                approvals: fc.oneof(fc.integer(), fc.double(), fc.anything()),
                teams: fc.anything(),
                users: fc.array(fc.string()),
              },
              { requiredKeys: [] },
            ),
          ),
          fc.anything(),
        ),
        settings: fc.anything(),
        environments: fc.dictionary(fc.string(), fc.anything()),
        ledger: fc.anything(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(policyish, fc.anything()), (obj) => {
        onlyBadPolicy(() => policyFromObject(obj, SRC));
        let text: string | undefined;
        try {
          text = stringify(obj);
        } catch {
          return; // not representable as YAML
        }
        onlyBadPolicy(() => parsePolicy(text, SRC));
      }),
      { numRuns: 500 },
    );
  });
});

describe('the JSON Schema (schema/shiplog.schema.json)', () => {
  const schema = JSON.parse(
    readFileSync(new URL('../../schema/shiplog.schema.json', import.meta.url), 'utf8'),
  ) as Record<string, unknown>;

  type S = Record<string, unknown>;
  const resolve = (s: S): S =>
    typeof s.$ref === 'string'
      ? { ...(schema.definitions as Record<string, S>)[s.$ref.split('/').pop()!], ...s }
      : s;

  /** Every object schema with its JSON path, following $refs. */
  function objectSchemas(s: S, path: string, out: Array<{ path: string; schema: S }> = []) {
    const r = resolve(s);
    const types = ([] as unknown[]).concat(r.type);
    if (types.includes('object')) {
      out.push({ path, schema: r });
      for (const [k, v] of Object.entries((r.properties ?? {}) as Record<string, S>))
        objectSchemas(v, `${path}.${k}`, out);
      if (r.additionalProperties && typeof r.additionalProperties === 'object') {
        objectSchemas(r.additionalProperties as S, `${path}.*`, out);
      }
    }
    if (types.includes('array') && r.items) objectSchemas(r.items as S, `${path}[]`, out);
    return out;
  }

  it('is a valid draft-07 schema', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(() => new Ajv({ strict: true, allowUnionTypes: true }).compile(schema)).not.toThrow();
  });

  it('closes every object and describes every key, so editors catch typos and explain each key', () => {
    const all = objectSchemas(schema, '$');
    expect(all.map((o) => o.path)).toEqual(
      expect.arrayContaining([
        '$',
        '$.rules[]',
        '$.settings',
        '$.settings.override',
        '$.environments.*',
        '$.ledger',
      ]),
    );
    for (const { path, schema: s } of all) {
      if (path === '$.environments') {
        expect(typeof s.additionalProperties).toBe('object');
        continue;
      }
      expect(s.additionalProperties, path).toBe(false);
      for (const [key, prop] of Object.entries(s.properties as Record<string, S>)) {
        const r = resolve(prop);
        expect(typeof (prop.description ?? r.description), `${path}.${key} needs a description`).toBe(
          'string',
        );
      }
    }
  });

  it('documents every key the parser accepts and the parser accepts every documented key', () => {
    const policy = parsePolicy(ISSUE_EXAMPLE, SRC);
    const props = (p: string): string[] => {
      const found = objectSchemas(schema, '$').find((o) => o.path === p);
      return Object.keys((found?.schema.properties ?? {}) as object).sort();
    };
    expect(props('$')).toEqual(['_extends', 'environments', 'ledger', 'rules', 'settings']);
    expect(props('$.settings')).toEqual(Object.keys(policy.settings).sort());
    expect(props('$.settings.override')).toEqual(Object.keys(policy.settings.override).sort());
    expect(props('$.rules[]')).toEqual(Object.keys(policy.rules[0]!).sort());
    expect(props('$.environments.*')).toEqual(Object.keys(environmentPolicy(policy, 'production')!).sort());
    expect(props('$.ledger')).toEqual(Object.keys(policy.ledger).sort());

    // A policy using every documented key parses; one extra key anywhere does not.
    const full = {
      _extends: '.github',
      rules: [{ name: 'A', paths: ['a/**', '!a/x'], approvals: 2, teams: ['dba'], users: ['alice'] }],
      settings: {
        stale_approvals: true,
        allow_author: true,
        allow_contributor: true,
        block_on_changes_requested: false,
        check_name: 'gate',
        override: { users: ['root'], teams: ['sre'], allow_author: true, review_within: '4h' },
      },
      environments: {
        production: {
          require_approved_pr: false,
          min_approvals: 3,
          allow_direct_push: true,
          require_approved_change_set: false,
        },
      },
      ledger: { repository: 'acme/audit', branch: 'audit/shiplog' },
    };
    const parsed = parsePolicy(stringify(full), SRC);
    expect(parsed.settings).toEqual(full.settings);
    expect(parsed.rules).toEqual(full.rules);
    expect(parsed.ledger).toEqual(full.ledger);
    expect(environmentPolicy(parsed, 'production')).toEqual(full.environments.production);
    for (const place of [
      'rules.0',
      'settings',
      'settings.override',
      'environments.production',
      'ledger',
      '',
    ]) {
      const copy = structuredClone(full) as Record<string, unknown>;
      let target: Record<string, unknown> = copy;
      for (const k of place.split('.').filter(Boolean)) target = target[k] as Record<string, unknown>;
      target.typo_key = true;
      expect(() => parsePolicy(stringify(copy), SRC), place).toThrow(/unknown key "typo_key"/);
    }
  });

  it("states the parser's defaults", () => {
    const settings = (schema.properties as Record<string, S>).settings!.properties as Record<string, S>;
    const defaults = parsePolicy('', SRC).settings;
    for (const key of [
      'stale_approvals',
      'allow_author',
      'block_on_changes_requested',
      'check_name',
    ] as const) {
      expect(settings[key]!.default, key).toEqual(defaults[key]);
    }
  });
});
