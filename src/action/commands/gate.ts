/**
 * `gate`: the approval policy, evaluated in the workflow for teams that do not install the app —
 * the same policy room code, so the same data gives the same verdict (a missing policy file protects
 * nothing, as in the app). Fails closed: no pull request, an unreadable policy, or data that
 * cannot be trusted all fail the job with a message saying why.
 * With `override-reason`, a permitted actor breaks glass: the job passes and the override is
 * recorded on the ledger.
 */
import { ShiplogError } from '../../errors.ts';
import { collectApprovalEvidence } from '../../github/approvers.ts';
import type { GitHubApi } from '../../github/client.ts';
import { createDirectory } from '../../github/directory.ts';
import { fetchPullRequestForPolicy } from '../../github/pull-request.ts';
import { appendEntry } from '../../ledger/append.ts';
import { loadSigningKey } from '../../ledger/keys.ts';
import {
  describeOverriders,
  evaluatePolicy,
  mayOverride,
  parsePolicy,
  policyFromObject,
  renderCheckRun,
  renderText,
  type Directory,
  type Policy,
  type Verdict,
} from '../../policy/index.ts';
import { actorRecord, eventPullRequest, readRunContext, runRecord, type RunContext } from '../context.ts';
import type { RunDeps, RunResult } from '../deps.ts';
import type { ActionInputs } from '../inputs.ts';
import { ledgerLocation, ledgerOrigin } from '../ledger-location.ts';
import { md } from '../markdown.ts';
import { readPolicyFile } from '../policy-file.ts';
import { idempotencyKey } from './record.ts';

interface Target {
  number: number;
  /** The event's PR object, reused to save a request. */
  raw?: unknown;
}

async function pullRequestFor(
  api: GitHubApi,
  ctx: RunContext,
  inputs: ActionInputs,
): Promise<Target | undefined> {
  const fromEvent = eventPullRequest(ctx);
  if (fromEvent && (!inputs.commitInput || inputs.commitInput === fromEvent.headSha.toLowerCase())) {
    return { number: fromEvent.number, raw: fromEvent.raw };
  }
  const evidence = await collectApprovalEvidence(api, {
    owner: ctx.owner,
    repo: ctx.repo,
    commit: inputs.commit,
  });
  return evidence.pull_request ? { number: evidence.pull_request.number } : undefined;
}

function approversOf(verdict: Verdict): string[] {
  return [...new Set(verdict.rules.flatMap((r) => r.validApprovers))].sort();
}

export async function gate(inputs: ActionInputs, deps: RunDeps): Promise<RunResult> {
  const ctx = readRunContext(deps.env);
  const api = deps.github(inputs.token, ctx.apiUrl);
  const target = await pullRequestFor(api, ctx, inputs);
  if (!target) {
    const message = `no merged pull request brought commit ${inputs.commit} in (a direct push?); the approval gate fails closed`;
    return {
      outputs: { 'approval-status': 'no-pull-request', approvers: '[]' },
      summary: `## shiplog gate ❌\n\n${md(message)}`,
      failure: new ShiplogError('GATE_FAILED', message),
    };
  }

  const [file, data] = await Promise.all([
    readPolicyFile(api, ctx),
    fetchPullRequestForPolicy(api, {
      owner: ctx.owner,
      repo: ctx.repo,
      number: target.number,
      pullRequest: target.raw,
    }),
  ]);
  if (file.text === undefined) {
    deps.log.warning(
      `${file.source} does not exist on the default branch: no path is protected, so the gate passes`,
      {
        title: 'shiplog gate: no policy',
      },
    );
  }
  const policy =
    file.text === undefined ? policyFromObject({}, file.source) : parsePolicy(file.text, file.source);
  if (policy.extends) {
    throw new ShiplogError(
      'BAD_POLICY',
      `${file.source}: _extends ("${policy.extends}") is not resolved by the workflow gate yet; inline the rules or use the app`,
    );
  }
  const directory = createDirectory(api, { owner: ctx.owner, repo: ctx.repo });
  const pr = data.pullRequest;
  const verdict = await evaluatePolicy(
    policy,
    {
      pullRequest: {
        number: pr.number,
        author: pr.author,
        headSha: pr.headSha,
        changedFiles: pr.changedFiles,
      },
      files: data.files,
      filesTruncated: data.filesTruncated,
      reviews: data.reviews,
    },
    directory,
  );
  deps.log.info(renderText(verdict));
  const check = renderCheckRun(verdict);
  const summary = `## shiplog gate: ${md(check.title)} — ${md(`#${pr.number} ${pr.title}`)}\n\n${check.summary}`;
  // Same shape as record's output (objects with a login), so a workflow can read either.
  const approvers = JSON.stringify(approversOf(verdict).map((login) => ({ login })));

  if (verdict.satisfied) {
    return { outputs: { 'approval-status': 'approved', approvers }, summary };
  }
  if (!inputs.overrideReason) {
    return {
      outputs: { 'approval-status': 'unapproved', approvers },
      summary,
      failure: new ShiplogError(
        'GATE_FAILED',
        `approval policy not met for pull request #${pr.number}: ${verdict.title}`,
      ),
    };
  }
  return breakGlass(inputs, deps, { ctx, policy, directory, verdict, summary, approvers, pr });
}

