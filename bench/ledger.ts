/** Ledger benchmarks: append vs bare git, append at 100k vs 1k, verify vs the crypto limit, log --commit. */
import { execFileSync } from 'node:child_process';
import { createHash, verify as cryptoVerify } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { appendEntry } from '../src/ledger/append.ts';
import { pae } from '../src/ledger/dsse.ts';
import { catFileBatch } from '../src/ledger/git.ts';
import { generateSigningKeyPem, loadSigningKey, loadTrustedKey } from '../src/ledger/keys.ts';
import { findEntries } from '../src/ledger/query.ts';
import { listEntryFiles, openForRead } from '../src/ledger/read.ts';
import type { LedgerLocation } from '../src/ledger/store.ts';
import { verifyLedger } from '../src/ledger/verify.ts';
import { benchEntry, buildLedger } from './build-ledger.ts';
import { percentile, round, timeEach } from './stats.ts';

const APPENDS = 15;

function bareRemote(dir: string, name: string): string {
  const path = join(dir, name);
  execFileSync('git', ['init', '--bare', '--quiet', path]);
  execFileSync('git', ['config', 'uploadpack.allowFilter', 'true'], { cwd: path });
  return path;
}

async function appendP50(
  location: LedgerLocation,
  key: ReturnType<typeof loadSigningKey>,
  from: number,
): Promise<number> {
  const entry = (i: number) => ({ ...benchEntry(from + i), timestamp: new Date().toISOString() });
  await appendEntry({ location, key, entry: entry(0) }); // warm the cache, as a second deploy in a run would
  const times = await timeEach(APPENDS, (i) => appendEntry({ location, key, entry: entry(i + 1) }));
  return percentile(times, 50);
}

/**
 * The floor: the least git work one append needs (hash-object, mktree, commit-tree, push), into an
 * empty bare repository, or with `onto` as a child of that ledger's tip (one new file in its root
 * tree), which shows what the git server itself costs per push at that ledger size.
 */
export function gitAppendP50(dir: string, onto?: string): number {
  const work = join(dir, `bare-git-work-${onto ? 'onto' : 'empty'}`);
  execFileSync('git', ['init', '--quiet', '--bare', work]);
  const g = (args: string[], input?: string): string =>
    execFileSync('git', args, {
      cwd: work,
      input,
      encoding: 'utf8',
      maxBuffer: 1 << 26,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'b',
        GIT_AUTHOR_EMAIL: 'b@b',
        GIT_COMMITTER_NAME: 'b',
        GIT_COMMITTER_EMAIL: 'b@b',
      },
    }).trim();
  let remote = bareRemote(dir, 'bare-git.git');
  let parent: string | undefined;
  let root = '';
  if (onto) {
    remote = onto;
    for (const [k, v] of [
      ['remote.origin.url', onto],
      ['remote.origin.promisor', 'true'],
      ['remote.origin.partialclonefilter', 'blob:none'],
    ] as const)
      g(['config', k, v]);
    g(['fetch', '--quiet', '--depth=1', '--filter=blob:none', 'origin', 'shiplog']);
    parent = g(['rev-parse', 'FETCH_HEAD']);
    root = g(['ls-tree', parent]) + '\n';
  }
  const times: number[] = [];
  for (let i = 0; i < APPENDS + 1; i++) {
    const t = performance.now();
    const blob = g(['hash-object', '-w', '--stdin'], JSON.stringify(benchEntry(i)));
    const tree = g(['mktree', '--missing'], `${root}100644 blob ${blob}\tgit-append-${i}.json\n`);
    const commit = g(['commit-tree', tree, ...(parent ? ['-p', parent] : []), '-m', `entry ${i}`]);
    g(['push', '--quiet', remote, `${commit}:refs/heads/${onto ? 'bench-git-append' : 'shiplog'}`]);
    parent = commit;
    if (i > 0) times.push(performance.now() - t);
  }
  return percentile(times, 50);
}

