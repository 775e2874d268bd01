/** `query`: entries for a commit, environment and/or type, as JSON output and a summary table. */
import { findEntries } from '../../ledger/query.ts';
import { proveInclusion } from '../../ledger/tree/prove.ts';
import { readRunContext } from '../context.ts';
import type { RunDeps, RunResult } from '../deps.ts';
import type { ActionInputs } from '../inputs.ts';
import { ledgerLocation } from '../ledger-location.ts';
import { querySummary } from '../summary.ts';

/** Outputs are capped by the runner (1 MB); the newest entries are the ones asked about. */
export const MAX_QUERY_ENTRIES = 100;

export async function query(inputs: ActionInputs, deps: RunDeps): Promise<RunResult> {
  const ctx = readRunContext(deps.env);
  // Without any filter the question is "what happened to the commit this workflow runs on?"
  const commit = inputs.commitInput ?? (inputs.environment || inputs.type ? undefined : inputs.commit);
  const filter = { commit, environment: inputs.environment, type: inputs.type };
  const found = await findEntries(ledgerLocation(inputs, ctx), { ...filter, limit: MAX_QUERY_ENTRIES + 1 });
  const capped = found.length > MAX_QUERY_ENTRIES;
  const entries = found.slice(0, MAX_QUERY_ENTRIES);
  deps.log.info(
    `shiplog: ${entries.length}${capped ? '+' : ''} matching entr${entries.length === 1 ? 'y' : 'ies'}`,
  );
  const outputs: Record<string, string> = {
    entries: JSON.stringify(entries.map((e) => ({ ...e.statement.predicate, hash: e.hash }))),
  };
  const newest = entries[0];
  if (newest) {
    outputs.seq = String(newest.seq);
    outputs['entry-hash'] = newest.hash;
    const status = newest.statement.predicate.approval?.status;
    if (status) outputs['approval-status'] = status;
    outputs.approvers = JSON.stringify(newest.statement.predicate.approval?.approvers ?? []);
    if (inputs.proof) {
      // by hash, not seq: the entry the query found, even if the tip moved meanwhile
      outputs.proof = JSON.stringify(await proveInclusion(ledgerLocation(inputs, ctx), newest.hash));
      deps.log.info(`shiplog: proof output: entry ${newest.seq} in the signed checkpoint`);
    }
  }
  return { outputs, summary: querySummary(entries, filter, capped) };
}
