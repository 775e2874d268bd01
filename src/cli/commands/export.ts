import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ShiplogError } from '../../errors.ts';
import type { ExportEntry } from '../../export/entry.ts';
import type { ForwardResult } from '../../export/forward.ts';
import { defaultJobs } from '../../ledger/verify.ts';
import {
  addLocationOptions,
  addShardsOption,
  collect,
  forEachLedger,
  jsonOption,
  positiveInt,
  readTextFile,
  trustedKeysFrom,
  type LocationFlags,
} from '../common.ts';
import { printJson } from '../output.ts';

/** The export room loads only when export or forward runs: other commands start without it. */
const loadRoom = () => import('../../export/room.ts');
type Room = Awaited<ReturnType<typeof loadRoom>>;

const EXPORT_FORMATS = ['ocsf', 'jsonl', 'csv'] as const;
type ExportFormat = (typeof EXPORT_FORMATS)[number];

interface ReadFlags extends LocationFlags {
  trustedKey?: string[];
  jobs?: number;
  json?: boolean;
}

interface ExportFlags extends ReadFlags {
  format: string;
  since?: string;
  out?: string;
}

interface ForwardFlags extends ReadFlags {
  to: string;
  cursor: string;
  format: string;
  batch?: number;
  ca?: string;
  cert?: string;
  certKey?: string;
  sdId?: string;
  maxMessageBytes?: string;
}

/** `shiplog export` and `shiplog forward` (issue 13): verified entries out to files and SIEMs. */
export function registerExportCommands(program: Command): void {
  const productVersion = program.version();

  addShardsOption(
    addLocationOptions(
      program
        .command('export')
        .description(
          'verify the ledger, then write one event per entry (OCSF, JSON Lines or CSV) and print the checkpoint it reached',
        )
        .option('--trusted-key <file>', 'trusted PEM public key (repeatable)', collect)
        .requiredOption('--format <format>', `event format: ${EXPORT_FORMATS.join(' | ')}`)
        .option(
          '--since <file>',
          'a checkpoint an earlier export printed: export only the entries after it (with --all-shards, the labelled checkpoints it printed)',
        )
        .option('--out <file>', 'write the events to this file (atomically) instead of stdout')
        .option(
          '--jobs <n>',
          'worker threads for signature checks (default: all cores)',
          positiveInt('--jobs'),
        )
        .addOption(jsonOption()),
    ),
  ).action(async (o: ExportFlags) => {
    const format = exportFormat(o.format);
    const trusted = trustedKeysFrom(o.trustedKey);
    const room = await loadRoom();
    const since = o.since
      ? room.parseCheckpointSet(readTextFile(o.since, 'checkpoint given to --since'), o.since)
      : undefined;
    if (since && !since.labelled && o.allShards) {
      throw new ShiplogError(
        'USAGE',
        `--since ${o.since} holds one checkpoint; with --all-shards it takes the labelled checkpoints "export --all-shards" printed`,
      );
    }
    const shards = await room.verifyAll((read) => forEachLedger(o, {}, read), {
      trusted,
      jobs: o.jobs ?? defaultJobs(),
      labelled: !!o.allShards,
      since: (branch) => {
        if (!since) return undefined;
        if (!since.labelled) return since.text;
        const cp = since.shards.get(branch);
        // --all-shards: a shard the file does not name is new since that export, so all of it goes out.
        if (cp === undefined && !o.allShards) {
          throw new ShiplogError(
            'USAGE',
            `--since ${o.since} has no checkpoint for ${branch} (it names ${[...since.shards.keys()].join(', ')})`,
          );
        }
        return cp;
      },
    });
    const gone =
      o.allShards && since?.labelled
        ? [...since.shards.keys()].filter((b) => !shards.some((s) => s.location.branch === b))
        : [];
    room.refuseUnlessVerified(shards, gone, 'exported', (lines) =>
      process.stderr.write(lines.join('\n') + '\n'),
    );

    const reached = shards.map((s) => ({ branch: s.location.branch, checkpoint: room.tipCheckpoint(s) }));
    const entries = shards.flatMap((s) => s.entries);
    const parts = eventLines(room, entries, format, productVersion);
    const out = o.out ? resolve(o.out) : undefined;
    if (out) await room.writeFileAtomically(out, parts);
    else await room.writeToStdout(parts);

    // Where the export stopped, on the stream the events did not use, ready to save for --since.
    const say = (text: string) => (out ? process.stdout : process.stderr).write(text);
    if (o.json) {
      say(
        JSON.stringify(
          {
            format,
            ...(out ? { out } : {}),
            entries: entries.length,
            shards: shards.map((s, i) => ({
              branch: s.location.branch,
              entries: s.entries.length,
              checkpoint: reached[i]!.checkpoint,
            })),
          },
          null,
          2,
        ) + '\n',
      );
    } else if (o.allShards) {
      say(room.formatCheckpointSet(reached.map((r) => [r.branch, r.checkpoint] as const)));
    } else say(reached[0]!.checkpoint);
  });

  addShardsOption(
    addLocationOptions(
      program
        .command('forward')
        .description(
          'verify the ledger since the cursor, then send the entries after it to a collector; the cursor moves past what was delivered',
        )
        .option('--trusted-key <file>', 'trusted PEM public key (repeatable)', collect)
        .requiredOption(
          '--to <url>',
          'destination: syslog+tcp://HOST:PORT, syslog+tls://HOST:PORT, relp://HOST:PORT or https://HOST[:PORT] (Splunk HEC, token in $SHIPLOG_HEC_TOKEN)',
        )
        .requiredOption(
          '--cursor <file>',
          'how far delivery to this destination got (created on the first run; one file per destination)',
        )
        .option('--format <format>', 'event format: ocsf | jsonl', 'ocsf')
        .option('--batch <n>', 'entries per batch (default 100)', positiveInt('--batch'))
        .option('--ca <file>', 'PEM CA(s) to trust for the collector certificate (syslog+tls://, https://)')
        .option('--cert <file>', 'PEM client certificate, for collectors that ask for one')
        .option('--cert-key <file>', 'PEM key of the client certificate')
        .option(
          '--sd-id <name@pen>',
          "syslog/RELP: carry hash and seq as structured data under this SD-ID, PEN being your organisation's IANA enterprise number (default: no structured data; the hash is in the event)",
        )
        .option(
          '--max-message-bytes <n>',
          'largest message sent (syslog: whole message; HEC: one event); larger events go with their long lists cut, named in truncated (at least 2048)',
          '8192',
        )
        .option(
          '--jobs <n>',
          'worker threads for signature checks (default: all cores)',
          positiveInt('--jobs'),
        )
        .addOption(jsonOption()),
    ),
  ).action(async (o: ForwardFlags) => {
    const room = await loadRoom();
    const format = room.parseStreamFormat(o.format);
    const sdId = o.sdId === undefined ? undefined : room.parseSdId(o.sdId);
    const maxMessageBytes = room.parseMaxMessageBytes(o.maxMessageBytes ?? '8192');
    const trusted = trustedKeysFrom(o.trustedKey);
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(o.to)?.[1]?.toLowerCase();
    const hec = scheme === 'https' || scheme === 'http';
    const tls = tlsFiles(o, scheme);
    const token = process.env.SHIPLOG_HEC_TOKEN;
    if (hec && !token) {
      throw new ShiplogError(
        'USAGE',
        'no HEC token: set the environment variable SHIPLOG_HEC_TOKEN (there is no flag for it, so it stays out of process lists and shell history)',
      );
    }
    const attempts = forwardAttempts();
    const { result, destination } = await room.forwardLedgers({
      each: (read) => forEachLedger(o, {}, read),
      labelled: !!o.allShards,
      trusted,
      jobs: o.jobs ?? defaultJobs(),
      to: o.to,
      cursorPath: o.cursor,
      format,
      batch: o.batch,
      tls,
      token: hec ? token : undefined,
      sdId,
      maxMessageBytes,
      attempts,
      productVersion,
      log: {
        info: (m) => process.stderr.write(`${m}\n`),
        warning: (m) => process.stderr.write(`${m}\n`),
      },
      tell: (lines) => process.stderr.write(lines.join('\n') + '\n'),
      hint: { format: '--format', shards: '--all-shards' },
    });
    printForwardResult(result, destination, format, !!o.json);
  });
}

