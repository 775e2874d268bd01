/** Which pushes to the ledger branch are incidents: pure functions of the push payload. */
import { describe, expect, it } from 'vitest';
import { pushIncident, type PushPayload } from '../../src/app/ledger-incident.ts';
import { entryPath, indexPath } from '../../src/ledger/layout.ts';

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
  added: [entryPath(seq), indexPath(commit, seq)],
  modified: seq === 0 ? [] : ['checkpoint'],
  removed: [],
});

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

  it('flags commits adding no entry, two entries, or touching recorded ones or foreign files', () => {
    const incident = pushIncident(
      'acme/web',
      'shiplog',
      push([
        { id: '1'.repeat(40), added: [], modified: ['checkpoint'], removed: [] },
        { id: '2'.repeat(40), added: [entryPath(6), entryPath(7)], modified: [], removed: [] },
        { id: '3'.repeat(40), added: [entryPath(8)], modified: [entryPath(1)], removed: [] },
        { id: '4'.repeat(40), added: [entryPath(9), 'README.md'], modified: [], removed: [] },
        { id: '5'.repeat(40), added: ['entries/x.json'], modified: [], removed: [] },
      ]),
    );
    expect(incident?.kind).toBe('unexpected-commits');
    expect(incident?.problems).toEqual([
      '111111111111 adds 0 entry files (a ledger commit adds exactly one)',
      '222222222222 adds 2 entry files (a ledger commit adds exactly one)',
      `333333333333 modifies or removes recorded entries: ${entryPath(1)}`,
      '444444444444 touches files a ledger commit never does: README.md',
      '555555555555 adds "entries/x.json", not named like an entry',
    ]);
  });
});
