/**
 * `shiplog prove` writes a proof bundle (an entry's inclusion in the signed tip checkpoint, or the
 * tip extending an older checkpoint); `shiplog verify-proof` checks one offline against trusted keys.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ShiplogError } from '../../errors.ts';
import { proveConsistency, proveInclusion, verifyProofBundle } from '../../ledger/tree/prove.ts';
import {
  addLocationOptions,
  collect,
  jsonOption,
  readLocation,
  readTextFile,
  trustedKeysFrom,
  type LocationFlags,
} from '../common.ts';
import { colour, printJson } from '../output.ts';
import { checkpointFromFile } from './since-file.ts';

export function registerProofCommands(program: Command): void {
  addLocationOptions(
    program
      .command('prove')
      .description(
        'write an inclusion proof bundle for one entry (or, with --from, a consistency proof from an older checkpoint) that verify-proof checks offline',
      )
      .argument('[seq-or-hash]', 'a seq number, or sha256:<hex> (a hex prefix works)')
      .option('--from <checkpoint-file>', 'prove that the ledger extends this older checkpoint instead')
      .option('--repo <owner/name>', 'the shard of this repository, in a central ledger repository')
      .option('--out <file>', 'write the bundle here (default: stdout)')
      .addOption(jsonOption()),
  ).action(
    async (
      ref: string | undefined,
      o: LocationFlags & { from?: string; repo?: string; out?: string; json?: boolean },
    ) => {
      if (!ref === !o.from) throw new ShiplogError('USAGE', 'give either SEQ|HASH or --from CHECKPOINT_FILE');
      const location = await readLocation(o, { repository: o.repo });
      const bundle = o.from
        ? await proveConsistency(
            location,
            checkpointFromFile(readTextFile(o.from, 'checkpoint given to --from')).text,
          )
        : await proveInclusion(location, ref!);
      const text = JSON.stringify(bundle, null, 2) + '\n';
      if (o.out) {
        writeFileSync(o.out, text);
        if (o.json) printJson({ file: o.out, kind: bundle.kind, treeSize: bundle.treeSize });
        else process.stdout.write(`wrote ${bundle.kind} proof (tree size ${bundle.treeSize}) to ${o.out}\n`);
      } else process.stdout.write(text);
    },
  );

  program
    .command('verify-proof')
    .description(
      'check a proof bundle from "shiplog prove" offline: signatures, checkpoint and RFC 6962 path',
    )
    .argument('<file>', 'the proof bundle (JSON)')
    .option('--trusted-key <file>', 'trusted PEM public key (repeatable)', collect)
    .addOption(jsonOption())
    .action((file: string, o: { trustedKey?: string[]; json?: boolean }) => {
      const trusted = trustedKeysFrom(o.trustedKey);
      let raw: unknown;
      try {
        raw = JSON.parse(readTextFile(file, 'proof bundle'));
      } catch (e) {
        if (e instanceof ShiplogError) throw e;
        throw new ShiplogError('USAGE', `${file} is not JSON: ${(e as Error).message}`);
      }
      const v = verifyProofBundle(raw, trusted);
      if (o.json) printJson(v);
      else if (v.ok)
        process.stdout.write(
          colour.green(
            v.kind === 'inclusion'
              ? `ok: entry ${v.seq} is in the signed checkpoint of ${v.treeSize} entries\n`
              : `ok: the signed checkpoint of ${v.treeSize} entries extends the older one\n`,
          ),
        );
      else process.stdout.write(colour.red(v.problems.map((p) => `${p.check}: ${p.message}\n`).join('')));
      if (!v.ok) process.exitCode = 1;
    });
}
