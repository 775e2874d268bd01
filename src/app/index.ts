/**
 * The shiplog GitHub App (Probot): each capability registers its own handlers — the approval gate,
 * the deployment protection rule, break-glass overrides, the ledger watch and the merge record.
 */
import type { Probot } from 'probot';
import { registerApprovalGate } from './handlers/approval-gate.ts';
import { registerDeploymentProtection } from './handlers/deployment-protection.ts';
import { registerLedgerWatch } from './handlers/ledger-watch.ts';
import { registerMergeRecord } from './handlers/merge-record.ts';
import { registerOverrideCommand } from './handlers/override-command.ts';
import { registerOverrideReview } from './handlers/override-review.ts';
import { DeliveryLog, dedupeDeliveries, HandlerTracker, type DeliveryStore } from './deliveries.ts';
import { appSettings, type AppSettings } from './settings.ts';
import { debouncePullRequests, MemoryDebouncer, type Debouncer } from './state/debounce.ts';
import { InMemoryVerifiedCheckpoints, type VerifiedCheckpointStore } from './verified-checkpoints.ts';

/** State a gate relies on; in memory by default (one process), or shared (e.g. Redis) across replicas. */
export interface AppState {
  verifiedCheckpoints: VerifiedCheckpointStore;
  /** Coalesces bursts of events per pull request (in this process unless given). */
  debouncer?: Debouncer;
  /** Counts handler runs, so shutdown and a caller that got a 202 can wait for them. */
  handlers?: HandlerTracker;
}

export function createShiplogApp(
  settings: AppSettings,
  deliveries: DeliveryStore = new DeliveryLog(),
  state: AppState = { verifiedCheckpoints: new InMemoryVerifiedCheckpoints() },
): (app: Probot) => void {
  return (probot) => {
    // handlers see each verified delivery once (a redelivered copy of a handled one is skipped);
    // with REDIS_URL the replicas share the log
    const app = dedupeDeliveries(probot, deliveries, state.handlers ?? new HandlerTracker());
    // a burst of events for one PR and head makes one evaluation
    registerApprovalGate(
      debouncePullRequests(app, state.debouncer ?? new MemoryDebouncer(settings.debounceMs)),
      settings,
    );
    registerDeploymentProtection(app, settings, state.verifiedCheckpoints);
    registerOverrideCommand(app, settings);
    registerOverrideReview(app, settings);
    registerLedgerWatch(app, settings);
    registerMergeRecord(app, settings);
  };
}

/** For Probot's own runners: settings from the process environment. */
export default function shiplogApp(app: Probot): void {
  createShiplogApp(appSettings(process.env))(app);
}

export { shiplogApp };
