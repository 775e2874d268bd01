/**
 * Writers and witnesses end to end: `record --witness` against real witnesses over HTTP, a witness
 * that is down, two writers racing, and `verify --witness-key … --witness-quorum N`.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCheckpoint } from '../../src/ledger/checkpoint.ts';
import { parseCosignedFile } from '../../src/witness/cosigned-file.ts';
import { startWitness, type RunningWitness } from '../../src/witness/server.ts';
import { originHash, WitnessState } from '../../src/witness/state.ts';
import { commitOf, createLedgerFixture, sampleEntry, type LedgerFixture } from '../support/ledger-fixture.ts';
import { parseWitnessTarget } from '../../src/witness/client.ts';
import { appendWitnessed } from '../../src/witness/publish.ts';
import { runCli } from '../support/run-cli.ts';
import { keyFiles, type KeyFiles } from './log-fixture.ts';

let fx: LedgerFixture;
let n = 0;
const logs = new Map<string, [typeof fx.trusted]>();
interface W {
  name: string;
  keys: KeyFiles;
  state?: WitnessState;
  server?: RunningWitness;
  url: string;
  port: number;
}
const witnesses: W[] = [];

async function up(w: W): Promise<void> {
  w.state = await WitnessState.open(join(fx.dir, `${w.name}-state`));
  w.server = await startWitness(
    { key: w.keys.key, name: `witness.test/${w.name}`, logs, state: w.state },
    { host: '127.0.0.1', port: w.port },
  );
  w.url = w.server.url;
  w.port = Number(new URL(w.url).port);
}

async function down(w: W): Promise<void> {
  await w.server?.close();
  await w.state?.close();
  w.server = undefined;
  w.state = undefined;
}

async function witness(name: string): Promise<W> {
  const w: W = { name, keys: keyFiles(fx.dir, name), url: '', port: 0 };
  witnesses.push(w);
  await up(w);
  return w;
}

const show = (remote: string, path: string) =>
  execFileSync('git', ['show', `shiplog:${path}`], { cwd: remote, encoding: 'utf8' });

function record(ws: W[], remote = fx.remote, cache = fx.cacheDir) {
  return runCli([
    'record',
    ...['--remote', remote, '--cache-dir', cache, '--ledger-branch', 'shiplog', '--key', fx.keyFile],
    ...['--type', 'deploy', '--commit', commitOf(n++), '--repo', 'acme/web', '--environment', 'production'],
    ...ws.flatMap((w) => ['--witness', `${w.url}=${w.keys.pubFile}`]),
  ]);
}

function verify(keys: W[], extra: string[] = [], remote = fx.remote) {
  return runCli([
    'verify',
    ...['--remote', remote, '--cache-dir', join(fx.dir, 'verify-cache'), '--ledger-branch', 'shiplog'],
    ...['--trusted-key', fx.pubFile],
    ...keys.flatMap((w) => ['--witness-key', w.keys.pubFile]),
    ...extra,
  ]);
}

beforeEach(async () => {
  fx = await createLedgerFixture();
  n = 0;
  logs.clear();
  // The first entry makes the ledger and its origin, which the witnesses are configured with.
  expect((await record([])).code).toBe(0);
  logs.set(parseCheckpoint(show(fx.remote, 'checkpoint')).origin, [fx.trusted]);
});
afterEach(async () => {
  for (const w of witnesses.splice(0)) await down(w);
  fx.cleanup();
});

describe('writers and witnesses', () => {
  it('record publishes cosignatures with the next append; a witness that is down delays nothing; verify counts the quorum', async () => {
    const a = await witness('a');
    const b = await witness('b');
    const r1 = await record([a, b]);
    expect(r1).toMatchObject({ code: 0, stderr: '' });
    let notes = parseCosignedFile(show(fx.remote, 'cosigned')).notes;
    expect(notes.map((x) => [x.checkpoint.size, x.lines.length])).toEqual([[1, 3]]);

    let v = await verify([a, b], ['--witness-quorum', '2']);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(
      /witnessed by 2 of 2: entries 0\.\.0 \(1 of 2\); the newest 1 are not yet cosigned/,
    );

    // b is down: the append lands, a warning names it, and b keeps counting with size 1.
    await down(b);
    const r2 = await record([a, b]);
    expect(r2.code).toBe(0);
    expect(r2.stdout).toMatch(/recorded seq 2/);
    expect(r2.stderr).toMatch(/warning: witness http:\/\/127\.0\.0\.1:\d+: unreachable/);
    notes = parseCosignedFile(show(fx.remote, 'cosigned')).notes;
    expect(notes.map((x) => x.checkpoint.size)).toEqual([2, 1]);
    v = await verify([a, b], ['--witness-quorum', '2']);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/entries 0\.\.0 \(1 of 3\)/);
    expect((await verify([a, b], ['--witness-quorum', '1'])).stdout).toMatch(/entries 0\.\.1 \(2 of 3\)/);

    // b is back (it last saw size 2): the next append publishes both at size 3.
    await up(b);
    const r3 = await record([a, b]);
    expect(r3).toMatchObject({ code: 0, stderr: '' });
    notes = parseCosignedFile(show(fx.remote, 'cosigned')).notes;
    expect(notes.map((x) => [x.checkpoint.size, x.lines.length])).toEqual([[3, 3]]);
    v = await verify([a, b], ['--witness-quorum', '2', '--json']);
    expect(JSON.parse(v.stdout)).toMatchObject({
      ok: true,
      witnesses: { ok: true, witnessedSize: 3, ledgerSize: 4 },
    });

    // Quorum not met: a witness key that never cosigned this ledger.
    const c = await witness('c');
    v = await verify([a, c], ['--witness-quorum', '2']);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/witness quorum not met: 1 of the 2 witness keys cosigned/);
    expect((await verify([a, c], ['--witness-quorum', '3'])).code).toBe(2);
  });

  it('verify names a rollback and a fork the witnesses saw past', async () => {
    const a = await witness('a');
    for (let i = 0; i < 3; i++) expect((await record([a])).code).toBe(0);
    // What the witness holds (size 4), kept outside the ledger by the auditor.
    const origin = parseCheckpoint(show(fx.remote, 'checkpoint')).origin;
    const kept = await (await fetch(`${a.url}/${originHash(origin)}/checkpoint`)).text();
    expect(parseCheckpoint(kept).size).toBe(4);
    const keptFile = join(fx.dir, 'kept-cosigned');
    writeFileSync(keptFile, kept);
    expect((await verify([a], ['--witness-checkpoint', keptFile])).code).toBe(0);

    // Rolled back to 2 entries (a force-push of an older commit).
    const copy = fx.copyRemote('rolled-back');
    const second = execFileSync('git', ['rev-parse', 'shiplog~2'], {
      cwd: copy.remote,
      encoding: 'utf8',
    }).trim();
    execFileSync('git', ['update-ref', 'refs/heads/shiplog', second], { cwd: copy.remote });
    let v = await verify([a], ['--witness-checkpoint', keptFile], copy.remote);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/rollback: witness witness\.test\/a .*cosigned size 4 .*only 2 entries/);

    // Then rewritten: two other entries on top make size 4 with another root.
    for (let i = 0; i < 2; i++) expect((await record([], copy.remote, copy.cacheDir!)).code).toBe(0);
    v = await verify([a], ['--witness-checkpoint', keptFile], copy.remote);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/fork: witness witness\.test\/a .*cosigned size 4 with root/);
    // The witness itself refuses the rewritten history.
    const r = await record([a], copy.remote, copy.cacheDir!);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/witness .*answered 422|witness .*rolled back or forked/);
  });

  it('two writers racing the same witness: both land, the witness never refuses the honest ledger', async () => {
    const a = await witness('a');
    const target = parseWitnessTarget(`${a.url}=${a.keys.pubFile}`);
    const writer = (cache: string) =>
      appendWitnessed(
        {
          location: { ...fx.location, cacheDir: join(fx.dir, cache) },
          key: fx.key,
          entry: sampleEntry(n++, { timestamp: new Date().toISOString() }),
        },
        [target],
      );
    const results = await Promise.all([writer('cache-1'), writer('cache-2'), writer('cache-3')]);
    expect(results.map((r) => r.seq).sort()).toEqual([1, 2, 3]);
    // A writer may lose a race at the witness too (409 twice): never a refusal of the ledger.
    for (const r of results)
      for (const o of [...r.before, ...r.after]) if (!o.ok) expect(o.reason).not.toMatch(/answered|forked/);
    expect((await record([a])).code).toBe(0);
    const v = await verify([a], ['--json']);
    expect(JSON.parse(v.stdout)).toMatchObject({ ok: true, witnesses: { ok: true } });
  });
});
