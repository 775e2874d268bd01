/**
 * The ledger watch on a real ledger (a local bare repository the app reads through
 * SHIPLOG_LEDGER_REMOTE): a force-push or a deletion of the ledger branch opens exactly one
 * `shiplog-alarm` issue however often the event arrives, with the last good checkpoint and how to
 * verify; an honest append opens none; while the alarm is open the approval check warns.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEntry } from '../../src/ledger/append.ts';
import {
  createLedgerFixture,
  newKey,
  sampleEntry,
  sh,
  workClone,
  type LedgerFixture,
} from '../support/ledger-fixture.ts';
import { example, useApp } from './harness.ts';

let ledger: LedgerFixture;
beforeAll(async () => {
  ledger = await createLedgerFixture();
  await ledger.append(3);
});
afterAll(() => ledger.cleanup());

const h = useApp({
  env: () => ({
    SHIPLOG_LEDGER_REMOTE: ledger.remote,
    SHIPLOG_CACHE_DIR: join(ledger.dir, 'app-cache'),
    // the fixture's key signs every honest append
    SHIPLOG_TRUSTED_KEYS: readFileSync(ledger.pubFile, 'utf8'),
  }),
});

// Every scenario's repository names the mirror's `shiplog` branch as its ledger (the policy's
// `ledger.branch`), so they all watch the one fixture ledger; by default each would get a shard.
const SHARED_BRANCH = 'ledger:\n  branch: shiplog\n';

function tip(): string {
  return execFileSync('git', ['rev-parse', 'refs/heads/shiplog'], {
    cwd: ledger.remote,
    encoding: 'utf8',
  }).trim();
}

function parentsOf(id: string): string {
  return execFileSync('git', ['log', '-1', '--format=%P', id], {
    cwd: ledger.remote,
    encoding: 'utf8',
  }).trim();
}

/** What GitHub puts in a push payload's commits: each commit's added/modified/removed paths. */
function commitsBetween(before: string, after: string) {
  const ids = execFileSync('git', ['rev-list', '--reverse', `${before}..${after}`], {
    cwd: ledger.remote,
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean);
  return ids.map((id) => {
    const out = execFileSync('git', ['diff-tree', '--no-commit-id', '--name-status', '-r', '--root', id], {
      cwd: ledger.remote,
      encoding: 'utf8',
    });
    const files = { added: [] as string[], modified: [] as string[], removed: [] as string[] };
    for (const line of out.split('\n').filter(Boolean)) {
      const [status, path] = line.split('\t') as [string, string];
      (status === 'A' ? files.added : status === 'D' ? files.removed : files.modified).push(path);
    }
    // GitHub lists a merge's files against its first parent.
    if (/^[0-9a-f]{40} [0-9a-f]{40}/.test(parentsOf(id))) {
      const diff = execFileSync('git', ['diff-tree', '--name-status', '-r', `${id}^1`, id], {
        cwd: ledger.remote,
        encoding: 'utf8',
      });
      files.added.length = files.modified.length = files.removed.length = 0;
      for (const line of diff.split('\n').filter(Boolean)) {
        const [status, path] = line.split('\t') as [string, string];
        (status === 'A' ? files.added : status === 'D' ? files.removed : files.modified).push(path);
      }
    }
    return {
      id,
      tree_id: id,
      distinct: true,
      message: 'shiplog',
      timestamp: '2026-01-01T00:00:00Z',
      url: '',
      author: { name: 'shiplog', email: 's@example.com' },
      committer: { name: 'shiplog', email: 's@example.com' },
      ...files,
    };
  });
}

function pushEvent(
  full: string,
  fields: { before: string; after: string; forced?: boolean; deleted?: boolean },
) {
  const payload = example('push', undefined, (p) => String(p.ref).startsWith('refs/heads/'));
  return h.envelope(full, {
    ...payload,
    ref: 'refs/heads/shiplog',
    before: fields.before,
    after: fields.after,
    created: false,
    forced: fields.forced ?? false,
    deleted: fields.deleted ?? false,
    commits: fields.forced || fields.deleted ? [] : commitsBetween(fields.before, fields.after),
    pusher: { name: 'mallory', email: 'm@example.com' },
    sender: { ...(payload.sender as Record<string, unknown>), login: 'mallory' },
  });
}

function deleteEvent(full: string) {
  const payload = example('delete', undefined);
  return h.envelope(full, {
    ...payload,
    ref: 'shiplog',
    ref_type: 'branch',
    sender: { ...(payload.sender as Record<string, unknown>), login: 'mallory' },
  });
}

const alarms = (full: string) => h.gh.issues(full).filter((i) => i.labels.includes('shiplog-alarm'));

describe('ledger watch', () => {
  it('opens no alarm for an honest append', async () => {
    const r = h.repo(SHARED_BRANCH);
    const before = tip();
    await ledger.append(1);
    const res = await h.send('push', pushEvent(r.full, { before, after: tip() }));
    expect(res.status).toBe(200);
    expect(alarms(r.full).map((a) => a.body)).toEqual([]);
  });

  it('opens an alarm for a well-formed append signed by no trusted key (issue 17)', async () => {
    const r = h.repo(SHARED_BRANCH);
    const before = tip();
    // someone who can push the branch but holds no signing key: a perfect append, their own signature
    await appendEntry({
      location: { remote: ledger.remote, branch: 'shiplog', cacheDir: join(ledger.dir, 'mallory-cache') },
      key: newKey().key,
      entry: sampleEntry(900, { commit: 'f'.repeat(40) }),
    });
    const event = pushEvent(r.full, { before, after: tip() });
    expect((await h.send('push', event)).status).toBe(200);
    await h.send('push', event);
    const open = alarms(r.full);
    expect(open).toHaveLength(1);
    expect(open[0]!.title).toContain('received an entry not signed by a trusted key');
    expect(open[0]!.body).toContain('is signed by no trusted key');
  });

  it('opens one alarm for a force-push, keeping the last good checkpoint, however often it is sent', async () => {
    const r = h.repo(SHARED_BRANCH);
    const pr = h.gh.addPullRequest(r.full, { user: 'alice', files: ['README.md'] });
    // a code PR's check carries the checkpoint as it is now
    await h.send('pull_request', h.pullRequestEvent(r.full, pr, 'opened'));
    const goodCheckpoint = execFileSync('git', ['show', 'refs/heads/shiplog:checkpoint'], {
      cwd: ledger.remote,
      encoding: 'utf8',
    });
    expect(h.lastRun(r.full, pr.headSha).text).toContain(goodCheckpoint.trim());

    // mallory rewrites the branch: drop the last entry commit and push with force
    const before = tip();
    const work = workClone(ledger.remote, ledger.dir);
    sh(work, 'reset', '--hard', 'HEAD~1');
    sh(work, 'push', '--force', 'origin', 'shiplog');
    const event = pushEvent(r.full, { before, after: tip(), forced: true });
    await h.send('push', event);
    await h.send('push', event);

    const open = alarms(r.full);
    expect(open).toHaveLength(1);
    expect(open[0]!.title).toBe(
      'shiplog alarm: the ledger branch "shiplog" was force-pushed (history rewritten)',
    );
    const body = open[0]!.body!;
    expect(body).toContain(before);
    expect(body).toContain(tip());
    expect(body).toContain('mallory');
    expect(body).toContain(goodCheckpoint.trim());
    expect(body).toContain('shiplog verify --remote <ledger remote> --ledger-branch shiplog');
    expect(body).toContain('--checkpoint good.checkpoint');
    // nothing added to the open alarm by the redelivery
    expect(h.gh.comments(r.full, open[0]!.number)).toEqual([]);

    // while it is open, every approval check warns
    const next = h.gh.addPullRequest(r.full, { user: 'alice', files: ['README.md'] });
    await h.send('pull_request', h.pullRequestEvent(r.full, next, 'opened'));
    const run = h.lastRun(r.full, next.headSha);
    expect(run.summary).toMatch(/^⚠️ \*\*Ledger alarm open:\*\* \[#\d+ /);
    expect(run.text).toContain('**not** known good');
  });

  it('opens one alarm for a deletion of the ledger branch, and adds the push of it to that alarm', async () => {
    const r = h.repo(SHARED_BRANCH);
    await h.send('delete', deleteEvent(r.full));
    await h.send('delete', deleteEvent(r.full));
    expect(alarms(r.full)).toHaveLength(1);
    expect(alarms(r.full)[0]!.title).toBe('shiplog alarm: the ledger branch "shiplog" was deleted');

    const before = tip();
    const deletion = pushEvent(r.full, { before, after: '0'.repeat(40), deleted: true });
    await h.send('push', deletion);
    await h.send('push', deletion);
    expect(alarms(r.full)).toHaveLength(1);
    const comments = h.gh.comments(r.full, alarms(r.full)[0]!.number);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain(before);
  });

  it('opens an alarm for commits that do not each add exactly one entry', async () => {
    const r = h.repo(SHARED_BRANCH);
    const before = tip();
    const work = workClone(ledger.remote, ledger.dir);
    sh(work, 'rm', '-q', '--cached', 'checkpoint');
    sh(work, 'commit', '-q', '-m', 'tidy up');
    sh(work, 'push', '-q', 'origin', 'shiplog');
    await h.send('push', pushEvent(r.full, { before, after: tip() }));
    const open = alarms(r.full);
    expect(open).toHaveLength(1);
    expect(open[0]!.title).toContain('received commits that are not ledger appends');
    expect(open[0]!.body).toMatch(/does not write entry\\?\.json/);
    expect(open[0]!.body).toContain('removes the checkpoint');
  });

  it('opens an alarm for a merge pushed onto the ledger branch', async () => {
    const r = h.repo(SHARED_BRANCH);
    const before = tip();
    const work = workClone(ledger.remote, ledger.dir);
    // A merge that writes what an append writes: only its second parent gives it away.
    writeFileSync(join(work, 'entry.json'), '{}\n');
    writeFileSync(join(work, 'checkpoint'), 'x\n');
    sh(work, 'add', '-A');
    const tree = sh(work, 'write-tree').trim();
    const side = sh(work, 'commit-tree', sh(work, 'rev-parse', 'HEAD~1^{tree}').trim(), '-m', 'side').trim();
    const merge = sh(work, 'commit-tree', tree, '-p', 'HEAD', '-p', side, '-m', 'merge').trim();
    sh(work, 'push', '-q', 'origin', `${merge}:refs/heads/shiplog`);
    await h.send('push', pushEvent(r.full, { before, after: tip() }));
    const open = alarms(r.full);
    expect(open).toHaveLength(1);
    expect(open[0]!.title).toContain('received a merge');
    expect(open[0]!.body).toContain(`${merge.slice(0, 12)} has 2 parents`);
  });

  it('ignores pushes to other branches', async () => {
    const r = h.repo(SHARED_BRANCH);
    const event = pushEvent(r.full, { before: 'a'.repeat(40), after: 'b'.repeat(40), forced: true });
    event.ref = 'refs/heads/main';
    await h.send('push', event);
    expect(alarms(r.full)).toEqual([]);
  });
});
