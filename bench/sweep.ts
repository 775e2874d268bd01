/**
 * What the app's sweeps and webhooks cost at an organisation's size, on the fake GitHub:
 * - sweep_api_requests_1000_repos: the full pass over 1000 repositories with 3 open PRs each whose
 *   checks are current, nothing changed since the pass before (target ≤ 1100: one conditional
 *   request per repository, answered 304, plus listing installations and repositories; the design
 *   before issue 21 needed ~6000 — policy, PR list and one check-run lookup per PR each time);
 *   sweep_api_requests_1000_repos_cold is the pass before it, which fills the ETag cache;
 * - sweep_api_requests_1000_repos_10_failed: the frequent sweep with 10 failed webhook deliveries
 *   (target ≤ 60): one page of deliveries and one redelivery request each — each redelivered
 *   webhook then costs one evaluation (webhook_api_requests_per_evaluation);
 * - webhook_throughput_per_s_1_replica / _3_replicas and their ratio (target ≥ 1.5): signed
 *   `pull_request` deliveries evaluated by replicas of the bundled app (node dist/app.js) on one
 *   real Redis, sent 12 at a time, round-robin.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAppServer } from '../src/app/server.ts';
import { startFakeGitHub, type FakeGitHub } from '../test/support/fake-github.ts';
import { createLedgerFixture } from '../test/support/ledger-fixture.ts';
import { startRedis } from '../test/support/redis-server.ts';
import { payloadsFor, signBody } from '../test/support/webhooks.ts';
import { round } from './stats.ts';

const REPOS = 1000;
const PRS = 3;
const SECRET = 'bench-secret';
const POLICY = 'rules:\n  - name: Migrations\n    paths: ["db/migrations/**"]\n    approvals: 1\n';
const LONG_AGO = '2026-01-01T00:00:00Z';

function privateKey(): string {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
}

function appEnv(gh: FakeGitHub, extra: Record<string, string>): Record<string, string> {
  return {
    APP_ID: String(gh.appId),
    PRIVATE_KEY: privateKey(),
    WEBHOOK_SECRET: SECRET,
    PORT: '0',
    HOST: '127.0.0.1',
    GHE_HOST: new URL(gh.rootUrl).host,
    GHE_PROTOCOL: 'http',
    LOG_LEVEL: 'fatal',
    SHIPLOG_SPACE_WRITES: 'false',
    // every event is for a PR of its own: the debounce window would only add latency
    SHIPLOG_DEBOUNCE: 'off',
    SHIPLOG_SWEEP_INTERVAL: 'off',
    SHIPLOG_FULL_SWEEP_INTERVAL: 'off',
    SHIPLOG_RECONCILE_INTERVAL: 'off',
    ...extra,
  };
}

export async function sweepBench(log: (s: string) => void): Promise<Record<string, number>> {
  const gh = await startFakeGitHub();
  const ledger = await createLedgerFixture();
  const out: Record<string, number> = {};
  try {
    log(`sweep: ${REPOS} repositories with ${PRS} open PRs each, checks current`);
    for (let r = 0; r < REPOS; r++) {
      const full = `acme/svc-${r}`;
      gh.addRepo(full);
      gh.setFile(full, '.github/shiplog.yml', POLICY);
      for (let p = 0; p < PRS; p++) {
        const pr = gh.addPullRequest(full, { user: 'alice', files: [`db/migrations/${p}.sql`] });
        pr.updatedAt = LONG_AGO;
        gh.checkRuns(full).push({
          id: 10_000_000 + r * PRS + p,
          name: 'shiplog/approvals',
          headSha: pr.headSha,
          status: 'completed',
          conclusion: 'failure',
          title: '0 of 1 rule satisfied',
          summary: '',
          text: null,
          externalId: `shiplog:pr:${pr.number}`,
          detailsUrl: null,
          startedAt: LONG_AGO,
          completedAt: new Date().toISOString(),
          appId: gh.appId,
        });
      }
    }
    const app = await startAppServer(
      appEnv(gh, {
        SHIPLOG_LEDGER_REMOTE: ledger.remote,
        SHIPLOG_CACHE_DIR: join(ledger.dir, 'app-cache'),
      }),
    );
    try {
      let n = gh.requests.length;
      const cold = await app.sweeps.sweep();
      out.sweep_api_requests_1000_repos_cold = gh.requests.length - n;
      const failed = cold.filter((s) => s.error).length;
      if (failed)
        log(`sweep: ${failed} repositories failed in the cold pass: ${cold.find((s) => s.error)?.error}`);
      n = gh.requests.length;
      const warm = await app.sweeps.sweep();
      out.sweep_api_requests_1000_repos = gh.requests.length - n;
      out.sweep_not_modified_1000_repos = gh.requests.slice(n).filter((q) => q.status === 304).length;
      log(
        `sweep: unchanged repositories ${warm.filter((s) => s.unchanged).length}/${REPOS}; ${out.sweep_api_requests_1000_repos} requests, ${out.sweep_not_modified_1000_repos} of them 304`,
      );

      await app.sweeps.frequent(); // the cursor starts here
      const installationId = gh.installationId('acme');
      for (let i = 0; i < 10; i++)
        gh.addDelivery({
          statusCode: 502,
          installationId,
          repositoryId: 1,
          event: 'pull_request',
          action: 'synchronize',
        });
      n = gh.requests.length;
      const frequent = await app.sweeps.frequent();
      out.sweep_api_requests_1000_repos_10_failed = gh.requests.length - n;
      log(
        `sweep: 10 failed deliveries: ${frequent.redelivered.length} redelivered, ${out.sweep_api_requests_1000_repos_10_failed} requests`,
      );
    } finally {
      await app.close();
    }
  } finally {
    await gh.close();
    ledger.cleanup();
  }
  return out;
}

interface Replica {
  child: ChildProcess;
  webhookUrl: string;
}

async function startReplica(gh: FakeGitHub, env: Record<string, string>): Promise<Replica> {
  const child = spawn(process.execPath, [join(import.meta.dirname, '..', 'dist', 'app.js')], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...appEnv(gh, env),
      NODE_ENV: 'production',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let text = '';
  const webhookUrl = await new Promise<string>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      text += c;
      const m = /webhooks at (\S+)/.exec(text);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`app exited with ${code}`)));
  });
  return { child, webhookUrl };
}

async function stop(r: Replica): Promise<void> {
  if (r.child.exitCode !== null) return;
  const exited = once(r.child, 'exit');
  r.child.kill('SIGKILL');
  await exited;
}

/** CPU time (user + system) a process has used so far, from /proc (Linux). */
function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux)
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

