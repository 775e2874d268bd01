/**
 * The commands people run on a big ledger (issue 20), each a process of the bundled CLI timed and
 * measured with /usr/bin/time -v (peak resident set size), on the 1k and the big ledger of the same
 * run: verify cold (empty cache) and warm (--jobs 1, the baseline), stats, audit, export --format
 * ocsf, report (+ its CSV), log --limit 0; the report's size and the time headless Chromium takes
 * to render it. Commands run with --jobs 1 like the baseline, so the ratios compare the same work.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Figures } from './stats.ts';
import { round } from './stats.ts';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');

export interface CommandsBenchOptions {
  /** Bare repositories with a `shiplog` ledger signed by `pubFile`'s key. */
  small: string;
  big: string;
  pubFile: string;
  /** What the big ledger's figures are named by: "100k" unless SHIPLOG_BENCH_ENTRIES changed its size. */
  bigTag?: string;
  /** Scratch folder (caches, outputs). */
  scratch: string;
  log: (s: string) => void;
}

interface Run {
  seconds: number;
  rssMb: number;
}

/** One CLI process under /usr/bin/time -v: wall time and peak RSS (the largest process of the tree). */
function measure(args: string[], allowExit1 = false): Promise<Run> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    execFile(
      '/usr/bin/time',
      ['-v', process.execPath, CLI, ...args],
      { maxBuffer: 1 << 28, env: { ...process.env, NO_COLOR: '1' } },
      (err, _stdout, stderr) => {
        const seconds = (performance.now() - t) / 1000;
        const code = (err as { code?: number } | null)?.code ?? 0;
        if (err && !(allowExit1 && code === 1))
          return reject(new Error(`shiplog ${args[0]} failed (${code}): ${stderr.slice(-2000)}`));
        const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1];
        if (!kb) return reject(new Error(`no peak RSS from /usr/bin/time for shiplog ${args[0]}`));
        resolve({ seconds, rssMb: Number(kb) / 1024 });
      },
    );
  });
}

function dirBytes(dir: string): number {
  let total = 0;
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else total += s.size;
    }
  };
  if (existsSync(dir)) walk(dir);
  return total;
}

/** The commands on one ledger; `tag` names the figures (1k, 100k). */
async function onLedger(o: CommandsBenchOptions, remote: string, tag: string) {
  const dir = join(o.scratch, `commands-${tag}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const cache = join(dir, 'cache');
  const at = ['--remote', remote, '--ledger-branch', 'shiplog', '--trusted-key', o.pubFile];
  const warm = [...at, '--cache-dir', cache, '--jobs', '1'];
  o.log(`${tag}: verify cold (empty cache, all cores)…`);
  const cold = await measure(['verify', ...at, '--cache-dir', cache]);
  const coldBytes = dirBytes(cache);
  o.log(`${tag}: verify warm --jobs 1…`);
  const verify = await measure(['verify', ...warm]);
  o.log(`${tag}: stats, audit, export, report, log…`);
  const stats = await measure(['stats', ...warm, '--since', '3650d']);
  // audit exits 1 when it finds exceptions; the bench ledger has none, but the figure stands either way.
  const audit = await measure(['audit', ...warm], true);
  const exportOcsf = await measure([
    'export',
    ...warm,
    '--format',
    'ocsf',
    '--out',
    join(dir, 'events.ocsf'),
  ]);
  const html = join(dir, 'report.html');
  const report = await measure([
    'report',
    ...warm,
    '--since',
    '3650d',
    '--out',
    html,
    '--csv',
    join(dir, 'report.csv'),
  ]);
  const log = await measure(['log', '--remote', remote, '--cache-dir', join(dir, 'log'), '--limit', '0']);
  return { dir, cold, coldBytes, verify, stats, audit, exportOcsf, report, log, html };
}

/** Plain git fetching the same branch into an empty repository: what the transfer alone costs. */
function gitFetchSeconds(remote: string, dir: string): number {
  const repo = join(dir, 'plain-fetch.git');
  rmSync(repo, { recursive: true, force: true });
  execFileSync('git', ['init', '--bare', '--quiet', repo]);
  const t = performance.now();
  execFileSync('git', [
    '--git-dir',
    repo,
    'fetch',
    '--quiet',
    '--no-tags',
    remote,
    '+refs/heads/shiplog:refs/x',
  ]);
  const s = (performance.now() - t) / 1000;
  rmSync(repo, { recursive: true, force: true });
  return s;
}

/** Seconds headless Chromium takes to load and screenshot the report. */
async function renderSeconds(html: string, dir: string): Promise<number | undefined> {
  const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  if (!chromium) return undefined;
  const profile = join(dir, 'chromium-profile');
  const t = performance.now();
  await new Promise<void>((resolve, reject) =>
    execFile(
      chromium,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        `--user-data-dir=${profile}`,
        `--screenshot=${join(dir, 'report.png')}`,
        '--window-size=1280,1400',
        `file://${html}`,
      ],
      { timeout: 120_000 },
      (err) => (err ? reject(err) : resolve()),
    ),
  );
  return (performance.now() - t) / 1000;
}

