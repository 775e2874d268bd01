/** A central ledger repository: one shard per source repository, written in parallel without racing. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEntry } from '../../src/ledger/append.ts';
import {
  allShards,
  readBranch,
  remoteIsRepository,
  shardBranch,
  writeBranch,
} from '../../src/ledger/shards.ts';
import { verifyLedger } from '../../src/ledger/verify.ts';
import { createLedgerFixture, sampleEntry, type LedgerFixture } from '../support/ledger-fixture.ts';

let fx: LedgerFixture;
beforeAll(async () => {
  fx = await createLedgerFixture();
});
afterAll(() => fx.cleanup());

describe('shards', () => {
  it('name the branch a writer uses', () => {
    expect(shardBranch('Acme/Web')).toBe('shiplog/acme/web');
    expect(writeBranch({ central: false, repository: 'acme/web' })).toBe('shiplog');
    expect(writeBranch({ central: true, repository: 'acme/web' })).toBe('shiplog/acme/web');
    expect(writeBranch({ branch: 'audit', central: true, repository: 'acme/web' })).toBe('audit');
    for (const own of [
      'https://github.com/acme/web.git',
      'git@github.com:acme/web.git',
      '/srv/git/acme/web',
      'file:///srv/acme/WEB.git/',
    ])
      expect(remoteIsRepository(own, 'acme/web')).toBe(true);
    for (const central of [
      'https://github.com/acme/audit.git',
      '/tmp/ledger.git',
      'git@github.com:acme/web-audit.git',
    ])
      expect(remoteIsRepository(central, 'acme/web')).toBe(false);
  });

  it('4 repositories x 10 parallel appends land on 4 valid shards, none retrying because of another', async () => {
    const repos = ['acme/web', 'acme/api', 'acme/jobs', 'beta/site'];
    const attempts: number[] = [];
    await Promise.all(
      repos.map(async (repository, w) => {
        const location = {
          remote: fx.remote,
          branch: shardBranch(repository),
          cacheDir: join(fx.dir, `cache-${w}`),
        };
        for (let i = 0; i < 10; i++) {
          const r = await appendEntry({
            location,
            key: fx.key,
            entry: sampleEntry(w * 100 + i, { repository }),
          });
          attempts.push(r.attempts);
        }
      }),
    );
    expect(attempts).toHaveLength(40);
    expect(attempts.every((a) => a === 1)).toBe(true);
    const branches = await allShards({ remote: fx.remote });
    expect(branches).toEqual(repos.map(shardBranch).sort());
    for (const branch of branches) {
      const r = await verifyLedger({
        location: { remote: fx.remote, branch, cacheDir: join(fx.dir, 'verify') },
        trusted: [fx.trusted],
      });
      expect(r.problems).toEqual([]);
      expect(r.entries).toBe(10);
    }
    const refs = execFileSync('git', ['for-each-ref', '--format=%(refname)', 'refs/heads'], {
      cwd: fx.remote,
      encoding: 'utf8',
    });
    expect(refs.trim().split('\n')).toHaveLength(4);
  });

  it('a reader picks the only shard, the one of --repo, or says which to choose', async () => {
    await expect(readBranch({ remote: fx.remote }, { repository: 'acme/api' })).resolves.toBe(
      'shiplog/acme/api',
    );
    await expect(readBranch({ remote: fx.remote })).rejects.toThrow(
      /holds 4 ledger shards .*--ledger-branch/,
    );
  });
});
