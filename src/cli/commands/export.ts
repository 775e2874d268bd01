import type { Command } from 'commander';

/** `shiplog export` and `shiplog forward` (issue 13): verified entries out to files and SIEMs. */
export function registerExportCommands(program: Command): void {
  void program;
}
