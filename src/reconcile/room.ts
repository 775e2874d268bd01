/**
 * What `shiplog reconcile` and `shiplog app redeliver` use, in one module the CLI imports only when
 * one of them runs (one chunk in the bundle): Octokit and the app's JWT signing are no business of
 * a `record` or `log` process.
 */
export { createGitHubClient } from '../github/client.ts';
export { listDeployments } from '../github/deployments-list.ts';
export {
  createAppClient,
  listHookDeliveries,
  redeliverHookDelivery,
  type HookDelivery,
} from '../github/hook-deliveries.ts';
export { reconcile } from './compare.ts';
export { planRedeliveries } from './redeliver.ts';
export { renderReconcile, renderRedeliveries, type RedeliveryOutcome } from './render.ts';
