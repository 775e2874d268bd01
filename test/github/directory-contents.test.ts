/** Team listings and repository files, read through the fake GitHub with GitHub's real shapes. */
import { describe, expect, it } from 'vitest';
import { readRepoFile } from '../../src/github/contents.ts';
import { createDirectory } from '../../src/github/directory.ts';
import { useFakeGitHub } from './setup.ts';

const env = useFakeGitHub();

describe('createDirectory().teamMembers', () => {
  it('lists active members only, once per team, and says when pages were left unread', async () => {
    const { owner, repo } = env.repo();
    env.gh.addTeam('acme', 'dba', ['Dave', { login: 'erin', state: 'pending' }]);
    const big = Array.from({ length: 250 }, (_, i) => `member-${i}`);
    env.gh.addTeam('acme', 'everyone', big);
    const directory = createDirectory(env.client(), { owner, repo });

    const dba = await directory.teamMembers('dba', 3);
    expect([...dba.members]).toEqual(['dave']);
    expect(dba.complete).toBe(true);
    await directory.teamMembers('dba', 2);
    expect(env.gh.count('GET', '/orgs/{org}/teams/{team_slug}/members')).toBe(1);

    const partial = await directory.teamMembers('everyone', 2);
    expect(partial).toMatchObject({ complete: false });
    expect(partial.members.size).toBe(200);
    const missing = await directory.teamMembers('acme/no-such-team', 1);
    expect(missing).toEqual({ members: new Set(), complete: true });
  });
});

describe('readRepoFile', () => {
  it('reads a file at the default branch or a ref, and answers undefined when it is missing', async () => {
    const { owner, repo, full } = env.repo();
    env.gh.setFile(full, '.github/shiplog.yml', 'rules: []\n');
    env.gh.setFile(full, 'checkpoint', 'origin\n1\n', { ref: 'shiplog' });
    const api = env.client();
    expect(await readRepoFile(api, { owner, repo, path: '.github/shiplog.yml' })).toBe('rules: []\n');
    expect(await readRepoFile(api, { owner, repo, path: 'checkpoint', ref: 'shiplog' })).toBe('origin\n1\n');
    expect(await readRepoFile(api, { owner, repo, path: 'nope.txt' })).toBeUndefined();
    await expect(
      readRepoFile(api, { owner, repo, path: '.github/shiplog.yml', maxBytes: 3 }),
    ).rejects.toThrow(/larger than 3 bytes/);
  });
});
