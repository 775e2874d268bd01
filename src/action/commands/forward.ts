/**
 * `forward`: the ledger's verified entries to a SIEM, resumably. The cursor file (a workspace path,
 * kept between runs with actions/cache) says how far delivery got; the ledger is verified from its
 * checkpoint and nothing is sent when that fails; the HEC token comes from a masked input.
 */
import { join } from 'node:path';
import { ShiplogError } from '../../errors.ts';
import { forwardLedgers } from '../../export/forward-ledger.ts';
import { parseStreamFormat } from '../../export/format.ts';
import { readRunContext } from '../context.ts';
import type { RunDeps, RunResult } from '../deps.ts';
import { checkPattern } from '../files.ts';
import type { ActionInputs } from '../inputs.ts';
import { ledgerLocation } from '../ledger-location.ts';
import { md } from '../markdown.ts';
import { trustedKeysFrom } from '../trusted-keys.ts';

export async function forwardCommand(inputs: ActionInputs, deps: RunDeps): Promise<RunResult> {
  const ctx = readRunContext(deps.env);
  const trusted = trustedKeysFrom(inputs.trustedKeys ?? '', ctx.workspace);
  const to = inputs.to!;
  const hec = /^https?:/i.test(to);
  if (hec && !inputs.hecToken) {
    throw new ShiplogError('USAGE', 'input "hec-token": required for an https:// (Splunk HEC) destination');
  }
  const cursorPath = join(ctx.workspace, checkPattern('cursor', inputs.cursor!));
  const ca = inputs.ca ? join(ctx.workspace, checkPattern('ca', inputs.ca)) : undefined;
  const location = ledgerLocation(inputs, ctx);
  const { result, destination } = await forwardLedgers({
    each: async (read) => [await read(location)],
    labelled: false,
    trusted,
    jobs: 2,
    to,
    cursorPath,
    format: parseStreamFormat(inputs.format ?? 'ocsf'),
    ...(ca ? { tls: { caFile: ca } } : {}),
    ...(hec ? { token: inputs.hecToken } : {}),
    ...(inputs.sdId ? { sdId: inputs.sdId } : {}),
    ...(inputs.maxMessageBytes ? { maxMessageBytes: inputs.maxMessageBytes } : {}),
    log: { info: (m) => deps.log.info(m), warning: (m) => deps.log.warning(m) },
    tell: (lines) => lines.forEach((l) => deps.log.error(l)),
    hint: { format: 'input "format"', shards: "the CLI's --all-shards" },
  });
  const position = result.cursor?.positions[0];
  deps.log.info(
    result.delivered
      ? `shiplog: forwarded ${result.delivered} entries to ${destination}; cursor at seq ${position?.seq}`
      : `shiplog: nothing new to forward to ${destination}`,
  );
  return {
    outputs: {
      delivered: String(result.delivered),
      ...(position
        ? { seq: String(position.seq), 'entry-hash': position.hash, checkpoint: position.checkpoint }
        : {}),
    },
    summary: [
      `## shiplog: forwarded ${result.delivered} ${result.delivered === 1 ? 'entry' : 'entries'} to ${md(destination)}`,
      position
        ? `Delivery is complete through seq ${position.seq} (${md(position.hash)}); the cursor file says so for the next run.`
        : 'The ledger has nothing to forward yet.',
    ].join('\n\n'),
  };
}
