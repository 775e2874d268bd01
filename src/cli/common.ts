/** Option parsing shared by the ledger commands: read once at the edge, typed from then on. */
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { isShiplogError, ShiplogError } from '../errors.ts';
import { loadSigningKey, loadTrustedKey, type SigningKey, type TrustedKey } from '../ledger/keys.ts';
import {
  allShards,
  DEFAULT_BRANCH,
  readBranch,
  remoteIsRepository,
  shardBranch,
  writeBranch,
} from '../ledger/shards.ts';
import { distinctNames, sameName } from '../ledger/names.ts';
import {
  cachedTip,
  checkBranchName,
  listLedgerBranches,
  openRepo,
  type LedgerLocation,
} from '../ledger/store.ts';

export interface LocationFlags {
  remote: string;
  ledgerBranch?: string;
  cacheDir?: string;
  allShards?: boolean;
}

export function addLocationOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--remote <url-or-path>', 'git URL or path of the repository holding the ledger')
    .option(
      '--ledger-branch <name>',
      'ledger branch (default: shiplog, or the only shiplog/<owner>/<repo> shard of a central repository)',
    )
    .option(
      '--cache-dir <dir>',
      'where fetched ledgers are cached (default: $SHIPLOG_CACHE_DIR, else $RUNNER_TEMP/shiplog-cache, else $XDG_CACHE_HOME/shiplog or ~/.cache/shiplog)',
    );
}

/** `--all-shards`, for the commands that read every shard of a central ledger repository. */
export function addShardsOption(
  cmd: Command,
  what = 'read every shiplog and shiplog/* branch of the remote, each checked as its own chain',
): Command {
  return cmd.option('--all-shards', what);
}

function located(flags: LocationFlags, branch: string): LedgerLocation {
  return {
    remote: flags.remote,
    branch: checkBranchName(branch),
    cacheDir: flags.cacheDir,
    token: process.env.SHIPLOG_GIT_TOKEN || undefined,
  };
}

/** Where `record` appends: the branch given, else `shiplog`, or the repository's shard when the remote is a central ledger. */
export function recordLocation(flags: LocationFlags, repository: string): LedgerLocation {
  const central = !remoteIsRepository(flags.remote, repository);
  return located(flags, writeBranch({ branch: flags.ledgerBranch, central, repository }));
}

/**
 * recordLocation, checked against the remote's ledger branches before anything is signed — once:
 * a branch this cache has already seen exists, and costs no round trip.
 * - The remote holds a `shiplog` ledger and no shards, and no branch was given: append there (said
 *   on stderr), since git cannot hold `shiplog` and `shiplog/<owner>/<repo>` together.
 * - The branch would clash with one the remote holds: exit 2 naming both and --ledger-branch.
 * - The branch does not exist but the remote holds other ledger branches: a new ledger at seq 0 is
 *   most likely a typo, so it needs --create.
 */
export async function checkedRecordLocation(
  flags: LocationFlags & { create?: boolean },
  repository: string,
  note: (line: string) => void,
): Promise<LedgerLocation> {
  const location = recordLocation(flags, repository);
  if (cachedTip(await openRepo(location, 'tip'))) return location;
  const branches = await listLedgerBranches(location);
  const wanted = location.branch;
  if (branches.includes(wanted) || branches.length === 0) return location;
  const shards = branches.filter((b) => b !== DEFAULT_BRANCH);
  if (!flags.ledgerBranch && branches.includes(DEFAULT_BRANCH) && shards.length === 0) {
    note(
      `shiplog: "${flags.remote}" holds a "${DEFAULT_BRANCH}" ledger and no shards: appending to "${DEFAULT_BRANCH}" (pass --ledger-branch to choose)`,
    );
    return { ...location, branch: DEFAULT_BRANCH };
  }
  const clash = branches.find((b) => wanted.startsWith(`${b}/`) || b.startsWith(`${wanted}/`));
  if (clash) {
    throw new ShiplogError(
      'USAGE',
      `cannot create ledger branch "${wanted}": the remote holds "${clash}", and git cannot hold both; pass --ledger-branch ${clash} to append to that ledger`,
    );
  }
  if (!flags.create) {
    throw new ShiplogError(
      'USAGE',
      `ledger branch "${wanted}" does not exist on "${flags.remote}", which holds ${branches.slice(0, 5).join(', ')}${branches.length > 5 ? ', …' : ''}: pass --ledger-branch NAME for one of those, or --create to start a new ledger at seq 0 on "${wanted}"`,
    );
  }
  return location;
}

