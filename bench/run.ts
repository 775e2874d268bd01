/**
 * `npm run bench`: measures, prints a table with each target, writes bench/results.json. Figures
 * are compared as ratios against baselines measured in the same run, because these machines are
 * noisy.
 *
 *   npm run bench                  1k and 100k ledgers (SHIPLOG_BENCH_ENTRIES sets the big size)
 *   npm run bench -- --big         also a cold append onto a 1M-entry ledger
 *   npm run bench -- --keep DIR    leave DIR/ledger-1k.git, DIR/ledger-100k.git, DIR/shiplog.pub
 *                                  and DIR/shiplog.key for outside tools to measure
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { changeSetBench } from './change-set.ts';
import { sweepBench } from './sweep.ts';
import { ledgerBench, writeResults } from './ledger.ts';
import { policyBench } from './policy.ts';

const { values } = parseArgs({
  options: { big: { type: 'boolean', default: false }, keep: { type: 'string' } },
  allowPositionals: false,
});

/** Each target as the issue states it: a figure or a ratio, and the bound it must stay within. */
const targets: Record<string, string> = {
  ratio_cold_append_100k_vs_1k: '<= 1.3',
  ratio_cold_append_100k_vs_git: '<= 2',
  ratio_cold_append_1m_vs_1k: '<= 1.5',
  cold_append_kb_100k: '<= 64',
  ratio_verify_1_vs_crypto: '>= 0.85',
  ratio_verify_jobs_vs_crypto: '>= 1.3',
  incremental_verify_ms_100k: '<= 300',
  log_commit_cold_ms_100k: '<= 150',
  log_commit_cold_kb_100k: '<= 100',
  ratio_contention_vs_serial_rate: '>= 0.5',
  ratio_contention_p95_vs_serial_p50: '<= 10',
  contention_landed: '>= 160',
  change_set_api_requests_100_commits: '<= 10',
  policy_api_requests_3000_files: '<= 35',
  sweep_api_requests_1000_repos: '<= 1100',
  sweep_api_requests_1000_repos_10_failed: '<= 60',
  ratio_webhook_throughput_3_vs_1_replicas: '>= 1.5',
};

function meets(value: number, target: string): boolean {
  const [op, num] = target.split(' ');
  return op === '<=' ? value <= Number(num) : value >= Number(num);
}

const keep = values.keep ? resolve(values.keep) : undefined;
if (keep) mkdirSync(keep, { recursive: true });
const dir = keep ?? mkdtempSync(join(tmpdir(), 'shiplog-bench-'));
const out = join(import.meta.dirname, 'results.json');
try {
  // Processes run the bundled CLI, as users do: make sure it is the code of this tree.
  execFileSync(process.execPath, [join(import.meta.dirname, '..', 'scripts', 'bundle.mjs')], {
    stdio: 'inherit',
  });
  const big = Number(process.env.SHIPLOG_BENCH_ENTRIES) || 100_000;
  const log = (s: string): void => void process.stderr.write(`bench: ${s}\n`);
  const previous = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>) : {};
  // Figures of the v1 format no longer describe anything: start from the ones still measured.
  const kept = Object.fromEntries(
    Object.entries(previous).filter(
      ([k]) =>
        !/^(append_ms|git_append|ratio_append|verify_entries_per_s_one|ratio_verify_one|log_commit_ms)/.test(
          k,
        ),
    ),
  );
  const results: Record<string, unknown> = {
    ...kept,
    ...(await ledgerBench({ dir, big, million: values.big, keep: !!keep, log })),
    ...(await policyBench(log)),
    ...(await changeSetBench(log)),
    ...(await sweepBench(log)),
    measured_at: new Date().toISOString(),
  };
  writeResults(out, results);
  const rows = Object.entries(results).filter(([, v]) => typeof v === 'number') as [string, number][];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) {
    const t = targets[k];
    process.stdout.write(
      `${k.padEnd(width)}  ${String(v).padStart(10)}${t ? `  target ${t}: ${meets(v, t) ? 'ok' : 'MISSED'}` : ''}\n`,
    );
  }
  process.stdout.write(`wrote ${out}${keep ? `; ledgers and keys kept in ${keep}` : ''}\n`);
} finally {
  if (!keep) rmSync(dir, { recursive: true, force: true });
}
