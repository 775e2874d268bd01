/**
 * Forwarding: entries after the cursor go to one destination in batches; the cursor moves only
 * past a batch the transport says is delivered. A collector that is down or drops the connection
 * gets the same batch again, with backoff and jitter, and after the last attempt the run fails
 * with the cursor where delivery is known complete. A re-run starts from there, so at most the
 * batch in flight at the failure is sent twice, each copy with the same id (the entry hash).
 *
 * Independent of git: the caller hands over the entries after the cursor (already verified) and
 * a function giving the signed checkpoint for "delivered through this entry".
 */
import { ShiplogError, errorMessage } from '../errors.ts';
import { parseCheckpoint } from '../ledger/checkpoint.ts';
import { positionOf, readCursor, writeCursor, type Cursor, type CursorPosition } from './cursor.ts';
import type { ExportEntry } from './entry.ts';
import { outboundMessage, type StreamFormat } from './format.ts';
import type { OcsfOptions } from './ocsf.ts';
import { isRetryable, type Transport } from './transports/transport.ts';

export interface RetryPolicy {
  /** Tries per batch, the first included. */
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseMs: 500, maxMs: 30_000 };

export interface ForwardLog {
  info(message: string): void;
  warning(message: string): void;
}

export interface ForwardOptions {
  entries: AsyncIterable<ExportEntry> | Iterable<ExportEntry>;
  format: StreamFormat;
  /** Opened by the caller, who also closes it. */
  transport: Transport;
  cursor: {
    path: string;
    /** The signed checkpoint text of the ledger (or shard) through this entry: size seq + 1, head its hash. */
    checkpointAfter(entry: ExportEntry): string | Promise<string>;
  };
  /** Entries per batch (default 100). */
  batchSize?: number;
  retry?: Partial<RetryPolicy>;
  log?: ForwardLog;
  ocsf?: OcsfOptions;
  /** For tests: how to wait between attempts. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface ForwardResult {
  /** Entries delivered by this run. */
  delivered: number;
  batches: number;
  /** Entries at or before the cursor that were passed in and not sent again. */
  skipped: number;
  /** Attempts that failed and were retried. */
  retries: number;
  cursor: Cursor | undefined;
}

const quiet: ForwardLog = { info: () => {}, warning: () => {} };

/** Exponential backoff with equal jitter: half the step fixed, half random, capped at maxMs. */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + (random() * step) / 2);
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function shardName(shard: string | undefined): string {
  return shard === undefined ? 'the ledger' : `shard ${shard}`;
}

function checkCheckpoint(text: string, entry: ExportEntry): void {
  const cp = parseCheckpoint(text);
  // The checkpoint's root covers the entries up to this one: its size must say so.
  if (cp.size !== entry.seq + 1) {
    throw new ShiplogError(
      'BAD_INPUT',
      `checkpoint for seq ${entry.seq} says size ${cp.size}, expected size ${entry.seq + 1}`,
    );
  }
}

