import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEntry } from '../../src/ledger/append.ts';
import { signCheckpoint } from '../../src/ledger/checkpoint.ts';
import { signEnvelope, type Envelope } from '../../src/ledger/dsse.ts';
import { GENESIS_PREV } from '../../src/ledger/encoding.ts';
import type { FileChange } from '../../src/ledger/index-model.ts';
import type { BulkItem } from '../../src/ledger/bulk.ts';
import { formatIndexLine, parseIndexLine } from '../../src/ledger/layout.ts';
import { buildStatement, statementBytes } from '../../src/ledger/statement.ts';
import type { LedgerLocation } from '../../src/ledger/store.ts';
import { CLOCK_SKEW_MS, verifyLedger, type VerifyReport } from '../../src/ledger/verify.ts';
import { writeLedgerHistory } from '../../src/ledger/bulk.ts';
import { join } from 'node:path';
import {
  createLedgerFixture,
  newKey,
  sampleEntry,
  sh,
  type LedgerFixture,
} from '../support/ledger-fixture.ts';
import {
  historyItems,
  predicateOf,
  signedItem,
  withoutMessage,
  writeCopy,
  type HistoryItem,
} from '../support/ledger-history.ts';

let fx: LedgerFixture;
let items: HistoryItem[];
const stranger = newKey();

beforeAll(async () => {
  fx = await createLedgerFixture();
  await fx.append(6);
  items = historyItems(fx.remote);
});
afterAll(() => fx.cleanup());

const checks = (r: VerifyReport): string[] => [...new Set(r.problems.map((p) => p.check))].sort();

/** Verifies inline and on worker threads (which must find exactly the same) and returns the report. */
async function verify(
  location: LedgerLocation,
  extra: { olderCheckpoint?: string } = {},
): Promise<VerifyReport> {
  const inline = await verifyLedger({ location, trusted: [fx.trusted], jobs: 1, ...extra });
  const pooled = await verifyLedger({
    location: { ...location, cacheDir: `${location.cacheDir}-pool` },
    trusted: [fx.trusted],
    jobs: 2,
    workersFrom: 0,
    ...extra,
  });
  expect(pooled).toEqual(inline);
  return inline;
}

function resign(envelope: Envelope, edit: (payload: string) => string, key = stranger.key): Envelope {
  const payload = edit(Buffer.from(envelope.payload, 'base64').toString('utf8'));
  return signEnvelope(Buffer.from(payload), key).envelope;
}

describe('verify: an honest ledger', () => {
  it('passes with one entry', async () => {
    const one = await writeCopy(fx.dir, 'one', withoutMessage(items.slice(0, 1)));
    const r = await verify(one);
    expect(r.problems).toEqual([]);
    expect(r).toMatchObject({ ok: true, entries: 1, checked: 1 });
  });

  it('passes as written by appends, naming its size, head and checkpoint', async () => {
    const r = await verify(fx.location);
    expect(r.problems).toEqual([]);
    expect(r.entries).toBe(6);
    expect(r.checkpoint).toMatchObject({ size: 6 });
    expect(r.keys).toEqual([fx.trusted.keyid]);
  });

  it('the bulk writer and appends make the same trees', async () => {
    const copy = await writeCopy(fx.dir, 'same', items);
    const tree = (gitDir: string): string =>
      execFileSync('git', ['--git-dir', gitDir, 'rev-parse', 'shiplog^{tree}'], { encoding: 'utf8' });
    expect(tree(copy.remote)).toBe(tree(fx.remote));
  });
});

