/**
 * A witness process killed (SIGKILL) inside its compare-and-store, then restarted on the same state:
 * it never cosigns two inconsistent checkpoints of one origin.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCheckpoint } from '../../src/ledger/checkpoint.ts';
import { findCosignature, signatureLines } from '../../src/witness/cosignature.ts';
import { addCheckpoint } from '../../src/witness/server.ts';
import { WitnessState } from '../../src/witness/state.ts';
import { keyFiles, post, tempDir, ToyLog } from './log-fixture.ts';

const ORIGIN = 'example.test/ledger';
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

async function serve(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'witness', 'serve', '--listen', '127.0.0.1:0', ...args],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`witness exited ${code}: ${err}`)));
  });
  return { child, url };
}

const exited = (c: ChildProcess) =>
  c.exitCode !== null || c.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((r) => c.once('exit', () => r()));

describe('witness crash between check and store', () => {
  for (const point of ['after-check', 'after-temp', 'after-rename'] as const) {
    it(`killed ${point}, restarted: never cosigns two inconsistent checkpoints`, async () => {
      const dir = tempDir();
      try {
        const logKey = keyFiles(dir, 'log');
        const wKey = keyFiles(dir, 'witness');
        const args = [
          '--key',
          wKey.keyFile,
          '--state',
          `${dir}/state`,
          '--name',
          'witness.test/w',
          '--log',
          `${ORIGIN}=${logKey.pubFile}`,
        ];
        const honest = new ToyLog(ORIGIN, logKey.key);
        const fork = new ToyLog(ORIGIN, logKey.key, 'evil', 4);
        const cosigned: { log: ToyLog; size: number }[] = [];
        const submit = async (url: string, log: ToyLog, old: number, size: number) => {
          const r = await post(url, await log.request(old, size));
          if (r.status === 200) {
            const body = parseCheckpoint(log.checkpoint(size)).body;
            expect(findCosignature(body, signatureLines(r.body), wKey.trusted)).toBeDefined();
            cosigned.push({ log, size });
          }
          return r;
        };

        // The witness has cosigned size 4 (seeded in-process; a clean stop releases the lock).
        const seed = await WitnessState.open(`${dir}/state`);
        const cfg = {
          key: wKey.key,
          name: 'witness.test/w',
          logs: new Map([[ORIGIN, [logKey.trusted]]]),
          state: seed,
        };
        expect((await addCheckpoint(cfg, await honest.request(0, 4))).status).toBe(200);
        cosigned.push({ log: honest, size: 4 });
        await seed.close();

        // The crashing run: the honest size-8 checkpoint passes the check, and the process dies.
        const crashing = await serve(args, { SHIPLOG_WITNESS_TEST_CRASH: point });
        await expect(submit(crashing.url, honest, 4, 8)).rejects.toThrow();
        await exited(crashing.child);
        expect(crashing.child.signalCode).toBe('SIGKILL');

        const again = await serve(args);
        expect(readdirSync(`${dir}/state`).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
        // Whether or not the honest size 8 reached the disk, it was never cosigned: a fork of the
        // same size is cosigned only when it did not (and then the honest log is the one refused).
        const fromStored = async (log: ToyLog, size: number) => {
          const r = await submit(again.url, log, 4, size);
          if (r.status !== 409) return r;
          return submit(again.url, log, Number(r.body), size);
        };
        expect((await submit(again.url, fork, 4, 8)).status).toBe(point === 'after-rename' ? 409 : 200);
        expect((await fromStored(fork, 8)).status).toBe(point === 'after-rename' ? 422 : 200);
        expect((await fromStored(honest, 9)).status).toBe(point === 'after-rename' ? 200 : 422);

        // Every checkpoint ever cosigned lies on one history.
        for (const a of cosigned)
          for (const b of cosigned) {
            const n = Math.min(a.size, b.size);
            expect(a.log.root(n)).toEqual(b.log.root(n));
          }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
