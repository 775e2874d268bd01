/**
 * The approval decision at merge: when a pull request closes merged, the app evaluates it once
 * more — the policy as it stood on the base before the merge, the reviews as they stand at that
 * moment — and appends a signed `merge` entry: the pull request, the merge commit (its subject),
 * the policy file's blob sha, the verdict rule by rule with each valid approval's login, review id
 * and reviewed commit, the override in force, and the review evidence a deploy's change set cites
 * later instead of re-reading reviews that may have been dismissed since.
 *
 * The policy is read at the merge commit's first parent for a true merge (exactly the base before
 * it), else at the pull request's base commit: a squash or rebase merge's parent may already hold
 * the pull request's own commits — including an edit of the policy that should not judge itself.
 * Redeliveries append nothing more (the idempotency key names the merge).
 */
import type { Context, Probot } from 'probot';
import { errorMessage } from '../../errors.ts';
import {
  approvalEvidence,
  commitParents,
  fetchPullRequestForPolicy,
  pullRequestEvidence,
  readRepoBlob,
  type GitHubApi,
} from '../../github/index.ts';
import {
  mergeApprovalStatus,
  mergeApprovers,
  mergeVerdict,
  type OverrideInForce,
} from '../../policy/merge-decision.ts';
import type { Verdict } from '../../policy/index.ts';
import { evaluate } from '../approval-check.ts';
import { appendToLedger, installationToken, ledgerOf } from '../ledger.ts';
import { findOverride } from '../override-state.ts';
import { DEFAULT_CHECK_NAME, loadPolicy, POLICY_PATH, type LoadedPolicy } from '../policy-source.ts';
import type { AppSettings } from '../settings.ts';
import { repoOf, type RepoRef } from '../targets.ts';

export function registerMergeRecord(app: Probot, settings: AppSettings): void {
  app.on('pull_request.closed', async (context) => {
    const pr = context.payload.pull_request;
    if (!pr.merged || !pr.merge_commit_sha) return;
    const at = repoOf(context.payload);
    const where = `${at.owner}/${at.repo}#${pr.number}`;
    if (!settings.signingKey) {
      context.log.warn(`merge record: ${where}: no signing key (SHIPLOG_SIGNING_KEY), nothing recorded`);
      return;
    }
    try {
      const seq = await recordMerge(context, settings, at);
      context.log.info(`merge record: ${where} → ${seq}`);
    } catch (error) {
      // Probot answers 500, so GitHub's delivery log shows the failure and the operator can redeliver.
      context.log.error(`merge record: ${where}: ${errorMessage(error)}`);
      throw error;
    }
  });
}

/** Where the policy that judged the merge is read: see the module comment. */
async function policyRef(
  api: GitHubApi,
  at: RepoRef,
  mergeSha: string,
  baseSha: string,
): Promise<{ ref: string; read_at: 'merge-parent' | 'pull-request-base' }> {
  const parents = await commitParents(api, { ...at, sha: mergeSha });
  return parents.length > 1
    ? { ref: parents[0]!, read_at: 'merge-parent' }
    : { ref: baseSha.toLowerCase(), read_at: 'pull-request-base' };
}

async function recordMerge(
  context: Context<'pull_request.closed'>,
  settings: AppSettings,
  at: RepoRef,
): Promise<string> {
  const api = context.octokit as unknown as GitHubApi;
  const payload = context.payload.pull_request;
  const pr = pullRequestEvidence(payload, 'pull_request.closed payload: pull_request');
  const mergeSha = pr.merge_commit_sha!;
  const read = await policyRef(api, at, mergeSha, payload.base.sha);
  const [loaded, blob, data] = await Promise.all([
    loadPolicy({ octokit: api, ref: read.ref }, at),
    readRepoBlob(api, { ...at, path: POLICY_PATH, ref: read.ref }),
    fetchPullRequestForPolicy(api, { ...at, number: pr.number, pullRequest: payload }),
  ]);

  let verdict: Verdict | undefined;
  let override: OverrideInForce | undefined;
  if (loaded.ok) {
    verdict = await evaluate(api, loaded.policy, { ...at, number: pr.number, headSha: pr.head_sha }, data);
    if (!verdict.satisfied) {
      const found = await findOverride(api, {
        ...at,
        appId: settings.appId,
        checkName: loaded.policy.settings.check_name,
        headSha: pr.head_sha,
        pullRequest: pr.number,
        baseRef: pr.base_ref,
      });
      if (found)
        override = { by: found.by, at: found.at, reason: found.reason, seq: found.seq, hash: found.hash };
    }
  }
  const recorded = mergeVerdict({
    verdict,
    ...(loaded.ok ? {} : { policyError: loaded.message }),
    reviews: data.reviews,
    override,
  });
  const { pull_request: _pr, ...reviews } = approvalEvidence(pr, data.reviews);

  const ledger = ledgerOf(settings, await ledgerPolicy(context, at, loaded), at);
  const result = await appendToLedger(settings, ledger, await installationToken(context.octokit), {
    type: 'merge',
    timestamp: new Date().toISOString(),
    repository: `${at.owner}/${at.repo}`,
    commit: mergeSha,
    branch: pr.base_ref,
    ...(pr.merged_by ? { actor: { login: pr.merged_by.login, id: pr.merged_by.id } } : {}),
    approval: {
      status: mergeApprovalStatus(recorded),
      approvers: mergeApprovers(recorded),
      ...(override ? { override } : {}),
    },
    details: {
      pull_request: {
        number: pr.number,
        title: pr.title,
        url: pr.url,
        author: pr.author,
        merged_at: pr.merged_at,
        ...(pr.merged_by ? { merged_by: pr.merged_by } : {}),
        base_ref: pr.base_ref,
        head_sha: pr.head_sha,
        merge_commit_sha: mergeSha,
      },
      policy: {
        path: POLICY_PATH,
        blob_sha: blob?.sha ?? null,
        ref: read.ref,
        read_at: read.read_at,
        check_name: loaded.ok ? loaded.policy.settings.check_name : DEFAULT_CHECK_NAME,
      },
      verdict: recorded,
      overrides: override ? [override] : [],
      reviews,
    },
    idempotency_key: `app:merge:${at.owner}/${at.repo}#${pr.number}:${mergeSha}`,
  });
  return result.duplicate
    ? `already recorded as seq ${result.seq}`
    : `seq ${result.seq} (${recorded.outcome}, ${recorded.rules.length} rule(s))`;
}

/**
 * The ledger is where today's policy says it is, as for every other entry the app writes; the
 * policy at the merge's base names the same place unless that moved, and only answers when the
 * default branch's cannot be read.
 */
async function ledgerPolicy(context: Context<'pull_request.closed'>, at: RepoRef, atBase: LoadedPolicy) {
  const api = context.octokit as unknown as GitHubApi;
  const now = await loadPolicy({ config: (file) => context.config(file), octokit: api }, at);
  if (now.ok) return now.policy;
  return atBase.ok ? atBase.policy : undefined;
}
