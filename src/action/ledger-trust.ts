/**
 * How the Action verifies the ledger before a change set believes its last deploy. The Action keeps
 * nothing between runs, so it verifies the whole ledger every time (the streaming verify: about a
 * second per 10k entries, see bench/) against the keys it trusts: its own signing key and the
 * `trusted-keys` (the app's key, the other workflows'). What it cannot see for itself it asks
 * GitHub (src/github/ledger-signals.ts): an open `shiplog-alarm` issue in the ledger repository,
 * and — when the ledger branch is absent — whether GitHub shows a successful deploy of the
 * environment, in which case the ledger was deleted (or never written) and this is no first deploy.
 */
import type { LedgerTrust } from '../evidence/deploy-change-set.ts';
import type { GitHubApi } from '../github/client.ts';
import { deployedBefore, openLedgerAlarm } from '../github/ledger-signals.ts';
import type { RunContext } from './context.ts';
import type { ActionInputs } from './inputs.ts';
import { changeSetTrust } from './trusted-keys.ts';

export function actionLedgerTrust(
  api: GitHubApi,
  inputs: ActionInputs,
  ctx: RunContext,
  environment: string,
): LedgerTrust {
  const [owner, repo] = inputs.ledgerRepository.split('/') as [string, string];
  return {
    keys: changeSetTrust(inputs, ctx.workspace),
    existedBefore: () => deployedBefore(api, { owner: ctx.owner, repo: ctx.repo, environment }),
    alarm: () => openLedgerAlarm(api, { owner, repo }),
  };
}