describe('verify: each damaged copy fails with its named check and nothing else', () => {
  it('a payload byte edited in an old entry, the history rewritten and re-signed by a stranger key: signature', async () => {
    const damaged = items.map((it, i) =>
      i === 2
        ? {
            ...it,
            message: undefined,
            envelope: resign(it.envelope, (p) => p.replace('production', 'productioN')),
          }
        : it,
    );
    const r = await verify(await writeCopy(fx.dir, 'edit', withoutMessage(damaged)));
    expect(checks(r)).toEqual(['signature']);
    expect(r.problems).toEqual([
      expect.objectContaining({
        check: 'signature',
        seq: 2,
        commit: expect.stringMatching(/^[0-9a-f]{40}$/),
      }),
    ]);
  });

  it('an entry deleted from history: seq', async () => {
    const r = await verify(
      await writeCopy(fx.dir, 'delete', withoutMessage(items.filter((_, i) => i !== 3))),
    );
    expect(checks(r)).toEqual(['seq']);
    expect(r.problems[0]!.message).toMatch(/seq 4 where seq 3 belongs: entry 3 is missing/);
  });

  it('two entries swapped: seq', async () => {
    const swapped = [...items];
    [swapped[2], swapped[3]] = [swapped[3]!, swapped[2]!];
    const r = await verify(await writeCopy(fx.dir, 'swap', withoutMessage(swapped)));
    expect(checks(r)).toEqual(['seq']);
    expect(r.problems.map((p) => p.seq)).toEqual([2, 3]);
  });

  it('an entry inserted (a validly signed entry replayed): seq', async () => {
    const inserted = [...items.slice(0, 4), items[1]!, ...items.slice(4)];
    const r = await verify(await writeCopy(fx.dir, 'insert', withoutMessage(inserted)));
    expect(checks(r)).toEqual(['seq']);
    expect(r.problems[0]!.message).toMatch(/holds seq 1 again/);
  });

  it('an entry signed by a foreign key, chain intact: signature', async () => {
    const foreign = items.map((it, i) => (i === 4 ? { ...it, envelope: resign(it.envelope, (p) => p) } : it));
    const r = await verify(await writeCopy(fx.dir, 'foreign', withoutMessage(foreign)));
    expect(checks(r)).toEqual(['signature']);
    expect(r.problems[0]).toMatchObject({
      seq: 4,
      message: expect.stringMatching(/no signature by a trusted key/),
    });
    // With both keys trusted the same copy passes and names both signers.
    const both = await verifyLedger({
      location: { ...fx.location, remote: `${fx.dir}/foreign.git`, cacheDir: `${fx.dir}/cache-both` },
      trusted: [fx.trusted, stranger.trusted],
      jobs: 1,
    });
    expect(both.problems).toEqual([]);
    expect(both.keys.sort()).toEqual([fx.trusted.keyid, stranger.trusted.keyid].sort());
  });

  it('a spoofed keyid (a stranger signs, claiming the trusted keyid): signature', async () => {
    const spoofed = items.map((it, i) => {
      if (i !== 1) return it;
      const e = resign(it.envelope, (p) => p);
      return { ...it, envelope: { ...e, signatures: [{ ...e.signatures[0]!, keyid: fx.trusted.keyid }] } };
    });
    const r = await verify(await writeCopy(fx.dir, 'spoof', withoutMessage(spoofed)));
    expect(checks(r)).toEqual(['signature']);
    expect(r.problems[0]!.seq).toBe(1);
  });

  it('a signature swapped in from another entry: signature', async () => {
    const swapped = items.map((it, i) =>
      i === 3 ? { ...it, envelope: { ...it.envelope, signatures: items[2]!.envelope.signatures } } : it,
    );
    const r = await verify(await writeCopy(fx.dir, 'sigswap', withoutMessage(swapped)));
    expect(checks(r)).toEqual(['signature']);
    expect(r.problems[0]!.seq).toBe(3);
  });

  it('a payload that is not canonical JSON (signed by the trusted key): payload', async () => {
    // A buggy writer: same content, extra whitespace, signed and chained on its own bytes.
    let prev = GENESIS_PREV;
    const rebuilt = items.map((it, i) => {
      const p = { ...predicateOf(it.envelope), prev };
      const bytes = statementBytes(buildStatement(p));
      const payload = i === 2 ? Buffer.from(JSON.stringify(JSON.parse(bytes.toString()), null, 1)) : bytes;
      const { envelope, hash } = signEnvelope(payload, fx.key);
      prev = hash;
      return {
        envelope,
        checkpoint: ({ size, root }: { size: number; root: Buffer }) =>
          signCheckpoint({ origin: 'shiplog/shiplog', size, root }, fx.key),
      };
    });
    const r = await verify(await writeCopy(fx.dir, 'noncanon', rebuilt));
    expect(checks(r)).toEqual(['payload']);
    expect(r.problems[0]).toMatchObject({ seq: undefined, message: expect.stringMatching(/canonical/) });
  });

  it('a trailer that disagrees with its entry: trailer', async () => {
    const lying = items.map((it, i) =>
      i === 2 ? { ...it, message: it.message!.replace('Shiplog-Seq: 2', 'Shiplog-Seq: 7') } : it,
    );
    const r = await verify(await writeCopy(fx.dir, 'trailer', lying));
    expect(checks(r)).toEqual(['trailer']);
    expect(r.problems[0]).toMatchObject({
      seq: 2,
      message: expect.stringMatching(/Shiplog-Seq 7 \(entry: 2\)/),
    });
  });

  /** A copy whose commit `at` writes index files changed by `edit` (later commits build on them). */
  async function indexDamage(name: string, at: number, edit: (files: FileChange[]) => FileChange[]) {
    const damaged = items.map((it, i) => (i === at ? { ...it, damageIndex: edit } : it));
    return verify(await writeCopy(fx.dir, name, damaged));
  }
  const segment = (files: FileChange[]): FileChange => files.find((f) => f.content && /\/\d+$/.test(f.path))!;
  const lastLine = (f: FileChange) => parseIndexLine(f.content!.toString().trimEnd().split('\n').pop()!)!;

  it('a commit that adds two index lines: index', async () => {
    const r = await indexDamage('twolines', 5, (files) => {
      const seg = segment(files);
      const extra = { ...lastLine(seg), seq: 99 };
      return files.map((f) =>
        f === seg ? { ...f, content: Buffer.concat([f.content!, Buffer.from(formatIndexLine(extra))]) } : f,
      );
    });
    expect(checks(r)).toEqual(['index']);
    expect(r.problems[0]).toMatchObject({ seq: 5, message: expect.stringMatching(/adds 2 index lines/) });
  });

  it('a commit that changes an old index line: index', async () => {
    // All sample entries of one environment share a bucket only by chance, so write one old line into this commit's segment.
    const r = await indexDamage('oldline', 5, (files) => {
      const seg = segment(files);
      const old = formatIndexLine({ ...lastLine(seg), seq: 1 });
      return files.map((f) =>
        f === seg ? { ...f, content: Buffer.concat([Buffer.from(old), f.content!]) } : f,
      );
    });
    expect(checks(r)).toEqual(['index']);
  });

  it('an index line with a wrong blob id: index', async () => {
    const r = await indexDamage('wrongblob', 3, (files) =>
      files.map((f) => {
        if (f !== segment(files)) return f;
        const lines = f.content!.toString().trimEnd().split('\n');
        const last = formatIndexLine({ ...lastLine(f), blob: 'f'.repeat(40) });
        return { ...f, content: Buffer.from([...lines.slice(0, -1), last.trimEnd()].join('\n') + '\n') };
      }),
    );
    expect(checks(r)).toEqual(['index']);
    expect(r.problems[0]!.message).toMatch(/blob is f{40} but the entry's entry.json is/);
  });

  it('an extra file in a tree: tree', async () => {
    const extra = items.map((it, i) => (i === 2 ? { ...it, extraFiles: { 'notes.txt': 'hello\n' } } : it));
    const r = await verify(await writeCopy(fx.dir, 'extra', extra));
    expect(checks(r)).toEqual(['tree']);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.message).toMatch(/notes\.txt/);
    const inIndex = items.map((it, i) =>
      i === 4 ? { ...it, extraFiles: { 'index/a/b/readme': 'x\n' } } : it,
    );
    const r2 = await verify(await writeCopy(fx.dir, 'extra-index', inIndex));
    expect(checks(r2)).toEqual(['tree']);
    expect(r2.problems[0]).toMatchObject({ file: 'index/a/b/readme' });
  });

  it('a merge commit: history', async () => {
    const copy = await writeCopy(fx.dir, 'merge', items);
    const g = (...args: string[]): string => sh(copy.remote, ...args).trim();
    const side = g('commit-tree', g('rev-parse', 'shiplog~3^{tree}'), '-m', 'side');
    const merge = g(
      'commit-tree',
      g('rev-parse', 'shiplog^{tree}'),
      '-p',
      'shiplog~1',
      '-p',
      side,
      '-m',
      g('log', '-1', '--format=%B', 'shiplog'),
    );
    g('update-ref', 'refs/heads/shiplog', merge);
    const r = await verify(copy);
    expect(checks(r)).toEqual(['history']);
    expect(r.problems[0]!.message).toMatch(/is a merge/);
  });

  it('truncation, given an older checkpoint: consistency', async () => {
    const copy = await writeCopy(fx.dir, 'trunc', items.slice(0, 4));
    expect((await verify(copy)).ok).toBe(true);
    const r = await verify(
      { ...copy, cacheDir: `${copy.cacheDir}-older` },
      { olderCheckpoint: items[5]!.checkpoint },
    );
    expect(checks(r)).toEqual(['consistency']);
    expect(r.problems[0]!.message).toMatch(/has 4 entries but an earlier checkpoint saw 6/);
  });

  it('a fork re-signed with the trusted key, given an older checkpoint: consistency', async () => {
    let prevHash = signEnvelope(Buffer.from(items[2]!.envelope.payload, 'base64'), fx.key).hash;
    const fork: BulkItem[] = items.slice(0, 3);
    for (let seq = 3; seq < 6; seq++) {
      const made = signedItem(fx.key, {
        seq,
        prev: prevHash,
        ...sampleEntry(seq, { environment: 'staging' }),
      });
      fork.push(made);
      prevHash = made.hash;
    }
    const copy = await writeCopy(
      fx.dir,
      'fork',
      fork.map(({ envelope, checkpoint }) => ({ envelope, checkpoint })),
    );
    expect((await verify(copy)).ok).toBe(true);
    const r = await verify(
      { ...copy, cacheDir: `${copy.cacheDir}-older` },
      { olderCheckpoint: items[4]!.checkpoint },
    );
    expect(checks(r)).toEqual(['consistency']);
    expect(r.problems[0]).toMatchObject({
      seq: 4,
      message: expect.stringMatching(/history was rewritten \(fork\)/),
    });
  });

  it('a forged checkpoint signature: checkpoint', async () => {
    const text = items[5]!.checkpoint;
    const [body, sigLine] = text.split('\n\n');
    const parts = sigLine!.trim().split(' ');
    const blob = Buffer.from(parts[2]!, 'base64');
    blob[10] = blob[10]! ^ 1;
    const forged = `${body}\n\n${parts[0]} ${parts[1]} ${blob.toString('base64')}\n`;
    const r = await verify(
      await writeCopy(
        fx.dir,
        'cpsig',
        items.map((it, i) => (i === 5 ? { ...it, checkpoint: forged } : it)),
      ),
    );
    expect(checks(r)).toEqual(['checkpoint']);
    expect(r.problems[0]!.message).toMatch(/signature is not valid/);
  });
});

