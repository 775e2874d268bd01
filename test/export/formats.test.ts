import { describe, expect, it } from 'vitest';
import { renderExportCsv, EXPORT_CSV_COLUMNS } from '../../src/export/csv.ts';
import type { ExportEntry } from '../../src/export/entry.ts';
import { formatBody, outboundMessage, parseStreamFormat } from '../../src/export/format.ts';
import { jsonlRecord, renderJsonl } from '../../src/export/jsonl.ts';
import {
  OCSF_CLASSES,
  OCSF_VERSION,
  complianceFinding,
  toOcsf,
  type OcsfEvent,
} from '../../src/export/ocsf.ts';
import {
  fittedSyslogMessage,
  fqdnHostname,
  octetCounted,
  parseMaxMessageBytes,
  parseSdId,
  sdValue,
  syslogMessage,
} from '../../src/export/syslog.ts';
import { entryType } from '../../src/export/entry.ts';
import type { Truncated } from '../../src/export/truncate.ts';
import type { Statement } from '../../src/ledger/statement.ts';
import { hostname } from 'node:os';
import { encodeFrame, parseResponse, RelpFrameReader } from '../../src/export/transports/relp.ts';
import { isShiplogError } from '../../src/errors.ts';
import { parseCsv as readCsv } from '../support/csv.ts';
import { chain, commitOf, testKey } from './entries.ts';
import { validateOcsf } from '../support/ocsf-validate.ts';
import { parse5424 } from './syslog-parse.ts';

const key = testKey();
/** An SD-ID with an enterprise number of the sender's own (any but RFC 5612's 32473). */
const SD_ID = 'shiplog@12345';

/** One entry of every type shiplog writes today or is about to, and one it has never heard of. */
const TYPES: Record<string, { cls: number; shape: Record<string, unknown> }> = {
  deploy: { cls: 6002, shape: {} },
  migration: {
    cls: 6005,
    shape: {
      type: 'migration',
      details: { tool: 'flyway', database: 'orders', files: [{ path: 'V1.sql', sha256: 'ab' }] },
    },
  },
  'config-override': {
    cls: 3004,
    shape: {
      type: 'config-override',
      details: { keys: ['FEATURE_X'], reason: 'incident 42', expires: '2026-02-01T00:00:00Z' },
    },
  },
  override: {
    cls: 3004,
    shape: {
      type: 'override',
      approval: { status: 'overridden', approvers: [] },
      details: { reason: 'hotfix', via: 'app comment' },
    },
  },
  'override-review': {
    cls: 3004,
    shape: { type: 'override-review', details: { override: 'sha256:' + 'b'.repeat(64) } },
  },
  merge: { cls: 3004, shape: { type: 'merge', details: { base: 'main', pull_request: 7 } } },
  reconciliation: {
    cls: 2003,
    shape: {
      type: 'reconciliation',
      details: { status: 'drift', counts: { 'unrecorded-deploy': 2, 'unmatched-entry': 0 } },
    },
  },
  'reconciliation (clean)': {
    cls: 2003,
    shape: { type: 'reconciliation', details: { status: 'reconciled', counts: { 'unrecorded-deploy': 0 } } },
  },
  'deploy (unapproved, no actor, failed)': {
    cls: 6002,
    shape: {
      approval: { status: 'not-collected' },
      actor: undefined,
      details: { version: '2.0.0', status: 'failure' },
    },
  },
  'deploy (rolled back)': { cls: 6002, shape: { details: { status: 'rolled-back' } } },
  'migration (postgres, no run)': {
    cls: 6005,
    shape: { type: 'migration', run: undefined, details: { engine: 'postgresql', files: [] } },
  },
  'canary-analysis': { cls: 3004, shape: { type: 'canary-analysis' } },
};

function entriesOfEveryType(): ExportEntry[] {
  const names = Object.keys(TYPES);
  return chain(key, names.length, { shape: (i) => TYPES[names[i]!]!.shape });
}