/** The ledger a read command reads (the branch given, else the one the remote holds; see readBranch). */
export async function readLocation(
  flags: LocationFlags,
  opts: { repository?: string } = {},
): Promise<LedgerLocation> {
  if (flags.ledgerBranch) return located(flags, flags.ledgerBranch);
  const base = located(flags, 'shiplog');
  return { ...base, branch: await readBranch(base, opts) };
}

/**
 * Runs a read on every ledger the flags name: each shard with --all-shards; else the branch given;
 * else the likely one (`shiplog`, or the shard of --repo) straight away — a cold look-up should
 * not pay a round trip to list branches — and only if that branch does not exist, the one
 * `readBranch` finds.
 */
export async function forEachLedger<T>(
  flags: LocationFlags,
  opts: { repository?: string },
  read: (location: LedgerLocation) => Promise<T>,
): Promise<T[]> {
  if (flags.allShards && flags.ledgerBranch)
    throw new ShiplogError('USAGE', '--all-shards and --ledger-branch exclude each other');
  if (flags.allShards) {
    const base = located(flags, 'shiplog');
    const out: T[] = [];
    for (const branch of await allShards(base)) out.push(await read({ ...base, branch }));
    return out;
  }
  if (flags.ledgerBranch) return [await read(located(flags, flags.ledgerBranch))];
  const guess = located(flags, opts.repository ? shardBranch(opts.repository) : 'shiplog');
  try {
    return [await read(guess)];
  } catch (e) {
    if (!isShiplogError(e, 'BRANCH_NOT_FOUND')) throw e;
    const branch = await readBranch(guess, opts);
    if (branch === guess.branch) throw e;
    return [await read({ ...guess, branch })];
  }
}

export function readTextFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ShiplogError(
      'BAD_INPUT',
      `cannot read ${what} "${path}": ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
    );
  }
}

/** The signing key from --key FILE, else from $SHIPLOG_SIGNING_KEY (PEM text). */
export function signingKeyFrom(keyFile: string | undefined): SigningKey {
  if (keyFile) return loadSigningKey(readTextFile(keyFile, 'key file'), `key file "${keyFile}"`);
  const pem = process.env.SHIPLOG_SIGNING_KEY;
  if (pem) return loadSigningKey(pem, 'SHIPLOG_SIGNING_KEY');
  throw new ShiplogError(
    'USAGE',
    'no signing key: pass --key FILE or set SHIPLOG_SIGNING_KEY to the PEM text',
  );
}

export function trustedKeysFrom(files: string[] | undefined): TrustedKey[] {
  if (!files?.length) {
    throw new ShiplogError(
      'NO_TRUSTED_KEY',
      'no trusted key: pass --trusted-key FILE (the ledger public key, kept outside the ledger)',
    );
  }
  return files.map((f) => loadTrustedKey(readTextFile(f, 'trusted key'), `trusted key "${f}"`));
}

export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function jsonOption(): Option {
  return new Option('--json', 'machine-readable JSON output');
}

export function positiveInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 1)
      throw new ShiplogError('USAGE', `${name} must be a positive integer`);
    return n;
  };
}

/** `--repo OWNER/NAME`. */
export function repoFrom(value: string): { owner: string; repo: string } {
  const m = /^([\w.-]+)\/([\w.-]+)$/.exec(value);
  if (!m) throw new ShiplogError('USAGE', `--repo must be OWNER/NAME, got "${value}"`);
  return { owner: m[1]!, repo: m[2]! };
}

/**
 * `--environment NAME` that names no environment of the ledger is a typo until shown otherwise:
 * "no exceptions" or "no entries" for `prodcution` would read as a clean bill. Exit 2, listing the
 * environments there are (compared without regard to case, as GitHub does).
 */
export function checkEnvironmentKnown(
  environment: string | undefined,
  known: Iterable<string | undefined>,
): void {
  if (environment === undefined) return;
  const names = distinctNames(known);
  if (names.some((n) => sameName(n, environment))) return;
  throw new ShiplogError(
    'USAGE',
    `--environment "${environment}" matches no environment in the ledger (${names.length ? `it has: ${names.slice(0, 20).join(', ')}` : 'it records no environment yet'})`,
  );
}