describe('verify --since (incremental)', () => {
  /** The ledger commit of each seq in a copy (what a verifier saw when it verified that far). */
  const commitsOf = (remote: string): string[] => historyItems(remote).map((it) => it.commit);

  it('checks only what came after an earlier checkpoint, pinned by the commit it was verified at', async () => {
    const copy = await writeCopy(fx.dir, 'since', items);
    const pins = commitsOf(copy.remote);
    const since = { since: items[3]!.checkpoint, sinceCommit: pins[3] };
    const r = await verifyLedger({ location: copy, trusted: [fx.trusted], ...since });
    expect(r.problems).toEqual([]);
    expect(r).toMatchObject({ ok: true, entries: 6, checked: 2, since: { size: 4 } });
    expect(r.checkpointText).toBe(items[5]!.checkpoint);
    // Nothing new: still a clean answer.
    const same = await verifyLedger({
      location: copy,
      trusted: [fx.trusted],
      since: items[5]!.checkpoint,
      sinceCommit: pins[5],
    });
    expect(same).toMatchObject({ ok: true, checked: 0, entries: 6 });
    // Without the commit nothing pins the older entries: the whole ledger is checked against it.
    const unpinned = await verifyLedger({
      location: copy,
      trusted: [fx.trusted],
      since: items[3]!.checkpoint,
    });
    expect(unpinned).toMatchObject({ ok: true, checked: 6, entries: 6, since: { size: 4 } });
  });

  it('names a fork under the checkpoint and a forged new entry', async () => {
    const forked = items.map((it, i) =>
      i === 3
        ? { ...it, envelope: resign(it.envelope, (p) => p.replace('production', 'staging'), fx.key) }
        : it,
    );
    const copy = await writeCopy(fx.dir, 'since-fork', withoutMessage(forked));
    const pins = commitsOf(fx.remote);
    const r = await verifyLedger({
      location: copy,
      trusted: [fx.trusted],
      since: items[3]!.checkpoint,
      sinceCommit: pins[3],
    });
    expect(checks(r)).toContain('consistency');
    const forged = items.map((it, i) => (i === 5 ? { ...it, envelope: resign(it.envelope, (p) => p) } : it));
    const copy2 = await writeCopy(fx.dir, 'since-forged', withoutMessage(forged));
    const r2 = await verifyLedger({
      location: copy2,
      trusted: [fx.trusted],
      since: items[3]!.checkpoint,
      sinceCommit: commitsOf(copy2.remote)[3],
    });
    expect(checks(r2)).toEqual(['signature']);
    expect(r2.problems[0]!.seq).toBe(5);
  });

  it('an edited payload at seq 1 force-pushed under a 3-entry checkpoint fails as consistency (issue 17)', async () => {
    // The attacker can push but not sign: the payload changes, its old signature stays.
    const edited = items.map((it, i) => {
      if (i !== 1) return it;
      const payload = Buffer.from(it.envelope.payload, 'base64')
        .toString('utf8')
        .replace('production', 'staging');
      return { ...it, envelope: { ...it.envelope, payload: Buffer.from(payload).toString('base64') } };
    });
    const copy = await writeCopy(fx.dir, 'since-edit', edited);
    const pinned = await verifyLedger({
      location: copy,
      trusted: [fx.trusted],
      since: items[2]!.checkpoint,
      sinceCommit: commitsOf(fx.remote)[2],
    });
    expect(checks(pinned)).toContain('consistency');
    expect(pinned.ok).toBe(false);
    const unpinned = await verifyLedger({
      location: copy,
      trusted: [fx.trusted],
      since: items[2]!.checkpoint,
    });
    expect(checks(unpinned)).toContain('consistency');
    expect(unpinned.ok).toBe(false);
  });

  it('names truncation below the checkpoint', async () => {
    const copy = await writeCopy(fx.dir, 'since-trunc', items.slice(0, 3));
    const r = await verifyLedger({
      location: copy,
      trusted: [fx.trusted],
      since: items[5]!.checkpoint,
      sinceCommit: commitsOf(fx.remote)[5],
    });
    expect(checks(r)).toEqual(['consistency']);
    expect(r.problems[0]!.message).toMatch(/3 entries but the checkpoint given to --since saw 6/);
  });

  it('follows appends made after the checkpoint was taken, with an RFC 6962 consistency proof', async () => {
    const before = await verifyLedger({ location: fx.location, trusted: [fx.trusted], jobs: 1 });
    await appendEntry({ location: fx.location, key: fx.key, entry: sampleEntry(50) });
    const r = await verifyLedger({
      location: fx.location,
      trusted: [fx.trusted],
      since: before.checkpointText,
      sinceCommit: before.tip,
    });
    expect(r.problems).toEqual([]);
    expect(r).toMatchObject({ ok: true, checked: 1, entries: 7 });
  });
});

