/**
 * Where the ledger lives: `ledger-remote` when given (mirrors, tests), else the ledger repository on
 * the workflow's own GitHub server. The token goes to git as an auth header for that one call (see
 * ledger/store.ts) and only ever to the workflow's own server: a self-hosted mirror named in
 * `ledger-remote` must not receive the GitHub token.
 */
import type { LedgerLocation } from '../ledger/store.ts';
import type { RunContext } from './context.ts';
import type { ActionInputs } from './inputs.ts';

function sameOrigin(a: string, b: string): boolean {
  try {
    const x = new URL(a);
    const y = new URL(b);
    return x.protocol === 'https:' && x.origin === y.origin;
  } catch {
    return false;
  }
}

export function ledgerLocation(inputs: ActionInputs, ctx: RunContext): LedgerLocation {
  const remote = inputs.ledgerRemote ?? `${ctx.serverUrl}/${inputs.ledgerRepository}.git`;
  const token = inputs.token && sameOrigin(remote, ctx.serverUrl) ? inputs.token : undefined;
  return { remote, branch: inputs.ledgerBranch, ...(token ? { token } : {}) };
}

/** Checkpoint origin for a new ledger: names the ledger's home so a checkpoint says what it is for. */
export function ledgerOrigin(inputs: ActionInputs, ctx: RunContext): string {
  const host = new URL(ctx.serverUrl).host;
  return `${host}/${inputs.ledgerRepository}/${inputs.ledgerBranch}`;
}

/** A web link to a ledger commit, when the ledger is on the workflow's GitHub server. */
export function ledgerCommitUrl(inputs: ActionInputs, ctx: RunContext, commit: string): string | undefined {
  if (inputs.ledgerRemote) return undefined;
  return `${ctx.serverUrl}/${inputs.ledgerRepository}/commit/${commit}`;
}
