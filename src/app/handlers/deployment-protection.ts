/**
 * The app as a custom deployment protection rule: GitHub asks whether a workflow job may deploy a
 * commit to an environment, and the app answers through the event's callback with the shared
 * deployment decision (src/policy/deployment.ts, also used by the Action's `gate`). Whatever goes
 * wrong — an unreadable policy, an API failure — is answered "rejected" with the reason: a
 * protection rule that cannot decide must not let the deployment through.
 */
import type { Context, Probot } from 'probot';
import { errorMessage } from '../../errors.ts';
import {
  createDirectory,
  loadDeployedPullRequest,
  parseDeploymentCallbackUrl,
  reviewProtectionRule,
  type GitHubApi,
} from '../../github/index.ts';
import { evaluateDeployment, rejectedDeployment, type DeploymentState } from '../../policy/index.ts';
import { deployChangeSet } from '../../evidence/deploy-change-set.ts';
import { trustedKeyOf } from '../../ledger/keys.ts';
import { deployedBefore, openLedgerAlarm } from '../../github/ledger-signals.ts';
import { installationToken, ledgerOf } from '../ledger.ts';
import { ledgerKey, type VerifiedCheckpointStore } from '../verified-checkpoints.ts';
import { loadPolicy } from '../policy-source.ts';
import type { AppSettings } from '../settings.ts';
import { repoOf } from '../targets.ts';

export function registerDeploymentProtection(
  app: Probot,
  settings: AppSettings,
  checkpoints: VerifiedCheckpointStore,
): void {
  app.on('deployment_protection_rule.requested', (context) => protect(context, settings, checkpoints));
}

async function protect(
  context: Context<'deployment_protection_rule.requested'>,
  settings: AppSettings,
  checkpoints: VerifiedCheckpointStore,
): Promise<void> {
  const payload = context.payload;
  const { owner, repo } = repoOf(payload);
  const environment = payload.environment ?? payload.deployment?.environment ?? '';
  const sha = payload.deployment?.sha ?? '';
  let callback: { owner: string; repo: string; runId: number };
  try {
    callback = parseDeploymentCallbackUrl(payload.deployment_callback_url ?? '', { owner, repo });
  } catch (error) {
    // Nothing to answer to: GitHub keeps the deployment waiting (and an admin may bypass the rule).
    context.log.error(`deployment_protection_rule: ${owner}/${repo}: ${errorMessage(error)}`);
    return;
  }
  const api = context.octokit as unknown as GitHubApi;
  const deploymentId = payload.deployment?.id;
  const { state, comment } = await decide(context, settings, checkpoints, api, {
    owner,
    repo,
    environment,
    sha,
    deploymentId,
  });
  await reviewProtectionRule(api, { ...callback, environment, state, comment });
  context.log.info(
    `deployment_protection_rule: ${owner}/${repo} ${environment} ${sha.slice(0, 12)} → ${state}: ${comment}`,
  );
}

async function decide(
  context: Context<'deployment_protection_rule.requested'>,
  settings: AppSettings,
  checkpoints: VerifiedCheckpointStore,
  api: GitHubApi,
  {
    owner,
    repo,
    environment,
    sha,
    deploymentId,
  }: { owner: string; repo: string; environment: string; sha: string; deploymentId?: number },
): Promise<{ state: DeploymentState; comment: string }> {
  const rejected = (why: string) => {
    const { state, comment } = rejectedDeployment(environment, why);
    return { state, comment };
  };
  if (!environment || !/^[0-9a-f]{40}$/i.test(sha)) {
    return rejected('the request names no environment or no full commit sha to check');
  }
  const loaded = await loadPolicy({ config: (file) => context.config(file), octokit: api }, { owner, repo });
  if (!loaded.ok) return rejected(`the policy could not be read: ${loaded.message}`);
  const directory = createDirectory(api, { owner, repo });
  try {
    return await evaluateDeployment(
      loaded.policy,
      {
        environment,
        sha: sha.toLowerCase(),
        loadPullRequest: () => loadDeployedPullRequest(api, { owner, repo, sha: sha.toLowerCase() }),
        // The base is the deploy in force on the ledger this repository's policy names, read
        // from a ledger verified from the last checkpoint the app verified there.
        loadChangeSet: async () => {
          const ledger = ledgerOf(settings, loaded.policy, { owner, repo });
          const token = ledger.mirrored ? undefined : await installationToken(context.octokit);
          const key = ledgerKey(ledger);
          const own = settings.signingKey ? [trustedKeyOf(settings.signingKey, 'SHIPLOG_SIGNING_KEY')] : [];
          const since = await checkpoints.get(key);
          const result = await deployChangeSet({
            api,
            ledger: { ...ledger.location, ...(token ? { token } : {}) },
            repository: `${owner}/${repo}`,
            environment,
            head: sha.toLowerCase(),
            // the merge entries it believes are the ones it signed itself
            trusted: own,
            trust: {
              // every entry: the workflows' keys and its own
              keys: [...settings.trustedKeys, ...own],
              ...(since ? { since } : {}),
              existedBefore: () => deployedBefore(api, { owner, repo, environment, current: deploymentId }),
              alarm: () => openLedgerAlarm(api, { owner: ledger.owner, repo: ledger.repo }),
            },
            judge: { policy: loaded.policy, directory },
          });
          if (result.verified) await checkpoints.set(key, result.verified);
          return result.record;
        },
      },
      directory,
    );
  } catch (error) {
    return rejected(`the deployment could not be evaluated: ${errorMessage(error)}`);
  }
}
