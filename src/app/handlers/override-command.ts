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
  mayOverride,
  parseOverrideCommand,
  renderCheckRun,
  overriddenPullRequest,
  unmetRules,
  type Policy,
} from '../../policy/index.ts';
import { evaluate, post } from '../approval-check.ts';
import { checkExtras } from '../check-extras.ts';
import { appendToLedger, installationToken, ledgerOf } from '../ledger.ts';
import { renderOverridden, type OverrideRecord } from '../override-state.ts';
import { loadPolicy } from '../policy-source.ts';
import type { AppSettings } from '../settings.ts';
import { repoOf, type PullTarget } from '../targets.ts';

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
  const directory = createDirectory(api, at);
  let allowed: boolean;
  try {
    allowed = await mayOverride(policy, login, directory);
  } catch (error) {
    return reply(
      `shiplog: could not check whether @${login} may override: ${errorMessage(error)}. Nothing was changed.`,
    );
  }
  if (!allowed) {
    return reply(
      `shiplog: @${login} may not override the approval check. Who may: ${describeOverriders(policy)} (\`settings.override\` in .github/shiplog.yml). Nothing was changed.`,
    );
  }

  const target: PullTarget = { ...at, number: issue.number, headSha: '' };
  let data: PolicyPullRequestData;
  try {
    data = await fetchPullRequestForPolicy(api, target);
  } catch (error) {
    return reply(`shiplog: could not read the pull request: ${errorMessage(error)}. Nothing was changed.`);
  }
  const pr = data.pullRequest;
  if (pr.state !== 'open')
    return reply('shiplog: this pull request is not open; there is nothing to override.');
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
  let record: OverrideRecord;
  try {
    record = await recordOverride(context, settings, policy, {
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

  const extras = checkExtras(api, settings, loaded, at);
  const ledger = extras.ledgerStatus ? await extras.ledgerStatus() : undefined;
  const output = renderOverridden(record, renderCheckRun(verdict));
  await post(
    api,
    { ...target, headSha: pr.headSha },
    {
      name: policy.settings.check_name,
      headSha: pr.headSha,
      conclusion: 'success',
      title: output.title,
      summary: ledger?.warning ? `${ledger.warning}\n\n${output.summary}` : output.summary,
      ...(ledger ? { text: ledger.text } : {}),
    },
  );
  await reply(
    `shiplog: 🚨 approval check overridden by @${login} for ${pr.headSha.slice(0, 12)} (this head only; a new push is evaluated normally). Recorded on the ledger as seq ${record.seq} (${record.hash}).`,
  );
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
): Promise<OverrideRecord> {
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
      comment: { id: comment.id, url: comment.html_url },
      ...unmetRules(o.verdict),
    },
    // A redelivered webhook must not record the same override twice.
    idempotency_key: `app:override:${at.owner}/${at.repo}#${issue.number}:comment:${comment.id}`,
  });
  return {
    by: o.login,
    at: o.at,
    reason: o.reason,
    pullRequest: pr.number,
    headSha: pr.headSha,
    seq: result.seq,
    hash: result.hash,
  };
}
