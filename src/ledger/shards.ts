/**
 * Shards: in a central ledger repository every source repository writes its own branch,
 * `shiplog/<owner>/<repo>`, so writers of different repositories never race for one tip. A
 * repository's own ledger stays on `shiplog`. (Git cannot hold `shiplog` and `shiplog/…` in one
 * repository, so a central repository holds only shards.)
 */
import { ShiplogError } from '../errors.ts';
import { checkBranchName, listLedgerBranches, type LedgerLocation } from './store.ts';

export const DEFAULT_BRANCH = 'shiplog';
const SHARD = /^shiplog\/[\w.-]+\/[\w.-]+$/;

/** The shard branch of a source repository (lower case: GitHub names ignore case, refs do not). */
export function shardBranch(repository: string): string {
  if (!/^[\w.-]+\/[\w.-]+$/.test(repository))
    throw new ShiplogError('USAGE', `repository "${repository}" must be OWNER/NAME`);
  return `${DEFAULT_BRANCH}/${repository.toLowerCase()}`;
}

/** A `shiplog` or `shiplog/<owner>/<repo>` branch: what the ledger watch and `--all-shards` cover. */
export function isLedgerBranchName(branch: string): boolean {
  return branch === DEFAULT_BRANCH || SHARD.test(branch);
}

/** Does this remote URL or path name the repository itself (…/owner/repo or …/owner/repo.git)? */
export function remoteIsRepository(remote: string, repository: string): boolean {
  const path = remote
    .trim()
    .replace(/[/\\]+$/, '')
    .replace(/\.git$/i, '')
    .replace(/^[^/\\]+@[^/:]+:/, '/');
  return path.toLowerCase().replace(/\\/g, '/').endsWith(`/${repository.toLowerCase()}`);
}

/**
 * Whether the source repository's ledger is a shard in a shared remote: the ledger lives in another
 * repository, or in a remote (a mirror) that does not name the source repository itself. The
 * Action, the app and `record` decide alike, so what one writes the others read.
 */
export function isCentralLedger(opts: {
  source: string;
  ledgerRepository: string;
  remote?: string;
}): boolean {
  if (opts.ledgerRepository.toLowerCase() !== opts.source.toLowerCase()) return true;
  return opts.remote !== undefined && !remoteIsRepository(opts.remote, opts.source);
}

/**
 * The branch a writer appends to: the one given; else `shiplog` when the ledger lives in the
 * source repository itself, and the source repository's shard when it lives elsewhere.
 */
export function writeBranch(opts: { branch?: string; central: boolean; repository: string }): string {
  if (opts.branch) return checkBranchName(opts.branch);
  return opts.central ? shardBranch(opts.repository) : DEFAULT_BRANCH;
}

/**
 * The branch a reader reads when none was given: `shiplog` if the remote has it; else the shard of
 * `repository` when given and present; else the only shard. Several shards and no way to choose
 * is a usage error that lists them (pass --ledger-branch, or --all-shards where it exists).
 */
export async function readBranch(
  location: Pick<LedgerLocation, 'remote' | 'token'>,
  opts: { repository?: string } = {},
): Promise<string> {
  const branches = await listLedgerBranches(location);
  if (branches.includes(DEFAULT_BRANCH)) return DEFAULT_BRANCH;
  const shards = branches.filter((b) => SHARD.test(b));
  if (opts.repository) {
    const mine = shardBranch(opts.repository);
    if (shards.includes(mine)) return mine;
  }
  if (shards.length === 1) return shards[0]!;
  if (shards.length === 0) {
    throw new ShiplogError(
      'BRANCH_NOT_FOUND',
      `"${location.remote}" has no ledger branch (no "${DEFAULT_BRANCH}" and no "${DEFAULT_BRANCH}/<owner>/<repo>" shard): nothing has been recorded yet, or the remote is wrong`,
    );
  }
  throw new ShiplogError(
    'USAGE',
    `"${location.remote}" holds ${shards.length} ledger shards (${shards.slice(0, 5).join(', ')}${shards.length > 5 ? ', …' : ''}): pass --ledger-branch NAME${opts.repository ? '' : ' or --repo OWNER/NAME'}, or --all-shards`,
  );
}

/** Every ledger branch of the remote (for --all-shards); an empty remote is an error. */
export async function allShards(location: Pick<LedgerLocation, 'remote' | 'token'>): Promise<string[]> {
  const branches = (await listLedgerBranches(location)).filter(isLedgerBranchName);
  if (branches.length === 0) {
    throw new ShiplogError(
      'BRANCH_NOT_FOUND',
      `"${location.remote}" has no ledger branch: nothing has been recorded yet`,
    );
  }
  return branches;
}
