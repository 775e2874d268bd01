import type { Command } from 'commander';

/** `shiplog reconcile` (issue 14): GitHub's deployments against the ledger's deploy entries. */
export function registerReconcileCommand(program: Command): void {
  void program;
}
