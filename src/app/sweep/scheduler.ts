/**
 * The app's periodic sweeps, for what webhooks alone cannot guarantee (GitHub does not retry a
 * delivery that failed). They cost what changed, not what exists:
 * - the frequent sweep (`sweepIntervalMs`, default 15 min) asks GitHub to redeliver the webhook
 *   deliveries that failed since the last one (`GET /app/hook/deliveries`: one request per 100
 *   deliveries, one per redelivery; the handlers' dedupe makes a redelivery of what did get done a
 *   no-op), and reads the tips of every known ledger's shards in one `git ls-remote` per ledger
 *   repository — only a tip that moved is fetched and held against the one seen last;
 * - the full pass (`fullSweepIntervalMs`, default daily) visits every repository with conditional
 *   requests: an unchanged open-PR list whose PRs were all current last time is one 304, which
 *   costs no rate limit; otherwise stale approval checks are re-evaluated;
 * - the reconciliation (`reconcileIntervalMs`, default daily) holds GitHub's deployments against
 *   the ledger.
 * One repository failing is logged and does not stop the others. An installation whose remaining
 * rate limit falls under `rateFloor` is left until its reset, and the log says so.
 *
 * With REDIS_URL the sweeps are BullMQ jobs (state/jobs.ts): each runs once across the replicas,
 * one job per repository. Without it they run on this process's timers.
 */
import type { Probot } from 'probot';
import { errorMessage, isShiplogError } from '../../errors.ts';
import type { GitHubApi } from '../../github/client.ts';
import { listHookDeliveries, redeliverHookDelivery } from '../../github/hook-deliveries.ts';
import { listInstallationRepositories, listInstallations } from '../../github/installations.ts';
import { planRedeliveries, DELIVERY_RETENTION_MS } from '../../reconcile/redeliver.ts';
import { installationToken, ledgerOf, type AppLedger } from '../ledger.ts';
import { configReader, loadPolicy } from '../policy-source.ts';
import type { AppSettings } from '../settings.ts';
import { conditionalRequests, type SweepBudget } from '../state/conditional.ts';
import { jobId, startJobs, type Jobs } from '../state/jobs.ts';
import type { KeyValue } from '../state/kv.ts';
import type { RepoRef } from '../targets.ts';
import { sweepApprovals, type ApprovalSweepResult } from './approvals.ts';
import { TipWatch, type TipVerdict } from './ledger-tip.ts';
import { lsRemoteTips } from './ls-remote.ts';
import { reconcileRepository, type EnvironmentReconciled } from './reconciliation.ts';

export interface RepositorySwept {
  repository: string;
  approvals?: ApprovalSweepResult;
  /** The open-PR list was unchanged (a 304) and every PR was current at the last pass. */
  unchanged?: boolean;
  ledger?: TipVerdict;
  reconciled?: EnvironmentReconciled[];
  error?: string;
}

export interface FrequentSwept {
  /** Delivery ids GitHub was asked to send again. */
  redelivered: number[];
  /** Ledger branch → what its tip did; branches whose tip did not move are not listed. */
  ledgers: Record<string, TipVerdict | 'error'>;
  /** Ledger branches read with ls-remote. */
  branches: number;
}

export interface Sweeps {
  /** The full pass now, in this process (what the daily job runs). */
  sweep(): Promise<RepositorySwept[]>;
  /** The frequent sweep now, in this process. */
  frequent(): Promise<FrequentSwept>;
  /** One reconciliation now, in this process. */
  reconcile(): Promise<RepositorySwept[]>;
  /** Stops the timers or the job worker, letting running sweeps finish. */
  stop(): Promise<void>;
}

interface Log {
  info(m: string): void;
  warn(m: string): void;
  error(m: string): void;
}

export interface SweepState {
  kv: KeyValue;
  tips: TipWatch;
}

type PassKind = 'approvals' | 'reconcile';

interface KnownLedger {
  installationId: number;
  ledger: AppLedger;
}

const KNOWN_LEDGERS = 'ledgers';

