/**
 * `forward` end to end, for the CLI and the Action alike: open the destination, read the cursor,
 * verify each ledger from the cursor's checkpoint (forwarding nothing when one fails), then send
 * what came after it, the cursor moving only past delivered batches.
 */
import type { TrustedKey } from '../ledger/keys.ts';
import { alarmMessage, ledgerAlarms } from './alarms.ts';
import { readCursor } from './cursor.ts';
import type { ExportEntry } from './entry.ts';
import type { StreamFormat } from './format.ts';
import { forward, type ForwardResult } from './forward.ts';
import { Spool } from './spool.ts';
import { openTransport } from './transports/open.ts';
import {
  checkCursor,
  checkpointAfter,
  refuseUnlessVerified,
  verifyAll,
  type EachLedger,
} from './verified-ledgers.ts';

export interface ForwardLedgerOptions {
  each: EachLedger;
  /** Several shards are read (each event and cursor position names its shard). */
  labelled: boolean;
  trusted: TrustedKey[];
  jobs: number;
  to: string;
  cursorPath: string;
  format: StreamFormat;
  batch?: number;
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
  /** Splunk HEC token (https:// destinations). */
  token?: string;
  /** syslog SD-ID (NAME@PEN) and the largest message: see TransportOptions. */
  sdId?: string;
  maxMessageBytes?: number;
  attempts?: number;
  productVersion?: string;
  log: { info(m: string): void; warning(m: string): void };
  /** Where verification problems are written before the run fails. */
  tell(lines: string[]): void;
  /** How this caller names the format and the shards switch, for messages about a foreign cursor. */
  hint: { format: string; shards: string };
  /** Commits verified of how many. */
  onProgress?: (done: number, total: number) => void;
}

export async function forwardLedgers(
  o: ForwardLedgerOptions,
): Promise<{ result: ForwardResult; destination: string }> {
  const transport = openTransport(o.to, {
    tls: o.tls,
    token: o.token,
    sourcetype: `shiplog:${o.format}`,
    sdId: o.sdId,
    maxMessageBytes: o.maxMessageBytes,
  });
  try {
    const cursor = await readCursor(o.cursorPath);
    checkCursor(
      cursor,
      { path: o.cursorPath, allShards: o.labelled, hint: o.hint },
      transport.destination,
      o.format,
    );
    // Entries wait in a spool until every ledger verified: nothing may be sent before that.
    const spool = Spool.temporary('forward');
    try {
      return await forwardSpooled(o, transport, cursor, spool);
    } finally {
      spool.remove();
    }
  } finally {
    await transport.close();
  }
}

async function forwardSpooled(
  o: ForwardLedgerOptions,
  transport: ReturnType<typeof openTransport>,
  cursor: Awaited<ReturnType<typeof readCursor>>,
  spool: Spool,
): Promise<{ result: ForwardResult; destination: string }> {
  const shards = await verifyAll(o.each, {
    trusted: o.trusted,
    jobs: o.jobs,
    labelled: o.labelled,
    since: (branch) =>
      cursor?.positions.find((p) => p.shard === (o.labelled ? branch : undefined))?.checkpoint,
    onEntry: (entry, checkpointBlob) => spool.write(JSON.stringify({ entry, checkpointBlob }) + '\n'),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  });
  const gone = o.labelled
    ? (cursor?.positions ?? [])
        .map((p) => p.shard!)
        .filter((b) => !shards.some((s) => s.location.branch === b))
    : [];
  const failed = shards.filter((s) => !s.report.ok);
  if (failed.length || gone.length) {
    const remote = shards[0]?.location.remote ?? '';
    const alarms = ledgerAlarms(
      failed,
      gone.map((branch) => ({ remote, branch })),
    );
    try {
      await transport.send(
        alarms.map((a) => alarmMessage(a, o.format, new Date(), { productVersion: o.productVersion })),
      );
      o.log.warning(
        `sent ${alarms.length} ledger alarm(s) to ${transport.destination}; no entry was forwarded`,
      );
    } catch (e) {
      o.log.warning(`could not send the ledger alarm to ${transport.destination}: ${(e as Error).message}`);
    }
  }
  refuseUnlessVerified(shards, gone, 'forwarded', o.tell);
  const byShard = new Map(shards.map((s) => [s.label, s]));
  const blobs = new WeakMap<ExportEntry, string>();
  async function* entries(): AsyncIterable<ExportEntry> {
    for await (const line of spool.lines()) {
      const { entry, checkpointBlob } = JSON.parse(line) as { entry: ExportEntry; checkpointBlob?: string };
      if (checkpointBlob) blobs.set(entry, checkpointBlob);
      yield entry;
    }
  }
  const result = await forward({
    entries: entries(),
    format: o.format,
    transport,
    cursor: {
      path: o.cursorPath,
      checkpointAfter: (e) => checkpointAfter(byShard.get(e.shard)!, e, blobs.get(e)),
    },
    batchSize: o.batch,
    ...(o.attempts !== undefined ? { retry: { attempts: o.attempts } } : {}),
    ocsf: { productVersion: o.productVersion },
    log: o.log,
  });
  return { result, destination: transport.destination };
}
