import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildStatement, type ChangePredicate } from '../../src/ledger/statement.ts';
import {
  latestSuccessfulDeploys,
  openCheckout,
  whereIsCommit,
  type EntryLike,
  type IsAncestor,
} from '../../src/ledger/where.ts';
import { commitOf, sampleEntry, sh } from '../support/ledger-fixture.ts';

function entry(seq: number, over: Partial<ChangePredicate> = {}): EntryLike {
  const predicate: ChangePredicate = {
    ...sampleEntry(seq),
    seq,
    prev: `sha256:${'0'.repeat(64)}`,
    actor: { login: `deployer${seq}` },
    ...over,
  };
  return { seq, statement: buildStatement(predicate) };
}

const A = commitOf(0xa);
const B = commitOf(0xb);
const C = commitOf(0xc);

describe('latestSuccessfulDeploys', () => {
  it('takes the latest success per environment by seq, not by timestamp or input order', () => {
    const entries = [
      entry(2, { commit: B, environment: 'production', timestamp: '2020-01-01T00:00:00Z' }),
      entry(0, { commit: A, environment: 'production' }),
      entry(1, { commit: A, environment: 'staging' }),
      entry(3, { commit: C, environment: 'staging', details: { status: 'success' } }),
    ];
    const got = latestSuccessfulDeploys(entries);
    expect(got.map((e) => [e.environment, e.deploy?.commit, e.deploy?.seq])).toEqual([
      ['production', B, 2],
      ['staging', C, 3],
    ]);
    expect(got[0]!.deploy?.actor).toBe('deployer2');
  });

  it('ignores failed and started deploys and non-deploy entries; reports envs that never succeeded', () => {
    const entries = [
      entry(0, { commit: A, environment: 'production' }),
      entry(1, { commit: B, environment: 'production', details: { status: 'failure' } }),
      entry(2, { commit: C, environment: 'production', details: { status: 'started' } }),
      entry(3, { commit: C, environment: 'production', type: 'migration' }),
      entry(4, { commit: C, environment: 'qa', details: { status: 'failure' } }),
      entry(5, { commit: C, environment: undefined }),
    ];
    const got = latestSuccessfulDeploys(entries);
    expect(got.map((e) => [e.environment, e.deploy?.commit])).toEqual([
      ['production', A],
      ['qa', undefined],
    ]);
  });

  it('a rollback withdraws the rolled-back commit: the environment is back on the success before it', () => {
    const entries = [
      entry(0, { commit: A, environment: 'production' }),
      entry(1, { commit: B, environment: 'production', details: { status: 'success' } }),
      entry(2, { commit: B, environment: 'production', details: { status: 'rolled-back' } }),
    ];
    expect(latestSuccessfulDeploys(entries)[0]!.deploy).toMatchObject({ commit: A, seq: 0 });
    const redeployed = [...entries, entry(3, { commit: B, environment: 'production' })];
    expect(latestSuccessfulDeploys(redeployed)[0]!.deploy).toMatchObject({ commit: B, seq: 3 });
  });

  it('keeps repositories of a central ledger apart and can select one', () => {
    const entries = [
      entry(0, { commit: A, repository: 'acme/web' }),
      entry(1, { commit: B, repository: 'acme/api' }),
    ];
    expect(latestSuccessfulDeploys(entries).map((e) => [e.repository, e.deploy?.commit])).toEqual([
      ['acme/api', B],
      ['acme/web', A],
    ]);
    expect(latestSuccessfulDeploys(entries, { repository: 'acme/web' })).toHaveLength(1);
  });

  it('lists only non-stale approvers', () => {
    const e = entry(0, {
      approval: {
        status: 'approved',
        approvers: [{ login: 'alice', stale: false }, { login: 'bob', stale: true }, { login: 'carol' }],
      },
    });
    expect(latestSuccessfulDeploys([e])[0]!.deploy?.approvers).toEqual(['alice', 'carol']);
  });
});

describe('whereIsCommit', () => {
  it('asks git only when the commit is not the deployed one, and passes "unknown" through', async () => {
    const calls: [string, string][] = [];
    const isAncestor: IsAncestor = async (anc, desc) => {
      calls.push([anc, desc]);
      return desc === B ? true : desc === C ? null : false;
    };
    const entries = [
      entry(0, { commit: A, environment: 'dev' }),
      entry(1, { commit: B, environment: 'staging' }),
      entry(2, { commit: C, environment: 'production' }),
      entry(3, { commit: A, environment: 'qa', details: { status: 'failure' } }),
    ];
    const got = await whereIsCommit(A.toUpperCase(), latestSuccessfulDeploys(entries), isAncestor);
    expect(got.commit).toBe(A);
    expect(got.environments.map((e) => [e.environment, e.contains])).toEqual([
      ['dev', true],
      ['production', null],
      ['qa', false],
      ['staging', true],
    ]);
    expect(calls).toEqual([
      [A, C],
      [A, B],
    ]);
    expect(got.environments.find((e) => e.environment === 'qa')).toEqual({
      environment: 'qa',
      repository: 'acme/web',
      deployed_commit: null,
      deployed_at: null,
      deployed_by: null,
      approvers: [],
      approval_status: null,
      seq: null,
      contains: false,
    });
  });
});

describe('openCheckout', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shiplog-where-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  sh(dir, 'init', '--quiet', '-b', 'main');
  sh(dir, 'commit', '--quiet', '--allow-empty', '-m', 'one');
  const first = sh(dir, 'rev-parse', 'HEAD').trim();
  sh(dir, 'commit', '--quiet', '--allow-empty', '-m', 'two');
  const second = sh(dir, 'rev-parse', 'HEAD').trim();

  it('resolves short shas and revs, refuses option-like and unknown revs', async () => {
    const co = await openCheckout(dir);
    expect(await co.resolve(first.slice(0, 7))).toBe(first);
    expect(await co.resolve('HEAD~1')).toBe(first);
    expect(await co.resolve('main')).toBe(second);
    await expect(co.resolve('--output=/tmp/x')).rejects.toMatchObject({ code: 'USAGE' });
    await expect(co.resolve('nope')).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(co.resolve(`${first}:`)).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });

  it('answers ancestry, and "unknown" for commits the checkout does not have', async () => {
    const co = await openCheckout(dir);
    expect(await co.isAncestor(first, second)).toBe(true);
    expect(await co.isAncestor(second, first)).toBe(false);
    expect(await co.isAncestor(first, first)).toBe(true);
    expect(await co.isAncestor(first, commitOf(7))).toBeNull();
  });

  it('refuses a folder that is missing or not a checkout', async () => {
    await expect(openCheckout(join(dir, 'missing'))).rejects.toMatchObject({ code: 'BAD_INPUT' });
    const plain = mkdtempSync(join(tmpdir(), 'shiplog-plain-'));
    try {
      await expect(openCheckout(plain)).rejects.toMatchObject({ code: 'BAD_INPUT' });
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });
});
