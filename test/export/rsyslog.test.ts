/**
 * Forwarding to a real rsyslogd over plain TCP, TLS and RELP: everything arrives once and intact,
 * and what a collector crash (SIGKILL) costs on each transport is exactly what the README claims.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCursor } from '../../src/export/cursor.ts';
import { formatBody } from '../../src/export/format.ts';
import { forward, type ForwardOptions } from '../../src/export/forward.ts';
import type { OcsfEvent } from '../../src/export/ocsf.ts';
import { ocsfErrors } from '../support/ocsf-validate.ts';
import { openTransport, type TransportOptions } from '../../src/export/transports/open.ts';
import type { Transport } from '../../src/export/transports/transport.ts';
import type { Truncated } from '../../src/export/truncate.ts';
import { isShiplogError } from '../../src/errors.ts';
import { rsyslogAvailable, startRsyslog, type Input, type Rsyslog } from '../support/rsyslog.ts';
import { makeCerts, opensslAvailable, type TestCerts } from './certs.ts';
import { chain, checkpoints, testKey } from './entries.ts';
import { parse5424 } from './syslog-parse.ts';

const available = rsyslogAvailable() && opensslAvailable();
if (!available && process.env.CI) throw new Error('CI must have rsyslogd with imrelp and gtls, and openssl');

const key = testKey();
const TYPES = ['deploy', 'migration', 'config-override', 'override', 'deploy'] as const;
const entries = chain(key, 500, {
  shape: (i) => ({
    type: TYPES[i % TYPES.length],
    // Non-ASCII and characters syslog and JSON both care about, to prove the body arrives as sent.
    actor: { login: i % 7 === 0 ? 'zoë"]\\' : 'alice', id: 1 },
  }),
});
const byHash = new Map(entries.map((e) => [e.hash, e]));

let dir: string;
let certs: TestCerts;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'shiplog-export-rsyslog-'));
  if (available) certs = makeCerts(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function url(r: Rsyslog, input: Input): string {
  const scheme = input === 'relp' ? 'relp' : input === 'tcp' ? 'syslog+tcp' : 'syslog+tls';
  return `${scheme}://127.0.0.1:${r.ports[input]}`;
}

const SD_ID = 'shiplog@12345';

function options(input: Input): TransportOptions {
  const common = { hostname: 'ci-runner', sdId: SD_ID };
  if (input === 'tls') return { tls: { caFile: certs.ca }, ...common };
  if (input === 'tlsAuth') {
    return { tls: { caFile: certs.ca, certFile: certs.clientCert, keyFile: certs.clientKey }, ...common };
  }
  return common;
}

function run(transport: Transport, name: string, over: Partial<ForwardOptions> = {}) {
  return forward({
    entries,
    format: 'ocsf',
    transport,
    cursor: { path: join(dir, `${name}.cursor.json`), checkpointAfter: checkpoints(key) },
    batchSize: 50,
    retry: { attempts: 3, baseMs: 20, maxMs: 50 },
    ...over,
  });
}

/** Every line an RFC 5424 message whose SD hash names an entry and whose MSG is that entry's event. */
function received(lines: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) {
    const m = parse5424(line);
    expect(m).toMatchObject({
      version: 1,
      appName: 'shiplog',
      procId: '-',
      hostname: 'ci-runner',
      bom: true,
    });
    const hash = m.sd[SD_ID]!.hash!;
    const entry = byHash.get(hash);
    expect(entry, `unknown hash ${hash}`).toBeDefined();
    expect(m.sd[SD_ID]!.seq).toBe(String(entry!.seq));
    expect(m.msgId).toBe(entry!.statement.predicate.type);
    expect(m.timestamp).toBe(entry!.statement.predicate.timestamp);
    const event = JSON.parse(m.msg) as OcsfEvent;
    expect(event).toEqual(JSON.parse(formatBody(entry!, 'ocsf')));
    expect(ocsfErrors(event)).toEqual([]);
    counts.set(hash, (counts.get(hash) ?? 0) + 1);
  }
  return counts;
}

