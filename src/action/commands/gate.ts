/**
 * `gate`: the approval policy, evaluated in the workflow for teams that do not install the app —
 * the same policy room code, so the same data gives the same verdict (a missing policy file protects
 * nothing, as in the app). Fails closed: no pull request, an unreadable policy, or data that
 * cannot be trusted all fail the job with a message saying why.
 * With `override-reason`, a permitted actor breaks glass: the job passes and the override is
 * recorded on the ledger.
 */
import { errorMessage, ShiplogError } from '../../errors.ts';
import { collectApprovalEvidence } from '../../github/approvers.ts';
import type { GitHubApi } from '../../github/client.ts';
import { loadDeployedPullRequest } from '../../github/deployments.ts';
import { createDirectory } from '../../github/directory.ts';
import { evaluationInput, fetchPullRequestForPolicy } from '../../github/pull-request.ts';
import { deployChangeSet } from '../../evidence/deploy-change-set.ts';
import { appendEntry } from '../../ledger/append.ts';
import { loadSigningKey } from '../../ledger/keys.ts';
import {
  describeOverriders,
  evaluateDeployment,
  evaluatePolicy,
  rejectedDeployment,
  mayOverride,
  renderCheckRun,
  renderText,
  overriddenPullRequest,
  unmetRules,
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
import { idempotencyKey, ledgerOutputs } from './record.ts';
import { actionLedgerTrust } from '../ledger-trust.ts';
import { changeSetTrust } from '../trusted-keys.ts';

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
  if (inputs.environment) return deploymentGate(inputs, deps, ctx, api);
  const target = await pullRequestFor(api, ctx, inputs);
  if (!target) {
    const message = `no merged pull request brought commit ${inputs.commit} in (a direct push?); the approval gate fails closed`;
    return {
      outputs: { 'approval-status': 'no-pull-request', approvers: '[]' },
      summary: `## shiplog gate ❌\n\n${md(message)}`,
      failure: new ShiplogError('GATE_FAILED', message),
    };
  }

  const [policy, data] = await Promise.all([
    readPolicy(api, ctx, deps),
    fetchPullRequestForPolicy(api, {
      owner: ctx.owner,
      repo: ctx.repo,
      number: target.number,
      pullRequest: target.raw,
    }),
  ]);
  const directory = createDirectory(api, { owner: ctx.owner, repo: ctx.repo });
  const pr = data.pullRequest;
  const verdict = await evaluatePolicy(policy, evaluationInput(data), directory);
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
  return breakGlass(inputs, deps, {
    ctx,
    policy,
    directory,
    summary,
    approvers: approversOf(verdict),
    setAside: {
      ...overriddenPullRequest(pr),
      ...unmetRules(verdict),
    },
  });
}

/**
 * `gate` with an `environment`: may this commit be deployed there? The same decision as the app's
 * deployment protection rule (src/policy/deployment.ts) on the same data.
 */
