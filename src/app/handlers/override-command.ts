/**
 * Break-glass: `/shiplog override <reason>` in a pull request comment, by someone `settings.override`
 * allows (repository admins by default), makes the approval check pass for the PR's current head,
 * marked overridden — after a signed `override` entry is on the ledger, never before: an override
 * that could not be recorded did not happen. Only newly created comments count; editing a comment
 * into an override (or deleting one) grants nothing. Every refusal is a reply that says why, and
 * changes nothing.
 */
import type { Context, Probot } from 'probot';
import { errorMessage } from '../../errors.ts';
import {
  commentOnIssue,
  createDirectory,
  fetchPullRequestForPolicy,
  type GitHubApi,
  type PolicyPullRequestData,
} from '../../github/index.ts';
import {
  describeOverriders,
  overrideRefusal,
  parseOverrideCommand,
  overriddenPullRequest,
  unmetRules,
  type Policy,
} from '../../policy/index.ts';
import { evaluate, runApprovalCheck } from '../approval-check.ts';
import { checkExtras } from '../check-extras.ts';
import { appendToLedger, installationToken, ledgerOf } from '../ledger.ts';
import { firstSeenAt, overrideHolds, type OverrideRecord } from '../override-state.ts';
import { loadPolicy } from '../policy-source.ts';
import type { AppSettings } from '../settings.ts';
import { externalIdFor, repoOf, type PullTarget } from '../targets.ts';

type CommentContext = Context<'issue_comment.created'>;

export function registerOverrideCommand(app: Probot, settings: AppSettings): void {
  app.on('issue_comment.created', (context) => onComment(context, settings));
}

async function onComment(context: CommentContext, settings: AppSettings): Promise<void> {
  const { comment, issue } = context.payload;
  if (!issue.pull_request) return;
  const command = parseOverrideCommand(comment.body ?? '');
  if (!command) return;
  // Bots (this app included) cannot break glass, and their comments are not answered.
  if (comment.user?.type === 'Bot' || !comment.user?.login) return;

  const at = repoOf(context.payload);
  const api = context.octokit as unknown as GitHubApi;
  const login = comment.user.login;
  const reply = async (text: string): Promise<void> => {
    await commentOnIssue(api, { ...at, number: issue.number, body: text });
    context.log.info(`override: ${at.owner}/${at.repo}#${issue.number} by ${login}: ${text.split('\n')[0]}`);
  };

  if (!command.reason) {
    return reply(
      'shiplog: an override needs a reason, e.g. `/shiplog override INC-42: the fix cannot wait for review`. Nothing was changed.',
    );
  }
  const loaded = await loadPolicy({ config: (file) => context.config(file), octokit: api }, at);
  if (!loaded.ok) {
    return reply(`shiplog: cannot override while the policy cannot be read: ${loaded.message}`);
  }
  const { policy } = loaded;

  const target: PullTarget = { ...at, number: issue.number, headSha: '' };
  let data: PolicyPullRequestData;
  try {
    data = await fetchPullRequestForPolicy(api, target);
  } catch (error) {
    return reply(`shiplog: could not read the pull request: ${errorMessage(error)}. Nothing was changed.`);
  }
  const pr = data.pullRequest;

  const directory = createDirectory(api, at);
  let refusal: string | undefined;
  try {
    refusal = await overrideRefusal(policy, login, directory, { author: pr.author });
  } catch (error) {
    return reply(
      `shiplog: could not check whether @${login} may override: ${errorMessage(error)}. Nothing was changed.`,
    );
  }
  if (refusal) {
    return reply(
      `shiplog: @${login} may not override the approval check: ${refusal}. Who may: ${describeOverriders(policy)} with write access (\`settings.override\` in .github/shiplog.yml). Nothing was changed.`,
    );
  }

  if (pr.state !== 'open')
    return reply('shiplog: this pull request is not open; there is nothing to override.');
  let moved: string | undefined;
  try {
    moved = await headMovedSince(api, settings, policy, at, data, comment.created_at);
  } catch (error) {
    moved = `when the head was pushed could not be read: ${errorMessage(error)}`;
  }
  if (moved) {
    return reply(
      `shiplog: this override cannot be applied: ${moved}. An override holds only for the head the comment was written on; comment again to override the current head. Nothing was changed.`,
    );
  }
  const verdict = await evaluate(api, policy, target, data);
  if (verdict.satisfied) {
    return reply(
      `shiplog: the approval policy is already satisfied (${verdict.title}); nothing to override.`,
    );
  }
  if (!settings.signingKey) {
    return reply(
      'shiplog: overrides are disabled: the app has no signing key (SHIPLOG_SIGNING_KEY), so the override could not be recorded on the ledger. Nothing was changed.',
    );
  }

  const when = new Date().toISOString();
  let recorded: { record: OverrideRecord; duplicate: boolean };
  try {
    recorded = await recordOverride(context, settings, policy, {
      login,
      reason: command.reason,
      at: when,
      data,
      verdict,
    });
  } catch (error) {
    return reply(
      `shiplog: the override could not be recorded on the ledger, so it was not applied: ${errorMessage(error)}`,
    );
  }
  const { record } = recorded;
  if (recorded.duplicate) {
    // The ledger already holds this comment's override (a redelivery, before or after a restart):
    // it grants nothing again.
    context.log.info(
      `override: ${at.owner}/${at.repo}#${issue.number}: comment ${comment.id} already recorded as seq ${record.seq}; nothing applied`,
    );
    return;
  }

  // The check on the head holds for every open pull request with that head: this override sets
  // aside only this one's verdict.
  const extras = checkExtras(api, settings, loaded, at);
  await runApprovalCheck(
    api,
    loaded,
    { ...target, headSha: pr.headSha },
    {
      ...extras,
      findOverride: async (p, name) => (overrideHolds(record, p) ? record : extras.findOverride?.(p, name)),
    },
  );
  await reply(
    `shiplog: 🚨 approval check overridden by @${login} for #${pr.number} into ${pr.baseRef} at ${pr.headSha.slice(0, 12)} (this pull request, base and head only; a new push is evaluated normally). Recorded on the ledger as seq ${record.seq} (${record.hash}).`,
  );
}

