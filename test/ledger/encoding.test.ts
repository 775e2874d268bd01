import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, isCanonicalJson } from '../../src/ledger/encoding.ts';

describe('canonical JSON', () => {
  it('the fast canonical check agrees with the canonicalize library on any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, pretty) => {
        const text = pretty ? JSON.stringify(value, null, 1) : JSON.stringify(value);
        if (text === undefined) return;
        const parsed = JSON.parse(text);
        expect(isCanonicalJson(text, parsed)).toBe(canonicalJson(parsed) === text);
        const canon = canonicalJson(parsed);
        expect(isCanonicalJson(canon, JSON.parse(canon))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects unsorted keys, whitespace, duplicate keys and non-shortest numbers', () => {
    for (const text of ['{"b":1,"a":2}', '{"a": 1}', '{"a":1,"a":1}', '{"a":1.0}', '{"a":"\\u0041"}']) {
      expect(isCanonicalJson(text, JSON.parse(text))).toBe(false);
    }
    expect(isCanonicalJson('{"a":[1,{"b":"é"}],"b":null}', JSON.parse('{"a":[1,{"b":"é"}],"b":null}'))).toBe(
      true,
    );
  });
});