describe('jsonl', () => {
  it('is the decoded statement plus seq, entry hash, ledger commit and signer; shard only when set', () => {
    const [a] = chain(key, 1);
    const [b] = chain(key, 1, { shard: 'shiplog/acme/api' });
    const r = jsonlRecord(a!);
    expect(r).toMatchObject({
      seq: 0,
      entry_hash: a!.hash,
      ledger_commit: a!.ledgerCommit,
      signer_keyid: key.keyid,
    });
    expect(r).not.toHaveProperty('shard');
    const { seq: _s, entry_hash: _h, ledger_commit: _c, signer_keyid: _k, ...statement } = r;
    expect(statement).toEqual(a!.statement);
    expect(jsonlRecord(b!).shard).toBe('shiplog/acme/api');
    expect(jsonlRecord({ ...a!, ledgerCommit: undefined }).ledger_commit).toBeNull();
  });

  it('one line per entry, each parsing back', () => {
    const entries = chain(key, 3, { shape: () => ({ details: { note: 'line\nbreak "quoted"' } }) });
    const lines = renderJsonl(entries).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
    expect(lines.slice(0, 3).map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual([0, 1, 2]);
  });
});

describe('csv', () => {
  it('one RFC 4180 row per entry with the whole statement; formulas neutralised', () => {
    const entries = chain(key, 2, {
      shape: (i) => (i === 1 ? { branch: '=HYPERLINK("http://x","y")' } : {}),
    });
    const rows = readCsv(renderExportCsv(entries));
    expect(rows[0]).toEqual([...EXPORT_CSV_COLUMNS]);
    expect(rows).toHaveLength(3);
    const col = (name: (typeof EXPORT_CSV_COLUMNS)[number]) => EXPORT_CSV_COLUMNS.indexOf(name);
    expect(rows[1]![col('entry_hash')]).toBe(entries[0]!.hash);
    expect(rows[1]![col('approvers')]).toBe('bob');
    expect(rows[2]![col('branch')]).toBe(`'=HYPERLINK("http://x","y")`);
    expect(JSON.parse(rows[2]![col('statement_json')]!)).toEqual(entries[1]!.statement);
  });
});

describe('ocsf', () => {
  const entries = entriesOfEveryType();
  const events = entries.map((e) => toOcsf(e, { productVersion: '0.1.0' }));

  it.each(Object.keys(TYPES).map((t, i) => [t, i] as const))(
    '%s maps to its class with every required attribute',
    (type, i) => {
      const e = entries[i]!;
      const ev = events[i]!;
      expect(ev.class_uid).toBe(TYPES[type]!.cls);
      // OCSF 1.3.0 as published, with the OCSF server's rules: no error and no warning either.
      expect(validateOcsf(JSON.parse(JSON.stringify(ev)))).toEqual({ errors: [], warnings: [] });
      expect(ev.type_uid).toBe(ev.class_uid * 100 + ev.activity_id);
      expect(ev.time).toBe(Date.parse(e.statement.predicate.timestamp));
      expect(ev.metadata).toMatchObject({ uid: e.hash, sequence: e.seq, version: OCSF_VERSION });
      expect((ev.metadata.product as { name: string }).name).toBe('shiplog');
      // Nothing dropped: the whole statement, the ledger position and the signed envelope travel along.
      expect((ev.unmapped as { shiplog: unknown }).shiplog).toEqual({
        seq: e.seq,
        entry_hash: e.hash,
        ledger_commit: e.ledgerCommit,
        signer_keyid: e.keyid,
        statement: e.statement,
      });
      expect(JSON.parse(ev.raw_data as string)).toEqual(e.envelope);
      // `actor` exists in 6002, 3004 and 2003 only through the host profile: declared when carried.
      const declared = (ev.metadata.profiles as string[] | undefined) ?? [];
      if (ev.actor && ev.class_uid !== 6005) expect(declared).toContain('host');
    },
  );

  it('classes and activities: what each entry says in OCSF terms', () => {
    const by = (t: string) => events[Object.keys(TYPES).indexOf(t)]! as OcsfEvent & Record<string, unknown>;
    expect(by('deploy')).toMatchObject({
      type_uid: 600208,
      status_id: 1,
      app: { name: 'acme/web', version: '1.0.0', vendor_name: 'acme' },
    });
    expect(by('migration')).toMatchObject({
      type_uid: 600502,
      database: { name: 'orders' },
      actor: { user: { name: 'alice', uid: '1' } },
      src_endpoint: { svc_name: 'github-actions', hostname: 'github.com' },
    });
    expect(by('config-override')).toMatchObject({
      type_uid: 300403,
      entity: { type: 'Configuration', name: 'FEATURE_X' },
      comment: 'incident 42',
    });
    expect(by('override')).toMatchObject({
      type_uid: 300403,
      severity_id: 3,
      entity: { type: 'Approval Gate' },
    });
    expect(by('override-review')).toMatchObject({
      entity: { type: 'Override', uid: 'sha256:' + 'b'.repeat(64) },
    });
    expect(by('merge')).toMatchObject({ entity: { type: 'Branch', name: 'main' } });
    expect(by('reconciliation')).toMatchObject({
      type_uid: 200301,
      compliance: { status_id: 3, status: 'Fail' },
      severity_id: 4,
      finding_info: { uid: entries[6]!.hash, types: ['shiplog', 'alarm:unrecorded-deploy'] },
    });
    expect(by('reconciliation (clean)')).toMatchObject({
      severity_id: 1,
      compliance: { status_id: 1 },
      finding_info: { types: ['shiplog'] },
    });
    expect(by('deploy (unapproved, no actor, failed)')).toMatchObject({ severity_id: 3, status_id: 2 });
    expect(by('deploy (rolled back)')).toMatchObject({ status_id: 99, status: 'rolled-back' });
    expect(by('migration (postgres, no run)')).toMatchObject({
      database: { type_id: 1, type: 'Relational' },
      src_endpoint: { svc_name: 'shiplog' },
    });
    // A type written by a newer shiplog: kept, under Entity Management with activity Other.
    expect(by('canary-analysis')).toMatchObject({
      type_uid: 300499,
      activity_id: 99,
      activity_name: 'canary-analysis',
      type_name: 'Entity Management: Other',
    });
  });

  it('an unapproved change sounds louder than an approved one', () => {
    const [e] = chain(key, 1, { shape: () => ({ approval: { status: 'unapproved', approvers: [] } }) });
    expect(toOcsf(e!).severity_id).toBe(3);
    expect(events[0]!.severity_id).toBe(1);
    // The same in syslog: warning (4) instead of informational (6).
    expect(parse5424(syslogMessage(outboundMessage(e!, 'jsonl')).toString()).pri).toBe(13 * 8 + 4);
  });

  it('the schema check notices what the unfixed events got wrong', () => {
    // Without the host profile declared, actor is an unknown attribute of 6002 and 3004.
    const deploy = events[0]!;
    const undeclared = { ...deploy, metadata: { ...deploy.metadata, profiles: undefined } };
    expect(validateOcsf(undeclared).errors.map((e) => [e.type, e.path])).toEqual([
      ['attribute_unknown', 'actor'],
    ]);
    const migration = events[1]! as OcsfEvent & { database: Record<string, unknown> };
    const { type_id: _t, ...noTypeId } = migration.database;
    expect(validateOcsf({ ...migration, database: noTypeId }).errors.map((e) => e.path)).toEqual([
      'database.type_id',
    ]);
    const { app: _app, ...noApp } = deploy;
    expect(validateOcsf(noApp).errors.map((e) => e.path)).toEqual(['app']);
    expect(validateOcsf({ ...deploy, type_uid: 1 }).errors.map((e) => e.type)).toEqual([
      'attribute_enum_value_unknown',
      'type_uid_incorrect',
    ]);
  });

  it('every class in the table is one some entry produces', () => {
    const produced = new Set(events.map((e) => e.class_uid));
    for (const c of Object.values(OCSF_CLASSES)) expect(produced.has(c.uid)).toBe(true);
  });
});

describe('complianceFinding', () => {
  it('builds a Compliance Finding with its required attributes and a stable id', () => {
    const input = {
      title: 'ledger history was rewritten',
      time: new Date('2026-03-01T00:00:00Z'),
      severity: 'critical' as const,
      status: 'fail' as const,
      control: 'alarm:force-push',
      entry: { seq: 12, hash: 'sha256:' + 'c'.repeat(64) },
    };
    const f = complianceFinding(input);
    expect(validateOcsf(f)).toEqual({ errors: [], warnings: [] });
    expect(f).toMatchObject({
      class_uid: 2003,
      category_uid: 2,
      type_uid: 200301,
      severity_id: 5,
      compliance: { status_id: 3, control: 'alarm:force-push', standards: ['shiplog change control'] },
      finding_info: { title: 'ledger history was rewritten' },
      metadata: { sequence: 12 },
    });
    expect((f.finding_info as { uid: string }).uid).toBe(
      (complianceFinding(input).finding_info as { uid: string }).uid,
    );
    expect(complianceFinding({ ...input, activity: 'close', status: 'pass' })).toMatchObject({
      type_uid: 200303,
      status_id: 4,
      compliance: { status_id: 1 },
    });
  });
});

describe('syslog message (RFC 5424) and octet counting (RFC 6587)', () => {
  const [e] = chain(key, 1, { shape: () => ({ actor: { login: 'zoë', id: 3 } }) });

  it('has PRI, VERSION 1, the entry time, APP-NAME shiplog, MSGID the type, the hash in SD, and the JSON body', () => {
    const m = outboundMessage(e!, 'ocsf');
    const buf = syslogMessage(m, { hostname: 'ci runner 7', sdId: SD_ID });
    const p = parse5424(buf.toString('utf8'));
    expect(p).toMatchObject({
      pri: 13 * 8 + 6,
      version: 1,
      timestamp: '2026-01-01T00:00:00.000Z',
      hostname: 'cirunner7',
      appName: 'shiplog',
      procId: '-',
      msgId: 'deploy',
      bom: true,
      sd: { [SD_ID]: { hash: e!.hash, seq: '0' } },
    });
    expect(JSON.parse(p.msg)).toEqual(JSON.parse(formatBody(e!, 'ocsf')));
    expect(parse5424(syslogMessage(m, { bom: false }).toString('utf8')).bom).toBe(false);
  });

  it('without --sd-id there is no structured data: never the documentation PEN 32473; the hash is in the body', () => {
    const line = syslogMessage(outboundMessage(e!, 'ocsf'), { hostname: 'h' }).toString('utf8');
    expect(line).not.toContain('32473');
    const p = parse5424(line);
    expect(p.sd).toEqual({});
    expect(line).toMatch(/^<110>1 \S+ h shiplog - deploy - \ufeff\{/);
    expect((JSON.parse(p.msg) as OcsfEvent).metadata.uid).toBe(e!.hash);
    const jsonl = parse5424(syslogMessage(outboundMessage(e!, 'jsonl'), { hostname: 'h' }).toString('utf8'));
    expect((JSON.parse(jsonl.msg) as { entry_hash: string }).entry_hash).toBe(e!.hash);
  });

  it('--sd-id takes NAME@PEN with the sender’s own enterprise number only', () => {
    expect(parseSdId('shiplog@12345')).toBe('shiplog@12345');
    expect(parseSdId('acme-audit@12345.1.2')).toBe('acme-audit@12345.1.2');
    for (const bad of [
      'shiplog@32473',
      'shiplog@32473.1',
      'shiplog',
      '@12345',
      'a b@1',
      'x=y@1',
      'a]b@1',
      'a"b@1',
      'a@b@1',
      'shiplog@0123',
      'shiplog@12x',
      `${'n'.repeat(30)}@123`,
      'zoë@123',
    ]) {
      expect(() => parseSdId(bad), bad).toThrow(/--sd-id/);
    }
  });

  it('the syslog severity is the OCSF event’s severity, for every kind (drift: High → error)', () => {
    const TO_SYSLOG: Record<number, number> = { 1: 6, 2: 5, 3: 4, 4: 3, 5: 2 };
    for (const entry of entriesOfEveryType()) {
      const ocsf = toOcsf(entry);
      for (const format of ['ocsf', 'jsonl'] as const) {
        const p = parse5424(syslogMessage(outboundMessage(entry, format)).toString('utf8'));
        expect(p.pri, `${entryType(entry)} ${format}`).toBe(13 * 8 + TO_SYSLOG[ocsf.severity_id]!);
      }
    }
    const drift = entriesOfEveryType().find((x) => x.statement.predicate.details?.status === 'drift')!;
    expect(toOcsf(drift).severity_id).toBe(4);
    expect(parse5424(syslogMessage(outboundMessage(drift, 'ocsf')).toString('utf8')).pri).toBe(13 * 8 + 3);
  });

  it('HOSTNAME: the FQDN where the machine knows one, else its name; never more than 255 printable characters', async () => {
    expect(await fqdnHostname('build-7.ci.example.com')).toBe('build-7.ci.example.com');
    // No resolver answers a made-up name: the short name stays.
    expect(await fqdnHostname('shiplog-no-such-host-a8f3', 300)).toBe('shiplog-no-such-host-a8f3');
    const mine = await fqdnHostname();
    expect(mine === hostname() || mine.toLowerCase().startsWith(`${hostname().toLowerCase()}.`)).toBe(true);
    expect(
      parse5424(syslogMessage({ id: 'x', body: '{}' }, { hostname: 'h'.repeat(300) }).toString()).hostname,
    ).toHaveLength(255);
  });

  it('escapes SD values and counts octets, not characters', () => {
    expect(sdValue('a"b\\c]d')).toBe('a\\"b\\\\c\\]d');
    const msg = syslogMessage({ id: 'x"]', body: '{"n":"zoë"}' }, { sdId: SD_ID });
    expect(parse5424(msg.toString('utf8')).sd[SD_ID]!.hash).toBe('x"]');
    const framed = octetCounted(msg);
    const sp = framed.indexOf(0x20);
    expect(Number(framed.subarray(0, sp).toString())).toBe(framed.length - sp - 1);
    expect(Number(framed.subarray(0, sp).toString())).toBeGreaterThan(msg.toString('utf8').length);
  });

  it('the strict parser refuses what RFC 5424 refuses', () => {
    const ok = '<110>1 2026-01-01T00:00:00.000Z h shiplog - deploy [x@1 a="b\\]"] msg';
    expect(parse5424(ok).sd).toEqual({ 'x@1': { a: 'b]' } });
    for (const bad of [
      '<192>1 - h a - - -', // PRIVAL over 191
      '<13>01 - h a - - -', // VERSION with a leading zero
      '<13>1 2026-01-01 00:00:00 h a - - -', // not RFC 3339
      '<13>1 2026-01-01T00:00:00.1234567Z h a - - -', // 7 fraction digits
      `<13>1 - ${'h'.repeat(256)} a - - -`, // HOSTNAME over 255
      `<13>1 - h a - ${'m'.repeat(33)} -`, // MSGID over 32
      '<13>1 - h a - - [shiplog a="b"]', // unregistered SD-ID without @PEN
      '<13>1 - h a - - [x@1 a="b]"]', // unescaped ]
      '<13>1 - h a - - [x@1 a=b]', // unquoted PARAM-VALUE
      '<13>1 - h a - - [x@1][x@1]', // the same SD-ID twice
      '<13>1 - h a - - -msg', // no SP before MSG
    ]) {
      expect(() => parse5424(bad), bad).toThrow();
    }
  });
});

describe('messages a default collector keeps whole (--max-message-bytes)', () => {
  /** A deploy whose change set lists 300 commits, each with its pull request and approvals. */
  const [big] = chain(key, 1, {
    shape: () => ({
      change_set: {
        complete: true,
        commits: Array.from({ length: 300 }, (_, i) => ({
          sha: commitOf(1000 + i),
          pull_request: { number: 1000 + i, approvers: [{ login: 'bob', id: 2 }] },
        })),
      },
    }),
  });

  it('a 14 KB+ deploy event is cut to fit 8192 bytes, its long lists halved and named, still valid OCSF', () => {
    const m = outboundMessage(big!, 'ocsf');
    expect(Buffer.byteLength(m.body)).toBeGreaterThan(14_000);
    const buf = fittedSyslogMessage(m, { hostname: 'h'.repeat(255), sdId: SD_ID });
    expect(buf.length).toBeLessThanOrEqual(8192);
    const p = parse5424(buf.toString('utf8'));
    const event = JSON.parse(p.msg) as OcsfEvent & { unmapped: { shiplog: Record<string, unknown> } };
    expect(validateOcsf(event)).toEqual({ errors: [], warnings: [] });
    const truncated = event.unmapped.shiplog.truncated as Truncated;
    expect(truncated).toMatchObject({
      max_message_bytes: 8192,
      entry_hash: big!.hash,
      ledger_commit: big!.ledgerCommit,
      seq: 0,
    });
    expect(truncated.cut[0]).toEqual({ path: 'raw_data' });
    const commits = truncated.cut.find(
      (c) => c.path === 'unmapped.shiplog.statement.predicate.change_set.commits',
    )!;
    expect(commits.of).toBe(300);
    const kept = (event.unmapped.shiplog.statement as Statement).predicate.change_set!.commits as unknown[];
    expect(kept).toHaveLength(commits.kept!);
    expect(kept).toEqual((big!.statement.predicate.change_set!.commits as unknown[]).slice(0, commits.kept));
    expect(event).not.toHaveProperty('raw_data');
    // The rest of the event is the event.
    expect(event.metadata).toEqual(toOcsf(big!).metadata);
  });

  it('a small event goes whole; JSONL is cut the same way, the note at its top level', () => {
    const [small] = chain(key, 1);
    const m = outboundMessage(small!, 'ocsf');
    expect(fittedSyslogMessage(m)).toEqual(syslogMessage(m));
    const j = parse5424(
      fittedSyslogMessage(outboundMessage(big!, 'jsonl'), { maxMessageBytes: 4096 }).toString(),
    );
    const record = JSON.parse(j.msg) as Record<string, unknown> & { truncated: Truncated };
    expect(record.truncated).toMatchObject({ entry_hash: big!.hash, seq: 0 });
    expect(record.truncated.cut[0]).toMatchObject({ path: 'predicate.change_set.commits', of: 300 });
  });

  it('limits below 2048 bytes are refused; an event that cannot fit says so', () => {
    expect(parseMaxMessageBytes('8192')).toBe(8192);
    for (const bad of ['2047', '0', '-1', '8k', '1e4', ''])
      expect(() => parseMaxMessageBytes(bad), bad).toThrow(/2048/);
    expect(() => fittedSyslogMessage(outboundMessage(big!, 'ocsf'), { maxMessageBytes: 600 })).toThrow(
      /does not fit in/,
    );
  });
});

describe('RELP frames', () => {
  it('reads frames split at any byte, with and without data', () => {
    const wire = Buffer.concat([
      encodeFrame(1, 'rsp', Buffer.from('200 OK\nrelp_version=0\ncommands=syslog')),
      encodeFrame(2, 'rsp', Buffer.from('200 OK')),
      Buffer.from('3 rsp 0\n'),
      encodeFrame(0, 'serverclose'),
    ]);
    for (let cut = 1; cut < wire.length; cut++) {
      const r = new RelpFrameReader();
      const frames = [...r.push(wire.subarray(0, cut)), ...r.push(wire.subarray(cut))];
      expect(frames.map((f) => [f.txnr, f.command, f.data.length])).toEqual([
        [1, 'rsp', 37],
        [2, 'rsp', 6],
        [3, 'rsp', 0],
        [0, 'serverclose', 0],
      ]);
    }
    expect(parseResponse(Buffer.from('200 OK\nrelp_version=0'))).toEqual({
      code: 200,
      text: 'OK',
      rest: 'relp_version=0',
    });
    expect(() => new RelpFrameReader().push(Buffer.from('x rsp 2 OK\n'))).toThrow(/malformed/);
  });
});

describe('parseStreamFormat', () => {
  it('accepts ocsf and jsonl only', () => {
    expect(parseStreamFormat('jsonl')).toBe('jsonl');
    try {
      parseStreamFormat('cef');
      expect.unreachable();
    } catch (e) {
      expect(isShiplogError(e, 'USAGE')).toBe(true);
    }
  });
});
