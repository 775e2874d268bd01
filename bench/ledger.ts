/**
 * Ledger benchmarks, each a ratio against a baseline measured in the same run: cold appends (a
 * `shiplog record` process with an empty cache, as on a fresh CI runner) at 1k and 100k entries vs
 * git's own minimal cold append; verify vs raw node:crypto; incremental verify; a cold
 * `log --commit` process; 16 concurrent writers vs serial appends.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash, verify as cryptoVerify } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pae } from '../src/ledger/dsse.ts';
import { catFileBatch } from '../src/ledger/git.ts';
import { readHistory } from '../src/ledger/history.ts';
import { generateSigningKeyPem, loadSigningKey, loadTrustedKey } from '../src/ledger/keys.ts';
import { ENTRY_FILE } from '../src/ledger/layout.ts';
import { fetchTip, openRepo, type LedgerLocation } from '../src/ledger/store.ts';
import { verifyLedger } from '../src/ledger/verify.ts';
import { benchEntry, buildLedger } from './build-ledger.ts';
import { percentile, round } from './stats.ts';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const COLD_RUNS = 9;

export interface LedgerBenchOptions {
  dir: string;
  big: number;
  /** Also measure a cold append at 1M entries. */
  million: boolean;
  /** Leave the ledgers in `dir` (the 1M one too). */
  keep: boolean;
  log: (s: string) => void;
}

/**
 * A bare remote configured as a maintained server keeps itself: one pack with its reverse index
 * (git 2.39 computes it per request otherwise, ~80 ms at 100k entries — a server cost, reported
 * separately), filters allowed as GitHub allows them.
 */
async function remote(dir: string, name: string, key: ReturnType<typeof loadSigningKey>, count: number) {
  const path = join(dir, name);
  execFileSync('git', ['init', '--bare', '--quiet', path]);
  execFileSync('git', ['config', 'uploadpack.allowFilter', 'true'], { cwd: path });
  const commits = count > 0 ? await buildLedger(path, key, count) : [];
  if (count > 0) maintain(path);
  return { path, commits };
}

/**
 * Packs the remote as a hosted repository's maintenance leaves it: -f computes deltas afresh, since
 * git fast-import (the bulk writer) stores every blob whole — without it a 100k ledger packs to
 * ~8 KB an entry instead of ~1.5, and every cold figure measures that instead of the format.
 */
function maintain(path: string): void {
  execFileSync(
    'git',
    ['-c', 'pack.writeReverseIndex=true', 'repack', '-a', '-d', '-f', '-q', '--no-write-bitmap-index'],
    {
      cwd: path,
    },
  );
}

function packBytes(cacheDir: string): number {
  let total = 0;
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.pack')) total += statSync(p).size;
    }
  };
  if (existsSync(cacheDir)) walk(cacheDir);
  return total;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

function cli(args: string[]): Promise<unknown> {
  return run(process.execPath, [CLI, ...args], { maxBuffer: 1 << 26 });
}

const recordArgs = (remote: string, keyFile: string, cache: string, i: number): string[] => [
  'record',
  '--remote',
  remote,
  '--ledger-branch',
  'shiplog',
  '--key',
  keyFile,
  '--type',
  'deploy',
  '--commit',
  benchEntry(500_000 + i).commit,
  '--repo',
  'acme/web',
  '--environment',
  'production',
  '--cache-dir',
  cache,
];

/** Cold appends: a record process with a fresh cache each time; p50 time and the bytes that landed. */
async function coldAppends(remote: string, keyFile: string, dir: string, tag: string, from: number) {
  const times: number[] = [];
  const bytes: number[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const cache = join(dir, `cold-${tag}-${i}`);
    times.push(await timed(() => cli(recordArgs(remote, keyFile, cache, from + i))));
    bytes.push(packBytes(cache));
    rmSync(cache, { recursive: true, force: true });
  }
  return { ms: percentile(times, 50), kb: percentile(bytes, 50) / 1024 };
}

/**
 * Git's own minimal cold append onto the same ledger: a fresh repository, the tip fetched with depth
 * 1 and no blobs, one new file in the root tree, one commit, one push (to a side branch, so the
 * ledger stays a ledger). The least any tool that appends by git can do.
 */