/** Raw node:crypto over the same entries: SHA-256 of the PAE and one Ed25519 verify each. */
async function cryptoLimit(
  location: LedgerLocation,
  pub: ReturnType<typeof loadTrustedKey>,
): Promise<number> {
  const snap = await openForRead(location);
  const files = await listEntryFiles(snap);
  const items: { paeBytes: Buffer; sig: Buffer }[] = [];
  await catFileBatch(
    snap.repo.gitDir,
    files.map((f) => f.blob),
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

export async function ledgerBench(
  dir: string,
  bigCount: number,
  log: (s: string) => void,
): Promise<Record<string, number>> {
  const pem = generateSigningKeyPem();
  const key = loadSigningKey(pem.privatePem, 'bench');
  const trusted = loadTrustedKey(pem.publicPem, 'bench');

  log('building 1k-entry ledger…');
  const small = bareRemote(dir, 'small.git');
  await buildLedger(small, key, 1000);
  log(`building ${bigCount}-entry ledger (bulk fast path)…`);
  const big = bareRemote(dir, 'big.git');
  const bigCommits = await buildLedger(big, key, bigCount);
  const loc = (remote: string, cache: string): LedgerLocation => ({
    remote,
    branch: 'shiplog',
    cacheDir: join(dir, cache),
  });

  log('append latency…');
  const append1k = await appendP50(loc(small, 'c-small'), key, 1000);
  const appendBig = await appendP50(loc(big, 'c-big'), key, bigCount);
  const gitAppend = gitAppendP50(dir);
  // After the shiplog appends, so they never see the extra branch this leaves on the remote.
  const gitAppendOntoBig = gitAppendP50(dir, big);

  log('verify throughput…');
  const bigLoc = loc(big, 'c-big');
  await openForRead(bigLoc); // first full fetch is a clone; time verification, not the download
  const timeVerify = async (jobs: number, workersFrom?: number): Promise<number> => {
    const t = performance.now();
    const r = await verifyLedger({ location: bigLoc, trusted: [trusted], jobs, workersFrom });
    if (!r.ok) throw new Error(`bench ledger did not verify: ${JSON.stringify(r.problems.slice(0, 3))}`);
    return r.entries / ((performance.now() - t) / 1000);
  };
  // One signature-checking worker (this thread reads and decodes), then everything on one thread.
  const verify1 = await timeVerify(1);
  const verifyOneThread = await timeVerify(1, Infinity);
  const verifyJobs = await timeVerify(availableParallelism());
  const crypto = await cryptoLimit(bigLoc, trusted);

  log('16 concurrent writers x 10 appends…');
  const contended = bareRemote(dir, 'contended.git');
  const latencies: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 16 }, async (_, w) => {
      const location = loc(contended, `c-writer-${w}`);
      for (let i = 0; i < 10; i++) {
        const t = performance.now();
        await appendEntry({
          location,
          key,
          entry: { ...benchEntry(w * 1000 + i), timestamp: new Date().toISOString() },
          maxAttempts: 500,
        });
        latencies.push(performance.now() - t);
      }
    }),
  );
  const contentionSeconds = (performance.now() - t0) / 1000;
  const contendedReport = await verifyLedger({
    location: loc(contended, 'c-contended-read'),
    trusted: [trusted],
    jobs: 1,
  });
  if (!contendedReport.ok || contendedReport.entries !== 160)
    throw new Error('contention run lost or broke entries');

  log('log --commit…');
  const lookups = await timeEach(20, async (i) => {
    const commit = bigCommits[(i * 7919) % bigCommits.length]!;
    const hits = await findEntries(bigLoc, { commit });
    if (!hits.length) throw new Error('lookup found nothing');
  });

  return {
    ledger_entries_big: bigCount,
    append_ms_p50_1k: round(append1k),
    append_ms_p50_100k: round(appendBig),
    git_append_ms_p50: round(gitAppend),
    git_append_onto_100k_ms_p50: round(gitAppendOntoBig),
    verify_entries_per_s_1: Math.round(verify1),
    verify_entries_per_s_jobs: Math.round(verifyJobs),
    verify_entries_per_s_one_thread: Math.round(verifyOneThread),
    verify_jobs: availableParallelism(),
    crypto_limit_entries_per_s: Math.round(crypto),
    log_commit_ms_100k: round(percentile(lookups, 50)),
    contention_appends_per_s: round(160 / contentionSeconds),
    contention_append_ms_p95: round(percentile(latencies, 95)),
    contention_append_ms_p50: round(percentile(latencies, 50)),
    ratio_append_100k_vs_git: round(appendBig / gitAppend, 2),
    ratio_append_100k_vs_1k: round(appendBig / append1k, 2),
    ratio_append_100k_vs_git_onto_100k: round(appendBig / gitAppendOntoBig, 2),
    ratio_verify_1_vs_crypto: round(verify1 / crypto, 2),
    ratio_verify_jobs_vs_crypto: round(verifyJobs / crypto, 2),
    ratio_verify_one_thread_vs_crypto: round(verifyOneThread / crypto, 2),
  };
}

export function writeResults(path: string, results: Record<string, unknown>): void {
  writeFileSync(path, JSON.stringify(results, null, 2) + '\n');
}
