/**
 * API requests one deploy change set costs (GitHub's rate limit is the real budget): a deploy of
 * 100 commits brought in by 20 merged pull requests (4 branch commits and a merge commit each) with
 * 5 reviews each, collected from the fake GitHub the way the Action does, REST and GraphQL counted
 * together. The design's bound is 10 requests.
 */
import { createGitHubClient } from '../src/github/client.ts';
import { collectChangeSet } from '../src/github/change-set.ts';
import { startFakeGitHub } from '../test/support/fake-github.ts';

const PULLS = 20;
const COMMITS_PER_PULL = 4; // plus the merge commit: 100 commits in all
const REVIEWERS = ['bob', 'carol', 'dave', 'erin'];

export async function changeSetBench(log: (s: string) => void): Promise<Record<string, number>> {
  const gh = await startFakeGitHub();
  try {
    const full = 'acme/shop';
    gh.addRepo(full);
    const base = gh.addCommit(full, { parents: [], message: 'Last deploy to production' }).sha;
    let tip = base;
    for (let i = 0; i < PULLS; i++) {
      const merged = gh.mergePullRequest(full, { onto: tip, user: 'alice', commits: COMMITS_PER_PULL });
      for (const user of REVIEWERS) gh.addReview(full, merged.pull.number, { user, state: 'COMMENTED' });
      gh.addReview(full, merged.pull.number, { user: 'bob', state: 'APPROVED' });
      tip = merged.tip;
    }
    const api = createGitHubClient({ token: 'bench', baseUrl: gh.url, spaceWrites: false });

    gh.resetRequests();
    const evidence = await collectChangeSet(api, { owner: 'acme', repo: 'shop', base, head: tip });
    if (evidence.commits.length !== PULLS * (COMMITS_PER_PULL + 1) || !evidence.complete)
      throw new Error(`change-set bench: unexpected evidence (${evidence.commits.length} commits)`);
    const requests = gh.requests.length;
    const graphql = gh.count('POST', '/graphql');
    log(
      `change set: ${evidence.commits.length} commits, ${evidence.pull_requests.length} PRs → ${requests} API requests (${requests - graphql} REST, ${graphql} GraphQL)`,
    );
    return { change_set_api_requests_100_commits: requests };
  } finally {
    await gh.close();
  }
}
