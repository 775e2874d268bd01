/**
 * `shiplog forward` end to end through the CLI on real ledgers: to a real rsyslogd over RELP and to
 * a local Splunk HEC. Everything arrives once, the cursor moves past what was delivered and only
 * that, a ledger that fails verification sends no entry but a ledger alarm, and a collector that stays down fails the
 * run with the cursor where delivery is known complete.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildLedger } from '../../bench/build-ledger.ts';
import { readCursor } from '../../src/export/cursor.ts';
import type { OcsfEvent } from '../../src/export/ocsf.ts';
import { ocsfErrors } from '../support/ocsf-validate.ts';
import { appendEntry } from '../../src/ledger/append.ts';
import { parseCheckpoint } from '../../src/ledger/checkpoint.ts';
import type { LedgerLocation } from '../../src/ledger/store.ts';
import { verifyLedger } from '../../src/ledger/verify.ts';
import { makeCerts, opensslAvailable, type TestCerts } from '../export/certs.ts';
import { parse5424 } from '../export/syslog-parse.ts';
import { startHecServer, type HecServer } from '../support/hec-server.ts';
import {
  createLedgerFixture,
  newKey,
  sampleEntry,
  sh,
  type LedgerFixture,
} from '../support/ledger-fixture.ts';
import { freePort, rsyslogAvailable, startRsyslog, type Rsyslog } from '../support/rsyslog.ts';
import { runCli } from '../support/run-cli.ts';

/** Appends after the fixture's history: verify refuses an entry timestamped before the one it follows. */
const LATER = { timestamp: '2026-06-01T00:00:00.000Z' };

const syslogReady = rsyslogAvailable() && opensslAvailable();
if (!syslogReady && process.env.CI)
  throw new Error('CI must have rsyslogd with imrelp and gtls, and openssl');
const TOKEN = '11111111-2222-3333-4444-555555555555';

