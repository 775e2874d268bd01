/** Dispatches one command. Inputs arrive parsed; nothing here reads `@actions/core` inputs. */
import { forwardCommand } from './commands/forward.ts';
import { gate } from './commands/gate.ts';
import { query } from './commands/query.ts';
import { record } from './commands/record.ts';
import { verify } from './commands/verify.ts';
import type { RunDeps, RunResult } from './deps.ts';
import type { ActionInputs } from './inputs.ts';

export type { RunDeps, RunResult } from './deps.ts';

export async function dispatch(inputs: ActionInputs, deps: RunDeps): Promise<RunResult> {
  switch (inputs.command) {
    case 'record':
      return record(inputs, deps);
    case 'verify':
      return verify(inputs, deps);
    case 'query':
      return query(inputs, deps);
    case 'gate':
      return gate(inputs, deps);
    case 'forward':
      return forwardCommand(inputs, deps);
  }
}
