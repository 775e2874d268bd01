/**
 * Reviewed break-glass: after `/shiplog override`, someone else must look at what went in. An
 * approving review of the pull request submitted after the override (even after the merge), or a
 * `/shiplog review-override <note>` comment, by an eligible reviewer — write access, not the one
 * who overrode, not the author, not a bot — makes the app append a signed `override-review` entry
 * linking the override's seq, saying whether it came within `settings.override.review_within`.
 * The override is found where the app keeps it: the marker in its own check run on the overridden
 * head. One review entry per override: a redelivered or second approval records nothing more.
 */
import type { Context, Probot } from 'probot';
import { errorMessage } from '../../errors.ts';
import {
  commentOnIssue,
  createDirectory,
  fetchPullRequestForPolicy,
  type GitHubApi,
} from '../../github/index.ts';
import {
  durationMs,
  mayReviewOverride,
  overriddenPullRequest,
  parseReviewOverrideCommand,
  type Policy,
} from '../../policy/index.ts';
import { appendToLedger, installationToken, ledgerOf } from '../ledger.ts';
import { findOverride, type OverrideRecord } from '../override-state.ts';
import { loadPolicy } from '../policy-source.ts';
import type { AppSettings } from '../settings.ts';
import { repoOf, type RepoRef } from '../targets.ts';

export function registerOverrideReview(app: Probot, settings: AppSettings): void {
  app.on('pull_request_review.submitted', async (context) => {
    const { review, pull_request: pr } = context.payload;
    if (review.state.toLowerCase() !== 'approved' || !review.user || !review.commit_id) return;
    await reviewOverride(context, settings, {
      at: repoOf(context.payload),
      number: pr.number,
      headSha: review.commit_id,
      reviewer: { login: review.user.login, id: review.user.id, type: review.user.type },
      when: review.submitted_at ?? new Date().toISOString(),
      via: { via: 'review', review: { id: review.id, submitted_at: review.submitted_at ?? null } },
    });
  });
  app.on('issue_comment.created', async (context) => {
    const { comment, issue } = context.payload;
    if (!issue.pull_request || !comment.user) return;
    const command = parseReviewOverrideCommand(comment.body ?? '');
    if (!command) return;
    if (comment.user.type === 'Bot') return;
    const at = repoOf(context.payload);
    const api = context.octokit as unknown as GitHubApi;
    let headSha: string;
    try {
      headSha = (await fetchPullRequestForPolicy(api, { ...at, number: issue.number })).pullRequest.headSha;
    } catch (error) {
      await commentOnIssue(api, {
        ...at,
        number: issue.number,
        body: `shiplog: could not read the pull request: ${errorMessage(error)}`,
      });
      return;
    }
    const outcome = await reviewOverride(context, settings, {
      at,
      number: issue.number,
      headSha,
      reviewer: { login: comment.user.login, id: comment.user.id, type: comment.user.type },
      when: comment.created_at,
      via: {
        via: 'comment',
        comment: { id: comment.id, url: comment.html_url },
        ...(command.note ? { note: command.note } : {}),
      },
    });
    await commentOnIssue(api, { ...at, number: issue.number, body: `shiplog: ${outcome}` });
  });
}

interface ReviewRequest {
  at: RepoRef;
  number: number;
  /** The head the review is of: the override is looked up on it. */
  headSha: string;
  reviewer: { login: string; id: number; type?: string };
  when: string;
  via: Record<string, unknown>;
}

/** Records the review of the override on `headSha`, if there is one and the reviewer may; says what happened. */
async function reviewOverride(
  context: Context<'pull_request_review.submitted'> | Context<'issue_comment.created'>,
  settings: AppSettings,
  r: ReviewRequest,
): Promise<string> {
  const api = context.octokit as unknown as GitHubApi;
  const where = `${r.at.owner}/${r.at.repo}#${r.number}`;
  const loaded = await loadPolicy({ config: (file) => context.config(file), octokit: api }, r.at);
  if (!loaded.ok) return `the policy cannot be read, so no override review was recorded: ${loaded.message}`;
  const policy: Policy = loaded.policy;
  let override: OverrideRecord | undefined;
  let author: string;
  let data;
  try {
    override = await findOverride(api, {
      ...r.at,
      appId: settings.appId,
      checkName: policy.settings.check_name,
      headSha: r.headSha,
      pullRequest: r.number,
    });
    if (!override) return `there is no break-glass override on ${r.headSha.slice(0, 12)} to review.`;
    data = await fetchPullRequestForPolicy(api, { ...r.at, number: r.number });
    author = data.pullRequest.author;
  } catch (error) {
    context.log.error(`override review: ${where}: ${errorMessage(error)}`);
    return `the override could not be looked up: ${errorMessage(error)}`;
  }
  const eligible = await mayReviewOverride(
    r.reviewer,
    { by: override.by, author },
    createDirectory(api, r.at),
  );
  if (!eligible.ok) {
    context.log.info(`override review: ${where}: ${r.reviewer.login} may not review it (${eligible.why})`);
    return `@${r.reviewer.login} cannot review this override (${eligible.why}); an eligible reviewer has write access and is neither the one who overrode (@${override.by}) nor the author.`;
  }
  // Only a review made after the override reviews it.
  if (Date.parse(r.when) < Date.parse(override.at))
    return 'this review came before the override; it reviews nothing.';
  const window = policy.settings.override.review_within;
  const within = Date.parse(r.when) - Date.parse(override.at) <= durationMs(window);
  if (!settings.signingKey)
    return 'the app has no signing key (SHIPLOG_SIGNING_KEY): the review could not be recorded.';
  const ledger = ledgerOf(settings, policy, r.at);
  try {
    const result = await appendToLedger(settings, ledger, await installationToken(context.octokit), {
      type: 'override-review',
      timestamp: new Date().toISOString(),
      repository: `${r.at.owner}/${r.at.repo}`,
      commit: override.headSha,
      actor: { login: r.reviewer.login, id: r.reviewer.id },
      approval: { status: 'approved', approvers: [{ login: r.reviewer.login, id: r.reviewer.id }] },
      details: {
        override: { seq: override.seq, hash: override.hash, by: override.by, at: override.at },
        reviewed_at: r.when,
        review_within: window,
        within,
        ...r.via,
        ...overriddenPullRequest(data.pullRequest),
      },
      // One review per override, however many approvals or redeliveries follow.
      idempotency_key: `app:override-review:${r.at.owner}/${r.at.repo}:seq:${override.seq}`,
    });
    if (result.duplicate)
      return `the override (seq ${override.seq}) was already reviewed (seq ${result.seq}).`;
    context.log.info(
      `override review: ${where}: seq ${override.seq} reviewed by ${r.reviewer.login} as seq ${result.seq}`,
    );
    return `✅ the break-glass override by @${override.by} (seq ${override.seq}) was reviewed by @${r.reviewer.login}${within ? '' : `, later than ${window} after it`}; recorded on the ledger as seq ${result.seq}.`;
  } catch (error) {
    context.log.error(`override review: ${where}: ${errorMessage(error)}`);
    return `the review could not be recorded on the ledger: ${errorMessage(error)}`;
  }
}
