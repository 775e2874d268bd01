/** Merged pull requests for the merge-entry tests, on an app with a real ledger (useLedgerApp). */
import { createGitHubClient } from '../../src/github/client.ts';
import { findEntries } from '../../src/ledger/query.ts';
import type { useLedgerApp } from './harness.ts';

export const POLICY = [
  'rules:',
  '  - name: Migrations',
  '    paths: ["db/migrations/**"]',
  '    approvals: 2',
  '',
].join('\n');

type Json = Record<string, unknown>;

/** The scenario helpers bound to one app server and its ledger. */
export function mergeScenario(app: ReturnType<typeof useLedgerApp>) {
  const h = app.h;
  function fresh(full: string) {
    return app.fresh(full);
  }

  async function mergeEntries(full: string) {
    const found = await findEntries(fresh(full), { type: 'merge' }).catch((error: unknown) => {
      if (String(error).includes('does not exist')) return [];
      throw error;
    });
    return found.filter((e) => e.statement.predicate.repository === full);
  }

  /** A pull request merged onto the repository's root with two approvals of its head. */
  function mergedWithTwoApprovals() {
    const r = h.repo(POLICY);
    for (const login of ['bob', 'carol']) h.gh.setPermission(r.full, login, 'write');
    const root = h.gh.addCommit(r.full, { parents: [], message: 'init' }).sha;
    const { pull, tip } = h.gh.mergePullRequest(r.full, {
      onto: root,
      user: 'alice',
      files: ['db/migrations/001_users.sql'],
      title: 'Add users table',
      commits: 2,
    });
    const bob = h.gh.addReview(r.full, pull.number, { user: 'bob', state: 'APPROVED' });
    const carol = h.gh.addReview(r.full, pull.number, { user: 'carol', state: 'APPROVED' });
    return { ...r, root, pull, tip, reviews: { bob, carol } };
  }

  function closedEvent(full: string, pull: ReturnType<typeof mergedWithTwoApprovals>['pull'], merged = true) {
    const payload = h.pullRequestEvent(full, pull, 'closed');
    const pr = payload.pull_request as Json;
    payload.pull_request = {
      ...pr,
      state: 'closed',
      merged,
      merge_commit_sha: merged ? pull.mergeCommitSha : null,
      merged_at: merged ? pull.mergedAt : null,
      merged_by: merged
        ? { ...(pr.user as Json), login: pull.mergedBy, id: h.gh.user(pull.mergedBy!).id, type: 'User' }
        : null,
    };
    return payload;
  }

  function api() {
    return createGitHubClient({
      token: 'test-token',
      baseUrl: h.gh.url,
      retryBaseMs: 10,
      spaceWrites: false,
    });
  }

  return { h, fresh, mergeEntries, mergedWithTwoApprovals, closedEvent, api };
}
