/** Which pushes to the ledger branch are incidents: pure functions of the push payload. */
import { describe, expect, it } from 'vitest';
import { nonLinearIncident, pushIncident, type PushPayload } from '../../src/app/ledger-incident.ts';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const commit = 'c'.repeat(40);

function push(commits: PushPayload['commits'], extra: Partial<PushPayload> = {}): PushPayload {
  return {
    ref: 'refs/heads/shiplog',
    before: A,
    after: B,
    forced: false,
    deleted: false,
    commits,
    pusher: { name: 'mallory' },
    sender: { login: 'mallory' },
    ...extra,
  };
}

const honest = (seq: number) => ({
  id: `${seq}`.padStart(40, '0'),
  added: seq === 0 ? ['entry.json', 'checkpoint', `index/c/c/${seq}`] : [],
  modified: seq === 0 ? [] : ['entry.json', 'checkpoint', `index/c/c/0`, 'index/deploys'],
  removed: [],
});
void commit;

describe('pushIncident', () => {
  it('accepts appends that each add exactly one entry', () => {
    expect(pushIncident('acme/web', 'shiplog', push([honest(4), honest(5)]))).toBeUndefined();
  });

  it('flags force-pushes and deletions before looking at commits', () => {
    expect(pushIncident('acme/web', 'shiplog', push([honest(4)], { forced: true }))).toMatchObject({
      kind: 'force-push',
      pusher: 'mallory',
      key: `force-push:${A}..${B}`,
    });
    expect(pushIncident('acme/web', 'shiplog', push([], { deleted: true }))?.kind).toBe('deleted');
  });

  it('flags commits that add no entry, remove the checkpoint or touch files outside the format', () => {
    const incident = pushIncident(
      'acme/web',
      'shiplog',
      push([
        { id: '1'.repeat(40), added: [], modified: ['checkpoint'], removed: [] },
        { id: '2'.repeat(40), added: [], modified: ['entry.json'], removed: ['checkpoint'] },
        { id: '3'.repeat(40), added: ['README.md'], modified: ['entry.json', 'checkpoint'], removed: [] },
        { id: '4'.repeat(40), added: [], modified: ['checkpoint'], removed: ['entry.json'] },
      ]),
    );
    expect(incident?.kind).toBe('unexpected-commits');
    expect(incident?.problems).toEqual([
      '111111111111 does not write entry.json (a ledger commit adds exactly one entry)',
      '222222222222 removes the checkpoint',
      '333333333333 touches files a ledger commit never does: README.md',
      '444444444444 does not write entry.json (a ledger commit adds exactly one entry)',
    ]);
  });

  it('flags a merge or a second root among the pushed commits (from the compare API)', () => {
    const p = push([honest(4), honest(5)]);
    expect(nonLinearIncident('acme/web', 'shiplog', p, [{ sha: A, parents: 1 }])).toBeUndefined();
    const incident = nonLinearIncident('acme/web', 'shiplog', p, [
      { sha: A, parents: 1 },
      { sha: B, parents: 2 },
    ]);
    expect(incident).toMatchObject({ kind: 'non-linear', key: `non-linear:${A}..${B}` });
    expect(incident?.problems).toEqual([`${B.slice(0, 12)} has 2 parents (a ledger commit has exactly one)`]);
  });
});