function exportFormat(value: string): ExportFormat {
  if ((EXPORT_FORMATS as readonly string[]).includes(value)) return value as ExportFormat;
  throw new ShiplogError('USAGE', `unknown format "${value}": use ${EXPORT_FORMATS.join(', ')}`);
}

function* eventLines(
  room: Room,
  entries: ExportEntry[],
  format: ExportFormat,
  productVersion: string | undefined,
): Iterable<string> {
  if (format === 'csv') {
    yield room.csvHeader();
    for (const e of entries) yield room.csvLine(room.exportCsvRow(e));
    return;
  }
  for (const e of entries) yield room.formatBody(e, format, { productVersion }) + '\n';
}

/** --ca/--cert/--cert-key: read now, so a wrong path is a usage error before anything is verified. */
function tlsFiles(
  o: ForwardFlags,
  scheme: string | undefined,
): { caFile?: string; certFile?: string; keyFile?: string } | undefined {
  if (!o.ca && !o.cert && !o.certKey) return undefined;
  if (scheme !== 'syslog+tls' && scheme !== 'https') {
    throw new ShiplogError(
      'USAGE',
      '--ca, --cert and --cert-key apply to syslog+tls:// and https:// destinations only',
    );
  }
  if (!o.cert !== !o.certKey)
    throw new ShiplogError('USAGE', '--cert and --cert-key go together: a client certificate needs its key');
  if (o.ca) readTextFile(o.ca, 'CA file');
  if (o.cert) readTextFile(o.cert, 'client certificate');
  if (o.certKey) readTextFile(o.certKey, 'client certificate key');
  return {
    ...(o.ca ? { caFile: o.ca } : {}),
    ...(o.cert ? { certFile: o.cert, keyFile: o.certKey } : {}),
  };
}

/** Tries per batch before the run gives up: SHIPLOG_FORWARD_ATTEMPTS, default 6. */
function forwardAttempts(): number | undefined {
  const v = process.env.SHIPLOG_FORWARD_ATTEMPTS;
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new ShiplogError('USAGE', `SHIPLOG_FORWARD_ATTEMPTS must be a positive integer (got "${v}")`);
  return n;
}

function printForwardResult(r: ForwardResult, destination: string, format: string, json: boolean): void {
  const positions = (r.cursor?.positions ?? []).map((p) => ({
    ...(p.shard !== undefined ? { shard: p.shard } : {}),
    seq: p.seq,
    hash: p.hash,
  }));
  if (json) {
    printJson({
      destination,
      format,
      delivered: r.delivered,
      batches: r.batches,
      retries: r.retries,
      cursor: positions,
    });
    return;
  }
  const where = positions.length
    ? positions.map((p) => `${p.shard !== undefined ? `${p.shard} ` : ''}at seq ${p.seq}`).join(', ')
    : 'empty';
  process.stdout.write(
    r.delivered
      ? `forwarded ${r.delivered} entries to ${destination} in ${r.batches} batch(es); cursor ${where}\n`
      : `nothing new to forward to ${destination}; cursor ${where}\n`,
  );
}