function gitColdAppend(remote: string, dir: string): number {
  const times: number[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const work = join(dir, `git-cold-${i}`);
    const t = performance.now();
    const g = (args: string[], input?: string): string =>
      execFileSync('git', args, {
        cwd: work,
        input,
        encoding: 'utf8',
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 'b',
          GIT_AUTHOR_EMAIL: 'b@b',
          GIT_COMMITTER_NAME: 'b',
          GIT_COMMITTER_EMAIL: 'b@b',
        },
      }).trim();
    execFileSync('git', ['init', '--quiet', '--bare', work]);
    g(['config', 'remote.origin.url', remote]);
    g(['config', 'extensions.partialClone', 'origin']);
    g(['config', 'remote.origin.promisor', 'true']);
    g([
      'fetch',
      '--quiet',
      '--depth=1',
      '--filter=blob:none',
      'origin',
      '+refs/heads/shiplog:refs/remotes/tip',
    ]);
    const parent = g(['rev-parse', 'refs/remotes/tip']);
    const blob = g(['hash-object', '-w', '--stdin'], JSON.stringify(benchEntry(i)));
    const root = g(['ls-tree', parent]);
    const tree = g(['mktree', '--missing'], `${root}\n100644 blob ${blob}\tgit-append-${i}.json\n`);
    // The same rule as shiplog's: a commit is never dated before its parent.
    const parentTime = Number(g(['log', '-1', '--format=%ct', parent]));
    const when = `${Math.max(parentTime, Math.floor(Date.now() / 1000))} +0000`;
    const commit = execFileSync('git', ['commit-tree', tree, '-p', parent, '-m', `entry ${i}`], {
      cwd: work,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'b',
        GIT_AUTHOR_EMAIL: 'b@b',
        GIT_COMMITTER_NAME: 'b',
        GIT_COMMITTER_EMAIL: 'b@b',
        GIT_COMMITTER_DATE: when,
      },
    }).trim();
    g(['push', '--quiet', '--no-thin', 'origin', `${commit}:refs/heads/bench-git-append-${i}`]);
    times.push(performance.now() - t);
    rmSync(work, { recursive: true, force: true });
  }
  return percentile(times, 50);
}

/** Raw node:crypto over the same entries: SHA-256 of the PAE and one Ed25519 verify each, one core. */
async function cryptoLimit(
  location: LedgerLocation,
  pub: ReturnType<typeof loadTrustedKey>,
): Promise<number> {
  const repo = await openRepo(location, 'history');
  const tip = await fetchTip(repo);
  const commits = await readHistory(repo.gitDir, tip!.commit);
  const items: { paeBytes: Buffer; sig: Buffer }[] = [];
  await catFileBatch(
    repo.gitDir,
    commits.map((c) => `${c.tree}:${ENTRY_FILE}`),
    (_i, obj) => {
      const env = JSON.parse(obj!.data.toString('utf8'));
      items.push({
        paeBytes: pae(env.payloadType, Buffer.from(env.payload, 'base64')),
        sig: Buffer.from(env.signatures[0].sig, 'base64'),
      });
    },
  );
  const t = performance.now();
  for (const it of items) {
    createHash('sha256').update(it.paeBytes).digest();
    if (!cryptoVerify(null, it.paeBytes, pub.publicKey, it.sig))
      throw new Error('bad signature in bench ledger');
  }
  return items.length / ((performance.now() - t) / 1000);
}

