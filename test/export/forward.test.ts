import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCursor } from '../../src/export/cursor.ts';
import type { ExportEntry } from '../../src/export/entry.ts';
import { backoffMs, forward, type ForwardOptions } from '../../src/export/forward.ts';
import {
  DeliveryError,
  type OutboundMessage,
  type Transport,
} from '../../src/export/transports/transport.ts';
import { isShiplogError, type ErrorCode } from '../../src/errors.ts';
import { parseCheckpoint } from '../../src/ledger/checkpoint.ts';
import { chain, checkpoints, testKey } from './entries.ts';

const key = testKey();
const checkpointAfter = checkpoints(key);

/** An in-memory collector: stores what it takes; `failWith` scripts what the next sends do. */
class MemoryTransport implements Transport {
  readonly destination = 'relp://collector.test:2514';
  received: OutboundMessage[] = [];
  sends = 0;
  /** Per send, in order: undefined = take everything; a number = take that many, then fail. */
  script: (number | 'reject' | undefined)[] = [];
  down = false;

  async send(batch: readonly OutboundMessage[]): Promise<void> {
    this.sends++;
    if (this.down) throw new DeliveryError('connection refused', true);
    const step = this.script.shift();
    if (step === 'reject') throw new DeliveryError('HTTP 403 "Invalid token" (code 4)', false);
    if (typeof step === 'number') {
      this.received.push(...batch.slice(0, step));
      throw new DeliveryError('connection reset mid-batch', true);
    }
    this.received.push(...batch);
  }
  async close(): Promise<void> {}
}

