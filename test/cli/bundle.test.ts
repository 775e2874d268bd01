/**
 * The bundled CLI on a ledger big enough for worker threads: dist/cli.js must find and run
 * dist/verify-worker.js next to it, and the workers must really check signatures.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLedger } from '../../bench/build-ledger.ts';
import { bundleDist } from '../action/harness.ts';
import { newKey, sh } from '../support/ledger-fixture.ts';

const run = promisify(execFile);
const ENTRIES = 2100; // above verify's 2,000-entry threshold for worker threads
let dir: string;
let cli: string;
let remote: string;
const key = newKey();
const stranger = newKey();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shiplog-bundle-'));
  cli = await bundleDist(['cli.js', 'verify-worker.js']);
  remote = join(dir, 'ledger.git');
  sh(dir, 'init', '--bare', '--quiet', remote);
  await buildLedger(remote, key.key, ENTRIES);
  writeFileSync(join(dir, 'ok.pub'), key.publicPem);
  writeFileSync(join(dir, 'stranger.pub'), stranger.publicPem);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function verify(
  pub: string,
): Promise<{ code: number; report: { ok: boolean; entries: number; problems: { check: string }[] } }> {
  const args = [cli, 'verify', '--remote', remote, '--trusted-key', join(dir, pub), '--jobs', '2', '--json'];
  const env = { ...process.env, SHIPLOG_CACHE_DIR: join(dir, `cache-${pub}`) };
  try {
    const r = await run(process.execPath, args, { env, maxBuffer: 1 << 26 });
    return { code: 0, report: JSON.parse(r.stdout) };
  } catch (e) {
    const err = e as { code: number; stdout: string };
    return { code: err.code, report: JSON.parse(err.stdout) };
  }
}

describe('bundled CLI with worker threads', () => {
  it('verifies a 2,100-entry ledger', async () => {
    const { code, report } = await verify('ok.pub');
    expect(code).toBe(0);
    expect(report).toMatchObject({ ok: true, entries: ENTRIES, problems: [] });
  }, 120_000);

  it('reports every entry when the trusted key did not sign them', async () => {
    const { code, report } = await verify('stranger.pub');
    expect(code).toBe(1);
    expect(report.problems.filter((p) => p.check === 'signature')).toHaveLength(ENTRIES);
  }, 120_000);
});
