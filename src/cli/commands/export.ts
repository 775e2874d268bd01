import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ShiplogError } from '../../errors.ts';
import type { Cursor } from '../../export/cursor.ts';
import type { ExportEntry } from '../../export/entry.ts';
import type { ForwardResult } from '../../export/forward.ts';
import { parseCheckpoint } from '../../ledger/checkpoint.ts';
import type { TrustedKey } from '../../ledger/keys.ts';
import type { LedgerLocation } from '../../ledger/store.ts';
import { defaultJobs, readLedgerBlob, verifyLedger, type VerifyResult } from '../../ledger/verify.ts';
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
    const shards = await verifyAll(o, trusted, (branch) => {
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
    });
    const gone =
      o.allShards && since?.labelled
        ? [...since.shards.keys()].filter((b) => !shards.some((s) => s.location.branch === b))
        : [];
    refuseUnlessVerified(shards, gone, 'exported');

    const reached = shards.map((s) => ({ branch: s.location.branch, checkpoint: tipCheckpoint(s) }));
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
          '--jobs <n>',
          'worker threads for signature checks (default: all cores)',
          positiveInt('--jobs'),
        )
        .addOption(jsonOption()),
    ),
  ).action(async (o: ForwardFlags) => {
    const room = await loadRoom();
    const format = room.parseStreamFormat(o.format);
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
    const transport = room.openTransport(o.to, {
      tls,
      token: hec ? token : undefined,
      sourcetype: `shiplog:${format}`,
    });
    try {
      const cursor = await room.readCursor(o.cursor);
      checkCursor(cursor, o, transport.destination, format);
      const shards = await verifyAll(
        o,
        trusted,
        (branch) => cursor?.positions.find((p) => p.shard === (o.allShards ? branch : undefined))?.checkpoint,
      );
      const gone = o.allShards
        ? (cursor?.positions ?? [])
            .map((p) => p.shard!)
            .filter((b) => !shards.some((s) => s.location.branch === b))
        : [];
      refuseUnlessVerified(shards, gone, 'forwarded');

      const byShard = new Map(shards.map((s) => [s.label, s]));
      const result = await room.forward({
        entries: shards.flatMap((s) => s.entries),
        format,
        transport,
        cursor: {
          path: o.cursor,
          checkpointAfter: (e) => checkpointAfter(byShard.get(e.shard)!, e),
        },
        batchSize: o.batch,
        retry: { attempts },
        ocsf: { productVersion },
        log: {
          info: (m) => process.stderr.write(`${m}\n`),
          warning: (m) => process.stderr.write(`${m}\n`),
        },
      });
      printForwardResult(result, transport.destination, format, !!o.json);
    } finally {
      await transport.close();
    }
  });
}

function exportFormat(value: string): ExportFormat {
  if ((EXPORT_FORMATS as readonly string[]).includes(value)) return value as ExportFormat;
  throw new ShiplogError('USAGE', `unknown format "${value}": use ${EXPORT_FORMATS.join(', ')}`);
}

/** One verified ledger (or shard): its entries as the export room takes them. */
interface VerifiedShard {
  location: LedgerLocation;
  /** The shard name events and cursor positions carry: the branch with --all-shards, else none. */
  label: string | undefined;
  report: VerifyResult;
  entries: ExportEntry[];
  /** Entry hash → blob id of the signed checkpoint right after it. */
  checkpointBlobs: Map<string, string>;
}

/** Verifies every ledger the flags name, each from the checkpoint `since(branch)` gives (or fully). */
async function verifyAll(
  o: ReadFlags,
  trusted: TrustedKey[],
  since: (branch: string) => string | undefined,
): Promise<VerifiedShard[]> {
  return forEachLedger(o, {}, async (location) => {
    const report = await verifyLedger({
      location,
      trusted,
      since: since(location.branch),
      jobs: o.jobs ?? defaultJobs(),
      collect: true,
    });
    const label = o.allShards ? location.branch : undefined;
    const verified = [...(report.verified ?? [])].sort((a, b) => a.seq - b.seq);
    const checkpointBlobs = new Map<string, string>();
    const entries: ExportEntry[] = [];
    if (report.ok) {
      for (const v of verified) {
        if (v.checkpointBlob) checkpointBlobs.set(v.hash, v.checkpointBlob);
        entries.push({
          seq: v.seq,
          hash: v.hash,
          ledgerCommit: v.ledgerCommit,
          // A verified entry has a trusted signer; the fallback only keeps the type honest.
          keyid: v.keyid ?? '',
          statement: v.statement,
          envelope: v.envelope,
          ...(label !== undefined ? { shard: label } : {}),
        });
      }
    }
    return { location, label, report, entries, checkpointBlobs };
  });
}

