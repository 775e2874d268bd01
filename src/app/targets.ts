/**
 * Which pull request an event is about, and on which commit its verdict belongs. Pure functions of
 * the webhook payload: no API calls, so every event kind is cheap to route and easy to test.
 */

export interface RepoRef {
  owner: string;
  repo: string;
}

/** A merge queue's temporary branch: the group carries the verdict of the PR it was built for. */
export interface MergeGroupRef {
  /** The group's commit, where the check must be posted for the queue to proceed. */
  headSha: string;
  /** The base branch the queue merges into. */
  baseRef: string;
  /** The PR's head when it was queued; approvals must be for exactly that commit. */
  queuedHeadSha: string;
}

export interface PullTarget extends RepoRef {
  number: number;
  /** The commit the event is about, where a failure lands if the PR itself cannot be read. */
  headSha: string;
  /** The PR object from the payload, reused when it is complete (saves a request). */
  pullRequest?: unknown;
  mergeGroup?: MergeGroupRef;
}

interface PayloadRepository {
  name: string;
  owner: { login: string };
}

interface PayloadPull {
  number: number;
  head: { sha: string };
  base?: { ref?: string; repo?: { id?: number } };
}

export function repoOf(payload: { repository: PayloadRepository }): RepoRef {
  return { owner: payload.repository.owner.login, repo: payload.repository.name };
}

const PR_ACTIONS = new Set(['opened', 'reopened', 'synchronize', 'ready_for_review', 'edited']);

export function pullRequestTarget(payload: {
  action: string;
  repository: PayloadRepository;
  pull_request: PayloadPull;
  changes?: { base?: unknown };
}): PullTarget | undefined {
  if (!PR_ACTIONS.has(payload.action)) return undefined;
  // Title and body edits cannot change the verdict; a new base can change the whole diff.
  if (payload.action === 'edited' && !payload.changes?.base) return undefined;
  const pr = payload.pull_request;
  return { ...repoOf(payload), number: pr.number, headSha: pr.head.sha, pullRequest: pr };
}

export function reviewTarget(payload: {
  repository: PayloadRepository;
  pull_request: PayloadPull;
}): PullTarget {
  const pr = payload.pull_request;
  // The review payload's PR lacks changed_files, so it is fetched again rather than reused.
  return { ...repoOf(payload), number: pr.number, headSha: pr.head.sha };
}

/** `refs/heads/gh-readonly-queue/<base>/pr-<N>-<sha>`; the base may itself contain slashes. */
const QUEUE_REF = /^(?:refs\/heads\/)?gh-readonly-queue\/(.+)\/pr-(\d+)-([0-9a-f]{40})$/;

export function parseMergeQueueRef(
  ref: string,
): { baseRef: string; number: number; queuedHeadSha: string } | undefined {
  const m = QUEUE_REF.exec(ref);
  if (!m) return undefined;
  const number = Number(m[2]);
  if (!Number.isSafeInteger(number) || number <= 0) return undefined;
  return { baseRef: m[1]!, number, queuedHeadSha: m[3]! };
}

export function mergeGroupTarget(payload: {
  repository?: PayloadRepository;
  merge_group: { head_sha: string; head_ref: string };
}): PullTarget | undefined {
  // GitHub always sends the repository; the type allows its absence, which has nothing to gate.
  if (!payload.repository) return undefined;
  const repo = repoOf({ repository: payload.repository });
  return queueTarget(repo, payload.merge_group.head_ref, payload.merge_group.head_sha);
}

function queueTarget(repo: RepoRef, ref: string, groupSha: string): PullTarget | undefined {
  const queued = parseMergeQueueRef(ref);
  if (!queued) return undefined;
  return {
    ...repo,
    number: queued.number,
    headSha: groupSha,
    mergeGroup: { headSha: groupSha, baseRef: queued.baseRef, queuedHeadSha: queued.queuedHeadSha },
  };
}

/**
 * The external_id shiplog gives its check runs, so a re-run finds its PR even from a fork. A merge
 * group's check says so (with the queued head and base): only this app writes its check runs, and
 * it writes that form only for a `merge_group` event, so a re-run of it is GitHub's word that the
 * commit is a merge group — a branch merely named `gh-readonly-queue/…` is not.
 */
export function externalIdFor(target: Pick<PullTarget, 'number'> & { mergeGroup?: MergeGroupRef }): string {
  const g = target.mergeGroup;
  return g ? `shiplog:mg:${target.number}:${g.queuedHeadSha}:${g.baseRef}` : `shiplog:pr:${target.number}`;
}

function groupFromExternalId(
  repo: RepoRef,
  id: string | null | undefined,
  groupSha: string,
): PullTarget | undefined {
  const m = /^shiplog:mg:(\d+):([0-9a-f]{40}):(.+)$/.exec(id ?? '');
  if (!m) return undefined;
  const number = Number(m[1]);
  return {
    ...repo,
    number,
    headSha: groupSha,
    mergeGroup: { headSha: groupSha, baseRef: m[3]!, queuedHeadSha: m[2]! },
  };
}

function numberFromExternalId(id: string | null | undefined): number | undefined {
  const m = /^shiplog:pr:(\d+)$/.exec(id ?? '');
  return m ? Number(m[1]) : undefined;
}

/** Check suite payloads list the PRs of the suite's head commit (empty for PRs from forks). */
function suiteTargets(repo: RepoRef, pulls: readonly PayloadPull[] | undefined): PullTarget[] {
  return (pulls ?? []).map((pr) => ({ ...repo, number: pr.number, headSha: pr.head.sha }));
}

export function checkRunTargets(payload: {
  repository: PayloadRepository;
  check_run: {
    head_sha: string;
    external_id?: string | null;
    pull_requests?: PayloadPull[];
    check_suite?: { head_branch?: string | null } | null;
  };
}): PullTarget[] {
  const repo = repoOf(payload);
  const run = payload.check_run;
  const group = groupFromExternalId(repo, run.external_id, run.head_sha);
  if (group) return [group];
  // A branch named like a merge queue's is not one unless GitHub said so (merge_group): such a
  // run gets no group verdict; its pull requests, if any, are judged on their own heads.
  if (parseMergeQueueRef(run.check_suite?.head_branch ?? '')) return [];
  const listed = suiteTargets(repo, run.pull_requests);
  if (listed.length > 0) return listed;
  const number = numberFromExternalId(run.external_id);
  return number === undefined ? [] : [{ ...repo, number, headSha: run.head_sha }];
}

export function checkSuiteTargets(payload: {
  repository: PayloadRepository;
  check_suite: { head_sha: string; head_branch?: string | null; pull_requests?: PayloadPull[] };
}): PullTarget[] {
  const repo = repoOf(payload);
  const suite = payload.check_suite;
  // A re-run of a whole suite on a queue-named branch says nothing GitHub vouches for: the group's
  // own check run (its external id) or a new merge_group event does.
  if (parseMergeQueueRef(suite.head_branch ?? '')) return [];
  return suiteTargets(repo, suite.pull_requests);
}