let dir: string;
let certs: TestCerts;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'shiplog-cli-forward-'));
  if (opensslAvailable()) certs = makeCerts(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fixtures: LedgerFixture[] = [];
afterEach(() => {
  for (const f of fixtures.splice(0)) f.cleanup();
});

/** A real ledger of n entries (written in bulk through the append path's index model), appendable. */
async function ledger(n: number): Promise<LedgerFixture> {
  const fx = await createLedgerFixture();
  fixtures.push(fx);
  if (n > 0) await buildLedger(fx.remote, fx.key, n);
  return fx;
}

let cursors = 0;
const newCursor = (): string => join(dir, `cursor-${++cursors}.json`);

function fwd(
  loc: { remote: string; cacheDir?: string },
  pub: string,
  to: string,
  cursor: string,
  extra: string[] = [],
  env: Record<string, string | undefined> = {},
) {
  return runCli(
    [
      'forward',
      ...['--remote', loc.remote, '--cache-dir', loc.cacheDir!, '--trusted-key', pub],
      ...['--to', to, '--cursor', cursor, ...extra],
    ],
    { SHIPLOG_HEC_TOKEN: undefined, SHIPLOG_FORWARD_ATTEMPTS: '2', ...env },
  );
}

async function hashes(location: LedgerLocation, fx: LedgerFixture): Promise<string[]> {
  const r = await verifyLedger({ location, trusted: [fx.trusted], collect: true });
  return r.verified!.map((v) => v.hash);
}

describe.skipIf(!syslogReady)('shiplog forward to rsyslog over RELP', () => {
  let r: Rsyslog;
  let to: string;
  beforeAll(async () => {
    r = await startRsyslog({ tls: { ca: certs.ca, cert: certs.serverCert, key: certs.serverKey } });
    to = `relp://127.0.0.1:${r.ports.relp}`;
  });
  afterAll(() => r?.cleanup());

  /** Entry hash → how often it arrived, each line checked as RFC 5424 carrying its OCSF event. */
  function arrivals(lines: string[]): Map<string, number> {
    const counts = new Map<string, number>();
    for (const line of lines) {
      const m = parse5424(line);
      // No --sd-id: no structured data of a made-up enterprise number; the hash is the event's uid.
      expect(m.sd).toEqual({});
      const event = JSON.parse(m.msg) as OcsfEvent;
      expect(ocsfErrors(event)).toEqual([]);
      const hash = event.metadata.uid as string;
      expect(event.metadata.sequence).toEqual(expect.any(Number));
      counts.set(hash, (counts.get(hash) ?? 0) + 1);
    }
    return counts;
  }

  it('30 entries arrive once and the cursor advances; after 5 more appends exactly those 5 go', async () => {
    const fx = await ledger(30);
    const cursor = newCursor();
    const before = r.lines('relp').length;
    const first = await fwd(fx, fx.pubFile, to, cursor, ['--batch', '8']);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(`forwarded 30 entries to ${to} in 4 batch(es); cursor at seq 29\n`);
    expect(first.stderr).toMatch(/delivered seq 24–29 \(6\)/);
    // RELP acknowledges only what rsyslog wrote: all 30 are in the file when the command returns.
    const sent = r.lines('relp').slice(before);
    const all = await hashes(fx.location, fx);
    expect(arrivals(sent)).toEqual(new Map(all.map((h) => [h, 1])));
    const c1 = (await readCursor(cursor))!;
    expect(c1).toMatchObject({ destination: to, format: 'ocsf' });
    expect(c1.positions).toEqual([{ seq: 29, hash: all[29], checkpoint: expect.any(String) }]);
    expect(parseCheckpoint(c1.positions[0]!.checkpoint)).toMatchObject({ size: 30 });

    await fx.append(5, LATER);
    // Verified from the cursor's checkpoint on; each batch's checkpoint fetched by id.
    const second = await fwd(fx, fx.pubFile, to, cursor, ['--batch', '2']);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(`forwarded 5 entries to ${to} in 3 batch(es); cursor at seq 34\n`);
    const more = r.lines('relp').slice(before + 30);
    const now = await hashes(fx.location, fx);
    expect(arrivals(more)).toEqual(new Map(now.slice(30).map((h) => [h, 1])));
    expect((await readCursor(cursor))!.positions[0]).toMatchObject({ seq: 34, hash: now[34] });

    const third = await fwd(fx, fx.pubFile, to, cursor);
    expect(third).toMatchObject({ code: 0, stdout: `nothing new to forward to ${to}; cursor at seq 34\n` });
    expect(r.lines('relp')).toHaveLength(before + 35);
  });

  it('--sd-id NAME@PEN carries hash and seq as structured data under that enterprise number', async () => {
    const fx = await ledger(2);
    const before = r.lines('relp').length;
    const run = await fwd(fx, fx.pubFile, to, newCursor(), ['--sd-id', 'acme@54321']);
    expect(run.code, run.stderr).toBe(0);
    const all = await hashes(fx.location, fx);
    const sds = r
      .lines('relp')
      .slice(before)
      .map((l) => parse5424(l).sd);
    expect(sds).toEqual(all.map((hash, seq) => ({ 'acme@54321': { hash, seq: String(seq) } })));
    // the documentation number is refused, as RFC 5612 reserves it
    const bad = await fwd(fx, fx.pubFile, to, newCursor(), ['--sd-id', 'shiplog@32473']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/32473/);
  });

  /** The ledger alarms among these syslog lines: valid OCSF Compliance Findings, Critical. */
  function alarms(lines: string[]): OcsfEvent[] {
    return lines
      .map((l) => JSON.parse(parse5424(l).msg) as OcsfEvent)
      .filter((e) => e.class_uid === 2003)
      .map((e) => {
        expect(ocsfErrors(e)).toEqual([]);
        expect(e).toMatchObject({ severity_id: 5, status_id: 1 });
        return e;
      });
  }

  it('a history rewritten below the cursor: no entry goes, a force-push alarm does, the cursor stays', async () => {
    const fx = await ledger(4);
    const cursor = newCursor();
    expect((await fwd(fx, fx.pubFile, to, cursor)).code).toBe(0);
    const delivered = await readCursor(cursor);
    // Someone with the signing key and push rights drops entries 2 and 3 and appends others instead.
    sh(
      fx.remote,
      'update-ref',
      'refs/heads/shiplog',
      sh(fx.remote, 'rev-parse', 'refs/heads/shiplog~2').trim(),
    );
    await fx.append(3, LATER);
    const before = r.lines('relp').length;
    const run = await fwd(fx, fx.pubFile, to, cursor);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/error\[VERIFY_FAILED\]: .*nothing was forwarded/);
    expect(run.stderr).toMatch(/sent 1 ledger alarm\(s\)/);
    const sent = r.lines('relp').slice(before);
    expect(sent).toHaveLength(1);
    const [alarm] = alarms(sent);
    expect(alarm).toMatchObject({
      compliance: { control: 'alarm:force-push', status_id: 3 },
      finding_info: { title: expect.stringContaining('was force-pushed') },
    });
    expect(await readCursor(cursor)).toEqual(delivered);
  });

  it('refuses a ledger that fails verification: no entry sent but the alarm, the cursor stays', async () => {
    const fx = await ledger(6);
    const cursor = newCursor();
    expect((await fwd(fx, fx.pubFile, to, cursor)).code).toBe(0);
    const delivered = await readCursor(cursor);
    // An entry signed by a key nobody trusts, then a good one on top.
    await appendEntry({ location: fx.location, key: newKey().key, entry: sampleEntry(6) });
    await fx.append(1, LATER);
    const before = r.lines('relp').length;

    // Checked from the cursor on (the incremental verify finds it) ...
    const again = await fwd(fx, fx.pubFile, to, cursor);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(/ {2}signature \(seq 6 commit [0-9a-f]{12}\): /);
    expect(again.stderr).toMatch(/error\[VERIFY_FAILED\]: .*nothing was forwarded/);
    expect(await readCursor(cursor)).toEqual(delivered);

    // ... and from the start, with no cursor yet: none is created.
    const fresh = newCursor();
    expect(await fwd(fx, fx.pubFile, to, fresh)).toMatchObject({ code: 1, stdout: '' });
    expect(existsSync(fresh)).toBe(false);
    // Each run told the collector, with the same finding (one uid for one broken tip), and no entry.
    const sent = r.lines('relp').slice(before);
    const told = alarms(sent);
    expect(told).toHaveLength(2);
    expect(sent).toHaveLength(2);
    expect(told[0]).toMatchObject({ compliance: { control: 'alarm:unexpected-commits' } });
    const uid = (e: OcsfEvent): unknown => (e.finding_info as { uid?: string }).uid;
    expect(uid(told[1]!)).toBe(uid(told[0]!));
  });

  it('a collector that is not there: exit 1 after the retries, no cursor, and a message that says so', async () => {
    const fx = await ledger(3);
    const cursor = newCursor();
    const down = `relp://127.0.0.1:${await freePort()}`;
    const f = await fwd(fx, fx.pubFile, down, cursor);
    expect(f.code).toBe(1);
    expect(f.stderr).toMatch(/not delivered .*; attempt 2 in \d+ ms/);
    expect(f.stderr).toMatch(
      /error\[DELIVERY_FAILED\]: could not deliver seq 0–2 to relp:\/\/127\.0\.0\.1:\d+ after 2 attempt\(s\): .*ECONNREFUSED.*The cursor stays empty \(nothing delivered yet\); run again to send the rest/,
    );
    expect(existsSync(cursor)).toBe(false);
  });
});

