/**
 * `record`: gather the evidence (run context, the PR's approvers, hashed files), then append one
 * signed entry. Every input and API problem surfaces before the append, so a failed step never
 * leaves an entry with missing evidence behind.
 */
import { collectApprovalEvidence, type ApprovalEvidence } from '../../github/approvers.ts';
import { collectEnvironmentApprovals } from '../../github/run-approvals.ts';
import { AppendError, type AppendResult, type NewEntry } from '../../ledger/append.ts';
import { appendWitnessed, witnessWarnings } from '../../witness/publish.ts';
import { deployChangeSet, type DeployChangeSet } from '../../evidence/deploy-change-set.ts';
import { loadSigningKey } from '../../ledger/keys.ts';
import { actorRecord, readRunContext, runRecord, type RunContext } from '../context.ts';
import type { RunDeps, RunResult } from '../deps.ts';
import { hashFiles } from '../files.ts';
import type { ActionInputs, RecordType } from '../inputs.ts';
import { ledgerCommitUrl, ledgerLocation, ledgerOrigin } from '../ledger-location.ts';
import { recordSummary } from '../summary.ts';
import { actionLedgerTrust } from '../ledger-trust.ts';
import { changeSetTrust, witnessTargets } from '../trusted-keys.ts';
import { errorMessage } from '../../errors.ts';
import type { GitHubApi } from '../../github/client.ts';
import { environmentPolicy } from '../../policy/index.ts';
import { readPolicyFile } from '../policy-file.ts';

/**
 * Re-running one attempt of a job must not record the same change twice, but one job may record
 * several changes: the key names the run attempt, job, type, subject commit and environment.
 */
export function idempotencyKey(
  ctx: RunContext,
  type: string,
  commit: string,
  environment: string | undefined,
): string {
  const base = `github-actions:${ctx.repository}:run/${ctx.runId}/attempt/${ctx.runAttempt}/job/${ctx.job}/${type}/${commit}`;
  return environment ? `${base}/${environment}` : base;
}

/** Canonical JSON has no `undefined`: drop such fields at every depth. */
function compact<T>(value: T): T {
  if (Array.isArray(value)) return value.map(compact) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, compact(v)]),
    ) as T;
  }
  return value;
}

async function typeDetails(
  inputs: ActionInputs,
  type: RecordType,
  workspace: string,
): Promise<Record<string, unknown>> {
  switch (type) {
    case 'deploy': {
      const artifacts: { name: string; digest: string }[] = [];
      for (const a of inputs.artifacts) {
        if (a.kind === 'digest') artifacts.push({ name: a.name, digest: a.digest });
        else {
          for (const f of await hashFiles(workspace, [a.pattern], 'artifacts')) {
            artifacts.push({ name: f.path, digest: `sha256:${f.sha256}` });
          }
        }
      }
      return {
        version: inputs.version,
        url: inputs.url,
        status: inputs.status,
        artifacts: artifacts.length ? artifacts : undefined,
      };
    }
    case 'migration':
      return {
        tool: inputs.migrationTool,
        database: inputs.database,
        files: await hashFiles(workspace, inputs.migrations, 'migrations'),
      };
    case 'config-override':
      return {
        keys: inputs.configKeys.length ? inputs.configKeys : undefined,
        // digests only: a config file's content may be a secret
        files: inputs.configFiles.length
          ? await hashFiles(workspace, inputs.configFiles, 'config-files')
          : undefined,
        reason: inputs.reason,
        expires: inputs.expires,
      };
  }
}

/** The step outputs that describe an appended (or already recorded) entry. */
export function ledgerOutputs(
  result: AppendResult,
  approvalStatus: string,
  approvers: string,
): Record<string, string> {
  return {
    seq: String(result.seq),
    'entry-hash': result.hash,
    checkpoint: result.checkpoint,
    'ledger-commit': result.commit,
    duplicate: String(result.duplicate),
    'approval-status': approvalStatus,
    approvers,
  };
}

export function approvalRecord(evidence: ApprovalEvidence): NewEntry['approval'] {
  const note =
    evidence.status === 'no-pull-request'
      ? 'no pull request brought this commit in (direct push): nobody approved it through review'
      : undefined;
  return compact({ ...evidence, note });
}

/**
 * Whether the approval policy governs a deploy's environment (an `environments.<name>` section,
 * matched case-insensitively as GitHub matches names): an entry says so, so nobody reads a deploy
 * to an environment no gate judged as an approved one. Undefined when the policy cannot be read (the
 * deploy is still recorded; the log says why).
 */
async function environmentGovernance(
  api: GitHubApi,
  ctx: RunContext,
  environment: string,
  deps: RunDeps,
): Promise<{ managed: boolean; policy: string; note?: string } | undefined> {
  try {
    const file = await readPolicyFile(api, ctx);
    const managed = file.found && environmentPolicy(file.policy, environment) !== undefined;
    return {
      managed,
      policy: file.source,
      ...(managed
        ? {}
        : {
            note: `"${environment}" is not managed by shiplog (no environments.${environment} section in ${file.source}): no deployment gate judged this deploy`,
          }),
    };
  } catch (e) {
    deps.log.warning(
      `shiplog: could not read the approval policy to say whether "${environment}" is managed: ${errorMessage(e)}`,
    );
    return undefined;
  }
}

