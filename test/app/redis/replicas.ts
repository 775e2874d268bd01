/**
 * Replicas of the bundled app (`node dist/app.js`, as the container runs it) on one Redis, each
 * with a ledger cache of its own, and a webhook sender that deals deliveries round-robin.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { bundleDist } from '../../action/harness.ts';
import type { FakeGitHub } from '../../support/fake-github.ts';
import { appEnv, deliver, type Delivery } from '../harness.ts';

export interface Replica {
  name: string;
  url: string;
  webhookUrl: string;
  child: ChildProcess;
  /** Everything it logged (JSON lines). */
  log: string[];
}

let bundled: Promise<string> | undefined;
/** dist/app.js built from this tree, copied aside (once per test file). */
export function appBundle(): Promise<string> {
  bundled ??= bundleDist(['app.js', 'verify-worker.js']);
  return bundled;
}

export async function startReplica(
  gh: FakeGitHub,
  name: string,
  env: Record<string, string>,
): Promise<Replica> {
  const app = await appBundle();
  const child = spawn(process.execPath, [app], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...appEnv(gh, { LOG_LEVEL: 'info', LOG_FORMAT: 'json', ...env }),
      SHIPLOG_CACHE_DIR: join(env.SHIPLOG_CACHE_DIR ?? '/tmp', name),
      NODE_ENV: 'production',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  let buffered = '';
  const started = new Promise<string>((resolve, reject) => {
    const take = (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        log.push(line);
        const m = /webhooks at (\S+)/.exec(line);
        if (m) resolve(m[1]!);
      }
    };
    child.stdout!.setEncoding('utf8').on('data', take);
    child.stderr!.setEncoding('utf8').on('data', take);
    child.once('exit', (code) => reject(new Error(`replica ${name} exited with ${code}: ${log.join('\n')}`)));
  });
  const webhookUrl = await started;
  return { name, url: new URL(webhookUrl).origin, webhookUrl, child, log };
}

export async function stopReplica(r: Replica, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (r.child.exitCode !== null || r.child.signalCode !== null) return r.child.exitCode;
  const exited = once(r.child, 'exit');
  r.child.kill(signal);
  const [code] = (await exited) as [number | null];
  return code;
}

/** Deals deliveries to the replicas in turn (or to the one named). */
export class RoundRobin {
  private next = 0;
  constructor(public replicas: Replica[]) {}
  send(
    event: string,
    payload: unknown,
    options: { deliveryId?: string; to?: number } = {},
  ): Promise<Delivery & { replica: string }> {
    const i = options.to ?? this.next++ % this.replicas.length;
    const r = this.replicas[i]!;
    return deliver(r.webhookUrl, event, payload, options).then((d) => ({ ...d, replica: r.name }));
  }
}

/** Runs a sweep now, as its scheduler would: one job on the shared queue. */
export async function triggerSweep(
  redisUrl: string,
  name: 'sweep' | 'full-pass' | 'reconcile',
): Promise<void> {
  const queue = new Queue('shiplog-sweeps', { connection: { url: redisUrl } });
  try {
    await queue.add(name, {});
  } finally {
    await queue.close();
  }
}

export async function eventually(
  probe: () => boolean | Promise<boolean>,
  ms: number,
  what: string,
): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!(await probe())) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}
