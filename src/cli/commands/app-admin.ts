import type { Command } from 'commander';

/** `shiplog app redeliver` (issue 14): redeliver the app's failed webhook deliveries. */
export function registerAppCommands(program: Command): void {
  void program;
}