describe.skipIf(!opensslAvailable())('shiplog forward to Splunk HEC', () => {
  let hec: HecServer;
  beforeAll(async () => {
    hec = await startHecServer({ token: TOKEN, cert: certs.serverCert, key: certs.serverKey });
  });
  afterAll(() => hec?.close());
  afterEach(() => {
    hec.events.length = 0;
    hec.busyWhen = undefined;
  });

  const withToken = { SHIPLOG_HEC_TOKEN: TOKEN };

  it('the token from SHIPLOG_HEC_TOKEN, never printed; every entry once with its hash as an indexed field', async () => {
    const fx = await ledger(12);
    const cursor = newCursor();
    const r = await fwd(fx, fx.pubFile, hec.url, cursor, ['--ca', certs.ca, '--batch', '5'], withToken);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `forwarded 12 entries to ${hec.url}/services/collector/event in 3 batch(es); cursor at seq 11\n`,
    );
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
    const all = await hashes(fx.location, fx);
    expect(hec.events.map((e) => e.fields!.entry_hash)).toEqual(all);
    for (const e of hec.events) {
      expect(e).toMatchObject({ sourcetype: 'shiplog:ocsf', source: 'shiplog' });
      expect(ocsfErrors(e.event as OcsfEvent)).toEqual([]);
    }
    expect(JSON.stringify(await readCursor(cursor))).not.toContain(TOKEN);
  });

  it('no token for an https:// destination is a usage error (exit 2): nothing verified, nothing sent', async () => {
    const fx = await ledger(2);
    const cursor = newCursor();
    const requests = hec.requests;
    const r = await fwd(fx, fx.pubFile, hec.url, cursor, ['--ca', certs.ca]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error\[USAGE\]: no HEC token: set the environment variable SHIPLOG_HEC_TOKEN/);
    expect(hec.requests).toBe(requests);
    expect(existsSync(cursor)).toBe(false);
  });

  it('busy past the retries: exit 1 with the cursor after the last delivered batch; a re-run sends the rest once', async () => {
    const fx = await ledger(12);
    const cursor = newCursor();
    const start = hec.requests;
    hec.busyWhen = (n) => n > start + 1;
    const args = ['--ca', certs.ca, '--batch', '5'];
    const f = await fwd(fx, fx.pubFile, hec.url, cursor, args, withToken);
    expect(f.code).toBe(1);
    expect(f.stderr).toMatch(
      /error\[DELIVERY_FAILED\]: could not deliver seq 5–9 to .* after 2 attempt\(s\): .*HTTP 503 "Server is busy" \(code 9\)\. The cursor stays at seq 4 sha256:[0-9a-f]{64}; run again/,
    );
    expect((await readCursor(cursor))!.positions[0]!.seq).toBe(4);
    hec.busyWhen = undefined;
    const again = await fwd(fx, fx.pubFile, hec.url, cursor, args, withToken);
    expect(again).toMatchObject({ code: 0 });
    expect(again.stdout).toMatch(/^forwarded 7 entries .* cursor at seq 11\n$/);
    expect(hec.events.map((e) => e.fields!.entry_hash)).toEqual(await hashes(fx.location, fx));
  });

  it('--all-shards: one position per shard; later runs send only what each shard added', async () => {
    const fx = await ledger(0);
    const shard = (repo: string): LedgerLocation => ({ ...fx.location, branch: `shiplog/${repo}` });
    const add = (repo: string, i: number) =>
      appendEntry({ location: shard(repo), key: fx.key, entry: sampleEntry(i, { repository: repo }) });
    await add('acme/web', 0);
    await add('acme/web', 1);
    await add('acme/api', 0);
    const cursor = newCursor();
    const args = ['--all-shards', '--format', 'jsonl', '--ca', certs.ca];
    const r = await fwd(fx, fx.pubFile, hec.url, cursor, args, withToken);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/cursor shiplog\/acme\/api at seq 0, shiplog\/acme\/web at seq 1\n$/);
    const got = () =>
      hec.events.map((e) => [(e.event as { shard: string }).shard, (e.event as { seq: number }).seq]);
    expect(got()).toEqual([
      ['shiplog/acme/api', 0],
      ['shiplog/acme/web', 0],
      ['shiplog/acme/web', 1],
    ]);
    expect(hec.events.every((e) => e.sourcetype === 'shiplog:jsonl')).toBe(true);
    const c = (await readCursor(cursor))!;
    expect(c.positions.map((p) => [p.shard, p.seq])).toEqual([
      ['shiplog/acme/api', 0],
      ['shiplog/acme/web', 1],
    ]);

    await add('acme/web', 2);
    const next = await fwd(fx, fx.pubFile, hec.url, cursor, [...args, '--json'], withToken);
    expect(next.code).toBe(0);
    expect(JSON.parse(next.stdout)).toMatchObject({
      destination: `${hec.url}/services/collector/event`,
      format: 'jsonl',
      delivered: 1,
      batches: 1,
      retries: 0,
      cursor: [
        { shard: 'shiplog/acme/api', seq: 0 },
        { shard: 'shiplog/acme/web', seq: 2 },
      ],
    });
    expect(got().slice(3)).toEqual([['shiplog/acme/web', 2]]);

    // The same cursor read as one ledger, or as another format, would resend or mix: refused.
    const one = ['--ledger-branch', 'shiplog/acme/web', '--format', 'jsonl', '--ca', certs.ca];
    expect(await fwd(fx, fx.pubFile, hec.url, cursor, one, withToken)).toMatchObject({ code: 2 });
    const ocsf = ['--all-shards', '--ca', certs.ca];
    const mixed = await fwd(fx, fx.pubFile, hec.url, cursor, ocsf, withToken);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/tracks a jsonl stream: pass --format jsonl/);
    expect(hec.events).toHaveLength(4);
  });
});

