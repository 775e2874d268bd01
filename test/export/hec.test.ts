/** Forwarding to a local server that implements Splunk HEC's documented contract, over HTTPS. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readCursor } from '../../src/export/cursor.ts';
import { formatBody, outboundMessage } from '../../src/export/format.ts';
import { forward, type ForwardOptions } from '../../src/export/forward.ts';
import type { OcsfEvent } from '../../src/export/ocsf.ts';
import { ocsfErrors } from '../support/ocsf-validate.ts';
import { openHec } from '../../src/export/transports/hec.ts';
import { openTransport } from '../../src/export/transports/open.ts';
import type { Transport } from '../../src/export/transports/transport.ts';
import { isShiplogError, type ErrorCode } from '../../src/errors.ts';
import { startHecServer, type HecServer } from '../support/hec-server.ts';
import { makeCerts, opensslAvailable, type TestCerts } from './certs.ts';
import { chain, checkpoints, testKey } from './entries.ts';

const available = opensslAvailable();
const TOKEN = '11111111-2222-3333-4444-555555555555';
const key = testKey();
const entries = chain(key, 500, {
  shape: (i) => (i % 3 === 1 ? { type: 'migration', details: { database: 'orders' } } : {}),
});
const byHash = new Map(entries.map((e) => [e.hash, e]));

let dir: string;
let certs: TestCerts;
let hec: HecServer;
let transport: Transport;
let cursorPath: string;
let n = 0;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'shiplog-export-hec-'));
  if (available) certs = makeCerts(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeEach(async () => {
  if (!available) return;
  hec = await startHecServer({ token: TOKEN, cert: certs.serverCert, key: certs.serverKey });
  transport = openTransport(hec.url, {
    token: TOKEN,
    tls: { caFile: certs.ca },
    hostname: 'ci-runner',
    sourcetype: 'shiplog:ocsf',
  });
  cursorPath = join(dir, `hec-${++n}.cursor.json`);
});
afterEach(async () => {
  await transport?.close();
  await hec?.close();
});

function run(over: Partial<ForwardOptions> = {}) {
  return forward({
    entries,
    format: 'ocsf',
    transport,
    cursor: { path: cursorPath, checkpointAfter: checkpoints(key) },
    batchSize: 50,
    retry: { attempts: 4, baseMs: 10, maxMs: 40 },
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

/** How often each entry arrived, after checking every event against its entry. */
function arrivals(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const ev of hec.events) {
    const hash = ev.fields!.entry_hash as string;
    const entry = byHash.get(hash)!;
    expect(entry, `unknown hash ${hash}`).toBeDefined();
    expect(ev).toMatchObject({
      time: Date.parse(entry.statement.predicate.timestamp) / 1000,
      host: 'ci-runner',
      source: 'shiplog',
      sourcetype: 'shiplog:ocsf',
      fields: { seq: String(entry.seq), type: entry.statement.predicate.type },
    });
    expect(ev.event).toEqual(JSON.parse(formatBody(entry, 'ocsf')));
    expect(ocsfErrors(ev.event as OcsfEvent)).toEqual([]);
    counts.set(hash, (counts.get(hash) ?? 0) + 1);
  }
  return counts;
}

describe.skipIf(!available)('forwarding to Splunk HEC', () => {
  it('500 entries arrive once each, in 10 batches, with the entry hash as an indexed field', async () => {
    expect(await run()).toMatchObject({ delivered: 500, batches: 10, retries: 0 });
    expect(hec.requests).toBe(10);
    const counts = arrivals();
    expect(counts.size).toBe(500);
    expect([...counts.values()].every((c) => c === 1)).toBe(true);
  });

  it('503 "Server is busy" is retried with backoff; every entry still arrives once', async () => {
    hec.faults = [null, 'busy', 'busy', null, 'busy'];
    const waits: number[] = [];
    const r = await run({ sleep: async (ms) => void waits.push(ms) });
    expect(r).toMatchObject({ delivered: 500, retries: 3 });
    expect(waits).toHaveLength(3);
    expect([...arrivals().values()].every((c) => c === 1)).toBe(true);
  });

  it('a connection dropped after HEC took the batch: sent again, the copies share the entry hash', async () => {
    hec.faults = [null, null, 'drop-after-accept'];
    expect(await run({ sleep: async () => {} })).toMatchObject({ delivered: 500, retries: 1 });
    const counts = arrivals();
    expect(counts.size).toBe(500);
    for (const e of entries)
      expect(counts.get(e.hash), `seq ${e.seq}`).toBe(e.seq >= 100 && e.seq < 150 ? 2 : 1);
  });

  it('busy past the retries: fails with the cursor after the last delivered batch; a re-run sends the rest once', async () => {
    hec.busyWhen = (req) => req > 3;
    const f = await failure(run({ sleep: async () => {} }));
    expect(f.code).toBe('DELIVERY_FAILED');
    expect(f.message).toMatch(/HTTP 503 "Server is busy" \(code 9\)/);
    expect((await readCursor(cursorPath))!.positions[0]!.seq).toBe(149);
    hec.busyWhen = undefined;
    expect(await run()).toMatchObject({ delivered: 350, skipped: 150 });
    expect([...arrivals().values()].every((c) => c === 1)).toBe(true);
    expect(arrivals().size).toBe(500);
  });

  it('a wrong token is refused at once, naming HEC code and text and never the token', async () => {
    await transport.close();
    transport = openTransport(hec.url, { token: 'not-the-token', tls: { caFile: certs.ca } });
    const f = await failure(run());
    expect(f.code).toBe('DELIVERY_REJECTED');
    expect(f.message).toMatch(/HTTP 403 "Invalid token" \(code 4\)/);
    expect(f.message).not.toContain('not-the-token');
    expect(hec.requests).toBe(1);
    expect(await readCursor(cursorPath)).toBeUndefined();
  });

  it('verifies the server certificate by default', async () => {
    await transport.close();
    transport = openTransport(hec.url, { token: TOKEN });
    const f = await failure(run());
    expect(f.code).toBe('DELIVERY_REJECTED');
    expect(f.message).toMatch(/--ca FILE/);
    expect(hec.events).toHaveLength(0);
  });

  it('splits a large batch into several POSTs and succeeds only when all are taken', async () => {
    const t = openHec({
      url: new URL(hec.url),
      token: TOKEN,
      tls: { caFile: certs.ca },
      maxBodyBytes: 20_000,
    });
    try {
      await t.send(entries.slice(0, 40).map((e) => outboundMessage(e, 'jsonl')));
    } finally {
      await t.close();
    }
    expect(hec.requests).toBeGreaterThan(1);
    expect(hec.events.map((e) => e.fields!.entry_hash)).toEqual(entries.slice(0, 40).map((e) => e.hash));
  });

  it('needs a token and https (plain http only to loopback)', () => {
    for (const [url, token] of [
      [hec.url, ''],
      ['http://siem.example:8088', TOKEN],
    ] as const) {
      try {
        openTransport(url, { token });
        expect.unreachable();
      } catch (e) {
        expect(isShiplogError(e, 'USAGE')).toBe(true);
      }
    }
  });
});
