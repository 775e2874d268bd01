/**
 * The app's periodic sweeps, for what webhooks alone cannot guarantee (GitHub does not retry a
 * delivery that failed): every `sweepIntervalMs` (default 15 min) stale approval checks are
 * re-evaluated and every ledger tip is held against the one seen last; every
 * `reconcileIntervalMs` (default 24 h) GitHub's deployments are reconciled with the ledger. Each
 * sweep walks the app's installations and their repositories as the app itself; one repository
 * failing is logged and does not stop the others. A sweep still running when the next is due is
 * not started twice.
 */
import type { Probot } from 'probot';
import { errorMessage } from '../../errors.ts';
import type { GitHubApi } from '../../github/client.ts';
import { listInstallationRepositories, listInstallations } from '../../github/installations.ts';
import { installationToken, ledgerOf, type AppLedger } from '../ledger.ts';
import { configReader, loadPolicy, type LoadedPolicy } from '../policy-source.ts';
import type { AppSettings } from '../settings.ts';
import type { RepoRef } from '../targets.ts';
import { sweepApprovals, type ApprovalSweepResult } from './approvals.ts';
import { TipWatch, type TipVerdict } from './ledger-tip.ts';
import { reconcileRepository, type EnvironmentReconciled } from './reconciliation.ts';

export interface RepositorySwept {
  repository: string;
  approvals?: ApprovalSweepResult;
  ledger?: TipVerdict;
  reconciled?: EnvironmentReconciled[];
  error?: string;
}

export interface Sweeps {
  /** One approvals-and-tips sweep now (what the timer runs). */
  sweep(): Promise<RepositorySwept[]>;
  /** One reconciliation now. */
  reconcile(): Promise<RepositorySwept[]>;
  stop(): void;
}

interface Log {
  info(m: string): void;
  warn(m: string): void;
  error(m: string): void;
}

interface RepoVisit {
  api: GitHubApi;
  at: RepoRef;
  loaded: LoadedPolicy;
  ledger: AppLedger;
  token: () => Promise<string>;
}

export function startSweeps(probot: Probot, settings: AppSettings): Sweeps {
  const log = probot.log as unknown as Log;
  const tips = new TipWatch();
  const seenLedgers = new Set<string>();

  async function eachRepository(visit: (r: RepoVisit) => Promise<Omit<RepositorySwept, 'repository'>>) {
    const out: RepositorySwept[] = [];
    const app = (await probot.auth()) as unknown as GitHubApi;
    for (const installation of await listInstallations(app)) {
      const octokit = await probot.auth(installation.id);
      const api = octokit as unknown as GitHubApi;
      let repos: RepoRef[];
      try {
        repos = await listInstallationRepositories(api);
      } catch (error) {
        log.error(`sweep: installation ${installation.id} (${installation.account}): ${errorMessage(error)}`);
        continue;
      }
      for (const at of repos) {
        const repository = `${at.owner}/${at.repo}`;
        try {
          const loaded = await loadPolicy({ config: configReader(octokit, at), octokit: api }, at);
          const ledger = ledgerOf(settings, loaded.ok ? loaded.policy : undefined, at);
          out.push({
            repository,
            ...(await visit({ api, at, loaded, ledger, token: () => installationToken(octokit) })),
          });
        } catch (error) {
          log.error(`sweep: ${repository}: ${errorMessage(error)}`);
          out.push({ repository, error: errorMessage(error) });
        }
      }
    }
    return out;
  }

  const sweep = () => {
    seenLedgers.clear();
    return eachRepository(async ({ api, at, loaded, ledger, token }) => {
      const approvals = await sweepApprovals(api, settings, loaded, at);
      if (approvals.reevaluated.length)
        log.info(
          `sweep: ${at.owner}/${at.repo}: re-evaluated ${approvals.reevaluated.map((n) => `#${n}`).join(', ')}`,
        );
      // a central ledger is read once per sweep, not once per repository that writes to it
      const key = `${ledger.location.remote}#${ledger.branch}`;
      if (seenLedgers.has(key)) return { approvals };
      seenLedgers.add(key);
      const verdict = await tips.check(
        api,
        log,
        ledger,
        { owner: ledger.owner, repo: ledger.repo },
        ledger.mirrored ? undefined : await token(),
      );
      return { approvals, ledger: verdict };
    });
  };

  const reconcile = () =>
    eachRepository(async ({ api, at, loaded, ledger, token }) => ({
      reconciled: await reconcileRepository({
        api,
        log,
        settings,
        policy: loaded.ok ? loaded.policy : undefined,
        ledger,
        at,
        token: ledger.mirrored ? undefined : await token(),
        windowMs: 2 * settings.reconcileIntervalMs || 2 * 24 * 3600_000,
      }),
    }));

  const timers = [
    every(settings.sweepIntervalMs, 'sweep', sweep, log),
    every(settings.reconcileIntervalMs, 'reconciliation', reconcile, log),
  ];
  return {
    sweep,
    reconcile,
    stop: () => timers.forEach((t) => t?.stop()),
  };
}

function every(
  ms: number,
  name: string,
  run: () => Promise<unknown>,
  log: Log,
): { stop(): void } | undefined {
  if (!ms) return undefined;
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    run()
      .catch((error: unknown) => log.error(`${name}: ${errorMessage(error)}`))
      .finally(() => (running = false));
  }, ms);
  // a sweep never keeps a stopping process alive
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
