import { createHash, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkpointSigner, parseCheckpoint, signCheckpoint } from '../../src/ledger/checkpoint.ts';
import { findSigner, pae, parseEnvelope, signEnvelope } from '../../src/ledger/dsse.ts';
import { canonicalJson } from '../../src/ledger/encoding.ts';
import { decodeEntry } from '../../src/ledger/entry.ts';
import { keyidOf } from '../../src/ledger/keys.ts';
import { formatIndexLine, parseDeploys, formatDeploys, parseIndexLine } from '../../src/ledger/layout.ts';
import { buildStatement, statementBytes, PREDICATE_TYPE } from '../../src/ledger/statement.ts';
import { newKey, sampleEntry } from '../support/ledger-fixture.ts';

describe('ledger format v1', () => {
  const k = newKey();

  it('writes PAE exactly as DSSE defines it', () => {
    expect(pae('application/vnd.in-toto+json', Buffer.from('hello')).toString()).toBe(
      'DSSEv1 28 application/vnd.in-toto+json 5 hello',
    );
  });

  it('signs an in-toto statement whose hash and signature an outside tool can check', () => {
    const st = buildStatement({ seq: 0, prev: `sha256:${'0'.repeat(64)}`, ...sampleEntry(1) });
    const bytes = statementBytes(st);
    const { envelope, hash } = signEnvelope(bytes, k.key);
    // Recompute with plain node:crypto, as an auditor would.
    const paeBytes = Buffer.concat([
      Buffer.from(`DSSEv1 28 application/vnd.in-toto+json ${bytes.length} `),
      bytes,
    ]);
    expect(hash).toBe(`sha256:${createHash('sha256').update(paeBytes).digest('hex')}`);
    expect(
      verify(null, paeBytes, k.trusted.publicKey, Buffer.from(envelope.signatures[0]!.sig, 'base64')),
    ).toBe(true);
    expect(envelope.signatures[0]!.keyid).toBe(
      createHash('sha256')
        .update(k.trusted.publicKey.export({ type: 'spki', format: 'der' }))
        .digest('hex'),
    );
    const decoded = decodeEntry(JSON.stringify(envelope));
    expect(decoded.statement.predicateType).toBe(PREDICATE_TYPE);
    expect(decoded.statement.subject[0]).toEqual({
      name: 'git+https://github.com/acme/web',
      digest: { gitCommit: sampleEntry(1).commit },
    });
  });

  it('uses RFC 8785 canonical JSON for the payload and rejects anything else', () => {
    expect(canonicalJson({ b: 1, a: [1e21, 'é'] })).toBe('{"a":[1e+21,"é"],"b":1}');
    const st = buildStatement({ seq: 0, prev: `sha256:${'0'.repeat(64)}`, ...sampleEntry(1) });
    const pretty = Buffer.from(JSON.stringify(st, null, 2));
    const { envelope } = signEnvelope(pretty, k.key);
    expect(() => decodeEntry(JSON.stringify(envelope))).toThrow(/not RFC 8785 canonical JSON/);
  });

  it('treats the keyid as a hint only', () => {
    const st = statementBytes(
      buildStatement({ seq: 0, prev: `sha256:${'0'.repeat(64)}`, ...sampleEntry(1) }),
    );
    const other = newKey();
    const { envelope } = signEnvelope(st, other.key);
    envelope.signatures[0]!.keyid = k.key.keyid; // claims to be the trusted key
    expect(findSigner(pae(envelope.payloadType, st), envelope, [k.trusted])).toBeUndefined();
    expect(findSigner(pae(envelope.payloadType, st), envelope, [k.trusted, other.trusted])).toBe(
      other.trusted,
    );
  });

  it('rejects malformed envelopes with a clear reason', () => {
    expect(() => parseEnvelope('nope')).toThrow(/not JSON/);
    expect(() => parseEnvelope('{"payloadType":"x","payload":"","signatures":[]}')).toThrow(/payloadType/);
    expect(() =>
      parseEnvelope('{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[]}'),
    ).toThrow(/no signatures/);
    expect(() =>
      parseEnvelope(
        '{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[{"keyid":"a","sig":"A"}],"x":1}',
      ),
    ).toThrow(/unexpected field/);
  });

  it('writes C2SP signed-note checkpoints and verifies them', () => {
    const text = signCheckpoint(
      { origin: 'shiplog/shiplog', size: 3, root: Buffer.from('ab'.repeat(32), 'hex') },
      k.key,
    );
    const lines = text.split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'shiplog/shiplog',
      '3',
      Buffer.from('ab'.repeat(32), 'hex').toString('base64'),
      '',
    ]);
    expect(lines[4]).toMatch(/^\u2014 shiplog\/shiplog [A-Za-z0-9+/=]+$/);
    const cp = parseCheckpoint(text);
    expect(cp).toMatchObject({ origin: 'shiplog/shiplog', size: 3 });
    expect(cp.root.toString('hex')).toBe('ab'.repeat(32));
    expect(checkpointSigner(cp, [k.trusted])).toBe(k.trusted);
    expect(checkpointSigner(cp, [newKey().trusted])).toBeUndefined();
    // The signature line's 4-byte key hash is SHA-256(name || "\n" || 0x01 || raw key)[:4].
    const raw = k.trusted.publicKey.export({ type: 'spki', format: 'der' }).subarray(-32);
    const kh = createHash('sha256')
      .update(Buffer.concat([Buffer.from('shiplog/shiplog\n'), Buffer.from([1]), raw]))
      .digest()
      .subarray(0, 4);
    expect(cp.signatures[0]!.keyHash.equals(kh)).toBe(true);
    expect(keyidOf(k.trusted.publicKey)).toBe(k.trusted.keyid);
  });

  it('rejects malformed checkpoints', () => {
    expect(() => parseCheckpoint('a\n1\n')).toThrow(/blank line/);
    expect(() => parseCheckpoint('a\nx\nAA==\n\n\u2014 a AAAAAA==\n')).toThrow(/not a decimal/);
    expect(() => parseCheckpoint(`a\n1\n${'A'.repeat(43)}=\n\nno dash\n`)).toThrow(
      /malformed signature line/,
    );
  });

  it('writes index lines and the deploy summary as plain text that parses back', () => {
    const line = {
      commit: 'ab'.repeat(20),
      seq: 7,
      hash: `sha256:${'e'.repeat(64)}`,
      blob: 'f'.repeat(40),
      type: 'deploy',
      environment: 'prod eu',
      repository: 'acme/web',
    };
    expect(formatIndexLine(line)).toBe(
      `${'ab'.repeat(20)}\t7\t${'e'.repeat(64)}\t${'f'.repeat(40)}\tdeploy\tprod eu\tacme/web\n`,
    );
    expect(parseIndexLine(formatIndexLine(line).trimEnd())).toEqual(line);
    const { environment: _none, ...noEnv } = line;
    expect(parseIndexLine(formatIndexLine(noEnv).trimEnd())).toEqual(noEnv);
    expect(parseIndexLine('not a line')).toBeUndefined();
    const states = [
      { repository: 'acme/web', environment: 'staging', deploys: [] },
      {
        repository: 'acme/api',
        environment: 'production',
        deploys: [{ seq: 3, commit: 'c'.repeat(40), blob: 'd'.repeat(40) }],
      },
    ];
    const text = formatDeploys(states);
    expect(text).toBe(`acme/api\tproduction\t3:${'c'.repeat(40)}:${'d'.repeat(40)}\nacme/web\tstaging\t-\n`);
    expect(parseDeploys(text)).toEqual([states[1], states[0]]);
  });
});