describe('shiplog forward usage errors', () => {
  it('exit 2 before anything is read or sent', async () => {
    const fx = await ledger(1);
    const cursor = newCursor();
    const pem = join(dir, 'some.pem');
    writeFileSync(pem, 'x');
    const cases: [string, string[]][] = [
      ['relp://127.0.0.1:1', ['--ca', pem]],
      ['syslog+tls://127.0.0.1:1', ['--cert', pem]],
      ['syslog+tls://127.0.0.1:1', ['--ca', join(dir, 'missing.pem')]],
      ['gopher://127.0.0.1:1', []],
      ['relp://127.0.0.1:1', ['--format', 'csv']],
      ['relp://127.0.0.1:1', ['--batch', '0']],
    ];
    for (const [to, extra] of cases) {
      const r = await fwd(fx, fx.pubFile, to, cursor, extra);
      expect(r.code, `${to} ${extra.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stdout).toBe('');
    }
    // A cursor kept for another destination.
    writeFileSync(
      cursor,
      JSON.stringify({
        shiplog_cursor: 1,
        destination: 'relp://elsewhere:2514',
        format: 'ocsf',
        positions: [],
      }),
    );
    const other = await fwd(fx, fx.pubFile, 'relp://127.0.0.1:1', cursor);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/tracks relp:\/\/elsewhere:2514, not relp:\/\/127\.0\.0\.1:1/);
  });
});