/**
 * Why the pull request's head may not be the one the comment was written on, or undefined. GitHub
 * keeps no push time for a commit, so two of its own clocks stand in: a force-push of the head
 * branch after the comment (timeline), and the first check run this app posted for this pull
 * request on the current head (it evaluates every push) coming after the comment. No such check
 * run at all is not knowing, which refuses too.
 */
async function headMovedSince(
  api: GitHubApi,
  settings: AppSettings,
  policy: Policy,
  at: { owner: string; repo: string },
  data: PolicyPullRequestData,
  commentCreatedAt: string,
): Promise<string | undefined> {
  const written = Date.parse(commentCreatedAt);
  if (Number.isNaN(written)) return 'the comment has no creation time';
  const pr = data.pullRequest;
  const forced = data.timeline.forcePushedAt.find((at) => Date.parse(at) >= written);
  if (forced) return `the head branch was force-pushed at ${forced}, after the comment`;
  const seen = await firstSeenAt(api, {
    ...at,
    appId: settings.appId,
    checkName: policy.settings.check_name,
    headSha: pr.headSha,
    externalId: externalIdFor(pr),
  });
  if (seen === undefined) {
    return `shiplog has no record of when ${pr.headSha.slice(0, 12)} became the head (no check run of its own there yet); re-run the check`;
  }
  if (Date.parse(seen) > written) {
    return `the head moved to ${pr.headSha.slice(0, 12)} at ${seen}, after the comment was written`;
  }
  return undefined;
}

async function recordOverride(
  context: CommentContext,
  settings: AppSettings,
  policy: Policy,
  o: {
    login: string;
    reason: string;
    at: string;
    data: PolicyPullRequestData;
    verdict: Awaited<ReturnType<typeof evaluate>>;
  },
): Promise<{ record: OverrideRecord; duplicate: boolean }> {
  const { comment, issue } = context.payload;
  const at = repoOf(context.payload);
  const pr = o.data.pullRequest;
  const ledger = ledgerOf(settings, policy, at);
  const approvers = [...new Set(o.verdict.rules.flatMap((r) => r.validApprovers))].sort();
  const result = await appendToLedger(settings, ledger, await installationToken(context.octokit), {
    type: 'override',
    timestamp: o.at,
    repository: `${at.owner}/${at.repo}`,
    commit: pr.headSha,
    actor: { login: o.login, id: comment.user!.id },
    approval: { status: 'overridden', approvers: approvers.map((login) => ({ login })) },
    details: {
      reason: o.reason,
      via: 'app comment',
      ...overriddenPullRequest(pr),
      base_ref: pr.baseRef,
      comment: { id: comment.id, url: comment.html_url, created_at: comment.created_at },
      ...unmetRules(o.verdict),
    },
    // A redelivered webhook must not record the same override twice: the ledger itself is the
    // memory (this key, on the entry of this head), so a restart forgets nothing.
    idempotency_key: `app:override:${at.owner}/${at.repo}#${issue.number}:comment:${comment.id}`,
  });
  return {
    duplicate: result.duplicate,
    record: {
      by: o.login,
      at: o.at,
      reason: o.reason,
      pullRequest: pr.number,
      headSha: pr.headSha,
      baseRef: pr.baseRef,
      seq: result.seq,
      hash: result.hash,
    },
  };
}
