/**
 * The git side of the ledger: a local cache of one ledger branch of one remote. A `tip` cache
 * holds the tip commit and its small trees (depth 1, no blobs) plus exactly the blobs a reader
 * fetched by id — what appends and queries need, whatever the ledger's length. A `history` cache
 * holds the whole branch, for verify and reports.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import lockfile from 'proper-lockfile';
import { ShiplogError } from '../errors.ts';
import { sha256Hex } from './encoding.ts';
import { git, lastLines, type GitResult } from './git.ts';
import { missingObjects } from './object-presence.ts';

export interface LedgerLocation {
  /** Any git URL or a local path (a bare repository works). */
  remote: string;
  /** Ledger branch name (default "shiplog"). */
  branch: string;
  /** GitHub token for https remotes; sent as an auth header for that one git call. */
  token?: string;
  /** Where fetched copies of ledgers are kept between runs. */
  cacheDir?: string;
}

export type CacheMode = 'tip' | 'history';

export interface LedgerRepo {
  gitDir: string;
  location: LedgerLocation;
  url: string;
  isLocal: boolean;
  mode: CacheMode;
}

export function checkBranchName(branch: string): string {
  if (
    !/^[A-Za-z0-9._/-]+$/.test(branch) ||
    branch.startsWith('-') ||
    branch.includes('..') ||
    branch.endsWith('/')
  ) {
    throw new ShiplogError('USAGE', `ledger branch "${branch}" is not a valid branch name`);
  }
  return branch;
}

