/**
 * What the approval check adds to its verdict: a recorded override of the head, a warning while
 * the ledger has an open alarm, and the ledger's current checkpoint in the check run's `text`. The
 * check run stays on the code commit whatever happens to the ledger branch, so every PR keeps a
 * copy of the checkpoint a force-push cannot erase — something to verify the ledger against later.
 */
import { errorMessage } from '../errors.ts';
import type { GitHubApi } from '../github/client.ts';
import { findOpenIssueWithLabel } from '../github/issues.ts';
import { md } from '../policy/render.ts';
import type { CheckExtras } from './approval-check.ts';
import { ledgerOf, readCheckpoint, type AppLedger } from './ledger.ts';
import { findOverride } from './override-state.ts';
import type { LoadedPolicy } from './policy-source.ts';
import type { AppSettings } from './settings.ts';
import type { RepoRef } from './targets.ts';

export const ALARM_LABEL = 'shiplog-alarm';

export function checkExtras(
  api: GitHubApi,
  settings: AppSettings,
  loaded: LoadedPolicy,
  at: RepoRef,
): CheckExtras {
  const ledger = ledgerOf(settings, loaded.ok ? loaded.policy : undefined, at);
  return {
    findOverride: (pr, checkName) =>
      findOverride(api, {
        ...at,
        appId: settings.appId,
        checkName,
        headSha: pr.headSha,
        pullRequest: pr.number,
        baseRef: pr.baseRef,
      }),
    ledgerStatus: () => ledgerStatus(api, ledger),
  };
}

async function ledgerStatus(api: GitHubApi, ledger: AppLedger): Promise<{ warning?: string; text: string }> {
  const where = `${ledger.repository}, branch ${ledger.branch}`;
  const [alarm, checkpoint] = await Promise.all([
    findOpenIssueWithLabel(api, { owner: ledger.owner, repo: ledger.repo, label: ALARM_LABEL }).then(
      (issue) => ({ issue }),
      (error: unknown) => ({ error: errorMessage(error) }),
    ),
    readCheckpoint(api, ledger).then(
      (text) => ({ text }),
      (error: unknown) => ({ error: errorMessage(error) }),
    ),
  ]);

  const lines = [`### Ledger checkpoint (${md(where)})`];
  let warning: string | undefined;
  if ('issue' in alarm && alarm.issue) {
    warning = `⚠️ **Ledger alarm open:** [#${alarm.issue.number} ${md(alarm.issue.title)}](${alarm.issue.url}) — the ledger may have been rewritten or may be missing deploys; do not rely on it until the issue is resolved (verify it against the last good checkpoint the issue names).`;
    lines.push(
      `An alarm is open (#${alarm.issue.number}): the checkpoint below is the branch as it is now, **not** known good.`,
    );
  } else if ('error' in alarm) {
    lines.push(`Could not check for ledger alarms: ${md(alarm.error, 300)}`);
  }
  if ('error' in checkpoint) {
    lines.push(`Could not read the ledger checkpoint: ${md(checkpoint.error, 300)}`);
  } else if (checkpoint.text === undefined) {
    lines.push('No ledger yet: nothing has been recorded.');
  } else {
    lines.push(
      'The ledger as of this check. Keep it: `shiplog verify --checkpoint FILE` (this text saved as FILE) proves the ledger has only grown since.',
      '```\n' + checkpoint.text.replace(/```/g, '') + '```',
    );
  }
  return { ...(warning ? { warning } : {}), text: lines.join('\n\n') };
}