/** `writers` processes each appending `each` times in a row; latencies and overall rate. */
async function writers(
  remote: string,
  keyFile: string,
  dir: string,
  count: number,
  each: number,
  tag: string,
) {
  const latencies: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: count }, async (_, w) => {
      const cache = join(dir, `${tag}-writer-${w}`);
      for (let i = 0; i < each; i++) {
        const args = recordArgs(remote, keyFile, cache, 900_000 + w * 1000 + i);
        latencies.push(
          await timed(() =>
            run(process.execPath, [CLI, ...args], {
              env: { ...process.env, SHIPLOG_APPEND_ATTEMPTS: '500' },
            }),
          ),
        );
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return { rate: (count * each) / seconds, p50: percentile(latencies, 50), p95: percentile(latencies, 95) };
}

export async function ledgerBench(opts: LedgerBenchOptions): Promise<Record<string, number>> {
  const { dir, log } = opts;
  const pem = generateSigningKeyPem();
  const key = loadSigningKey(pem.privatePem, 'bench');
  const trusted = loadTrustedKey(pem.publicPem, 'bench');
  const keyFile = join(dir, 'shiplog.key');
  const pubFile = join(dir, 'shiplog.pub');
  writeFileSync(keyFile, pem.privatePem, { mode: 0o600 });
  writeFileSync(pubFile, pem.publicPem);
  const scratch = mkdtempSync(join(dir, 'scratch-'));
  const loc = (remotePath: string, cache: string): LedgerLocation => ({
    remote: remotePath,
    branch: 'shiplog',
    cacheDir: join(scratch, cache),
  });

  log('building the 1k-entry ledger…');
  const small = await remote(dir, 'ledger-1k.git', key, 1000);
  log(`building the ${opts.big}-entry ledger (bulk writer)…`);
  const big = await remote(dir, 'ledger-100k.git', key, opts.big);

  log('cold appends (record processes, empty caches)…');
  const cold1k = await coldAppends(small.path, keyFile, scratch, '1k', 0);
  const coldBig = await coldAppends(big.path, keyFile, scratch, 'big', 100);
  const gitCold = gitColdAppend(big.path, scratch);
  const gitCold1k = gitColdAppend(small.path, scratch);

  log('warm appends (the same cache, as a second record in one job)…');
  const warmCache = join(scratch, 'warm');
  const warm: number[] = [];
  for (let i = 0; i < COLD_RUNS + 1; i++) {
    const ms = await timed(() => cli(recordArgs(big.path, keyFile, warmCache, 2000 + i)));
    if (i > 0) warm.push(ms);
  }

  log('verify throughput…');
  const bigLoc = loc(big.path, 'verify');
  const timeVerify = async (jobs: number): Promise<{ rate: number; checkpoint: string; tip: string }> => {
    const t = performance.now();
    const r = await verifyLedger({ location: bigLoc, trusted: [trusted], jobs });
    if (!r.ok) throw new Error(`bench ledger did not verify: ${JSON.stringify(r.problems.slice(0, 3))}`);
    return { rate: r.entries / ((performance.now() - t) / 1000), checkpoint: r.checkpointText!, tip: r.tip };
  };
  await timeVerify(availableParallelism()); // the first run fetches the whole history: time checking, not the clone
  const verify1 = await timeVerify(1);
  const verifyJobs = await timeVerify(availableParallelism());
  const crypto = await cryptoLimit(bigLoc, trusted);

  log('incremental verify after one new entry (a verify --since process, empty cache)…');
  await cli(recordArgs(big.path, keyFile, join(scratch, 'one-more'), 3000));
  // The saved verify report: its tip pins the verified history, so --since reads only the new entry
  // and checks an RFC 6962 consistency proof.
  const sinceFile = join(scratch, 'since.json');
  writeFileSync(sinceFile, JSON.stringify({ checkpointText: verifyJobs.checkpoint, tip: verifyJobs.tip }));
  const incremental: number[] = [];
  for (let i = 0; i < 5; i++) {
    incremental.push(
      await timed(() =>
        cli([
          'verify',
          '--remote',
          big.path,
          '--ledger-branch',
          'shiplog',
          '--trusted-key',
          pubFile,
          '--since',
          sinceFile,
          '--cache-dir',
          join(scratch, `since-${i}`),
        ]),
      ),
    );
  }

  log('cold log --commit (a process, empty cache)…');
  const lookups: number[] = [];
  const lookupBytes: number[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const cache = join(scratch, `log-${i}`);
    const commit = big.commits[(i * 7919 + 13) % big.commits.length]!;
    lookups.push(
      await timed(() =>
        cli(['log', '--remote', big.path, '--commit', commit, '--cache-dir', cache, '--json']),
      ),
    );
    lookupBytes.push(packBytes(cache));
  }

  log('cold prove (an inclusion proof bundle from a process with an empty cache)…');
  const proofs: number[] = [];
  const proofBytes: number[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const cache = join(scratch, `prove-${i}`);
    const seq = (i * 7919 + 13) % opts.big;
    proofs.push(
      await timed(() =>
        cli(['prove', String(seq), '--remote', big.path, '--ledger-branch', 'shiplog', '--cache-dir', cache]),
      ),
    );
    proofBytes.push(packBytes(cache));
  }

  log('serial appends, then 16 concurrent writers x 10 appends…');
  const serialRemote = await remote(dir, 'serial.git', key, 0);
  const serial = await writers(serialRemote.path, keyFile, scratch, 1, 20, 'serial');
  const contended = await remote(dir, 'contended.git', key, 0);
  const contention = await writers(contended.path, keyFile, scratch, 16, 10, 'contended');
  const landed = await verifyLedger({
    location: loc(contended.path, 'contended-verify'),
    trusted: [trusted],
  });
  if (!landed.ok || landed.entries !== 160)
    throw new Error(`contention run lost or broke entries: ${landed.entries}`);

  const results: Record<string, number> = {
    ledger_entries_big: opts.big,
    cold_append_ms_p50_1k: round(cold1k.ms),
    cold_append_ms_p50_100k: round(coldBig.ms),
    cold_append_kb_100k: round(coldBig.kb),
    packed_kb_per_entry_100k: round(packBytes(join(big.path, 'objects')) / 1024 / opts.big, 2),
    cold_append_kb_1k: round(cold1k.kb),
    git_cold_append_ms_p50: round(gitCold),
    git_cold_append_ms_p50_1k: round(gitCold1k),
    warm_append_ms_p50_100k: round(percentile(warm, 50)),
    verify_entries_per_s_1: Math.round(verify1.rate),
    verify_entries_per_s_jobs: Math.round(verifyJobs.rate),
    verify_jobs: availableParallelism(),
    crypto_limit_entries_per_s: Math.round(crypto),
    incremental_verify_ms_100k: round(percentile(incremental, 50)),
    consistency_verify_ms_100k: round(percentile(incremental, 50)),
    prove_cold_ms_100k: round(percentile(proofs, 50)),
    prove_cold_kb_100k: round(percentile(proofBytes, 50) / 1024),
    log_commit_cold_ms_100k: round(percentile(lookups, 50)),
    log_commit_cold_kb_100k: round(percentile(lookupBytes, 50) / 1024),
    serial_append_ms_p50: round(serial.p50),
    serial_appends_per_s: round(serial.rate),
    contention_appends_per_s: round(contention.rate),
    contention_append_ms_p95: round(contention.p95),
    contention_append_ms_p50: round(contention.p50),
    contention_landed: landed.entries,
    ratio_cold_append_100k_vs_1k: round(coldBig.ms / cold1k.ms, 2),
    ratio_cold_append_100k_vs_git: round(coldBig.ms / gitCold, 2),
    ratio_verify_1_vs_crypto: round(verify1.rate / crypto, 2),
    ratio_verify_jobs_vs_crypto: round(verifyJobs.rate / crypto, 2),
    ratio_contention_vs_serial_rate: round(contention.rate / serial.rate, 2),
    ratio_contention_p95_vs_serial_p50: round(contention.p95 / serial.p50, 2),
  };

  if (opts.million) {
    log('building the 1M-entry ledger (bulk writer; this takes a while)…');
    const million = await remote(dir, 'ledger-1m.git', key, 1_000_000);
    const cold1m = await coldAppends(million.path, keyFile, scratch, '1m', 200);
    results.cold_append_ms_p50_1m = round(cold1m.ms);
    results.cold_append_kb_1m = round(cold1m.kb);
    results.ratio_cold_append_1m_vs_1k = round(cold1m.ms / cold1k.ms, 2);
    if (!opts.keep) rmSync(million.path, { recursive: true, force: true });
  }
  rmSync(scratch, { recursive: true, force: true });
  for (const n of ['serial.git', 'contended.git']) rmSync(join(dir, n), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return results;
}

export function writeResults(path: string, results: Record<string, unknown>): void {
  writeFileSync(path, JSON.stringify(results, null, 2) + '\n');
}
