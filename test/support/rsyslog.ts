/**
 * A real rsyslogd for the forwarding tests: in the foreground (`-n`), with its own config, pid file
 * and work folder in a temporary folder, listening on free loopback ports with
 *   - imtcp, plain (octet-counted framing is on by default),
 *   - imtcp over TLS (gtls driver, anonymous clients) and, optionally, TLS requiring a client
 *     certificate from the test CA,
 *   - imrelp,
 * each writing every message it receives, exactly as received (`%rawmsg%`), to its own file.
 * The maximum message size is left at rsyslog's default (8 KB), as a collector nobody tuned has it:
 * forward must keep every message under it (export/truncate.ts).
 *
 * Queues are Direct (the input thread runs the file action before it returns), so when imrelp
 * acknowledges a message it has already been written to the file: a SIGKILL then loses nothing
 * that was acknowledged, which is what the RELP tests rely on.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const RSYSLOGD = '/usr/sbin/rsyslogd';

export type Input = 'tcp' | 'tls' | 'tlsAuth' | 'relp';

export interface RsyslogTls {
  ca: string;
  cert: string;
  key: string;
}

export interface Rsyslog {
  dir: string;
  ports: Record<Input, number>;
  files: Record<Input, string>;
  /** Lines received on an input so far. */
  lines(input: Input): string[];
  /** Resolves with the lines once there are at least `n` (polls the file; no fixed sleeps). */
  waitForLines(input: Input, n: number, timeoutMs?: number): Promise<string[]>;
  /**
   * SIGSTOP, resolved once every thread is stopped: the process keeps its sockets open but reads
   * nothing more (the kernel still queues what arrives).
   */
  pause(): Promise<void>;
  /** SIGKILL, and wait until the process is gone. */
  kill(): Promise<void>;
  /** Start again on the same ports with the same files (after kill or stop). */
  start(): Promise<void>;
  stop(): Promise<void>;
  cleanup(): Promise<void>;
}

/** rsyslogd with the RELP input and the TLS driver, as CI installs them. */
export function rsyslogAvailable(): boolean {
  if (!existsSync(RSYSLOGD)) return false;
  const probe = spawnSync(RSYSLOGD, ['-v'], { encoding: 'utf8' });
  if (probe.status !== 0) return false;
  const modules = [
    '/usr/lib/x86_64-linux-gnu/rsyslog',
    '/usr/lib/aarch64-linux-gnu/rsyslog',
    '/usr/lib/rsyslog',
  ];
  return modules.some((d) => existsSync(join(d, 'imrelp.so')) && existsSync(join(d, 'lmnsd_gtls.so')));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect({ host: '127.0.0.1', port });
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 15_000,
  everyMs = 10,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

function config(
  dir: string,
  ports: Record<Input, number>,
  files: Record<Input, string>,
  tls: RsyslogTls,
  clientAuth: boolean,
): string {
  const q = (s: string) => JSON.stringify(s);
  return `
global(
  workDirectory=${q(join(dir, 'work'))}
  defaultNetstreamDriverCAFile=${q(tls.ca)}
  defaultNetstreamDriverCertFile=${q(tls.cert)}
  defaultNetstreamDriverKeyFile=${q(tls.key)}
)
main_queue(queue.type="Direct")
module(load="imtcp")
module(load="imrelp")
template(name="raw" type="string" string="%rawmsg%\\n")
${(Object.keys(files) as Input[])
  .map((i) => `ruleset(name="r_${i}") { action(type="omfile" file=${q(files[i])} template="raw") }`)
  .join('\n')}
input(type="imtcp" address="127.0.0.1" port="${ports.tcp}" ruleset="r_tcp")
input(type="imtcp" address="127.0.0.1" port="${ports.tls}" ruleset="r_tls"
  streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon")
${
  clientAuth
    ? `input(type="imtcp" address="127.0.0.1" port="${ports.tlsAuth}" ruleset="r_tlsAuth"
  streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="x509/certvalid")`
    : ''
}
input(type="imrelp" address="127.0.0.1" port="${ports.relp}" ruleset="r_relp")
`;
}

export async function startRsyslog(options: { tls: RsyslogTls; clientAuth?: boolean }): Promise<Rsyslog> {
  const dir = mkdtempSync(join(tmpdir(), 'shiplog-rsyslog-'));
  mkdirSync(join(dir, 'work'));
  const inputs: Input[] = ['tcp', 'tls', 'tlsAuth', 'relp'];
  const ports = {} as Record<Input, number>;
  const files = {} as Record<Input, string>;
  for (const i of inputs) {
    ports[i] = await freePort();
    files[i] = join(dir, `${i}.log`);
  }
  const clientAuth = options.clientAuth ?? false;
  const conf = join(dir, 'rsyslog.conf');
  writeFileSync(conf, config(dir, ports, files, options.tls, clientAuth));
  const pidFile = join(dir, 'rsyslogd.pid');
  let child: ChildProcess | undefined;
  let exited: Promise<void> | undefined;
  let stderr = '';

  const start = async (): Promise<void> => {
    rmSync(pidFile, { force: true });
    stderr = '';
    const c = spawn(RSYSLOGD, ['-n', '-f', conf, '-i', pidFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    c.stdout!.on('data', (d: Buffer) => (stderr += d.toString()));
    c.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    let gone = false;
    exited = new Promise((resolve) =>
      c.once('exit', () => {
        gone = true;
        resolve();
      }),
    );
    child = c;
    const listening = inputs.filter((i) => i !== 'tlsAuth' || clientAuth);
    await waitFor('rsyslogd to listen', async () => {
      if (gone) throw new Error(`rsyslogd exited at start: ${stderr.slice(0, 2000)}`);
      for (const i of listening) if (!(await canConnect(ports[i]))) return undefined;
      return true;
    });
  };

  const kill = async (): Promise<void> => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await exited;
  };

  const pause = async (): Promise<void> => {
    const pid = child?.pid;
    if (pid === undefined) return;
    child!.kill('SIGSTOP');
    // A signal is not synchronous: wait until /proc shows every thread stopped (state T).
    await waitFor('rsyslogd to stop', () => {
      const tasks = readdirSync(`/proc/${pid}/task`);
      const stopped = tasks.every((t) => {
        const stat = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
        return /^\S+ \(.*\) [Tt] /.test(stat);
      });
      return stopped ? true : undefined;
    });
  };

  const stop = async (): Promise<void> => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child?.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };

  const lines = (input: Input): string[] => {
    if (!existsSync(files[input])) return [];
    const text = readFileSync(files[input], 'utf8');
    // Only whole lines: the last one may still be being written.
    const end = text.lastIndexOf('\n');
    return end < 0 ? [] : text.slice(0, end).split('\n');
  };

  await start();
  return {
    dir,
    ports,
    files,
    lines,
    waitForLines: (input, n, timeoutMs) =>
      waitFor(
        `${n} lines on ${input}`,
        () => {
          const l = lines(input);
          return l.length >= n ? l : undefined;
        },
        timeoutMs,
      ),
    pause,
    kill,
    start,
    stop,
    cleanup: async () => {
      // A test collector has nothing to flush: SIGKILL is instant where a graceful stop takes a second.
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
