import type { Command } from 'commander';

/** `shiplog stats` (issue 12): delivery metrics from the ledger alone. */
export function registerStatsCommand(program: Command): void {
  void program;
}