/** Nothing leaves unless every ledger read verified: the problems go to stderr, the exit code is 1. */
function refuseUnlessVerified(shards: VerifiedShard[], gone: string[], what: string): void {
  const failed = shards.filter((s) => !s.report.ok);
  if (failed.length === 0 && gone.length === 0) return;
  const lines: string[] = [];
  for (const s of failed) {
    const r = s.report;
    lines.push(`shiplog: ${r.branch}: ledger INVALID: ${r.problems.length} problem(s)`);
    for (const p of r.problems) {
      const at = [
        p.seq !== undefined ? `seq ${p.seq}` : '',
        p.commit ? `commit ${p.commit.slice(0, 12)}` : '',
      ]
        .filter(Boolean)
        .join(' ');
      lines.push(`  ${p.check}${at ? ` (${at})` : ''}: ${p.message}`);
    }
  }
  for (const b of gone) {
    lines.push(`shiplog: ${b}: the checkpoint file names this shard, but the remote no longer has it`);
  }
  process.stderr.write(lines.join('\n') + '\n');
  const names = [...failed.map((s) => s.report.branch), ...gone];
  throw new ShiplogError(
    'VERIFY_FAILED',
    `${names.join(', ')} did not verify (run "shiplog verify" for the full report); nothing was ${what}`,
  );
}

/** The tip's signed checkpoint of a verified ledger: what the entries handed out reach. */
function tipCheckpoint(s: VerifiedShard): string {
  const text = s.report.checkpointText;
  if (text === undefined)
    throw new ShiplogError('VERIFY_FAILED', `${s.report.branch}: the tip has no checkpoint`);
  return text;
}

/** The signed checkpoint right after this entry: the tip's when it is the head, else its own blob. */
async function checkpointAfter(s: VerifiedShard, e: ExportEntry): Promise<string> {
  if (e.hash === s.report.head && s.report.checkpointText !== undefined) {
    const cp = parseCheckpoint(s.report.checkpointText);
    if (cp.size === e.seq + 1 && cp.head === e.hash) return s.report.checkpointText;
  }
  const blob = s.checkpointBlobs.get(e.hash);
  if (!blob) {
    throw new ShiplogError(
      'VERIFY_FAILED',
      `${s.location.branch}: no checkpoint after seq ${e.seq} in its ledger commit`,
    );
  }
  return readLedgerBlob(s.location, blob);
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

/**
 * A cursor belongs to one destination, one format and one way of reading (one ledger, or every
 * shard), and each position must be what its checkpoint says: anything else would resend or skip.
 */
function checkCursor(cursor: Cursor | undefined, o: ForwardFlags, destination: string, format: string): void {
  if (!cursor) return;
  if (cursor.destination !== destination) {
    throw new ShiplogError(
      'USAGE',
      `cursor file ${o.cursor} tracks ${cursor.destination}, not ${destination}: use one cursor file per destination`,
    );
  }
  if (cursor.format && cursor.format !== format) {
    throw new ShiplogError(
      'USAGE',
      `cursor file ${o.cursor} tracks a ${cursor.format} stream: pass --format ${cursor.format}, or start a new cursor file for ${format}`,
    );
  }
  for (const p of cursor.positions) {
    if ((p.shard !== undefined) !== !!o.allShards) {
      throw new ShiplogError(
        'USAGE',
        o.allShards
          ? `cursor file ${o.cursor} was written by forward without --all-shards: run it that way, or start a new cursor file`
          : `cursor file ${o.cursor} was written by forward --all-shards: pass --all-shards, or start a new cursor file`,
      );
    }
    let cp;
    try {
      cp = parseCheckpoint(p.checkpoint);
    } catch (e) {
      throw new ShiplogError('BAD_INPUT', `cursor file ${o.cursor}: ${(e as Error).message}`);
    }
    if (cp.size !== p.seq + 1 || cp.head !== p.hash) {
      throw new ShiplogError(
        'BAD_INPUT',
        `cursor file ${o.cursor}: the position at seq ${p.seq} does not match its checkpoint (size ${cp.size}); fix or remove it (removing sends everything again)`,
      );
    }
  }
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
