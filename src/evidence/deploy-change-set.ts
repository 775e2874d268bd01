/**
 * A deploy's change set, end to end: the base is the deploy in force for the same repository and
 * environment on the ledger (its index, not its history); the commits since, their pull requests
 * and approvals come from GitHub. The Action's `record` and `gate` and the app's deployment
 * protection rule all ask this one function, so they judge the same change set.
 */
import type { GitHubApi } from '../github/client.ts';
import { collectChangeSet } from '../github/change-set.ts';
import { latestDeploy } from '../ledger/deployed.ts';
import type { LedgerLocation } from '../ledger/store.ts';
import {
  buildChangeSetRecord,
  decideChangeSet,
  type ChangeSetDecision,
  type ChangeSetRecord,
} from '../policy/change-set.ts';

export interface DeployChangeSet {
  record: ChangeSetRecord;
  decision: ChangeSetDecision;
  /** The ledger entry of the base deploy, when there is one. */
  base?: { seq: number; commit: string };
}

export async function deployChangeSet(opts: {
  api: GitHubApi;
  ledger: LedgerLocation;
  /** OWNER/NAME as the ledger records it. */
  repository: string;
  environment: string;
  head: string;
  /** Record what could be established (complete: false) instead of failing on a gap. */
  allowIncomplete?: boolean;
}): Promise<DeployChangeSet> {
  const [owner, repo] = opts.repository.split('/') as [string, string];
  const base = await latestDeploy(opts.ledger, opts.repository, opts.environment);
  const evidence = await collectChangeSet(opts.api, {
    owner,
    repo,
    base: base?.commit ?? null,
    head: opts.head,
    allowIncomplete: opts.allowIncomplete,
  });
  const record = buildChangeSetRecord(evidence);
  return {
    record,
    decision: decideChangeSet(record),
    ...(base ? { base: { seq: base.seq, commit: base.commit } } : {}),
  };
}
