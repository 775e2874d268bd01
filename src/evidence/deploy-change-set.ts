/**
 * A deploy's change set, end to end: the base is the deploy in force for the same repository and
 * environment on the ledger — read from a ledger this call verified (verified-ledger.ts: every
 * entry signed by a trusted key, chained into a checkpoint it trusts), never from an unverified tip,
 * whose index anyone who can push the branch could write; the commits since and their pull
 * requests come from GitHub. A pull request's approval is the decision the app recorded in a signed
 * `merge` entry when it merged, where there is one, so a review dismissed or edited after the merge
 * does not rewrite history; otherwise its reviews as GitHub has them now. Each pull request says
 * which (`approval.source`). The Action's `record` and `gate` and the app's deployment protection
 * rule all ask this one function, so they judge the same change set.
 *
 * Refuses (ShiplogError VERIFY_FAILED, naming why) while a ledger alarm is open, when the ledger
 * does not verify, or when it is missing although it existed: none of those is a first deploy.
 */
import { isShiplogError, ShiplogError } from '../errors.ts';
import type { GitHubApi } from '../github/client.ts';
import { evaluationInput, fetchPullRequestForPolicy } from '../github/pull-request.ts';
import { collectChangeSet, type ChangeSetEvidence, type PullRequestApproval } from '../github/change-set.ts';
import { latestDeployIn } from '../ledger/deployed.ts';
import type { TrustedKey } from '../ledger/keys.ts';
import { recordedMerges, type MergeLookup, type RecordedMerge } from '../ledger/merge-entries.ts';
import type { LedgerLocation } from '../ledger/store.ts';
import type { TipView } from '../ledger/tip.ts';
import { countFreshApprovals, evaluatePolicy } from '../policy/evaluate.ts';
import type { Directory, Policy } from '../policy/model.ts';
import {
  buildChangeSetRecord,
  decideChangeSet,
  type ChangeSetDecision,
  type ChangeSetRecord,
} from '../policy/change-set.ts';
import { verifiedLedger, type VerifiedCheckpoint, type VerifiedLedger } from './verified-ledger.ts';

export interface DeployChangeSet {
  record: ChangeSetRecord;
  decision: ChangeSetDecision;
  /** The ledger entry of the base deploy, when there is one. */
  base?: { seq: number; commit: string };
  /** The checkpoint the base was read under (undefined for a repository that never had a ledger). */
  verified?: VerifiedCheckpoint;
}

export interface LedgerTrust {
  /** Keys every ledger entry must be signed by (the workflows' and the app's). */
  keys: TrustedKey[];
  /** The checkpoint this gate verified last, if it keeps one: verification starts there. */
  since?: VerifiedCheckpoint;
  /** GitHub's word that the ledger existed (see verified-ledger.ts); undefined: a fresh repository. */
  existedBefore?: () => Promise<string | undefined>;
  /** The open ledger alarm, if any: the gate refuses and links it. */
  alarm?: () => Promise<{ url: string; title: string } | undefined>;
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
  /** Keys whose `merge` entries are believed; without any, every approval is read from reviews. */
  trusted?: TrustedKey[];
  /** How the ledger is verified before its last deploy is believed. */
  trust: LedgerTrust;
  /**
   * The approval policy, to judge each pull request approved by its reviews as the approval check
   * does (write access, author, contributors, bots, the final head, the rules its paths trigger).
   * The gates pass it; without it a pull request counts on its reviews alone.
   */
  judge?: PolicyJudge;
}): Promise<DeployChangeSet> {
  const [owner, repo] = opts.repository.split('/') as [string, string];
  let ledger: VerifiedLedger;
  let unknownBase: string | undefined;
  try {
    ledger = await trustedLedger(opts.ledger, opts.trust);
  } catch (error) {
    // A record is evidence of a deploy that happened: with allow-incomplete it is kept, saying
    // that its base is unknown (so it cannot count as approved). A gate never gets here.
    if (!opts.allowIncomplete || !isShiplogError(error, 'VERIFY_FAILED')) throw error;
    ledger = { kind: 'never' };
    unknownBase = `the base (the last deploy) is unknown: ${error.message}`;
  }
  const view = ledger.kind === 'verified' ? ledger.view : undefined;
  try {
    const base = view ? await latestDeployIn(view, opts.repository, opts.environment) : undefined;
    const collected = await collectChangeSet(opts.api, {
      owner,
      repo,
      base: base?.commit ?? null,
      head: opts.head,
      allowIncomplete: opts.allowIncomplete,
    });
    const evidence = unknownBase
      ? { ...collected, complete: false, truncated: [unknownBase, ...collected.truncated] }
      : collected;
    const merges = await mergesOf(view, opts.repository, evidence, opts.trusted ?? []);
    const sourcedPulls = evidence.pull_requests.map((p) => sourced(p, merges));
    const judged = opts.judge
      ? await judgeAll(opts.api, { owner, repo }, sourcedPulls, opts.judge)
      : sourcedPulls;
    const withSources = { ...evidence, pull_requests: judged };
    const fromEntries = withSources.pull_requests.filter((p) => p.source === 'merge-entry').length;
    const record: ChangeSetRecord = {
      ...buildChangeSetRecord(withSources),
      approval_sources: {
        merge_entries: fromEntries,
        reviews_at_deploy: withSources.pull_requests.length - fromEntries,
        ...(merges.untrusted ? { untrusted_merge_entries: merges.untrusted } : {}),
      },
    };
    return {
      record,
      decision: decideChangeSet(record),
      ...(base ? { base: { seq: base.seq, commit: base.commit } } : {}),
      ...(ledger.kind === 'verified' ? { verified: ledger.verified } : {}),
    };
  } finally {
    view?.close();
  }
}