async function deploymentGate(
  inputs: ActionInputs,
  deps: RunDeps,
  ctx: RunContext,
  api: GitHubApi,
): Promise<RunResult> {
  const environment = inputs.environment!;
  const policy = await readPolicy(api, ctx, deps);
  const directory = createDirectory(api, { owner: ctx.owner, repo: ctx.repo });
  // As the app's protection rule: whatever stops the decision is a rejection that says why.
  const decision = await evaluateDeployment(
    policy,
    {
      environment,
      sha: inputs.commit,
      loadPullRequest: () =>
        loadDeployedPullRequest(api, { owner: ctx.owner, repo: ctx.repo, sha: inputs.commit }),
      loadChangeSet: async () =>
        (
          await deployChangeSet({
            api,
            ledger: ledgerLocation(inputs, ctx),
            repository: ctx.repository,
            environment,
            head: inputs.commit,
            trusted: changeSetTrust(inputs, ctx.workspace),
            trust: actionLedgerTrust(api, inputs, ctx, environment),
            judge: { policy, directory },
          })
        ).record,
    },
    directory,
  ).catch((error: unknown) =>
    rejectedDeployment(environment, `the deployment could not be evaluated: ${errorMessage(error)}`),
  );
  deps.log.info(decision.comment);
  const status =
    decision.state === 'approved'
      ? 'approved'
      : decision.pullRequest === undefined && decision.managed
        ? 'no-pull-request'
        : 'unapproved';
  const approvers = JSON.stringify(decision.approvers.map((login) => ({ login })));
  const summary = [
    `## shiplog gate: deployment to ${md(environment)} ${decision.state === 'approved' ? '✅ approved' : '❌ rejected'}`,
    `> ${md(decision.comment, 1000)}`,
    ...(decision.unmet.length > 0 ? [decision.unmet.map((u) => `- ${md(u, 700)}`).join('\n')] : []),
    ...(decision.verdict ? [renderCheckRun(decision.verdict).summary] : []),
  ].join('\n\n');
  const outputs = {
    'approval-status': status,
    approvers,
    'deployment-state': decision.state,
    'deployment-comment': decision.comment,
  };
  if (decision.state === 'approved') return { outputs, summary };
  if (!inputs.overrideReason) {
    return { outputs, summary, failure: new ShiplogError('GATE_FAILED', decision.comment) };
  }
  return breakGlass(inputs, deps, {
    ctx,
    policy,
    directory,
    summary,
    approvers: decision.approvers,
    setAside: {
      deployment: { environment, state: decision.state, comment: decision.comment, unmet: decision.unmet },
      ...(decision.pullRequest !== undefined ? { pull_request: { number: decision.pullRequest } } : {}),
      ...(decision.verdict ? unmetRules(decision.verdict) : {}),
    },
  });
}

/** The policy on the default branch; a missing file is an empty policy, as in the app. */
async function readPolicy(api: GitHubApi, ctx: RunContext, deps: RunDeps): Promise<Policy> {
  const file = await readPolicyFile(api, ctx);
  if (!file.found) {
    deps.log.warning(
      `${file.source} does not exist on the default branch: no path is protected, so the gate passes`,
      {
        title: 'shiplog gate: no policy',
      },
    );
  }
  return file.policy;
}

/**
 * Workflow-level break-glass: a permitted actor (the same `settings.override` rules as the app's
 * `/shiplog override`) passes the gate, and the override — with what it set aside — is recorded.
 */
async function breakGlass(
  inputs: ActionInputs,
  deps: RunDeps,
  g: {
    ctx: RunContext;
    policy: Policy;
    directory: Directory;
    summary: string;
    approvers: string[];
    setAside: Record<string, unknown>;
  },
): Promise<RunResult> {
  const { ctx } = g;
  const approvers = JSON.stringify(g.approvers.map((login) => ({ login })));
  if (!(await mayOverride(g.policy, ctx.actor, g.directory))) {
    const message = `${ctx.actor} may not override the approval gate (allowed: ${describeOverriders(g.policy)}); nothing was recorded`;
    return {
      outputs: { 'approval-status': 'unapproved', approvers },
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
      approval: { status: 'overridden', approvers: g.approvers.map((login) => ({ login })) },
      details: { reason: inputs.overrideReason!, via: 'action gate', ...g.setAside },
      idempotency_key: idempotencyKey(ctx, 'override', inputs.commit, inputs.environment),
    },
  });
  deps.log.warning(
    `approval gate overridden by ${ctx.actor}: ${inputs.overrideReason} (recorded as seq ${result.seq})`,
    { title: 'shiplog: break-glass override' },
  );
  return {
    outputs: ledgerOutputs(result, 'overridden', approvers),
    summary: `${g.summary}\n\n🚨 **Overridden** by ${md(ctx.actor)}: ${md(inputs.overrideReason!, 1000)} — recorded as seq ${result.seq} (${md(result.hash)}).`,
  };
}