const EVENTS = 90;
const CONCURRENCY = 12;

export async function webhookBench(log: (s: string) => void): Promise<Record<string, number>> {
  const gh = await startFakeGitHub();
  const redis = await startRedis();
  const cache = mkdtempSync(join(tmpdir(), 'shiplog-bench-replicas-'));
  try {
    const run = async (replicas: number, batch: number) => {
      const events: string[] = [];
      for (let r = 0; r < 10; r++) {
        const full = `acme/tp${batch}-${r}`;
        gh.addRepo(full);
        gh.setFile(full, '.github/shiplog.yml', POLICY);
        const payloads = payloadsFor(gh, full);
        for (let p = 0; p < EVENTS / 10; p++) {
          const pr = gh.addPullRequest(full, { user: 'alice', files: [`db/migrations/${p}.sql`] });
          events.push(JSON.stringify(payloads.pullRequest(pr, 'opened')));
        }
      }
      const apps = await Promise.all(
        Array.from({ length: replicas }, (_, i) =>
          startReplica(gh, { REDIS_URL: redis.url, SHIPLOG_CACHE_DIR: join(cache, `r${batch}-${i}`) }),
        ),
      );
      try {
        // one warm-up delivery per replica (its first installation token, JIT)
        const send = async (body: string, i: number) => {
          const res = await fetch(apps[i % apps.length]!.webhookUrl, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-github-event': 'pull_request',
              'x-github-delivery': randomUUID(),
              'x-hub-signature-256': signBody(body, SECRET),
            },
            body,
          });
          await res.text();
          if (res.status >= 300) throw new Error(`delivery answered ${res.status}`);
        };
        await Promise.all(apps.map((_, i) => send(events[i]!, i)));
        const rest = events.slice(apps.length);
        const before = gh.requests.length;
        const appCpu = apps.map((a) => cpuMs(a.child.pid!));
        const benchCpu = process.cpuUsage();
        const started = performance.now();
        let next = 0;
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            while (next < rest.length) {
              const i = next++;
              await send(rest[i]!, i);
            }
          }),
        );
        const seconds = (performance.now() - started) / 1000;
        const used = process.cpuUsage(benchCpu);
        // Where the 2 cores went: the replicas, and this process (the fake GitHub and the sender).
        const appMs = apps.reduce((sum, a, i) => sum + cpuMs(a.child.pid!) - appCpu[i]!, 0);
        const benchMs = (used.user + used.system) / 1000;
        const byRoute = new Map<string, number>();
        for (const r of gh.requests.slice(before)) {
          const k = `${r.method} ${r.route ?? r.path}`;
          byRoute.set(k, (byRoute.get(k) ?? 0) + 1);
        }
        log(
          `webhooks: ${replicas} replica(s): ${round(rest.length / seconds, 1)}/s; CPU per event: replicas ${round(appMs / rest.length, 1)} ms, bench process (fake GitHub) ${round(benchMs / rest.length, 1)} ms; requests per event: ${[...byRoute].map(([k, n]) => `${k} ${round(n / rest.length, 1)}`).join(', ')}`,
        );
        return {
          perSecond: rest.length / seconds,
          requests: (gh.requests.length - before) / rest.length,
          appMs: appMs / rest.length,
          benchMs: benchMs / rest.length,
        };
      } finally {
        await Promise.all(apps.map(stop));
      }
    };
    const one = await run(1, 1);
    const three = await run(3, 3);
    log(`webhooks: 1 replica ${round(one.perSecond, 1)}/s, 3 replicas ${round(three.perSecond, 1)}/s`);
    return {
      webhook_throughput_per_s_1_replica: round(one.perSecond, 1),
      webhook_throughput_per_s_3_replicas: round(three.perSecond, 1),
      ratio_webhook_throughput_3_vs_1_replicas: round(three.perSecond / one.perSecond, 2),
      webhook_api_requests_per_evaluation: round(one.requests, 1),
      webhook_app_cpu_ms_per_event: round(one.appMs, 1),
      webhook_fake_github_cpu_ms_per_event: round(one.benchMs, 1),
    };
  } finally {
    await redis.close();
    await gh.close();
    rmSync(cache, { recursive: true, force: true });
  }
}