async function breakGlass(
  inputs: ActionInputs,
  deps: RunDeps,
  g: {
    ctx: RunContext;
    policy: Policy;
    directory: Directory;
    verdict: Verdict;
    summary: string;
    approvers: string;
    pr: { number: number; url: string; title: string; headSha: string; author: string };
  },
): Promise<RunResult> {
  const { ctx, verdict, pr } = g;
  if (!(await mayOverride(g.policy, ctx.actor, g.directory))) {
    const message = `${ctx.actor} may not override the approval gate (allowed: ${describeOverriders(g.policy)}); nothing was recorded`;
    return {
      outputs: { 'approval-status': 'unapproved', approvers: g.approvers },
      summary: `${g.summary}\n\n❌ ${md(message)}`,
      failure: new ShiplogError('FORBIDDEN', message),
    };
  }
  const key = loadSigningKey(inputs.signingKey ?? '', 'input "signing-key"');
  const now = deps.now?.() ?? new Date();
  const result = await appendEntry({
    location: ledgerLocation(inputs, ctx),
    key,
    serverUrl: ctx.serverUrl,
    origin: ledgerOrigin(inputs, ctx),
    allowDuplicate: inputs.allowDuplicate,
    entry: {
      type: 'override',
      timestamp: now.toISOString(),
      repository: ctx.repository,
      commit: inputs.commit,
      ...(inputs.environment ? { environment: inputs.environment } : {}),
      ...(ctx.branch ? { branch: ctx.branch } : {}),
      actor: actorRecord(ctx),
      run: runRecord(ctx),
      approval: { status: 'overridden', approvers: approversOf(verdict).map((login) => ({ login })) },
      details: {
        reason: inputs.overrideReason!,
        via: 'action gate',
        pull_request: {
          number: pr.number,
          url: pr.url,
          title: pr.title,
          author: pr.author,
          head_sha: pr.headSha,
        },
        unmet_rules: verdict.rules
          .filter((r) => !r.satisfied)
          .map((r) => ({ name: r.name, required: r.required, missing: r.missing, blocked_by: r.blockedBy })),
        problems: verdict.problems,
      },
      idempotency_key: idempotencyKey(ctx, 'override', inputs.environment),
    },
  });
  deps.log.warning(
    `approval gate overridden by ${ctx.actor}: ${inputs.overrideReason} (recorded as seq ${result.seq})`,
    { title: 'shiplog: break-glass override' },
  );
  return {
    outputs: {
      seq: String(result.seq),
      'entry-hash': result.hash,
      checkpoint: result.checkpoint,
      'ledger-commit': result.commit,
      duplicate: String(result.duplicate),
      'approval-status': 'overridden',
      approvers: g.approvers,
    },
    summary: `${g.summary}\n\n🚨 **Overridden** by ${md(ctx.actor)}: ${md(inputs.overrideReason!, 1000)} — recorded as seq ${result.seq} (${md(result.hash)}).`,
  };
}
