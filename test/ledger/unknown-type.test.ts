/**
 * An entry type this version does not know: writers and readers agree. Every writer refuses to
 * write one (appendEntry checks every new entry); a ledger a newer shiplog wrote still verifies,
 * and export keeps the entry as README says (OCSF Entity Management, activity 99 Other). A type
 * that is not a type name at all is a damaged entry, and verify says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEntry } from '../../src/ledger/append.ts';
import { GENESIS_PREV } from '../../src/ledger/encoding.ts';
import type { ChangePredicate } from '../../src/ledger/statement.ts';
import { verifyLedger } from '../../src/ledger/verify.ts';
import { isShiplogError } from '../../src/errors.ts';
import { createLedgerFixture, sampleEntry, type LedgerFixture } from '../support/ledger-fixture.ts';
import { signedItem, writeCopy } from '../support/ledger-history.ts';
import { runCli } from '../support/run-cli.ts';
import { ocsfErrors } from '../support/ocsf-validate.ts';

let fx: LedgerFixture;
beforeAll(async () => {
  fx = await createLedgerFixture();
});
afterAll(() => fx.cleanup());

/** A ledger whose second entry has type `type`, signed by the fixture's trusted key. */
async function ledgerWith(name: string, type: unknown) {
  const first = signedItem(fx.key, { ...sampleEntry(0), seq: 0, prev: GENESIS_PREV } as ChangePredicate);
  const second = signedItem(fx.key, {
    ...sampleEntry(1, { environment: undefined }),
    type,
    seq: 1,
    prev: first.hash,
  } as unknown as ChangePredicate);
  return writeCopy(fx.dir, name, [first, second]);
}

describe('writers', () => {
  it('refuse a type this version does not know, before anything is written', async () => {
    for (const type of ['canary-analysis', 'Deploy', '']) {
      try {
        await appendEntry({
          location: fx.location,
          key: fx.key,
          entry: sampleEntry(0, { type: type as 'deploy' }),
        });
        expect.unreachable(type);
      } catch (e) {
        expect(isShiplogError(e), type).toBe(true);
        expect((e as Error).message).toMatch(/entry type .* is not one of/);
      }
    }
    // Nothing reached the ledger: its branch was never created.
    await expect(verifyLedger({ location: fx.location, trusted: [fx.trusted] })).rejects.toSatisfy((e) =>
      isShiplogError(e, 'BRANCH_NOT_FOUND'),
    );
  });

  it('the CLI refuses it too (exit 2)', async () => {
    const r = await runCli([
      'record',
      ...['--remote', fx.remote, '--cache-dir', fx.cacheDir, '--key', fx.keyFile],
      ...['--type', 'canary-analysis', '--commit', 'a'.repeat(40), '--repo', 'acme/web'],
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--type must be one of/);
  });
});

describe('readers', () => {
  it('a newer writer’s type verifies, and export keeps it as Entity Management, activity Other', async () => {
    const loc = await ledgerWith('newer', 'canary-analysis');
    const r = await verifyLedger({ location: loc, trusted: [fx.trusted], collect: true });
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.entries).toBe(2);

    const out = await runCli([
      'export',
      ...['--remote', loc.remote, '--cache-dir', `${loc.cacheDir}-cli`, '--trusted-key', fx.pubFile],
      ...['--format', 'ocsf'],
    ]);
    expect(out.code).toBe(0);
    const events = out.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({
      class_uid: 3004,
      activity_id: 99,
      activity_name: 'canary-analysis',
      type_uid: 300499,
      type_name: 'Entity Management: Other',
      metadata: { sequence: 1, labels: ['canary-analysis'] },
    });
    for (const e of events) expect(ocsfErrors(e)).toEqual([]);
  });

  it('a type that is not a type name is a damaged entry: verify fails and names it', async () => {
    for (const [name, type] of [
      ['upper', 'Deploy'],
      ['space', 'de ploy'],
      ['long', 'x'.repeat(65)],
      ['number', 7],
      ['missing', undefined],
    ] as const) {
      const loc = await ledgerWith(`bad-${name}`, type);
      const r = await verifyLedger({ location: loc, trusted: [fx.trusted] });
      expect(r.ok, name).toBe(false);
      expect(r.problems.map((p) => p.message).join('\n'), name).toMatch(
        /predicate\.type must be a type name/,
      );
    }
  });
});
