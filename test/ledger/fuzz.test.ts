/** Property tests: hostile bytes in entry files, envelopes, statements, checkpoints and git history never crash. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCheckpoint } from '../../src/ledger/checkpoint.ts';
import { parseEnvelope, signEnvelope } from '../../src/ledger/dsse.ts';
import { decodeEntry, EntryProblem } from '../../src/ledger/entry.ts';
import { ShiplogError } from '../../src/errors.ts';
import { HistoryParser, parseHistory } from '../../src/ledger/history.ts';
import { parseStatement } from '../../src/ledger/statement.ts';
import { parseTree } from '../../src/ledger/git-objects.ts';
import { newKey } from '../support/ledger-fixture.ts';

const onlyClearErrors = (fn: () => unknown): void => {
  try {
    fn();
  } catch (e) {
    expect(e instanceof ShiplogError || e instanceof EntryProblem).toBe(true);
    expect((e as Error).message.length).toBeGreaterThan(0);
  }
};

describe('hostile input', () => {
  const key = newKey().key;

  it('envelope parsing: arbitrary strings and JSON values give clear errors', () => {
    fc.assert(
      fc.property(fc.string(), (s) => onlyClearErrors(() => parseEnvelope(s))),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.jsonValue(), (v) => onlyClearErrors(() => parseEnvelope(JSON.stringify(v)))),
      { numRuns: 500 },
    );
  });

  it('entry decoding: any payload bytes in a well-formed envelope give clear errors', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        const { envelope } = signEnvelope(Buffer.from(bytes), key);
        onlyClearErrors(() => decodeEntry(JSON.stringify(envelope)));
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const { envelope } = signEnvelope(Buffer.from(JSON.stringify(v) ?? 'null'), key);
        onlyClearErrors(() => decodeEntry(JSON.stringify(envelope)));
      }),
      { numRuns: 300 },
    );
  });

  it('statement validation: arbitrary objects give clear errors', () => {
    const predicate = fc.record(
      {
        seq: fc.anything(),
        prev: fc.anything(),
        type: fc.anything(),
        commit: fc.anything(),
        timestamp: fc.anything(),
        repository: fc.anything(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.record(
          { _type: fc.anything(), predicateType: fc.anything(), subject: fc.anything(), predicate },
          { requiredKeys: [] },
        ),
        (s) => onlyClearErrors(() => parseStatement(s)),
      ),
      { numRuns: 500 },
    );
  });

  it('checkpoint parsing: arbitrary text gives clear errors', () => {
    const lines = fc.array(
      fc.oneof(fc.string(), fc.constant(''), fc.constant('\u2014 a AAAAAAAA'), fc.nat().map(String)),
      { maxLength: 8 },
    );
    fc.assert(
      fc.property(lines, (ls) => onlyClearErrors(() => parseCheckpoint(ls.join('\n')))),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (s) => onlyClearErrors(() => parseCheckpoint(s))),
      { numRuns: 500 },
    );
  });

  it('history read in pieces, split anywhere, parses exactly as read whole', () => {
    const unit = fc.constantFrom('\x01', '\x02', '\x03', ' ', 'a', 'f', '0', '\n', 'Shiplog-Seq: 1', 'é');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 300 }), fc.array(fc.nat(300), { maxLength: 8 }), (s, cuts) => {
        const parser = new HistoryParser();
        let at = 0;
        for (const cut of [...cuts].sort((a, b) => a - b)) {
          parser.push(s.slice(at, Math.max(at, cut)));
          at = Math.max(at, cut);
        }
        parser.push(s.slice(at));
        expect(parser.commits).toEqual(parseHistory(s));
      }),
      { numRuns: 500 },
    );
  });

  it('history and tree parsing never throw on arbitrary git output', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('\x01', '\x02', '\x03', '\0', ':', ' ', 'a', 'A', '\n', '1') }),
        (s) => {
          expect(Array.isArray(parseHistory(s))).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        try {
          parseTree(Buffer.from(b));
        } catch (e) {
          expect((e as Error).message).toBe('malformed tree object');
        }
      }),
      { numRuns: 500 },
    );
  });
});
