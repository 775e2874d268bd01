import type { Command } from 'commander';

/** `shiplog policy …` — filled in by the approval-gate work (issue 4). */
export function registerPolicyCommands(_program: Command): void {}
