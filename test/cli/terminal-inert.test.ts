/**
 * Terminal output is inert (issue 17): ledger text is written by whoever can sign or push an
 * entry, so an environment, a reason, an actor or a pull request title may carry ESC sequences,
 * 8-bit CSI (C1) or bidi overrides. Every CLI text output escapes them as `\uXXXX`, through the one
 * function in src/text/inert.ts; JSON output stays valid JSON with the same values.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEntry, type NewEntry } from '../../src/ledger/append.ts';
import { createLedgerFixture, sh, type LedgerFixture } from '../support/ledger-fixture.ts';
import { runCli } from '../support/run-cli.ts';

// ESC/BEL (C0), CSI (C1), right-to-left override and isolate: none may reach the terminal raw.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const ENV = 'prod\u202euction\u2066\u009b2J';
const ACTOR = 'eve\u001b[2J\u001b]0;owned\u0007';
const REASON = 'INC-1\u001b[31m all clear \u202e';

let fx: LedgerFixture;
let code: string;
let head: string;

beforeAll(async () => {
  fx = await createLedgerFixture();
  code = join(fx.dir, 'code');
  mkdirSync(code);
  sh(code, 'init', '--quiet', '-b', 'main');
  sh(code, 'commit', '--quiet', '--allow-empty', '-m', 'c1');
  head = sh(code, 'rev-parse', 'HEAD').trim();
  const now = Date.now();
  const at = (minutes: number) => new Date(now - minutes * 60_000).toISOString();
  const entries: NewEntry[] = [
    {
      type: 'deploy',
      timestamp: at(60),
      repository: 'acme/web',
      commit: head,
      environment: ENV,
      actor: { login: ACTOR, id: 9 },
      approval: { status: 'approved', approvers: [{ login: ACTOR, id: 9, stale: false }] },
      details: { status: 'success', title: 'Ship \u009b31m it' },
    },
    {
      type: 'override',
      timestamp: at(30 * 24 * 60 - 60),
      repository: 'acme/web',
      commit: head,
      environment: ENV,
      actor: { login: ACTOR, id: 9 },
      approval: { status: 'overridden', approvers: [] },
      details: { reason: REASON, via: 'app comment' },
    },
  ];
  entries.sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  for (const entry of entries) await appendEntry({ location: fx.location, key: fx.key, entry });
});
afterAll(() => fx.cleanup());

const at = () => ['--remote', fx.remote, '--cache-dir', fx.cacheDir];

describe('CLI output escapes control and bidi characters from the ledger', () => {
  it('log, show, stats, audit and where write no raw control or bidi character (text and --json)', async () => {
    const runs = {
      log: await runCli(['log', ...at()]),
      'log --json': await runCli(['log', ...at(), '--json']),
      // seq 0 is the override (older), seq 1 the deploy
      'show 0': await runCli(['show', '0', ...at()]),
      'show 1': await runCli(['show', '1', ...at()]),
      stats: await runCli(['stats', ...at(), '--trusted-key', fx.pubFile, '--since', '60d']),
      audit: await runCli(['audit', ...at(), '--trusted-key', fx.pubFile, '--review-within', '1h']),
      where: await runCli(['where', head, ...at(), '--repo-dir', code]),
    };
    for (const [name, r] of Object.entries(runs)) {
      expect(r.stderr, name).not.toMatch(RAW);
      expect(r.stdout, name).not.toMatch(RAW);
      expect(r.code, `${name}: ${r.stderr}`).toBeLessThan(2);
    }
    // escaped, not dropped: a reader still sees that the text carried them
    expect(runs.log.stdout).toContain('prod\\u202euction\\u2066\\u009b2J');
    expect(runs.where.stdout).toContain('prod\\u202euction');
    expect(runs.stats.stdout).toContain('prod\\u202euction');
    expect(runs.audit.stdout).toContain('\\u202e');
    // JSON.stringify already escapes C0 as \u001b; C1 and bidi are escaped the same way
    expect(runs['show 0'].stdout).toContain('INC-1\\u001b[31m all clear \\u202e');
    expect(runs['show 1'].stdout).toContain('Ship \\u009b31m it');
    // JSON stays JSON and keeps the very value
    const parsed = JSON.parse(runs['log --json'].stdout) as {
      statement: { predicate: { environment: string } };
    }[];
    expect(parsed.map((e) => e.statement.predicate.environment)).toContain(ENV);
  });
});