describe.skipIf(!available)('forwarding to rsyslog', () => {
  let r: Rsyslog;
  beforeAll(async () => {
    r = await startRsyslog({
      tls: { ca: certs.ca, cert: certs.serverCert, key: certs.serverKey },
      clientAuth: true,
    });
  });
  afterAll(() => r?.cleanup());

  it.each(['tcp', 'tls', 'relp'] as const)('500 entries over %s arrive once each, intact', async (input) => {
    const t = openTransport(url(r, input), options(input));
    try {
      const result = await run(t, input);
      expect(result).toMatchObject({ delivered: 500, retries: 0 });
    } finally {
      await t.close();
    }
    // RELP answered only after rsyslog wrote each message: all 500 are in the file already.
    const lines = input === 'relp' ? r.lines('relp') : await r.waitForLines(input, 500);
    expect(lines).toHaveLength(500);
    const counts = received(lines);
    expect(counts.size).toBe(500);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });

  it('TLS with a client certificate, to an input that requires one', async () => {
    const t = openTransport(url(r, 'tlsAuth'), options('tlsAuth'));
    try {
      await run(t, 'tls-client-cert', { entries: entries.slice(0, 20) });
    } finally {
      await t.close();
    }
    expect(received(await r.waitForLines('tlsAuth', 20)).size).toBe(20);
  });

  it('TLS verifies the collector certificate by default: an unknown CA is refused, nothing sent', async () => {
    for (const tls of [{}, { caFile: certs.otherCa }]) {
      const t = openTransport(url(r, 'tls'), { tls });
      try {
        await run(t, `tls-untrusted-${Object.keys(tls).length}`, { entries: entries.slice(0, 5) });
        expect.unreachable();
      } catch (e) {
        expect(isShiplogError(e, 'DELIVERY_REJECTED')).toBe(true);
        expect((e as Error).message).toMatch(/--ca FILE/);
      } finally {
        await t.close();
      }
    }
  });
});

describe.skipIf(!available)('rsyslog left at its default maximum message size (8 KB)', () => {
  let r: Rsyslog;
  beforeAll(async () => {
    r = await startRsyslog({ tls: { ca: certs.ca, cert: certs.serverCert, key: certs.serverKey } });
  });
  afterAll(() => r?.cleanup());

  /** Deploys whose change sets list 150–400 commits: OCSF events of 14–40 KB. */
  const big = chain(key, 6, {
    shape: (i) => ({
      actor: { login: 'zoë"]\\', id: 1 },
      change_set: {
        complete: true,
        commits: Array.from({ length: 150 + i * 50 }, (_, j) => ({
          sha: `${(i * 1000 + j).toString(16).padStart(40, 'd')}`,
          pull_request: {
            number: j + 1,
            title: `change ${j} — ünïcode`,
            approvers: [{ login: 'bob', id: 2 }],
          },
        })),
      },
    }),
  });

  it('the config does not raise maxMessageSize', () => {
    expect(readFileSync(join(r.dir, 'rsyslog.conf'), 'utf8')).not.toMatch(/maxMessageSize/i);
  });

  it.each(['tcp', 'relp'] as const)(
    'over %s, every event arrives whole (valid JSON and OCSF), cut to 8192 bytes and saying so',
    async (input) => {
      for (const e of big) expect(Buffer.byteLength(formatBody(e, 'ocsf'))).toBeGreaterThan(14_000);
      const t = openTransport(url(r, input), options(input));
      try {
        await run(t, `big-${input}`, { entries: big });
      } finally {
        await t.close();
      }
      const lines = input === 'relp' ? r.lines('relp') : await r.waitForLines(input, big.length);
      expect(lines).toHaveLength(big.length);
      lines.forEach((line, i) => {
        expect(Buffer.byteLength(line)).toBeLessThanOrEqual(8192);
        const m = parse5424(line);
        expect(m.sd[SD_ID]!.hash).toBe(big[i]!.hash);
        const event = JSON.parse(m.msg) as OcsfEvent & { unmapped: { shiplog: { truncated: Truncated } } };
        expect(ocsfErrors(event)).toEqual([]);
        expect(event.unmapped.shiplog.truncated).toMatchObject({
          max_message_bytes: 8192,
          entry_hash: big[i]!.hash,
          ledger_commit: big[i]!.ledgerCommit,
        });
        expect(event.unmapped.shiplog.truncated.cut.map((c) => c.path)).toContain(
          'unmapped.shiplog.statement.predicate.change_set.commits',
        );
      });
    },
  );

  it('without the cut, the same event is what a default rsyslog mangles (why the limit exists)', async () => {
    const t = openTransport(url(r, 'tcp'), { ...options('tcp'), maxMessageBytes: 64 * 1024 });
    const before = r.lines('tcp').length;
    try {
      await run(t, 'big-uncut', { entries: big.slice(0, 1) });
    } finally {
      await t.close();
    }
    const lines = await r.waitForLines('tcp', before + 1);
    const got = lines.slice(before).join('\n');
    expect(() => JSON.parse(parse5424(lines[before]!).msg)).toThrow();
    expect(got.length).toBeLessThan(Buffer.byteLength(formatBody(big[0]!, 'ocsf')));
  });
});

