import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSnapshot, snapshotDirectory, snapshotFromObject } from '../../src/policy/snapshot.ts';
import { ghFile, ghReview, ghSnapshot, HEAD } from './github-shapes.ts';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/policy/${name}`, import.meta.url), 'utf8');

function snapshotError(value: unknown): string {
  try {
    snapshotFromObject(value, 'pr.json');
  } catch (e) {
    expect(e).toMatchObject({ code: 'BAD_SNAPSHOT' });
    return (e as Error).message;
  }
  throw new Error('expected BAD_SNAPSHOT');
}

describe('parseSnapshot', () => {
  it('turns GitHub REST objects into an evaluation input', () => {
    const snap = parseSnapshot(fixture('snapshot-approved.json'), 'snapshot-approved.json');
    expect(snap.input.pullRequest).toEqual({ number: 42, author: 'dora', headSha: HEAD, changedFiles: 5 });
    expect(snap.input.files[3]).toEqual({
      filename: 'config/legacy/stripe.yml',
      previous_filename: 'config/production/stripe.yml',
      status: 'renamed',
    });
    expect(snap.input.reviews[0]).toMatchObject({
      user: { login: 'alice', type: 'User' },
      state: 'APPROVED',
      commit_id: expect.stringMatching(/^[0-9a-f]{40}$/),
      submitted_at: expect.any(String),
    });
    expect(snap.input.filesTruncated).toBeUndefined();
  });

  it('answers directory questions from the maps, case-insensitively; unknown logins have no access', async () => {
    const snap = snapshotFromObject(
      ghSnapshot({ files: [], teams: { DBA: ['Carol'] }, permissions: { Bob: 'maintain' } }),
      'pr.json',
    );
    const dir = snapshotDirectory(snap);
    expect(await dir.permission('bob')).toBe('maintain');
    expect(await dir.permission('mallory')).toBe('none');
    expect(await dir.permission('__proto__')).toBe('none');
    expect(await dir.isTeamMember('dba', 'CAROL')).toBe(true);
    expect(await dir.isTeamMember('dba', 'bob')).toBe(false);
    expect(await dir.isTeamMember('ghosts', 'bob')).toBe(false);
  });

  it('keeps a deleted reviewer (user: null) and a missing commit (commit_id: null)', () => {
    const review = { ...ghReview(null, 'APPROVED'), commit_id: null };
    const snap = snapshotFromObject(ghSnapshot({ files: [ghFile('a')], reviews: [review] }), 'pr.json');
    expect(snap.input.reviews[0]).toMatchObject({ user: null, commit_id: null });
  });

  it('names the offending field', () => {
    expect(() => parseSnapshot(fixture('snapshot-bad-state.json'), 'bad.json')).toThrow(
      'bad.json: reviews[1].state must be one of APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED, PENDING (got "LGTM")',
    );
    const base = ghSnapshot({ files: [ghFile('a')], reviews: [ghReview('alice', 'APPROVED')] });
    expect(
      snapshotError({ ...base, pull_request: { ...(base.pull_request as object), head: { sha: 'abc' } } }),
    ).toBe('pr.json: pull_request.head.sha must be a full commit sha (got "abc")');
    expect(snapshotError({ ...base, files: [{ status: 'added' }] })).toBe(
      'pr.json: files[0].filename must be a non-empty string (got nothing)',
    );
    expect(snapshotError({ ...base, permissions: { alice: 'owner' } })).toContain(
      'permissions.alice must be one of admin',
    );
    expect(snapshotError({ ...base, teams: { dba: 'carol' } })).toBe(
      'pr.json: teams.dba must be an array (got "carol")',
    );
    expect(snapshotError({ ...base, reviews: undefined })).toBe(
      'pr.json: reviews must be an array (got nothing)',
    );
    expect(snapshotError([])).toBe('pr.json: snapshot must be an object (got an array)');
  });

  it('rejects text that is not JSON', () => {
    expect(() => parseSnapshot('{"pull_request":', 'pr.json')).toThrow(/^pr\.json: not valid JSON/);
  });
});