describe('verify: a ledger bound to its branch, in time (issue 17)', () => {
  /** Items 0..2 as appended, then 3..5 signed with the trusted key, `over` applied to seq 4. */
  const rewritten = (over: Partial<ReturnType<typeof sampleEntry>>): BulkItem[] => {
    let prev = signEnvelope(Buffer.from(items[2]!.envelope.payload, 'base64'), fx.key).hash;
    const out: BulkItem[] = items.slice(0, 3).map(({ envelope, checkpoint }) => ({ envelope, checkpoint }));
    for (let seq = 3; seq < 6; seq++) {
      const made = signedItem(fx.key, { seq, prev, ...sampleEntry(seq, seq === 4 ? over : {}) });
      out.push(made);
      prev = made.hash;
    }
    return out;
  };

  it('an entry for another repository: repository', async () => {
    const r = await verify(await writeCopy(fx.dir, 'other-repo', rewritten({ repository: 'evil/web' })));
    expect(checks(r)).toEqual(['repository']);
    expect(r.problems[0]).toMatchObject({ seq: 4, message: expect.stringMatching(/evil\/web/) });
  });

  it("a signed shard copied under another repository's branch: origin and repository", async () => {
    const remote = join(fx.dir, 'central.git');
    execFileSync('git', ['init', '--bare', '--quiet', remote]);
    execFileSync('git', ['config', 'uploadpack.allowFilter', 'true'], { cwd: remote });
    // The genuine shard of acme/web, and the same signed history pushed as evil/tool's shard.
    const origin = 'example.com/audit/central/shiplog/acme/web';
    const items6 = chainWithOrigin(origin);
    await writeLedgerHistory(remote, 'shiplog/acme/web', items6, { origin });
    await writeLedgerHistory(remote, 'shiplog/evil/tool', items6, { origin });
    const at = (branch: string) => ({
      remote,
      branch,
      cacheDir: join(fx.dir, `cache-central-${branch.replace(/\//g, '-')}`),
    });
    expect((await verify(at('shiplog/acme/web'))).problems).toEqual([]);
    const copied = await verify(at('shiplog/evil/tool'));
    expect(checks(copied)).toEqual(['origin', 'repository']);
    // Branch names compare case-insensitively, as GitHub's repository names do.
    await writeLedgerHistory(remote, 'shiplog/Acme/Web', items6, { origin });
    expect((await verify(at('shiplog/Acme/Web'))).problems).toEqual([]);
  });

  it('an entry timestamped before its predecessor beyond the clock skew: timestamp', async () => {
    const early = new Date(Date.UTC(2025, 11, 31, 23, 0, 0)).toISOString();
    const r = await verify(await writeCopy(fx.dir, 'early', rewritten({ timestamp: early })));
    expect(checks(r)).toEqual(['timestamp']);
    expect(r.problems[0]).toMatchObject({ seq: 4 });
    // Within the skew is fine: two runners may sign in one order and land in the other.
    const skew = new Date(Date.UTC(2026, 0, 1, 0, 0, 3) - CLOCK_SKEW_MS + 60_000).toISOString();
    expect((await verify(await writeCopy(fx.dir, 'skew', rewritten({ timestamp: skew })))).problems).toEqual(
      [],
    );
  });
});

/** Six entries signed with the trusted key, chained, under this checkpoint origin. */
function chainWithOrigin(origin: string): BulkItem[] {
  let prev = GENESIS_PREV;
  const out: BulkItem[] = [];
  for (let seq = 0; seq < 6; seq++) {
    const made = signedItem(fx.key, { seq, prev, ...sampleEntry(seq) }, origin);
    out.push(made);
    prev = made.hash;
  }
  return out;
}