/** Turns the user's remote into a URL git accepts, refusing anything git could read as an option. */
export function resolveRemote(remote: string): { url: string; isLocal: boolean } {
  const r = remote.trim();
  if (!r) throw new ShiplogError('USAGE', 'no ledger remote given (--remote)');
  if (r.startsWith('-')) throw new ShiplogError('USAGE', `remote "${r}" looks like an option; refusing it`);
  if (/[\0\n\r]/.test(r)) throw new ShiplogError('USAGE', 'remote contains control characters');
  if (/^[a-z][a-z0-9+.-]*::/i.test(r))
    throw new ShiplogError('USAGE', `remote helper URLs ("${r.split('::')[0]}::") are not allowed`);
  if (/^(https?|ssh|git):\/\//i.test(r)) return { url: r, isLocal: false };
  if (/^file:\/\//i.test(r)) return { url: r, isLocal: true };
  if (/^[^/\\]+@[^/:]+:/.test(r)) return { url: r, isLocal: false }; // scp-like user@host:path
  const path = isAbsolute(r) ? r : resolve(r);
  if (!existsSync(path)) throw new ShiplogError('REMOTE_NOT_FOUND', `ledger remote "${r}" does not exist`);
  return { url: path, isLocal: true };
}

export function defaultCacheRoot(): string {
  if (process.env.SHIPLOG_CACHE_DIR) return process.env.SHIPLOG_CACHE_DIR;
  if (process.env.RUNNER_TEMP) return join(process.env.RUNNER_TEMP, 'shiplog-cache');
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'shiplog');
}

export function authConfig(token: string | undefined, isLocal: boolean): Record<string, string> {
  if (!token || isLocal) return {};
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  return { 'http.extraHeader': `AUTHORIZATION: basic ${basic}` };
}

function writableRoot(preferred: string): string {
  try {
    mkdirSync(preferred, { recursive: true });
    const probe = join(preferred, `.probe-${process.pid}-${randomBytes(4).toString('hex')}`);
    writeFileSync(probe, '');
    rmSync(probe);
    return preferred;
  } catch {
    const fallback = join(tmpdir(), `shiplog-cache-${process.getuid?.() ?? 'user'}`);
    try {
      mkdirSync(fallback, { recursive: true });
      return fallback;
    } catch (e) {
      throw new ShiplogError(
        'BAD_INPUT',
        `cannot write a ledger cache in ${preferred} or ${fallback}: ${(e as Error).message} (set SHIPLOG_CACHE_DIR)`,
      );
    }
  }
}

/** Opens (creating on first use) the cache repository for this remote, branch and mode. */
export async function openRepo(location: LedgerLocation, mode: CacheMode): Promise<LedgerRepo> {
  checkBranchName(location.branch);
  const { url, isLocal } = resolveRemote(location.remote);
  const root = writableRoot(location.cacheDir ?? defaultCacheRoot());
  const key = sha256Hex(`${url}\0${location.branch}`).slice(0, 24);
  const gitDir = join(root, key, `${mode}.git`);
  if (!existsSync(join(gitDir, 'config'))) {
    // Build in a private folder, then rename: concurrent first runs must not see half a repo.
    const tmp = `${gitDir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    // A bare repository is a handful of files: writing them costs far less than `git init`.
    for (const d of ['objects/info', 'objects/pack', 'refs/heads', 'refs/tags'])
      mkdirSync(join(tmp, d), { recursive: true });
    writeFileSync(join(tmp, 'HEAD'), 'ref: refs/heads/main\n');
    const partial =
      mode === 'tip'
        ? '\trepositoryformatversion = 1\n[extensions]\n\tpartialClone = origin\n'
        : '\trepositoryformatversion = 0\n';
    const promisor = mode === 'tip' ? '\tpromisor = true\n\tpartialclonefilter = blob:none\n' : '';
    writeFileSync(
      join(tmp, 'config'),
      `[core]\n\tbare = true\n${partial}[remote "origin"]\n\turl = ${configValue(url)}\n${promisor}`,
    );
    try {
      renameSync(tmp, gitDir);
    } catch {
      rmSync(tmp, { recursive: true, force: true });
      if (!existsSync(join(gitDir, 'config')))
        throw new ShiplogError('GIT_FAILED', `could not create cache ${gitDir}`);
    }
  }
  return { gitDir, location, url, isLocal, mode };
}

/** A git config value, quoted so any path or URL reads back unchanged. */
function configValue(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export interface RemoteTip {
  commit: string;
}

const TIP_REF: Record<CacheMode, string> = {
  tip: 'refs/shiplog/tip',
  history: 'refs/shiplog/history-tip',
};

function fetchArgs(repo: LedgerRepo, extra: string[]): string[] {
  const args = ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--no-auto-gc', ...extra];
  // Local mirrors: let the spawned upload-pack honour filters like GitHub does.
  if (repo.isLocal) args.push('--upload-pack=git -c uploadpack.allowFilter=true upload-pack');
  return args;
}

async function runFetch(
  repo: LedgerRepo,
  args: string[],
  config: Record<string, string> = {},
  input?: string,
): Promise<GitResult> {
  const release = await lockRepo(repo.gitDir);
  try {
    return await git(args, {
      gitDir: repo.gitDir,
      allowFail: true,
      ...(input !== undefined ? { input } : {}),
      config: { ...authConfig(repo.location.token, repo.isLocal), ...config },
    });
  } finally {
    await release();
  }
}

/** git's and the network's reasons for not reaching a remote at all (not "the ledger is bad"). */
const UNREACHABLE =
  /Connection refused|Could not resolve host|Name or service not known|Temporary failure in name resolution|Failed to connect|Couldn't connect|Connection timed out|timed out|No route to host|Network is unreachable|Authentication failed|Permission denied|could not read Username|terminal prompts disabled|The requested URL returned error: 40[13]|Host key verification failed/i;

/** The line of git's output that says what went wrong, as git said it (its first fatal/error line). */
export function gitReason(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const hit = lines.find((l) => UNREACHABLE.test(l)) ?? lines.find((l) => /^(fatal|error):/i.test(l));
  return (hit ?? lines[0] ?? '(no message)').replace(/^(fatal|error):\s*/i, '');
}

/** REMOTE_UNREACHABLE (exit 2) when git could not reach the remote; undefined otherwise. */
export function unreachableRemote(remote: string, text: string): ShiplogError | undefined {
  if (!UNREACHABLE.test(text)) return undefined;
  return new ShiplogError(
    'REMOTE_UNREACHABLE',
    `ledger remote "${redact(remote)}" cannot be reached: ${gitReason(text)}`,
  );
}

function fetchFailure(repo: LedgerRepo, err: string): ShiplogError {
  const offline = unreachableRemote(repo.location.remote, err);
  if (offline) return offline;
  if (
    /does not appear to be a git repository|not found|repository .* does not exist|No such file/i.test(err)
  ) {
    return new ShiplogError(
      'REMOTE_NOT_FOUND',
      `ledger remote "${redact(repo.location.remote)}" is not a reachable git repository: ${lastLines(err, 1)}`,
    );
  }
  return new ShiplogError(
    'GIT_FAILED',
    `fetching the ledger from "${redact(repo.location.remote)}" failed: ${lastLines(err)}`,
  );
}

/**
 * Fetches the remote branch tip into the cache; undefined when the branch does not exist yet. A
 * tip cache takes only the tip commit and its trees (depth 1, no blobs): a few tens of KB at any
 * ledger length. A history cache takes everything new since its last fetch.
 */
export async function fetchTip(
  repo: LedgerRepo,
  /** Tip caches: how many commits to bring down with their trees (default 1, the tip alone). */
  opts: { depth?: number } = {},
): Promise<RemoteTip | undefined> {
  const ref = TIP_REF[repo.mode];
  const extra = repo.mode === 'tip' ? [`--depth=${Math.max(1, opts.depth ?? 1)}`, '--filter=blob:none'] : [];
  const result = await runFetch(
    repo,
    fetchArgs(repo, [...extra, 'origin', `+refs/heads/${repo.location.branch}:${ref}`]),
  );
  if (result.code === 0) return { commit: readRef(repo.gitDir, ref) };
  if (/couldn't find remote ref/i.test(result.stderr)) return undefined;
  throw fetchFailure(repo, result.stderr);
}

/** Fetches objects by id (blobs of the tip's index, entries, older segments) into a tip cache. */
export async function fetchObjects(repo: LedgerRepo, oids: string[]): Promise<void> {
  const wanted = [...new Set(oids)];
  if (wanted.length === 0) return;
  const missing = missingObjects(repo.gitDir, wanted);
  if (missing.length === 0) return;
  // No negotiation: the cache "has" the tip commit, from which the server would conclude it has
  // every blob that commit reaches, and leave out exactly the ones asked for.
  // Ids go on stdin: 100k of them as arguments exceed the kernel's limit (spawn E2BIG).
  const result = await runFetch(
    repo,
    fetchArgs(repo, ['--filter=blob:none', '--stdin', 'origin']),
    { 'fetch.negotiationAlgorithm': 'noop' },
    missing.join('\n') + '\n',
  );
  if (result.code !== 0) throw fetchFailure(repo, result.stderr);
}

/**
 * Fetches `commit` and its `depth - 1` first ancestors into a tip cache: commits only (`trees:
 * false`: enough to name the ledger commit of an entry) or with their trees (incremental verify).
 */
export async function fetchAncestry(
  repo: LedgerRepo,
  commit: string,
  depth: number,
  opts: { trees: boolean },
): Promise<void> {
  const filter = opts.trees ? '--filter=blob:none' : '--filter=tree:0';
  const result = await runFetch(
    repo,
    fetchArgs(repo, [`--depth=${Math.max(1, depth)}`, filter, 'origin', commit]),
  );
  if (result.code !== 0) throw fetchFailure(repo, result.stderr);
}

/** Ledger branches of a remote: `shiplog` and every `shiplog/*` shard, sorted. */
export async function listLedgerBranches(
  location: Pick<LedgerLocation, 'remote' | 'token'>,
): Promise<string[]> {
  const { url, isLocal } = resolveRemote(location.remote);
  const r = await git(['ls-remote', '--heads', url, 'refs/heads/shiplog', 'refs/heads/shiplog/*'], {
    allowFail: true,
    config: authConfig(location.token, isLocal),
  });
  if (r.code !== 0) {
    const offline = unreachableRemote(location.remote, r.stderr);
    if (offline) throw offline;
    if (
      /does not appear to be a git repository|not found|No such file|Could not read from remote/i.test(
        r.stderr,
      )
    ) {
      throw new ShiplogError(
        'REMOTE_NOT_FOUND',
        `ledger remote "${redact(location.remote)}" is not a reachable git repository: ${lastLines(r.stderr, 2)}`,
      );
    }
    throw new ShiplogError(
      'GIT_FAILED',
      `listing the ledger branches of "${redact(location.remote)}" failed: ${lastLines(r.stderr, 2)}`,
    );
  }
  return r.stdout
    .toString('utf8')
    .split('\n')
    .map((l) => /^[0-9a-f]{40}\trefs\/heads\/(.+)$/.exec(l)?.[1])
    .filter((b): b is string => !!b && (b === 'shiplog' || b.startsWith('shiplog/')))
    .sort();
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]+@/, '//***@');
}

function readRef(gitDir: string, ref: string): string {
  const loose = join(gitDir, ref);
  if (existsSync(loose)) return readFileSync(loose, 'utf8').trim();
  const packed = readFileSync(join(gitDir, 'packed-refs'), 'utf8');
  const line = packed.split('\n').find((l) => l.endsWith(` ${ref}`));
  if (!line) throw new ShiplogError('GIT_FAILED', `fetched ref ${ref} not found in ${gitDir}`);
  return line.slice(0, 40);
}

async function lockRepo(gitDir: string): Promise<() => Promise<void>> {
  try {
    return await lockfile.lock(gitDir, {
      realpath: false,
      stale: 10_000,
      retries: { retries: 400, minTimeout: 10, maxTimeout: 150, factor: 1.3, randomize: true },
    });
  } catch (e) {
    throw new ShiplogError(
      'GIT_FAILED',
      `could not lock the ledger cache ${gitDir}: ${(e as Error).message}`,
    );
  }
}

/** The tip this tip cache last saw (fetched or pushed), if any: the optimistic first guess for an append. */
export function cachedTip(repo: LedgerRepo): RemoteTip | undefined {
  const file = join(repo.gitDir, TIP_REF[repo.mode]);
  if (!existsSync(file)) return undefined;
  const commit = readFileSync(file, 'utf8').trim();
  return /^[0-9a-f]{40}$/.test(commit) ? { commit } : undefined;
}

/** Remembers our own pushed commit as the new tip (a stale value only costs one retry). */
export function rememberTip(repo: LedgerRepo, commit: string): void {
  const file = join(repo.gitDir, TIP_REF[repo.mode]);
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(tmp, `${commit}\n`);
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true });
  }
}

