/**
 * The Action's `forward` through the bundled dist/index.js, as a runner runs it: verified entries to
 * a local Splunk HTTP Event Collector, the cursor in the workspace, the token from a masked input.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEntry } from '../../src/ledger/append.ts';
import { loadSigningKey } from '../../src/ledger/keys.ts';
import { makeCerts, opensslAvailable, type TestCerts } from '../export/certs.ts';
import { parse5424 } from '../export/syslog-parse.ts';
import { startHecServer, type HecServer } from '../support/hec-server.ts';
import { rsyslogAvailable, startRsyslog, type Rsyslog } from '../support/rsyslog.ts';
import { newKey, sampleEntry } from '../support/ledger-fixture.ts';
import { runAction, visibleLog } from './harness.ts';
import { useActionTestbed } from './testbed.ts';

const REPO = 'acme/web';
const TOKEN = 'hec-token-0123456789abcdef';
const tb = useActionTestbed(REPO);
let certs: TestCerts;
let hec: HecServer;
let rsyslog: Rsyslog | undefined;

beforeAll(async () => {
  certs = makeCerts(mkdtempSync(join(tmpdir(), 'shiplog-forward-certs-')));
  hec = await startHecServer({ token: TOKEN, cert: certs.serverCert, key: certs.serverKey });
  if (rsyslogAvailable())
    rsyslog = await startRsyslog({ tls: { ca: certs.ca, cert: certs.serverCert, key: certs.serverKey } });
});
afterAll(async () => {
  await hec?.close();
  rsyslog?.cleanup();
});

async function seed(n: number, key = loadSigningKey(tb.wb.privatePem, 'test')): Promise<void> {
  for (let i = 0; i < n; i++)
    await appendEntry({
      location: { ...tb.wb.location, cacheDir: join(tb.wb.dir, 'seed') },
      key,
      entry: sampleEntry(i),
    });
}

function forward() {
  copyFileSync(certs.ca, join(tb.wb.workspace, 'hec-ca.pem'));
  return runAction(tb.bundle, tb.wb, tb.gh, {
    inputs: {
      command: 'forward',
      to: hec.url,
      cursor: '.shiplog/hec.cursor',
      ca: 'hec-ca.pem',
      'hec-token': TOKEN,
      'trusted-keys': tb.wb.publicPem,
    },
  });
}

describe.runIf(opensslAvailable())('forward', () => {
  it('sends what is new since the cursor, and keeps the token out of sight', async () => {
    hec.events.length = 0;
    await seed(3);
    const first = await forward();
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.outputs).toMatchObject({ delivered: '3', seq: '2' });
    expect(hec.events.map((e) => (e.fields as { entry_hash: string }).entry_hash)).toHaveLength(3);
    expect(existsSync(join(tb.wb.workspace, '.shiplog/hec.cursor'))).toBe(true);
    const again = await forward();
    expect(again.outputs.delivered).toBe('0');
    expect(hec.events).toHaveLength(3);
    for (const place of [
      visibleLog(first),
      first.summary,
      readFileSync(join(tb.wb.workspace, '.shiplog/hec.cursor'), 'utf8'),
    ])
      expect(place).not.toContain(TOKEN);
  });

  it('takes sd-id and max-message-bytes as the CLI takes --sd-id and --max-message-bytes', async (t) => {
    if (!rsyslog) {
      if (process.env.CI) throw new Error('CI must have rsyslogd with imrelp');
      return t.skip();
    }
    await seed(3);
    const to = `relp://127.0.0.1:${rsyslog.ports.relp}`;
    const relp = (extra: Record<string, string>) =>
      runAction(tb.bundle, tb.wb, tb.gh, {
        inputs: {
          command: 'forward',
          to,
          cursor: '.shiplog/relp.cursor',
          'trusted-keys': tb.wb.publicPem,
          ...extra,
        },
      });
    const refused = await relp({ 'sd-id': 'shiplog@32473' });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('input "sd-id"');
    expect(refused.stdout).toContain('32473 is reserved for documentation');
    expect(rsyslog.lines('relp')).toEqual([]);
    expect((await relp({ 'max-message-bytes': '100' })).stdout).toContain('input "max-message-bytes"');

    const run = await relp({ 'sd-id': 'acme@54321', 'max-message-bytes': '2048' });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const lines = rsyslog.lines('relp');
    expect(run.outputs.delivered).toBe('3');
    expect(lines).toHaveLength(3);
    lines.forEach((line, seq) => {
      expect(Buffer.byteLength(line)).toBeLessThanOrEqual(2048);
      const m = parse5424(line);
      expect(Object.keys(m.sd)).toEqual(['acme@54321']);
      expect(m.sd['acme@54321']).toMatchObject({ seq: String(seq) });
    });
  });

  it('forwards no entry from a ledger that does not verify, only the ledger alarm', async () => {
    hec.events.length = 0;
    await seed(2, newKey().key);
    const run = await forward();
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('did not verify');
    // The collector hears why the stream stopped: one Critical Compliance Finding, no entry.
    expect(hec.events).toHaveLength(1);
    expect(hec.events[0]).toMatchObject({
      fields: { type: 'ledger-alarm' },
      event: { class_uid: 2003, severity_id: 5, compliance: { control: 'alarm:unexpected-commits' } },
    });
    expect(existsSync(join(tb.wb.workspace, '.shiplog/hec.cursor'))).toBe(false);
  });
});
