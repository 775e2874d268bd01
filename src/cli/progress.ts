/**
 * Progress for long work on a terminal: one line on stderr, rewritten in place — entries done of
 * the total, the rate and the time left. It appears only once the work has run ~2 s (a quick
 * command stays silent), only when stderr is a terminal, and never with --quiet or --json (a
 * terminal that shows stdout and stderr together must show clean JSON). It clears itself when done,
 * so what the command prints next starts on a clean line.
 */
import { Option } from 'commander';

/** Where progress is written: the parts of a tty.WriteStream it uses (tests pass their own). */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): boolean;
}

export interface ProgressOptions {
  /** What is being done, e.g. "verifying". */
  label: string;
  stream?: ProgressStream;
  quiet?: boolean;
  json?: boolean;
  /** Silence before the first line (ms). */
  delayMs?: number;
  /** Least time between two redraws (ms). */
  intervalMs?: number;
  now?: () => number;
}

export interface Progress {
  /** `done` of `total` entries are through (total may grow, e.g. with every shard). */
  update(done: number, total: number): void;
  /** Removes the line, if one was drawn. */
  finish(): void;
}

const SILENT: Progress = { update: () => undefined, finish: () => undefined };

export function quietOption(): Option {
  return new Option('--quiet', 'no progress line on stderr (it shows only on a terminal, after ~2 s)');
}

export function startProgress(o: ProgressOptions): Progress {
  const stream = o.stream ?? process.stderr;
  if (o.quiet || o.json || !stream.isTTY) return SILENT;
  const now = o.now ?? (() => performance.now());
  const delay = o.delayMs ?? afterMs();
  const interval = o.intervalMs ?? 250;
  const started = now();
  let drawn = false;
  let last = -Infinity;
  return {
    update(done, total) {
      const t = now();
      if (t - started < delay || (t - last < interval && done < total)) return;
      last = t;
      const line = progressLine(o.label, done, total, (t - started) / 1000);
      const width = Math.max(20, (stream.columns || 80) - 1);
      stream.write(`\r\u001b[K${line.slice(0, width)}`);
      drawn = true;
    },
    finish() {
      if (drawn) stream.write('\r\u001b[K');
      drawn = false;
    },
  };
}

/** ~2 s; SHIPLOG_PROGRESS_AFTER_MS changes it (tests, and people who want it sooner or never). */
function afterMs(): number {
  const v = Number(process.env.SHIPLOG_PROGRESS_AFTER_MS);
  return process.env.SHIPLOG_PROGRESS_AFTER_MS !== undefined && Number.isFinite(v) && v >= 0 ? v : 2000;
}

/** "verifying 12,345 / 100,027 entries (12%), 5,210/s, about 17 s left". */
export function progressLine(label: string, done: number, total: number, seconds: number): string {
  const n = (x: number): string => Math.round(x).toLocaleString('en-US');
  const pct = total > 0 ? Math.floor((done / total) * 100) : 0;
  const rate = seconds > 0 ? done / seconds : 0;
  const left = rate > 0 && total >= done ? (total - done) / rate : undefined;
  return (
    `${label} ${n(done)} / ${n(total)} entries (${pct}%), ${n(rate)}/s` +
    (left !== undefined ? `, about ${eta(left)} left` : '')
  );
}

function eta(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m < 60 ? `${m} min ${s} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}