export type PushOutcome = 'pushed' | 'lost-race' | 'rejected';

/** Pushes without force: a moved remote tip makes git refuse, which is our compare-and-swap. */
export async function pushCommit(
  repo: LedgerRepo,
  commit: string,
): Promise<{ outcome: PushOutcome; message: string }> {
  const r = await git(
    [
      'push',
      '--quiet',
      '--porcelain',
      '--no-verify',
      // Full objects: a thin pack would delta against blobs this cache never fetched.
      '--no-thin',
      'origin',
      `${commit}:refs/heads/${repo.location.branch}`,
    ],
    { gitDir: repo.gitDir, allowFail: true, config: authConfig(repo.location.token, repo.isLocal) },
  );
  const text = `${r.stdout.toString('utf8')}\n${r.stderr}`;
  if (r.code === 0) return { outcome: 'pushed', message: '' };
  // A branch git cannot create beside an existing one (`shiplog` vs `shiplog/acme/web`) is no race.
  const conflict = /'(refs\/heads\/[^']+)' exists; cannot create '(refs\/heads\/[^']+)'/.exec(text);
  if (conflict) {
    const [, existing, wanted] = conflict;
    throw new ShiplogError(
      'USAGE',
      `cannot create ledger branch "${wanted!.slice(11)}": the remote holds "${existing!.slice(11)}", and git cannot hold both; pass --ledger-branch ${existing!.slice(11)} to append to that ledger`,
    );
  }
  const offline = unreachableRemote(repo.location.remote, text);
  if (offline) throw offline;
  if (
    /\[rejected\]|non-fast-forward|fetch first|stale info|cannot lock ref|failed to update ref/i.test(text)
  ) {
    return { outcome: 'lost-race', message: lastLines(text, 2) };
  }
  if (/\[remote rejected\]|pre-receive hook declined/i.test(text))
    return { outcome: 'rejected', message: lastLines(text, 2) };
  if (/does not appear to be a git repository|Could not read from remote/i.test(text)) {
    throw new ShiplogError(
      'REMOTE_NOT_FOUND',
      `cannot push to ledger remote "${redact(repo.location.remote)}": ${lastLines(text, 1)}`,
    );
  }
  return { outcome: 'rejected', message: lastLines(text, 2) };
}