/** Refuses on an open alarm, else the ledger verified as `trust` says (verified-ledger.ts). */
async function trustedLedger(location: LedgerLocation, trust: LedgerTrust): Promise<VerifiedLedger> {
  const alarm = await trust.alarm?.();
  if (alarm) {
    throw new ShiplogError(
      'VERIFY_FAILED',
      `a ledger alarm is open (${alarm.url}: ${alarm.title.slice(0, 200)}); gates refuse until an admin restores the ledger and closes it`,
    );
  }
  return verifiedLedger({
    location,
    trusted: trust.keys,
    ...(trust.since ? { since: trust.since } : {}),
    ...(trust.existedBefore ? { existedBefore: trust.existedBefore } : {}),
  });
}

async function mergesOf(
  view: TipView | undefined,
  repository: string,
  evidence: ChangeSetEvidence,
  trusted: TrustedKey[],
): Promise<MergeLookup> {
  const shas = evidence.pull_requests
    .map((p) => p.pull_request.merge_commit_sha)
    .filter((s): s is string => typeof s === 'string');
  if (!view || !trusted.length || !shas.length) return { found: new Map(), untrusted: 0 };
  return recordedMerges(view, repository, shas, trusted);
}

export interface PolicyJudge {
  policy: Policy;
  directory: Directory;
}

/** Pull requests judged one after another: each costs the approval check's own requests. */
async function judgeAll(
  api: GitHubApi,
  at: { owner: string; repo: string },
  pulls: PullRequestApproval[],
  judge: PolicyJudge,
): Promise<PullRequestApproval[]> {
  const out: PullRequestApproval[] = [];
  for (const p of pulls) out.push(await judged(api, at, p, judge));
  return out;
}

/**
 * "Approved" as the approval policy means it: the pull request's verdict is satisfied and it has at
 * least one valid approval by the check's own rules — the same functions the approval check calls.
 * A pull request covered by a satisfied merge entry keeps that decision (made at merge); one
 * already unapproved stays so.
 */
async function judged(
  api: GitHubApi,
  at: { owner: string; repo: string },
  p: PullRequestApproval,
  judge: PolicyJudge,
): Promise<PullRequestApproval> {
  if (p.source === 'merge-entry' || p.status !== 'approved') return p;
  const data = await fetchPullRequestForPolicy(api, { ...at, number: p.pull_request.number });
  const input = evaluationInput(data);
  const [verdict, fresh] = await Promise.all([
    evaluatePolicy(judge.policy, input, judge.directory),
    countFreshApprovals(judge.policy, input, judge.directory, 1),
  ]);
  const satisfied = verdict.satisfied && fresh.valid.length >= 1 && fresh.problems.length === 0;
  const title = satisfied
    ? verdict.title
    : !verdict.satisfied
      ? `approval policy not satisfied: ${verdict.title}`
      : fresh.problems.length
        ? `approvals could not be counted: ${fresh.problems[0]}`
        : `no valid approval (${fresh.ignored.map((i) => `${i.login}: ${i.reason}`).join(', ') || 'none'})`;
  return {
    ...p,
    status: satisfied ? 'approved' : 'unapproved',
    policy: { satisfied, title: title.slice(0, 300), valid_approvers: fresh.valid },
  };
}

/** The pull request's approval from its merge entry when it has a usable one; else as read now. */
function sourced(p: PullRequestApproval, merges: MergeLookup): PullRequestApproval {
  const sha = p.pull_request.merge_commit_sha;
  const merge = sha ? merges.found.get(sha) : undefined;
  const recorded = merge && recordedReviews(merge, p.pull_request.number);
  if (!merge || !recorded) return { ...p, source: 'reviews-at-deploy' };
  const verdict = (merge.details.verdict as { outcome?: unknown } | undefined)?.outcome;
  return {
    ...p,
    ...recorded,
    // the decision at merge: a verdict that was not satisfied covers nothing, whatever reviews say
    ...(verdict === 'satisfied' ? {} : { status: 'unapproved' as const }),
    source: 'merge-entry',
    merge_entry: {
      seq: merge.seq,
      hash: merge.hash,
      verdict: typeof verdict === 'string' ? verdict : 'unknown',
    },
  };
}

/** The review evidence a merge entry froze, if it is about this pull request and well formed. */
function recordedReviews(
  merge: RecordedMerge,
  number: number,
):
  | Pick<
      PullRequestApproval,
      'status' | 'approvers' | 'changes_requested' | 'not_counted' | 'reviews_considered'
    >
  | undefined {
  const pr = merge.details.pull_request as { number?: unknown } | undefined;
  const r = merge.details.reviews as Record<string, unknown> | undefined;
  if (pr?.number !== number || !r) return undefined;
  const { status, approvers, changes_requested, not_counted, reviews_considered } = r;
  if (
    (status !== 'approved' && status !== 'unapproved') ||
    !Array.isArray(approvers) ||
    !Array.isArray(changes_requested) ||
    !Array.isArray(not_counted) ||
    typeof reviews_considered !== 'number'
  )
    return undefined;
  return {
    status,
    approvers,
    changes_requested,
    not_counted,
    reviews_considered,
  } as Pick<
    PullRequestApproval,
    'status' | 'approvers' | 'changes_requested' | 'not_counted' | 'reviews_considered'
  >;
}