export function startSweeps(probot: Probot, settings: AppSettings, state: SweepState): Sweeps {
  const log = probot.log as unknown as Log;
  const { kv, tips } = state;
  const budgets = new Map<number, SweepBudget>();

  /** An installation's client for sweeps: conditional requests, and the rate floor. */
  async function installationApi(installationId: number) {
    const octokit = await probot.auth(installationId);
    const paused = Number((await kv.get(`paused:${installationId}`).catch(() => undefined)) ?? 0);
    const budget: SweepBudget = { requests: 0, notModified: 0 };
    if (paused * 1000 > Date.now()) budget.pausedUntil = paused;
    budgets.set(installationId, budget);
    conditionalRequests(octokit, {
      scope: String(installationId),
      cache: kv,
      floor: settings.rateFloor,
      budget,
    });
    return { octokit, api: octokit as unknown as GitHubApi, budget };
  }

  async function notePause(installationId: number, budget: SweepBudget): Promise<void> {
    if (budget.pausedUntil === undefined) return;
    const until = new Date(budget.pausedUntil * 1000).toISOString();
    const ttl = Math.max(1, Math.ceil(budget.pausedUntil - Date.now() / 1000));
    const before = await kv.get(`paused:${installationId}`).catch(() => undefined);
    await kv.set(`paused:${installationId}`, String(budget.pausedUntil), ttl).catch(() => {});
    if (before !== String(budget.pausedUntil))
      log.warn(
        `sweep: installation ${installationId}: rate limit under the floor of ${settings.rateFloor} remaining; its sweep stops and resumes after the reset at ${until}`,
      );
  }

  async function installationsAndRepos(): Promise<{ installationId: number; repos: RepoRef[] }[]> {
    const app = (await probot.auth()) as unknown as GitHubApi;
    const out: { installationId: number; repos: RepoRef[] }[] = [];
    for (const installation of await listInstallations(app)) {
      const { api, budget } = await installationApi(installation.id);
      if (budget.pausedUntil !== undefined) {
        log.info(
          `sweep: installation ${installation.id} (${installation.account}) skipped until its rate limit resets at ${new Date(budget.pausedUntil * 1000).toISOString()}`,
        );
        continue;
      }
      try {
        out.push({ installationId: installation.id, repos: await listInstallationRepositories(api) });
      } catch (error) {
        await notePause(installation.id, budget);
        log.error(`sweep: installation ${installation.id} (${installation.account}): ${errorMessage(error)}`);
      }
    }
    return out;
  }

  /** One repository of a pass; `seenLedgers` (in-process passes) checks each ledger tip once. */
  async function visitRepository(
    kind: PassKind,
    installationId: number,
    at: RepoRef,
    seenLedgers?: Set<string>,
  ): Promise<RepositorySwept> {
    const repository = `${at.owner}/${at.repo}`;
    const { octokit, api, budget } = await installationApi(installationId);
    if (budget.pausedUntil !== undefined) return { repository, error: 'rate limit under the floor' };
    try {
      if (kind === 'approvals') {
        const marker = `swept:${installationId}:${repository}`;
        const unchanged = await openPullsUnchanged(api, at, await kv.get(marker).catch(() => undefined));
        if (unchanged.same && !seenLedgers) return { repository, unchanged: true };
        // an unchanged repository's ledger is the one its policy named last time
        const known = unchanged.same ? await ledgerLastSeen(installationId, repository) : undefined;
        const loaded = known
          ? undefined
          : await loadPolicy({ config: configReader(octokit, at), octokit: api }, at);
        const ledger = known ?? ledgerOf(settings, loaded?.ok ? loaded.policy : undefined, at);
        await remember(installationId, ledger, repository);
        const out: RepositorySwept = { repository };
        if (unchanged.same || !loaded) out.unchanged = true;
        else {
          out.approvals = await sweepApprovals(api, settings, loaded, at);
          if (out.approvals.reevaluated.length)
            log.info(
              `sweep: ${repository}: re-evaluated ${out.approvals.reevaluated.map((n) => `#${n}`).join(', ')}`,
            );
          if (unchanged.etag && out.approvals.failed.length === 0 && out.approvals.unsettled === 0)
            await kv.set(marker, unchanged.etag, 7 * 24 * 3600).catch(() => {});
        }
        const key = `${ledger.location.remote}#${ledger.branch}`;
        if (seenLedgers && !seenLedgers.has(key)) {
          seenLedgers.add(key);
          out.ledger = await tips.check(
            api,
            log,
            ledger,
            { owner: ledger.owner, repo: ledger.repo },
            ledger.mirrored ? undefined : await installationToken(octokit),
          );
        }
        return out;
      }
      const loaded = await loadPolicy({ config: configReader(octokit, at), octokit: api }, at);
      const ledger = ledgerOf(settings, loaded.ok ? loaded.policy : undefined, at);
      await remember(installationId, ledger, repository);
      return {
        repository,
        reconciled: await reconcileRepository({
          api,
          log,
          settings,
          policy: loaded.ok ? loaded.policy : undefined,
          ledger,
          at,
          token: ledger.mirrored ? undefined : await installationToken(octokit),
          windowMs: 2 * settings.reconcileIntervalMs || 2 * 24 * 3600_000,
        }),
      };
    } catch (error) {
      await notePause(installationId, budget);
      if (!isShiplogError(error, 'RATE_FLOOR')) log.error(`sweep: ${repository}: ${errorMessage(error)}`);
      return { repository, error: errorMessage(error) };
    }
  }

  async function remember(installationId: number, ledger: AppLedger, repository: string): Promise<void> {
    const known: KnownLedger = { installationId, ledger };
    await kv.add(KNOWN_LEDGERS, JSON.stringify(known)).catch(() => {});
    await kv
      .set(`ledger-of:${installationId}:${repository}`, JSON.stringify(ledger), 7 * 24 * 3600)
      .catch(() => {});
  }

  async function ledgerLastSeen(installationId: number, repository: string): Promise<AppLedger | undefined> {
    const raw = await kv.get(`ledger-of:${installationId}:${repository}`).catch(() => undefined);
    return raw ? (JSON.parse(raw) as AppLedger) : undefined;
  }

  async function pass(kind: PassKind): Promise<RepositorySwept[]> {
    const out: RepositorySwept[] = [];
    const seenLedgers = new Set<string>();
    for (const { installationId, repos } of await installationsAndRepos())
      for (const at of repos)
        out.push(
          await visitRepository(kind, installationId, at, kind === 'approvals' ? seenLedgers : undefined),
        );
    return out;
  }

  async function redeliverFailed(): Promise<number[]> {
    const app = (await probot.auth()) as unknown as GitHubApi;
    const now = Date.now();
    const cursor = Number((await kv.get('deliveries:since')) ?? 0);
    // deliveries GitHub was still making at the last look are listed again (a minute's overlap)
    const since = new Date(
      Math.max(cursor ? cursor - 60_000 : now - 24 * 3600_000, now - DELIVERY_RETENTION_MS),
    );
    const plan = planRedeliveries(await listHookDeliveries(app, { since }), since);
    const done: number[] = [];
    for (const d of plan.redeliver) {
      try {
        await redeliverHookDelivery(app, d.id);
        done.push(d.id);
      } catch (error) {
        log.warn(`sweep: redelivering ${d.event} ${d.guid}: ${errorMessage(error)}`);
      }
    }
    if (done.length)
      log.info(
        `sweep: asked GitHub to redeliver ${done.length} failed webhook deliver${done.length === 1 ? 'y' : 'ies'}`,
      );
    await kv.set('deliveries:since', String(now));
    return done;
  }

  async function watchTips(): Promise<{ ledgers: FrequentSwept['ledgers']; branches: number }> {
    const known = (await kv.members(KNOWN_LEDGERS)).map((m) => JSON.parse(m) as KnownLedger);
    const byRemote = new Map<string, KnownLedger[]>();
    for (const k of known)
      byRemote.set(k.ledger.location.remote, [...(byRemote.get(k.ledger.location.remote) ?? []), k]);
    const ledgers: FrequentSwept['ledgers'] = {};
    let branches = 0;
    for (const [remote, list] of byRemote) {
      const first = list[0]!;
      try {
        const { octokit, api } = await installationApi(first.installationId);
        const token = first.ledger.mirrored ? undefined : await installationToken(octokit);
        const now = await lsRemoteTips({ remote, ...(token ? { token } : {}) });
        branches += now.size;
        const seen = new Set<string>();
        for (const { ledger } of list) {
          const key = `${remote}#${ledger.branch}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const last = await tips.lastCommit(ledger);
          const current = now.get(ledger.branch);
          if (last === current) continue;
          try {
            ledgers[key] = await tips.check(
              api,
              log,
              ledger,
              { owner: ledger.owner, repo: ledger.repo },
              token,
            );
          } catch (error) {
            ledgers[key] = 'error';
            log.error(`sweep: ledger ${ledger.repository} ${ledger.branch}: ${errorMessage(error)}`);
          }
        }
      } catch (error) {
        log.error(`sweep: ledger tips of ${first.ledger.repository}: ${errorMessage(error)}`);
      }
    }
    return { ledgers, branches };
  }

  async function frequent(): Promise<FrequentSwept> {
    let redelivered: number[] = [];
    try {
      redelivered = await redeliverFailed();
    } catch (error) {
      log.error(`sweep: failed deliveries: ${errorMessage(error)}`);
    }
    return { redelivered, ...(await watchTips()) };
  }

  // ------------------------------------------------------------------ running them

  if (settings.redisUrl) {
    const jobs: Jobs = startJobs({
      url: settings.redisUrl,
      log,
      lockMs: settings.lockTtlMs,
      schedules: {
        sweep: settings.sweepIntervalMs,
        'full-pass': settings.fullSweepIntervalMs,
        reconcile: settings.reconcileIntervalMs,
      },
      run: async (name, data) => {
        if (name === 'sweep') return summary(await frequent());
        if (name === 'full-pass' || name === 'reconcile') {
          const kind: PassKind = name === 'full-pass' ? 'approvals' : 'reconcile';
          const all = await installationsAndRepos();
          await jobs.enqueue(
            all.flatMap(({ installationId, repos }) =>
              repos.map((at) => ({
                name: 'repo',
                id: jobId('repo', kind, installationId, `${at.owner}/${at.repo}`),
                data: { kind, installationId, owner: at.owner, repo: at.repo },
              })),
            ),
          );
          return { repositories: all.reduce((n, i) => n + i.repos.length, 0) };
        }
        if (name === 'repo') {
          const d = data as { kind: PassKind; installationId: number; owner: string; repo: string };
          const swept = await visitRepository(d.kind, d.installationId, { owner: d.owner, repo: d.repo });
          if (swept.error && !/rate limit/.test(swept.error)) throw new Error(swept.error);
          return swept;
        }
        throw new Error(`unknown sweep job ${name}`);
      },
    });
    return {
      sweep: () => pass('approvals'),
      frequent,
      reconcile: () => pass('reconcile'),
      stop: () => jobs.stop(),
    };
  }

  const timers = [
    every(settings.sweepIntervalMs, 'sweep', frequent, log),
    every(settings.fullSweepIntervalMs, 'full pass', () => pass('approvals'), log),
    every(settings.reconcileIntervalMs, 'reconciliation', () => pass('reconcile'), log),
  ];
  return {
    sweep: () => pass('approvals'),
    frequent,
    reconcile: () => pass('reconcile'),
    stop: async () => {
      await Promise.all(timers.map((t) => t?.stop()));
    },
  };
}

function summary(f: FrequentSwept) {
  return { redelivered: f.redelivered.length, branches: f.branches, moved: Object.keys(f.ledgers).length };
}

/**
 * Whether the repository's open PRs are what they were when the last pass found them all current:
 * the first page of the list, asked conditionally, came back 304 with the ETag recorded then.
 */
async function openPullsUnchanged(
  api: GitHubApi,
  at: RepoRef,
  recorded: string | undefined,
): Promise<{ same: boolean; etag?: string }> {
  const response = await api.request('GET /repos/{owner}/{repo}/pulls', {
    owner: at.owner,
    repo: at.repo,
    state: 'open',
    sort: 'updated',
    direction: 'desc',
    per_page: 100,
  });
  const etag = typeof response.headers.etag === 'string' ? response.headers.etag : undefined;
  return {
    same: !!etag && etag === recorded && response.headers['x-shiplog-cache'] === 'hit',
    ...(etag ? { etag } : {}),
  };
}

function every(
  ms: number,
  name: string,
  run: () => Promise<unknown>,
  log: Log,
): { stop(): Promise<void> } | undefined {
  if (!ms) return undefined;
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = run()
      .catch((error: unknown) => log.error(`${name}: ${errorMessage(error)}`))
      .finally(() => (running = undefined));
  }, ms);
  // a sweep never keeps a stopping process alive
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