export async function forward(options: ForwardOptions): Promise<ForwardResult> {
  const { transport, format } = options;
  const log = options.log ?? quiet;
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  if (!Number.isSafeInteger(policy.attempts) || policy.attempts < 1) {
    throw new ShiplogError('USAGE', 'retry attempts must be 1 or more');
  }
  const batchSize = options.batchSize ?? 100;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1)
    throw new ShiplogError('USAGE', 'batch size must be 1 or more');
  const sleep = options.sleep ?? defaultSleep;

  let cursor = await readCursor(options.cursor.path);
  if (cursor && cursor.destination !== transport.destination) {
    throw new ShiplogError(
      'USAGE',
      `cursor file ${options.cursor.path} tracks ${cursor.destination}, not ${transport.destination}: use one cursor file per destination`,
    );
  }
  // The last entry accepted into the stream per shard: from the cursor, then from the batches.
  const last = new Map<string | undefined, { seq: number; hash: string }>();
  for (const p of cursor?.positions ?? []) last.set(p.shard, { seq: p.seq, hash: p.hash });

  const result: ForwardResult = { delivered: 0, batches: 0, skipped: 0, retries: 0, cursor };
  let batch: ExportEntry[] = [];

  const deliver = async (entries: ExportEntry[]): Promise<void> => {
    // Checkpoints first: a caller that cannot prove the position fails before anything is sent.
    const tails = new Map<string | undefined, ExportEntry>();
    for (const e of entries) tails.set(e.shard, e);
    const moved: CursorPosition[] = [];
    for (const [shard, e] of tails) {
      const checkpoint = await options.cursor.checkpointAfter(e);
      checkCheckpoint(checkpoint, e);
      moved.push({ ...(shard !== undefined ? { shard } : {}), seq: e.seq, hash: e.hash, checkpoint });
    }
    const messages = entries.map((e) => outboundMessage(e, format, options.ocsf));
    const range = `seq ${entries[0]!.seq}–${entries[entries.length - 1]!.seq}`;
    for (let attempt = 1; ; attempt++) {
      try {
        await transport.send(messages);
        break;
      } catch (e) {
        const where = cursorSummary(cursor);
        if (!isRetryable(e)) {
          throw new ShiplogError(
            'DELIVERY_REJECTED',
            `${transport.destination} refused ${range}: ${errorMessage(e)}. Nothing more was sent; the cursor stays ${where}`,
            { cause: e, details: { cursor } },
          );
        }
        if (attempt >= policy.attempts) {
          throw new ShiplogError(
            'DELIVERY_FAILED',
            `could not deliver ${range} to ${transport.destination} after ${attempt} attempt(s): ${errorMessage(e)}. The cursor stays ${where}; run again to send the rest`,
            { cause: e, details: { cursor } },
          );
        }
        const wait = backoffMs(attempt, policy, options.random);
        result.retries++;
        log.warning(
          `shiplog: ${range} not delivered (${errorMessage(e)}); attempt ${attempt + 1} in ${wait} ms`,
        );
        await sleep(wait);
      }
    }
    const positions = [...(cursor?.positions ?? []).filter((p) => !tails.has(p.shard)), ...moved];
    cursor = {
      destination: transport.destination,
      format,
      updated: new Date().toISOString(),
      positions,
    };
    await writeCursor(options.cursor.path, cursor);
    result.cursor = cursor;
    result.delivered += entries.length;
    result.batches++;
    log.info(`shiplog: delivered ${range} (${entries.length}) to ${transport.destination}`);
  };

  for await (const entry of options.entries) {
    const prev = last.get(entry.shard);
    const done = positionOf(cursor, entry.shard);
    if (done && entry.seq <= done.seq) {
      if (entry.seq === done.seq && entry.hash !== done.hash) {
        throw new ShiplogError(
          'BAD_INPUT',
          `${shardName(entry.shard)} seq ${entry.seq} is ${entry.hash}, but the cursor delivered ${done.hash} there: the ledger was rewritten`,
        );
      }
      result.skipped++;
      continue;
    }
    if (prev) {
      // Never a gap, never a fork: each entry must follow the last one streamed.
      if (entry.seq !== prev.seq + 1) {
        throw new ShiplogError(
          'BAD_INPUT',
          `${shardName(entry.shard)}: seq ${entry.seq} does not follow seq ${prev.seq}; the stream would have a gap`,
        );
      }
      if (entry.statement.predicate.prev !== prev.hash) {
        throw new ShiplogError(
          'BAD_INPUT',
          `${shardName(entry.shard)}: seq ${entry.seq} does not link to ${prev.hash} (prev ${entry.statement.predicate.prev})`,
        );
      }
    }
    last.set(entry.shard, { seq: entry.seq, hash: entry.hash });
    batch.push(entry);
    if (batch.length >= batchSize) {
      await deliver(batch);
      batch = [];
    }
  }
  if (batch.length) await deliver(batch);
  return result;
}

function cursorSummary(c: Cursor | undefined): string {
  if (!c || c.positions.length === 0) return 'empty (nothing delivered yet)';
  return c.positions
    .map((p) => `${p.shard !== undefined ? `${p.shard} ` : ''}at seq ${p.seq} ${p.hash}`)
    .join(', ');
}