export async function commandsBench(o: CommandsBenchOptions): Promise<Figures> {
  const small = await onLedger(o, o.small, '1k');
  const tag = o.bigTag ?? '100k';
  const big = await onLedger(o, o.big, tag);
  o.log(`${tag}: plain git fetch of the branch, and the report in headless Chromium…`);
  const plainFetch = gitFetchSeconds(o.big, big.dir);
  const render = await renderSeconds(big.html, big.dir);
  const base = big.verify.seconds;
  const figures: Figures = {
    [`verify_warm_s_${tag}`]: round(base, 2),
    [`verify_cold_s_${tag}`]: round(big.cold.seconds, 2),
    [`verify_cold_mb_fetched_${tag}`]: round(big.coldBytes / 2 ** 20, 1),
    // What bounds a cold verify: the transfer alone (plain git) against the checking (warm verify).
    [`git_fetch_s_${tag}`]: round(plainFetch, 2),
    [`stats_s_${tag}`]: round(big.stats.seconds, 2),
    [`audit_s_${tag}`]: round(big.audit.seconds, 2),
    [`export_ocsf_s_${tag}`]: round(big.exportOcsf.seconds, 2),
    [`report_s_${tag}`]: round(big.report.seconds, 2),
    [`log_all_s_${tag}`]: round(big.log.seconds, 2),
    [`report_html_mb_${tag}`]: { value: round(statSync(big.html).size / 2 ** 20, 2), target: '<= 5' },
    [`ratio_stats_vs_verify_${tag}`]: { value: round(big.stats.seconds / base, 2), target: '<= 1.3' },
    [`ratio_audit_vs_verify_${tag}`]: { value: round(big.audit.seconds / base, 2), target: '<= 1.3' },
    [`ratio_export_ocsf_vs_verify_${tag}`]: {
      value: round(big.exportOcsf.seconds / base, 2),
      target: '<= 1.3',
    },
    [`ratio_report_vs_verify_${tag}`]: { value: round(big.report.seconds / base, 2), target: '<= 1.3' },
  };
  if (render !== undefined) figures[`report_render_s_${tag}`] = { value: round(render, 2), target: '<= 10' };
  const commands = ['verify', 'stats', 'audit', 'exportOcsf', 'report', 'log'] as const;
  for (const c of commands) {
    const name = c === 'exportOcsf' ? 'export_ocsf' : c;
    const r1k = small[c].rssMb;
    const r100k = big[c].rssMb;
    figures[`peak_rss_mb_1k_${name}`] = round(r1k);
    figures[`peak_rss_mb_${tag}_${name}`] = round(r100k);
    // Flat memory: peak RSS at 100k <= 1.5x the 1k one + 150 MB, i.e. this ratio <= 1.
    figures[`ratio_rss_${name}_${tag}_vs_allowed`] = {
      value: round(r100k / (1.5 * r1k + 150), 2),
      target: '<= 1',
    };
  }
  figures.peak_rss_mb_1k_verify_cold = round(small.cold.rssMb);
  figures[`peak_rss_mb_${tag}_verify_cold`] = round(big.cold.rssMb);
  return figures;
}