export async function record(inputs: ActionInputs, deps: RunDeps): Promise<RunResult> {
  const type = inputs.type as RecordType;
  const key = loadSigningKey(inputs.signingKey ?? '', 'input "signing-key"');
  const ctx = readRunContext(deps.env);
  const now = deps.now?.() ?? new Date();

  const details = compact(await typeDetails(inputs, type, ctx.workspace));
  deps.log.info(`shiplog: collecting approvals for ${ctx.repository}@${inputs.commit}`);
  const evidence = await collectApprovalEvidence(deps.github(inputs.token, ctx.apiUrl), {
    owner: ctx.owner,
    repo: ctx.repo,
    commit: inputs.commit,
  });

  const location = ledgerLocation(inputs, ctx);
  // A deploy ships every commit since the environment's last one: each must be accounted for.
  let changeSet: DeployChangeSet | undefined;
  if (type === 'deploy' && inputs.environment) {
    deps.log.info(`shiplog: collecting the change set since the last deploy to ${inputs.environment}`);
    changeSet = await deployChangeSet({
      api: deps.github(inputs.token, ctx.apiUrl),
      ledger: location,
      repository: ctx.repository,
      environment: inputs.environment,
      head: inputs.commit,
      allowIncomplete: inputs.allowIncomplete,
      trusted: changeSetTrust(inputs, ctx.workspace),
      trust: actionLedgerTrust(deps.github(inputs.token, ctx.apiUrl), inputs, ctx, inputs.environment),
    });
    deps.log.info(`shiplog: change set ${changeSet.decision.summary}`);
  }
  // The environment's required reviewers are the other half of "who let this in".
  const environmentApprovals =
    type === 'deploy' && inputs.environment
      ? await collectEnvironmentApprovals(deps.github(inputs.token, ctx.apiUrl), {
          owner: ctx.owner,
          repo: ctx.repo,
          runId: ctx.runId,
          environment: inputs.environment,
        })
      : undefined;
  const governance =
    type === 'deploy' && inputs.environment
      ? await environmentGovernance(deps.github(inputs.token, ctx.apiUrl), ctx, inputs.environment, deps)
      : undefined;
  const approval = approvalRecord(evidence)!;
  const status = changeSet ? changeSet.decision.status : evidence.status;
  const entry: NewEntry = compact({
    type,
    timestamp: now.toISOString(),
    repository: ctx.repository,
    commit: inputs.commit,
    environment: inputs.environment,
    branch: ctx.branch,
    actor: actorRecord(ctx),
    run: runRecord(ctx),
    // The deployed commit's own pull request stays in `approval`; the status is the change set's.
    approval: compact({
      ...approval,
      ...(changeSet ? { status, change_set: changeSet.decision.summary } : {}),
      environment_approvals: environmentApprovals,
      environment_policy: governance,
    }),
    details,
    change_set: changeSet?.record as unknown as Record<string, unknown> | undefined,
    idempotency_key: idempotencyKey(ctx, type, inputs.commit, inputs.environment),
  });

  let result;
  try {
    result = await appendWitnessed(
      {
        location,
        key,
        entry,
        serverUrl: ctx.serverUrl,
        origin: ledgerOrigin(inputs, ctx),
        allowDuplicate: inputs.allowDuplicate,
        onRetry: (n, why) => deps.log.info(`shiplog: attempt ${n} did not land (${why}); retrying`),
      },
      witnessTargets(inputs.witnesses, ctx.workspace),
    );
    for (const w of witnessWarnings(result)) deps.log.warning(w);
  } catch (e) {
    if (e instanceof AppendError && e.envelope) {
      // The evidence must outlive a failed append: the signed envelope goes to the log.
      deps.log.info('shiplog: the entry below was signed but not appended; keep it as evidence:');
      deps.log.info(JSON.stringify(e.envelope));
    }
    throw e;
  }
  let recorded = evidence;
  let recordedStatus = status;
  if (result.duplicate) {
    // Outputs describe the entry on the ledger, which the earlier attempt wrote.
    recorded = recordedEvidence(result.envelope.payload) ?? evidence;
    recordedStatus = recorded.status;
    deps.log.info(
      `shiplog: this run attempt already recorded ${type} as seq ${result.seq}; nothing appended (set allow-duplicate: true to record again)`,
    );
  } else deps.log.info(`shiplog: recorded ${type} as seq ${result.seq} ${result.hash}`);

  return {
    outputs: ledgerOutputs(result, recordedStatus, JSON.stringify(recorded.approvers)),
    summary: recordSummary({
      type,
      commit: inputs.commit,
      repository: ctx.repository,
      serverUrl: ctx.serverUrl,
      environment: inputs.environment,
      branch: ctx.branch,
      evidence: recorded,
      details,
      seq: result.seq,
      hash: result.hash,
      ledgerCommit: result.commit,
      ledgerCommitUrl: ledgerCommitUrl(inputs, ctx, result.commit),
      ledgerBranch: inputs.ledgerBranch,
      runUrl: ctx.runUrl,
      duplicate: result.duplicate,
      status: recordedStatus,
      environmentApprovals,
      ...(changeSet && !result.duplicate ? { changeSet } : {}),
    }),
  };
}

function recordedEvidence(payload: string): ApprovalEvidence | undefined {
  try {
    const statement = JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as {
      predicate?: { approval?: Partial<ApprovalEvidence> };
    };
    const a = statement.predicate?.approval;
    if (!a?.status) return undefined;
    return {
      status: a.status,
      pull_request: a.pull_request,
      approvers: a.approvers ?? [],
      changes_requested: a.changes_requested ?? [],
      not_counted: a.not_counted ?? [],
      reviews_considered: a.reviews_considered ?? 0,
    };
  } catch {
    return undefined;
  }
}
