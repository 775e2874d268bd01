/**
 * `npm run bench`: measures and prints a table, writes bench/results.json. Figures are compared as
 * ratios against baselines measured in the same run, because these machines are noisy.
 * SHIPLOG_BENCH_ENTRIES sets the big ledger's size (default 100000).
 */
import { mkdtempSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ledgerBench, writeResults } from './ledger.ts';
import { policyBench } from './policy.ts';

const targets: Record<string, string> = {
  ratio_append_100k_vs_git: '<= 3',
  ratio_append_100k_vs_1k: '<= 1.5',
  ratio_verify_1_vs_crypto: '>= 0.8',
  ratio_verify_jobs_vs_crypto: '>= 1.6',
  log_commit_ms_100k: '<= 100',
};

function meets(value: number, target: string): boolean {
  const [op, num] = target.split(' ');
  return op === '<=' ? value <= Number(num) : value >= Number(num);
}

const dir = mkdtempSync(join(tmpdir(), 'shiplog-bench-'));
const out = join(import.meta.dirname, 'results.json');
try {
  const big = Number(process.env.SHIPLOG_BENCH_ENTRIES) || 100_000;
  const log = (s: string): void => void process.stderr.write(`bench: ${s}\n`);
  const previous = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>) : {};
  const results: Record<string, unknown> = {
    ...previous,
    ...(await ledgerBench(dir, big, log)),
    ...(await policyBench(log)),
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
  process.stdout.write(`wrote ${out}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
