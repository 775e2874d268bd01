/**
 * `verify`: the whole ledger against keys the workflow trusts. Each problem becomes an error
 * annotation (check, seq, file) and the job fails; a clean ledger reports its size and head.
 */
import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ShiplogError } from '../../errors.ts';
import { verifyLedger } from '../../ledger/verify.ts';
import { readRunContext } from '../context.ts';
import type { RunDeps, RunResult } from '../deps.ts';
import { checkPattern } from '../files.ts';
import type { ActionInputs } from '../inputs.ts';
import { ledgerLocation } from '../ledger-location.ts';
import { verifySummary } from '../summary.ts';
import { trustedKeysFrom } from '../trusted-keys.ts';

/** `since` holds a checkpoint's text, or the workspace path of a file with it. */
function checkpointText(value: string, workspace: string): string {
  if (value.includes('\n')) return value.endsWith('\n') ? value : `${value}\n`;
  const rel = checkPattern('since', value);
  try {
    return readFileSync(join(workspace, rel), 'utf8');
  } catch (e) {
    throw new ShiplogError('USAGE', `input "since": cannot read "${rel}": ${(e as Error).message}`);
  }
}

export async function verify(inputs: ActionInputs, deps: RunDeps): Promise<RunResult> {
  const ctx = readRunContext(deps.env);
  const trusted = trustedKeysFrom(inputs.trustedKeys ?? '', ctx.workspace);
  const since = inputs.since ? checkpointText(inputs.since, ctx.workspace) : undefined;
  const report = await verifyLedger({
    location: ledgerLocation(inputs, ctx),
    trusted,
    since,
    jobs: Math.min(4, availableParallelism()),
  });
  for (const p of report.problems) {
    const where = [p.seq !== undefined ? `seq ${p.seq}` : '', p.file ?? ''].filter(Boolean).join(', ');
    deps.log.error(`${where ? `${where}: ` : ''}${p.message}`, { title: `shiplog verify: ${p.check}` });
  }
  deps.log.info(
    report.ok
      ? `shiplog: ledger verified: ${report.since ? `${report.checked} new entries after the checkpoint of ${report.since.size}, ` : ''}${report.entries} entries, head ${report.head ?? '(empty)'}`
      : `shiplog: ledger verification found ${report.problems.length} problem(s)`,
  );
  const outputs: Record<string, string> = { entries: String(report.entries) };
  if (report.entries > 0) outputs.seq = String(report.entries - 1);
  if (report.head) outputs['entry-hash'] = report.head;
  // The next run can pass this as `since` (e.g. kept with actions/cache) and check only what is new.
  if (report.ok && report.checkpointText) outputs.checkpoint = report.checkpointText;
  return {
    outputs,
    summary: verifySummary(report),
    ...(report.ok
      ? {}
      : {
          failure: new ShiplogError(
            'VERIFY_FAILED',
            `the ledger on branch ${inputs.ledgerBranch} failed verification: ${report.problems.length} problem(s), see the annotations`,
          ),
        }),
  };
}
