/**
 * Policy evaluation at GitHub's limits: a pull request with 3000 changed files and 100 reviews,
 * evaluated the way the app does on a `pull_request` event (the PR object comes with the webhook),
 * against the fake GitHub. Reports the API requests one evaluation costs (GitHub's rate limit is the
 * app's real budget) and the CPU time of `evaluatePolicy` alone, on data already fetched.
 *
 * Two review histories, because look-ups scale with approvers, not reviews:
 * - typical: a long review by five people (one without write access, one bot) — 97 comments and
 *   superseded opinions, then approvals by bob, carol and finally dave from the DBA team;
 * - heavy: twenty reviewers, thirteen of whom approve the current head before the DBA does.
 */
import { readFileSync } from 'node:fs';
import {
  createDirectory,
  createGitHubClient,
  fetchPullRequestForPolicy,
  type GitHubApi,
} from '../src/github/index.ts';
import { evaluatePolicy, parsePolicy, type EvaluationInput, type Policy } from '../src/policy/index.ts';
import { startFakeGitHub, type FakeGitHub, type ReviewInput } from '../test/support/fake-github.ts';
import { percentile, round, timeEach } from './stats.ts';

const FILES = 3000;
const REVIEWS = 100;
const EVAL_RUNS = 25;
const OLD_COMMIT = 'f'.repeat(40);

type Scenario = (head: string) => ReviewInput[];

const typical: Scenario = (head) => {
  const talkers = ['bob', 'carol', 'dave', 'erin', 'renovate[bot]'];
  const reviews: ReviewInput[] = Array.from({ length: REVIEWS - 5 }, (_, i) => ({
    user: talkers[i % talkers.length]!,
    state: 'COMMENTED',
    commitId: i < 60 ? OLD_COMMIT : head,
  }));
  reviews.push(
    { user: 'carol', state: 'CHANGES_REQUESTED', commitId: OLD_COMMIT },
    { user: 'bob', state: 'APPROVED', commitId: OLD_COMMIT },
    { user: 'bob', state: 'APPROVED', commitId: head },
    { user: 'carol', state: 'APPROVED', commitId: head },
    { user: 'dave', state: 'APPROVED', commitId: head },
  );
  return reviews;
};

const heavy: Scenario = (head) => {
  const reviewers = Array.from({ length: 20 }, (_, i) => `reviewer${i}`);
  const reviews: ReviewInput[] = Array.from({ length: REVIEWS - 3 }, (_, i) => ({
    user: reviewers[i % reviewers.length]!,
    state: i % 3 === 0 ? 'APPROVED' : 'COMMENTED',
    commitId: i % 2 === 0 ? OLD_COMMIT : head,
  }));
  for (const user of ['bob', 'carol', 'dave']) reviews.push({ user, state: 'APPROVED', commitId: head });
  return reviews;
};

function setUp(gh: FakeGitHub, full: string, scenario: Scenario): number {
  gh.addRepo(full);
  for (let i = 0; i < 20; i++) gh.setPermission(full, `reviewer${i}`, 'write');
  for (const login of ['bob', 'carol', 'dave']) gh.setPermission(full, login, 'write');
  gh.setPermission(full, 'erin', 'read');
  gh.addTeam('acme', 'dba', ['dave']);
  // Mostly ordinary code, a migration folder and production config: every rule has work to do.
  const files = Array.from({ length: FILES }, (_, i) =>
    i % 100 === 0
      ? `db/migrations/${String(i).padStart(4, '0')}_change.sql`
      : i % 150 === 1
        ? `config/production/service-${i}.yml`
        : `services/svc-${i % 40}/src/module-${i}.ts`,
  );
  const pr = gh.addPullRequest(full, { user: 'alice', files });
  for (const review of scenario(pr.headSha)) gh.addReview(full, pr.number, review);
  return pr.number;
}

async function measure(
  gh: FakeGitHub,
  api: GitHubApi,
  policy: Policy,
  repo: string,
  scenario: Scenario,
  log: (s: string) => void,
): Promise<{ requests: number; evalMs: number }> {
  const owner = 'acme';
  const number = setUp(gh, `${owner}/${repo}`, scenario);
  // The webhook's PR object, as a pull_request event delivers it (fetched here, outside the count).
  const { data: webhookPull } = await api.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
    owner,
    repo,
    pull_number: number,
  });

  gh.resetRequests();
  const data = await fetchPullRequestForPolicy(api, { owner, repo, number, pullRequest: webhookPull });
  const directory = createDirectory(api, { owner, repo });
  const input: EvaluationInput = {
    pullRequest: {
      number: data.pullRequest.number,
      author: data.pullRequest.author,
      headSha: data.pullRequest.headSha,
      changedFiles: data.pullRequest.changedFiles,
    },
    files: data.files,
    filesTruncated: data.filesTruncated,
    reviews: data.reviews,
  };
  const verdict = await evaluatePolicy(policy, input, directory);
  const requests = gh.requests.length;
  const lookups = gh.requests.filter((r) => /permission|memberships/.test(r.path)).length;
  log(
    `policy ${repo}: ${data.files.length} files, ${data.reviews.length} reviews → ${verdict.title}; ${requests} API requests (${lookups} permission/team look-ups)`,
  );
  if (data.files.length !== FILES || data.reviews.length !== REVIEWS || !verdict.satisfied) {
    throw new Error(`policy bench ${repo}: unexpected evaluation (${verdict.title}); the scenario is wrong`);
  }

  // The directory now answers from its cache, so these runs time evaluation alone, no network.
  gh.resetRequests();
  const times = await timeEach(EVAL_RUNS, () => evaluatePolicy(policy, input, directory));
  if (gh.requests.length !== 0) throw new Error('policy bench: timed evaluations reached the network');
  return { requests, evalMs: round(percentile(times, 50), 2) };
}

export async function policyBench(log: (s: string) => void): Promise<Record<string, number>> {
  const gh = await startFakeGitHub({ tokens: ['bench-token'] });
  try {
    const policy = parsePolicy(
      readFileSync(new URL('../test/fixtures/policy/shiplog.yml', import.meta.url), 'utf8'),
      'shiplog.yml',
    );
    const api = createGitHubClient({ token: 'bench-token', baseUrl: gh.url, spaceWrites: false });
    const t = await measure(gh, api, policy, 'typical', typical, log);
    const h = await measure(gh, api, policy, 'heavy', heavy, log);
    return {
      policy_api_requests_3000_files: t.requests,
      policy_eval_ms_3000_files: t.evalMs,
      policy_api_requests_3000_files_13_approvers: h.requests,
      policy_eval_ms_3000_files_13_approvers: h.evalMs,
    };
  } finally {
    await gh.close();
  }
}
