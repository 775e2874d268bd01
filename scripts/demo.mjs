#!/usr/bin/env node
// A short, real walkthrough of the ledger with the bundled CLI, in a temporary folder:
// keygen → record (deploy, migration) → verify → log → tamper with a copy → verify catches it.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'shiplog-demo-'));
const tty = process.stdout.isTTY;
const bold = (s) => (tty ? `\u001b[1m${s}\u001b[0m` : s);
const env = { ...process.env, SHIPLOG_CACHE_DIR: join(dir, 'cache') };
let step = 0;

function shiplog(args, expectCode = 0) {
  const r = spawnSync(process.execPath, [cli, ...args], { env, encoding: 'utf8' });
  if (r.status !== expectCode) {
    process.stderr.write(r.stdout + r.stderr);
    throw new Error(`"shiplog ${args[0]}" exited ${r.status}, expected ${expectCode}`);
  }
  return r.stdout;
}
function say(title, output = '') {
  process.stdout.write(
    `${bold(`[${++step}] ${title}`)}\n${output.trim() ? output.trimEnd().replace(/^/gm, '    ') + '\n' : ''}`,
  );
}

try {
  const remote = join(dir, 'ledger.git');
  execFileSync('git', ['init', '--bare', '--quiet', remote]);
  say('generate a signing key', shiplog(['keygen', '--out', join(dir, 'keys')]).split('\n')[0]);
  const key = join(dir, 'keys', 'shiplog.key');
  const pub = join(dir, 'keys', 'shiplog.pub');
  const sha = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
  say(
    'record a schema migration',
    shiplog([
      'record',
      '--remote',
      remote,
      '--key',
      key,
      '--type',
      'migration',
      '--commit',
      sha,
      '--repo',
      'acme/shop',
      '--environment',
      'production',
    ]),
  );
  say(
    'record a production deploy',
    shiplog([
      'record',
      '--remote',
      remote,
      '--key',
      key,
      '--type',
      'deploy',
      '--commit',
      sha,
      '--repo',
      'acme/shop',
      '--environment',
      'production',
    ]),
  );
  say(
    'verify the ledger against the trusted public key',
    shiplog(['verify', '--remote', remote, '--trusted-key', pub]),
  );
  say(
    `what happened to commit ${sha.slice(0, 7)}?`,
    shiplog(['log', '--remote', remote, '--commit', sha.slice(0, 7)]),
  );

  const copy = join(dir, 'tampered.git');
  cpSync(remote, copy, { recursive: true });
  const work = join(dir, 'work');
  execFileSync('git', ['clone', '--quiet', '--branch', 'shiplog', copy, work]);
  const file = join(work, 'entries/00/00/00/00/00/000000000001.json');
  const envelope = JSON.parse(readFileSync(file, 'utf8'));
  envelope.payload = Buffer.from(
    Buffer.from(envelope.payload, 'base64').toString().replace('production', 'staging'),
  ).toString('base64');
  writeFileSync(file, JSON.stringify(envelope) + '\n');
  const who = {
    ...process.env,
    GIT_AUTHOR_NAME: 'mallory',
    GIT_AUTHOR_EMAIL: 'm@example.com',
    GIT_COMMITTER_NAME: 'mallory',
    GIT_COMMITTER_EMAIL: 'm@example.com',
  };
  execFileSync('git', ['commit', '--quiet', '-am', 'quiet fix'], { cwd: work, env: who });
  execFileSync('git', ['push', '--quiet', '--force', 'origin', 'shiplog'], { cwd: work });
  say(
    'someone edits an entry in a copy: verify catches it (exit 1)',
    shiplog(['verify', '--remote', copy, '--trusted-key', pub], 1),
  );
  process.stdout.write(bold('demo complete: every step behaved as shown\n'));
} catch (e) {
  process.stderr.write(`demo failed: ${e.message}\n`);
  process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
