/**
 * The ledger as the app sees it: where it lives (the policy's `ledger:` section, this repository's
 * `shiplog` branch by default, or SHIPLOG_LEDGER_REMOTE), its checkpoint, and appending an entry
 * through the same git store as every other writer. The installation token goes to git only for
 * the GitHub server the app serves; a mirror named by SHIPLOG_LEDGER_REMOTE never receives it.
 */
import { isShiplogError } from '../errors.ts';
import type { GitHubApi } from '../github/client.ts';
import { readRepoFile } from '../github/contents.ts';
import type { AppendResult, NewEntry } from '../ledger/append.ts';
import { appendWitnessed, witnessWarnings } from '../witness/publish.ts';
import { parseCommit, parseTree } from '../ledger/git-objects.ts';
import { CHECKPOINT_FILE, ENTRY_FILE } from '../ledger/layout.ts';
import { openRepo } from '../ledger/store.ts';
import { isCentralLedger, isLedgerBranchName, writeBranch } from '../ledger/shards.ts';
import { readCheckpointText, TipObjects } from '../ledger/tip.ts';
import type { LedgerLocation } from '../ledger/store.ts';
import type { Policy } from '../policy/index.ts';
import type { AppSettings } from './settings.ts';
import type { RepoRef } from './targets.ts';

export interface AppLedger {
  /** The GitHub repository holding the ledger branch (owner/name). */
  repository: string;
  owner: string;
  repo: string;
  branch: string;
  /** Where git reads and writes it (no token: that is added per append). */
  location: LedgerLocation;
  /** True when SHIPLOG_LEDGER_REMOTE replaces the GitHub repository. */
  mirrored: boolean;
  /** Checkpoint origin for a new ledger. */
  origin: string;
}

export function ledgerOf(settings: AppSettings, policy: Policy | undefined, at: RepoRef): AppLedger {
  const repository = policy?.ledger.repository ?? `${at.owner}/${at.repo}`;
  const [owner, repo] = repository.split('/') as [string, string];
  // A mirror (SHIPLOG_LEDGER_REMOTE) is one remote for every repository the app serves: each
  // gets its own shard there, as in a central ledger repository, or their entries would interleave
  // on one branch that verify then refuses (a branch holds one repository's ledger).
  const central = isCentralLedger({
    source: `${at.owner}/${at.repo}`,
    ledgerRepository: repository,
    ...(settings.ledgerRemote !== undefined ? { remote: settings.ledgerRemote } : {}),
  });
  const branch = writeBranch({
    branch: policy?.ledger.branch,
    central,
    repository: `${at.owner}/${at.repo}`,
  });
  const remote = settings.ledgerRemote ?? `${settings.serverUrl}/${repository}.git`;
  return {
    repository,
    owner,
    repo,
    branch,
    location: { remote, branch, ...(settings.cacheDir ? { cacheDir: settings.cacheDir } : {}) },
    mirrored: settings.ledgerRemote !== undefined,
    origin: `${new URL(settings.serverUrl).host}/${repository}/${branch}`,
  };
}

/**
 * Whether a push to this repository's `ref` is a push to a ledger: its own ledger branch, or —
 * in a central ledger repository — any `shiplog` or `shiplog/<owner>/<repo>` shard.
 */
export function isLedgerBranch(ledger: AppLedger, at: RepoRef, ref: string): boolean {
  const branch = ref.replace(/^refs\/heads\//, '');
  return (
    ledger.repository.toLowerCase() === `${at.owner}/${at.repo}`.toLowerCase() &&
    (branch === ledger.branch || isLedgerBranchName(branch))
  );
}

/**
 * The checkpoint at the ledger branch's tip, or at an older ledger commit (`at`). Undefined when
 * there is none (no ledger yet, or that commit is gone). A mirror is read with git — an older
 * commit from the app's own tip cache, or fetched by id; the GitHub repository through the
 * contents API, which serves a commit by sha even once unreachable.
 */
export async function readCheckpoint(
  api: GitHubApi,
  ledger: AppLedger,
  at?: string,
): Promise<string | undefined> {
  if (!ledger.mirrored) {
    const ref = at ?? ledger.branch;
    return readRepoFile(api, { owner: ledger.owner, repo: ledger.repo, path: CHECKPOINT_FILE, ref });
  }
  try {
    return await readCheckpointText(ledger.location, at);
  } catch (error) {
    if (isShiplogError(error, 'BRANCH_NOT_FOUND')) return undefined;
    throw error;
  }
}

/**
 * The entry (entry.json) a ledger commit added, as text; undefined when the commit has none or is
 * gone. As readCheckpoint: the GitHub repository through the contents API, a mirror with git.
 */
export async function readEntryText(
  api: GitHubApi,
  ledger: AppLedger,
  commit: string,
): Promise<string | undefined> {
  if (!ledger.mirrored) {
    return readRepoFile(api, { owner: ledger.owner, repo: ledger.repo, path: ENTRY_FILE, ref: commit });
  }
  const repo = await openRepo(ledger.location, 'tip');
  const objects = new TipObjects(repo);
  try {
    const c = parseCommit(await objects.object(commit, 'commit'));
    const entry = parseTree(await objects.tree(c.tree)).find((e) => e.name === ENTRY_FILE);
    return entry ? (await objects.blob(entry.sha)).toString('utf8') : undefined;
  } catch (error) {
    if (isShiplogError(error, 'GIT_FAILED') || isShiplogError(error, 'REMOTE_NOT_FOUND')) return undefined;
    throw error;
  } finally {
    objects.close();
  }
}

export async function appendToLedger(
  settings: AppSettings,
  ledger: AppLedger,
  token: string,
  entry: NewEntry,
): Promise<AppendResult> {
  const result = await appendWitnessed(
    {
      location: { ...ledger.location, ...(ledger.mirrored ? {} : { token }) },
      key: settings.signingKey!,
      serverUrl: settings.serverUrl,
      origin: ledger.origin,
      entry,
    },
    settings.witnesses ?? [],
  );
  // A witness never fails an append; the operator hears about it.
  for (const w of witnessWarnings(result)) process.stderr.write(`shiplog app: ${w}\n`);
  return result;
}

/** The installation token of a Probot context's Octokit, for git. */
export async function installationToken(octokit: unknown): Promise<string> {
  const auth = (octokit as { auth: (o: { type: string }) => Promise<unknown> }).auth;
  const result = (await auth({ type: 'installation' })) as { token?: unknown };
  if (typeof result.token !== 'string') throw new Error('no installation token');
  return result.token;
}
