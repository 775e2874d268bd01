/**
 * The only place that starts git. Every call passes an argument array (never a shell string),
 * turns off prompts and background maintenance, and has a time limit so a hung remote cannot
 * hold a deploy forever. Credentials travel in the environment of one call, never in a URL.
 */
import { spawn } from 'node:child_process';
import { ShiplogError } from '../errors.ts';

export interface GitOptions {
  gitDir?: string;
  cwd?: string;
  input?: string | Buffer;
  /** Extra `-c key=value` settings passed through the environment (not visible in `ps`). */
  config?: Record<string, string>;
  timeoutMs?: number;
  /** Resolve instead of throwing when git exits non-zero. */
  allowFail?: boolean;
  /**
   * Large output read all at once: let git fill its buffers (GIT_FLUSH=0). Otherwise `git log`
   * into a pipe flushes after every commit and a 100k-commit log arrives in 100k tiny reads.
   */
  bulkOutput?: boolean;
  /**
   * Hands stdout over chunk by chunk as it arrives (the result's stdout is then empty). A returned
   * promise pauses reading (and the timeout) until it settles: back-pressure on git itself.
   */
  onStdout?: (chunk: Buffer) => void | Promise<void>;
}

export interface GitResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

const BASE_CONFIG: Record<string, string> = {
  'gc.auto': '0',
  'maintenance.auto': 'false',
  'protocol.ext.allow': 'never',
  'core.hooksPath': '/dev/null',
  'advice.detachedHead': 'false',
};

export function defaultTimeoutMs(): number {
  const fromEnv = Number(process.env.SHIPLOG_GIT_TIMEOUT_MS);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 120_000;
}

export function gitEnv(opts: Pick<GitOptions, 'gitDir' | 'config'>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '',
    SSH_ASKPASS: '',
    GCM_INTERACTIVE: 'never',
    LC_ALL: 'C',
    LANG: 'C',
  };
  delete env.GIT_DIR;
  delete env.GIT_WORK_TREE;
  delete env.GIT_INDEX_FILE;
  if (opts.gitDir) env.GIT_DIR = opts.gitDir;
  const config = { ...BASE_CONFIG, ...opts.config };
  const keys = Object.keys(config);
  env.GIT_CONFIG_COUNT = String(keys.length);
  keys.forEach((k, i) => {
    env[`GIT_CONFIG_KEY_${i}`] = k;
    env[`GIT_CONFIG_VALUE_${i}`] = config[k];
  });
  return env;
}

