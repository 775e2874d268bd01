/** A real ledger on a local bare repository, in a temporary folder, for tests. */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendEntry, type NewEntry } from '../../src/ledger/append.ts';
import {
  generateSigningKeyPem,
  loadSigningKey,
  loadTrustedKey,
  type SigningKey,
  type TrustedKey,
} from '../../src/ledger/keys.ts';
import type { LedgerLocation } from '../../src/ledger/store.ts';

export interface LedgerFixture {
  dir: string;
  remote: string;
  cacheDir: string;
  key: SigningKey;
  keyFile: string;
  pubFile: string;
  trusted: TrustedKey;
  location: LedgerLocation;
  append(n?: number, entry?: Partial<NewEntry>): Promise<void>;
  /** A byte-for-byte copy of the remote to damage without touching the original. */
  copyRemote(name: string): LedgerLocation;
  cleanup(): void;
}

export function sh(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'mallory',
      GIT_AUTHOR_EMAIL: 'm@example.com',
      GIT_COMMITTER_NAME: 'mallory',
      GIT_COMMITTER_EMAIL: 'm@example.com',
    },
  });
}

export function newKey(): { key: SigningKey; trusted: TrustedKey; privatePem: string; publicPem: string } {
  const pem = generateSigningKeyPem();
  return {
    key: loadSigningKey(pem.privatePem, 'test key'),
    trusted: loadTrustedKey(pem.publicPem, 'test key'),
    privatePem: pem.privatePem,
    publicPem: pem.publicPem,
  };
}

export function commitOf(i: number): string {
  return `c${i.toString(16).padStart(39, '0')}`;
}

export function sampleEntry(i: number, over: Partial<NewEntry> = {}): NewEntry {
  return {
    type: 'deploy',
    timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    repository: 'acme/web',
    commit: commitOf(i),
    environment: 'production',
    approval: { status: 'approved', approvers: [{ login: 'alice', id: 1, stale: false }] },
    ...over,
  };
}

export async function createLedgerFixture(): Promise<LedgerFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'shiplog-test-'));
  const remote = join(dir, 'ledger.git');
  execFileSync('git', ['init', '--bare', '--quiet', remote]);
  execFileSync('git', ['config', 'uploadpack.allowFilter', 'true'], { cwd: remote });
  const cacheDir = join(dir, 'cache');
  const k = newKey();
  const keyFile = join(dir, 'shiplog.key');
  const pubFile = join(dir, 'shiplog.pub');
  writeFileSync(keyFile, k.privatePem, { mode: 0o600 });
  writeFileSync(pubFile, k.publicPem);
  const location: LedgerLocation = { remote, branch: 'shiplog', cacheDir };
  let count = 0;
  return {
    dir,
    remote,
    cacheDir,
    key: k.key,
    keyFile,
    pubFile,
    trusted: k.trusted,
    location,
    async append(n = 1, entry = {}) {
      for (let i = 0; i < n; i++) {
        await appendEntry({
          location,
          key: k.key,
          origin: 'shiplog/shiplog',
          entry: sampleEntry(count++, entry),
        });
      }
    },
    copyRemote(name) {
      const copy = join(dir, `${name}.git`);
      cpSync(remote, copy, { recursive: true });
      return { remote: copy, branch: 'shiplog', cacheDir: join(dir, `cache-${name}`) };
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Node arguments for a separate `shiplog record` process (from source) appending to `fx`. */
export function recordProcessArgs(fx: LedgerFixture, commit: string, environment: string): string[] {
  const cli = join(process.cwd(), 'src/cli/main.ts');
  const flags = ['--remote', fx.remote, '--key', fx.keyFile, '--type', 'deploy', '--commit', commit];
  return [
    '--import',
    'tsx',
    cli,
    'record',
    ...flags,
    '--repo',
    'acme/web',
    '--environment',
    environment,
    '--cache-dir',
    fx.cacheDir,
    // The fixture's remote is not named after acme/web, so without this the CLI would treat it as
    // a central ledger and write the shard shiplog/acme/web.
    '--ledger-branch',
    'shiplog',
  ];
}

/** A working clone of a ledger remote, for making hostile commits with plain git. */
export function workClone(remote: string, dir: string, branch = 'shiplog'): string {
  const work = `${dir}/work-${Math.random().toString(36).slice(2)}`;
  execFileSync('git', ['clone', '--quiet', '--branch', branch, remote, work]);
  return work;
}