let dir: string;
let cursorPath: string;
let waits: number[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shiplog-forward-'));
  cursorPath = join(dir, 'state', 'siem.cursor.json');
  waits = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function run(
  transport: Transport,
  entries: ForwardOptions['entries'],
  over: Partial<ForwardOptions> = {},
): ReturnType<typeof forward> {
  return forward({
    entries,
    format: 'ocsf',
    transport,
    cursor: { path: cursorPath, checkpointAfter },
    batchSize: 10,
    retry: { attempts: 3, baseMs: 100, maxMs: 1000 },
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...over,
  });
}

async function failure(p: Promise<unknown>): Promise<{ code: ErrorCode; message: string }> {
  try {
    await p;
  } catch (e) {
    if (isShiplogError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a ShiplogError');
}

describe('forward', () => {
  it('delivers in batches and leaves a cursor with the checkpoint through the last entry', async () => {
    const t = new MemoryTransport();
    const entries = chain(key, 25);
    const r = await run(t, entries);
    expect(r).toMatchObject({ delivered: 25, batches: 3, skipped: 0, retries: 0 });
    expect(t.received.map((m) => m.id)).toEqual(entries.map((e) => e.hash));
    const c = await readCursor(cursorPath);
    expect(c).toMatchObject({ destination: t.destination, format: 'ocsf' });
    expect(c!.positions).toHaveLength(1);
    expect(c!.positions[0]).toMatchObject({ seq: 24, hash: entries[24]!.hash });
    const cp = parseCheckpoint(c!.positions[0]!.checkpoint);
    expect(cp.size).toBe(25);
    expect(JSON.parse(readFileSync(cursorPath, 'utf8')).shiplog_cursor).toBe(1);
    // Written through a temporary file and renamed: nothing else is left beside it.
    expect(readdirSync(join(dir, 'state'))).toEqual(['siem.cursor.json']);
  });

  it('a re-run sends only what came after the cursor, from an async source too', async () => {
    const t = new MemoryTransport();
    const all = chain(key, 30);
    await run(t, all.slice(0, 12));
    t.received = [];
    async function* source(): AsyncGenerator<ExportEntry> {
      // The reader may start at an older checkpoint: entries up to the cursor are skipped.
      for (const e of all.slice(5)) yield e;
    }
    const r = await run(t, source());
    expect(r).toMatchObject({ delivered: 18, skipped: 7 });
    expect(t.received.map((m) => m.seq)).toEqual(all.slice(12).map((e) => e.seq));
    expect(await run(t, all)).toMatchObject({ delivered: 0, skipped: 30 });
  });

  it('a collector that drops mid-batch gets the batch again with the same ids, after backoff', async () => {
    const t = new MemoryTransport();
    const entries = chain(key, 30);
    t.script = [undefined, 4, undefined];
    const r = await run(t, entries, { random: () => 0.5 });
    expect(r).toMatchObject({ delivered: 30, retries: 1 });
    expect(waits).toEqual([75]); // 100 ms step: half fixed, half jittered
    const ids = t.received.map((m) => m.id);
    // Seq 10-13 twice, each copy with the same id; everything else once.
    expect(ids.filter((id) => id === entries[10]!.hash)).toHaveLength(2);
    expect(new Set(ids).size).toBe(30);
    expect(ids.length).toBe(34);
  });

  it('out of retries: fails non-zero with the cursor after the last complete batch; a re-run sends the rest', async () => {
    const t = new MemoryTransport();
    const entries = chain(key, 40);
    t.script = [undefined, undefined, 3];
    const p = run(t, entries);
    // Down from the third batch on.
    const origSend = t.send.bind(t);
    t.send = async (b) => {
      if (t.sends >= 2) t.down = t.script.length === 0;
      return origSend(b);
    };
    const f = await failure(p);
    expect(f.code).toBe('DELIVERY_FAILED');
    expect(f.message).toMatch(/seq 20–29 .* after 3 attempt\(s\).*cursor stays at seq 19/);
    expect(waits).toHaveLength(2);
    expect(waits[1]).toBeGreaterThanOrEqual(100);
    expect((await readCursor(cursorPath))!.positions[0]!.seq).toBe(19);

    t.down = false;
    t.send = origSend;
    expect(await run(t, entries.slice(20))).toMatchObject({ delivered: 20 });
    const seen = new Map<string, number>();
    for (const m of t.received) seen.set(m.id, (seen.get(m.id) ?? 0) + 1);
    expect(seen.size).toBe(40);
    for (const e of entries) expect(seen.get(e.hash)).toBe(e.seq >= 20 && e.seq < 23 ? 2 : 1);
  });

  it('a refusal is final: no retries, DELIVERY_REJECTED, cursor unchanged', async () => {
    const t = new MemoryTransport();
    t.script = ['reject'];
    const f = await failure(run(t, chain(key, 5)));
    expect(f.code).toBe('DELIVERY_REJECTED');
    expect(f.message).toMatch(/Invalid token/);
    expect(t.sends).toBe(1);
    expect(await readCursor(cursorPath)).toBeUndefined();
  });

  it('refuses a gap, a broken link and a rewritten ledger', async () => {
    const t = new MemoryTransport();
    const entries = chain(key, 10);
    expect((await failure(run(t, [entries[0]!, entries[2]!]))).message).toMatch(
      /seq 2 does not follow seq 0/,
    );
    const other = chain(key, 3, { shape: () => ({ repository: 'acme/other' }) });
    expect((await failure(run(t, [entries[0]!, other[1]!]))).message).toMatch(/does not link to/);
    await run(t, entries.slice(0, 5));
    const forked = chain(key, 6, { shape: (i) => (i === 4 ? { environment: 'staging' } : {}) });
    const f = await failure(run(t, forked));
    expect(f.code).toBe('BAD_INPUT');
    expect(f.message).toMatch(/seq 4 .* rewritten/);
    // A gap right after the cursor is a gap too.
    expect((await failure(run(t, entries.slice(6)))).message).toMatch(/seq 6 does not follow seq 4/);
  });

  it('checks the checkpoint it is given before sending anything', async () => {
    const t = new MemoryTransport();
    const entries = chain(key, 3);
    const f = await failure(
      run(t, entries, { cursor: { path: cursorPath, checkpointAfter: () => checkpointAfter(entries[0]!) } }),
    );
    expect(f.code).toBe('BAD_INPUT');
    expect(t.sends).toBe(0);
  });

  it('one cursor per destination', async () => {
    const t = new MemoryTransport();
    await run(t, chain(key, 2));
    const elsewhere = Object.assign(new MemoryTransport(), { destination: 'syslog+tls://other:6514' });
    expect((await failure(run(elsewhere, chain(key, 3)))).code).toBe('USAGE');
    writeFileSync(cursorPath, '{"shiplog_cursor": 1, "destination": 5}');
    expect((await failure(run(t, chain(key, 3)))).code).toBe('BAD_INPUT');
  });

  it('tracks shards separately', async () => {
    const t = new MemoryTransport();
    const a = chain(key, 6, { shard: 'shiplog/acme/web' });
    const b = chain(key, 4, { shard: 'shiplog/acme/api' });
    const mixed = [a[0]!, b[0]!, a[1]!, a[2]!, b[1]!, a[3]!, b[2]!];
    await run(t, mixed, { batchSize: 3 });
    const c = await readCursor(cursorPath);
    expect(c!.positions.map((p) => [p.shard, p.seq]).sort()).toEqual([
      ['shiplog/acme/api', 2],
      ['shiplog/acme/web', 3],
    ]);
    t.received = [];
    await run(t, [...a, ...b]);
    expect(t.received.map((m) => m.id)).toEqual([a[4]!.hash, a[5]!.hash, b[3]!.hash]);
  });
});

describe('backoffMs', () => {
  it('doubles from baseMs, is capped at maxMs, and jitters within the upper half', () => {
    const p = { attempts: 9, baseMs: 200, maxMs: 1000 };
    expect([1, 2, 3, 4, 5].map((a) => backoffMs(a, p, () => 1))).toEqual([200, 400, 800, 1000, 1000]);
    expect([1, 2, 3].map((a) => backoffMs(a, p, () => 0))).toEqual([100, 200, 400]);
  });
});