export function git(args: string[], opts: GitOptions = {}): Promise<GitResult> {
  const timeoutMs = opts.timeoutMs ?? defaultTimeoutMs();
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: opts.cwd,
      env: opts.bulkOutput ? { ...gitEnv(opts), GIT_FLUSH: '0' } : gitEnv(opts),
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let closed = false;
    let consumerError: unknown;
    const expire = (): void => {
      timedOut = true;
      killGroup(child.pid);
    };
    let timer = setTimeout(expire, timeoutMs);
    const onStdout = opts.onStdout;
    child.stdout.on(
      'data',
      onStdout
        ? (d: Buffer) => {
            const wait = onStdout(d);
            if (!wait) return;
            // git waits on a full pipe meanwhile; time spent waiting on the consumer is not git's.
            clearTimeout(timer);
            child.stdout.pause();
            wait.then(
              () => {
                // git may have exited meanwhile: a timer armed now would only hold the process open.
                if (!closed) timer = setTimeout(expire, timeoutMs);
                child.stdout.resume();
              },
              (e: unknown) => {
                consumerError = e;
                killGroup(child.pid);
                child.stdout.resume();
              },
            );
          }
        : (d: Buffer) => out.push(d),
    );
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new ShiplogError('GIT_FAILED', `could not start git: ${e.message}`, { cause: e }));
    });
    child.on('close', (code) => {
      closed = true;
      clearTimeout(timer);
      const result = {
        code: code ?? -1,
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err).toString('utf8'),
      };
      if (consumerError !== undefined) {
        reject(consumerError);
      } else if (timedOut) {
        reject(
          new ShiplogError(
            'GIT_TIMEOUT',
            `git ${args[0]} did not finish within ${timeoutMs} ms and was stopped`,
          ),
        );
      } else if (result.code !== 0 && !opts.allowFail) {
        reject(
          new ShiplogError(
            'GIT_FAILED',
            `git ${args[0]} failed (exit ${result.code}): ${lastLines(result.stderr)}`,
            {
              details: result,
            },
          ),
        );
      } else {
        resolve(result);
      }
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

export function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

export function lastLines(text: string, n = 3): string {
  return text.trim().split('\n').slice(-n).join(' | ') || '(no message)';
}

export interface BatchObject {
  sha: string;
  type: string;
  data: Buffer;
}

/**
 * Incremental parser of `git cat-file --batch` output: fed stdout chunks, it calls `onObject` once
 * per requested object, in request order (undefined for a missing one). Chunks are kept in a list
 * and joined only where an object spans two of them, so a large blob is not copied once per chunk
 * and a small one usually not at all.
 */
class BatchOutputParser {
  private chunks: Buffer[] = [];
  private length = 0;
  private pending: { sha: string; type: string; size: number } | undefined;

  constructor(private readonly onObject: (obj: BatchObject | undefined) => unknown) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
    for (;;) {
      if (!this.pending) {
        const nl = this.newline();
        if (nl < 0) return;
        const header = this.take(nl + 1).toString('utf8', 0, nl);
        if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
          this.onObject(undefined);
          continue;
        }
        const [sha, type, size] = header.split(' ');
        this.pending = { sha: sha!, type: type!, size: Number(size) };
      }
      if (this.length < this.pending.size + 1) return;
      const data = this.take(this.pending.size + 1).subarray(0, this.pending.size);
      const obj = { sha: this.pending.sha, type: this.pending.type, data };
      this.pending = undefined;
      this.onObject(obj);
    }
  }

  private newline(): number {
    let base = 0;
    for (const c of this.chunks) {
      const i = c.indexOf(10);
      if (i >= 0) return base + i;
      base += c.length;
    }
    return -1;
  }

  /** Removes and returns the next n buffered bytes (n <= this.length). */
  private take(n: number): Buffer {
    this.length -= n;
    const first = this.chunks[0]!;
    if (first.length >= n) {
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    for (let off = 0; off < n;) {
      const c = this.chunks[0]!;
      const k = Math.min(c.length, n - off);
      c.copy(out, off, 0, k);
      off += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    return out;
  }
}

/**
 * Streams `git cat-file --batch` over many object specs with one process, calling `onObject` in
 * request order (undefined for a missing object). Memory stays bounded by one object at a time.
 * When `onObject` returns a promise, reading pauses until it settles (back-pressure for consumers
 * that hand objects on to slower workers).
 */
export async function catFileBatch(
  gitDir: string,
  specs: string[],
  onObject: (index: number, obj: BatchObject | undefined) => void | Promise<void>,
  opts: { timeoutMs?: number; config?: Record<string, string> } = {},
): Promise<void> {
  if (specs.length === 0) return;
  const feed = catFileFeed(gitDir, onObject, opts);
  // Requests with back-pressure so a 100k-entry request list does not balloon memory.
  for (const spec of specs) if (!feed.request(spec)) await feed.drained();
  feed.end();
  return feed.done;
}

/** A `git cat-file --batch` that takes its requests as they come (see catFileFeed). */
export interface CatFileFeed {
  /** Asks for one more object; false when the pipe is full (await `drained()` before more). */
  request(spec: string): boolean;
  drained(): Promise<void>;
  /** No more requests: `done` settles once every requested object was handled. */
  end(): void;
  done: Promise<void>;
}

/**
 * catFileBatch for requests that are not all known up front (a history read as git walks it): the
 * caller never holds the whole list, and objects come back in request order.
 */
export function catFileFeed(
  gitDir: string,
  onObject: (index: number, obj: BatchObject | undefined) => void | Promise<void>,
  opts: { timeoutMs?: number; config?: Record<string, string> } = {},
): CatFileFeed {
  const timeoutMs = opts.timeoutMs ?? defaultTimeoutMs();
  // --buffer: requests are not answered one by one, so git need not flush after each object.
  const child = spawn('git', ['cat-file', '--batch', '--buffer'], {
    env: gitEnv({ gitDir, config: opts.config }),
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let requested = 0;
  let ended = false;
  /** Starts the idle timer when answers are owed and none is running (set up below). */
  let owed = (): void => undefined;
  const done = new Promise<void>((resolve, reject) => {
    // An idle limit, not a total one: reading a 100k-entry history on a busy runner takes minutes,
    // and only a cat-file that stops answering is stuck.
    const expire = (): void => {
      killGroup(child.pid);
      reject(new ShiplogError('GIT_TIMEOUT', `git cat-file gave nothing for ${timeoutMs} ms`));
    };
    let timer: NodeJS.Timeout | undefined;
    let closed = false;
    const arm = (): void => {
      clearTimeout(timer);
      timer = undefined;
      // Idle only counts while answers are owed (and never once git is gone).
      if (requested > index && !closed) timer = setTimeout(expire, timeoutMs);
    };
    owed = () => {
      if (timer === undefined) arm();
    };
    let index = 0;
    let failed = false;
    let waits: Promise<void>[] = [];
    // Every consumer promise, so the call settles only after the last object was handled.
    let handled: Promise<unknown> = Promise.resolve();
    const parser = new BatchOutputParser((obj) => {
      const wait = onObject(index++, obj);
      if (wait) waits.push(wait);
    });
    const errChunks: Buffer[] = [];
    child.stderr.on('data', (d: Buffer) => errChunks.push(d));
    child.stdout.on('data', (chunk: Buffer) => {
      const fail = (e: unknown): void => {
        failed = true;
        killGroup(child.pid);
        clearTimeout(timer);
        reject(e);
      };
      try {
        parser.push(chunk);
      } catch (e) {
        return fail(e);
      }
      arm();
      if (waits.length) {
        child.stdout.pause();
        const all = Promise.all(waits);
        waits = [];
        handled = Promise.all([handled, all]);
        handled.catch(() => undefined); // a failure is reported through `fail`
        all.then(() => child.stdout.resume(), fail);
      }
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new ShiplogError('GIT_FAILED', `could not start git: ${e.message}`));
    });
    child.on('close', (code) => {
      closed = true;
      clearTimeout(timer);
      if (failed) return;
      if (code !== 0 || index !== requested || !ended) {
        reject(
          new ShiplogError(
            'GIT_FAILED',
            `git cat-file failed (exit ${code}, ${index}/${requested} objects): ${lastLines(Buffer.concat(errChunks).toString())}`,
          ),
        );
      } else handled.then(() => resolve(), reject);
    });
  });
  done.catch(() => undefined); // the caller awaits `done`; an early failure must not go unhandled meanwhile
  child.stdin.on('error', () => undefined);
  return {
    request(spec) {
      requested++;
      const ok = child.stdin.write(spec + '\n');
      owed();
      return ok;
    },
    drained: () => new Promise((r) => child.stdin.once('drain', () => r())),
    end() {
      ended = true;
      child.stdin.end();
    },
    done,
  };
}

/** A long-lived `git cat-file --batch` for a few rounds of look-ups with one process. */
export class CatFileSession {
  private child;
  private queue: { resolve: (o: BatchObject | undefined) => void; reject: (e: Error) => void }[] = [];
  private parser = new BatchOutputParser((obj) => this.queue.shift()?.resolve(obj));
  private closed = false;
  private stderr = '';

  constructor(gitDir: string) {
    this.child = spawn('git', ['cat-file', '--batch'], {
      env: gitEnv({ gitDir }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout.on('data', (chunk: Buffer) => this.parser.push(chunk));
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.child.stdin.on('error', () => undefined);
    const fail = (e: Error): void => {
      this.closed = true;
      for (const q of this.queue.splice(0)) q.reject(e);
    };
    this.child.on('error', (e) => fail(new ShiplogError('GIT_FAILED', `could not start git: ${e.message}`)));
    this.child.on('close', (code) => {
      if (this.queue.length)
        fail(new ShiplogError('GIT_FAILED', `git cat-file exited (${code}): ${lastLines(this.stderr)}`));
    });
  }

  get(specs: string[]): Promise<(BatchObject | undefined)[]> {
    if (this.closed) return Promise.reject(new ShiplogError('GIT_FAILED', 'git cat-file already closed'));
    if (specs.some((s) => /[\n\0]/.test(s))) {
      return Promise.reject(new ShiplogError('BAD_INPUT', 'object name contains a newline'));
    }
    const results = specs.map(
      () => new Promise<BatchObject | undefined>((resolve, reject) => this.queue.push({ resolve, reject })),
    );
    this.child.stdin.write(specs.map((s) => s + '\n').join(''));
    return Promise.all(results);
  }

  close(): void {
    this.closed = true;
    this.child.stdin.end();
  }
}