/**
 * A transport that crashes the collector in the middle of the `at`-th batch: the first half is
 * delivered and stored, then rsyslogd is frozen (SIGSTOP) so the second half sits unread in its
 * socket, then killed (SIGKILL). Deterministic, and exactly a crash with messages on the wire.
 */
function crashDuring(inner: Transport, r: Rsyslog, input: Input, at: number): Transport {
  let n = 0;
  let stored = 0;
  return {
    destination: inner.destination,
    async send(batch) {
      n++;
      if (n !== at) {
        await inner.send(batch);
        stored += batch.length;
        return;
      }
      const half = Math.floor(batch.length / 2);
      await inner.send(batch.slice(0, half));
      await r.waitForLines(input, stored + half);
      await r.pause();
      const rest = inner.send(batch.slice(half)).then(
        () => undefined,
        (e: unknown) => e,
      );
      // Plain TCP: the second half is "sent" once the kernel has it, before the crash.
      if (input !== 'relp') await rest;
      await r.kill();
      const e = await rest;
      if (e) throw e;
    },
    close: () => inner.close(),
  };
}

async function firstRunFails(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    expect(isShiplogError(e, 'DELIVERY_FAILED')).toBe(true);
    expect((e as { exitCode: number }).exitCode).toBe(1);
    return;
  }
  throw new Error('forward should have failed with the collector down');
}

describe.skipIf(!available)('rsyslog killed (SIGKILL) mid-stream and restarted', () => {
  let r: Rsyslog;
  afterAll(() => r?.cleanup());

  it('RELP: the re-run completes; every entry once, the acknowledged part of the in-flight batch twice with the same hash', async () => {
    r = await startRsyslog({ tls: { ca: certs.ca, cert: certs.serverCert, key: certs.serverKey } });
    const inner = openTransport(url(r, 'relp'), options('relp'));
    await firstRunFails(run(crashDuring(inner, r, 'relp', 4), 'relp-kill'));
    // Batch 4 (seq 150-199) was not acknowledged in full: the cursor stays after batch 3.
    const cursor = (await readCursor(join(dir, 'relp-kill.cursor.json')))!.positions[0]!;
    expect(cursor.seq).toBe(149);
    expect(r.lines('relp')).toHaveLength(175);

    await r.start();
    try {
      expect(await run(inner, 'relp-kill')).toMatchObject({
        delivered: 499 - cursor.seq,
        skipped: cursor.seq + 1,
      });
    } finally {
      await inner.close();
    }
    const counts = received(r.lines('relp'));
    // Nothing lost. The acknowledged half of the in-flight batch arrived twice, same hash both times.
    for (const e of entries)
      expect(counts.get(e.hash), `seq ${e.seq}`).toBe(e.seq >= 150 && e.seq < 175 ? 2 : 1);
  });

  it('TCP: the cursor can run ahead of the collector: what sat unread when it died is lost, the rest arrives once', async () => {
    await r?.cleanup();
    r = await startRsyslog({ tls: { ca: certs.ca, cert: certs.serverCert, key: certs.serverKey } });
    const inner = openTransport(url(r, 'tcp'), options('tcp'));
    await firstRunFails(run(crashDuring(inner, r, 'tcp', 4), 'tcp-kill'));
    // Batch 4 was written to the socket, so it counted as sent: the cursor ran ahead of the collector.
    const cursor = (await readCursor(join(dir, 'tcp-kill.cursor.json')))!.positions[0]!;
    expect(cursor.seq).toBe(199);

    await r.start();
    const before = r.lines('tcp').length;
    try {
      await run(inner, 'tcp-kill');
    } finally {
      await inner.close();
    }
    // No acknowledgements: wait until the collector wrote what the re-run sent.
    const counts = received(await r.waitForLines('tcp', before + 499 - cursor.seq));
    const missing = entries.filter((e) => !counts.has(e.hash)).map((e) => e.seq);
    // What the crash cost, as documented: what sat unread in the collector when it died (seq
    // 175-199), all before the cursor, so a re-run does not send it again. Everything else once.
    expect(missing).toEqual(Array.from({ length: 25 }, (_, i) => 175 + i));
    for (const e of entries) if (!missing.includes(e.seq)) expect(counts.get(e.hash), `seq ${e.seq}`).toBe(1);
  });
});
