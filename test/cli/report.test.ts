import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLedgerFixture, newKey, type LedgerFixture } from '../support/ledger-fixture.ts';
import { historyItems, writeCopy } from '../support/ledger-history.ts';
import { runCli } from '../support/run-cli.ts';
import { recordSample } from '../report/sample-ledger.ts';

let fx: LedgerFixture;
beforeEach(async () => {
  fx = await createLedgerFixture();
  await recordSample(fx);
});
afterEach(() => fx.cleanup());

// The sample is dated March 2026: the timeline's window is opened to take it in.
const report = (remote: string, cacheDir: string, ...extra: string[]) =>
  runCli(['report', '--remote', remote, '--cache-dir', cacheDir, '--since', '2026-01-01', ...extra]);

describe('shiplog report', () => {
  it('writes the HTML report and the CSV, and says where', async () => {
    const out = join(fx.dir, 'out', 'report.html');
    const csv = join(fx.dir, 'out', 'entries.csv');
    const r = await report(fx.remote, fx.cacheDir, '--trusted-key', fx.pubFile, '--out', out, '--csv', csv);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`ledger valid: 7 entries\nreport ${out}\ncsv    ${csv}\n`);
    const page = readFileSync(out, 'utf8');
    expect(page).toContain('Verified: 7 entries, chain intact');
    expect(page.match(/<li class="change /g)).toHaveLength(7);
    // The signed note: origin (it names the branch), then the size.
    expect(page).toMatch(/<pre>[^\n<]*\/shiplog\n7\n/);
    // Each entry's details name the command that writes its inclusion proof; it works as printed.
    const prove = `shiplog prove 5 --remote ${fx.remote} --ledger-branch shiplog`;
    expect(page).toContain(`<code>${prove}</code>`);
    const bundle = await runCli([...prove.split(' ').slice(1), '--cache-dir', join(fx.dir, 'prove-cache')]);
    expect(bundle.code, bundle.stderr).toBe(0);
    expect(JSON.parse(bundle.stdout)).toMatchObject({ kind: 'inclusion', seq: 5 });
    const lines = readFileSync(csv, 'utf8').split('\r\n');
    expect(lines).toHaveLength(9); // header, 7 rows, and the empty string after the last CRLF
    expect(lines[6]).toMatch(/^5,sha256:[0-9a-f]{64},2026-03-01T09:35:00.000Z,deploy,staging,acme\/web,/);
    expect(lines[6]).toContain(",<b>mallory</b>'&,unapproved,,14,");
    expect(readdirSync(join(fx.dir, 'out')).sort()).toEqual(['entries.csv', 'report.html']);
  });

  it('a deploy recorded without approval evidence is an exception in the report, never "No exceptions"', async () => {
    // The CLI's record collects no approval evidence: the entry says so, and the report lists it.
    const rec = await runCli([
      ...['record', '--remote', fx.remote, '--key', fx.keyFile, '--type', 'deploy'],
      ...['--commit', 'c'.repeat(40), '--repo', 'acme/web', '--environment', 'production'],
      ...['--cache-dir', fx.cacheDir],
    ]);
    expect(rec.code, rec.stderr).toBe(0);
    const out = join(fx.dir, 'nc.html');
    await report(fx.remote, fx.cacheDir, '--trusted-key', fx.pubFile, '--out', out);
    const page = readFileSync(out, 'utf8');
    expect(page).not.toContain('No exceptions');
    const row = page.split('<tr').find((r) => r.includes('approval-not-collected') && r.includes('ccccccc'));
    expect(row, 'an approval-not-collected row for the deploy of cccc…').toBeDefined();
  });

  it('--json summarises what was written', async () => {
    const out = join(fx.dir, 'r.html');
    const r = await report(fx.remote, fx.cacheDir, '--trusted-key', fx.pubFile, '--out', out, '--json');
    expect(JSON.parse(r.stdout)).toEqual({
      ok: true,
      entries: 7,
      problems: 0,
      html: out,
      window: { since: '2026-01-01T00:00:00.000Z', until: expect.any(String), entries: 7 },
    });
  });

  it('the timeline shows a window (default the last 90 days) and says how many entries are outside it', async () => {
    const out = join(fx.dir, 'w.html');
    const csv = join(fx.dir, 'w.csv');
    const r = await runCli([
      'report',
      '--remote',
      fx.remote,
      '--cache-dir',
      fx.cacheDir,
      '--trusted-key',
      fx.pubFile,
      '--out',
      out,
      '--csv',
      csv,
    ]);
    expect(r.code).toBe(0);
    const page = readFileSync(out, 'utf8');
    // The whole ledger in the summary; none of it in a timeline of the last 90 days.
    expect(page).toMatch(/<div class="summary" id="summary"><b>7 changes<\/b>/);
    expect(page.match(/<li class="change /g)).toBeNull();
    expect(page).toMatch(/7 entries are outside this window \(7 before, 0 after\)/);
    expect(page).toContain('No entries in this window.');
    // The CSV beside it holds every entry.
    expect(readFileSync(csv, 'utf8').split('\r\n')).toHaveLength(9);
    // --until cuts the other end: only the entries of its day and before.
    const until = await report(
      fx.remote,
      fx.cacheDir,
      '--trusted-key',
      fx.pubFile,
      '--out',
      out,
      '--until',
      '2026-03-01T09:10:00Z',
    );
    expect(until.code).toBe(0);
    const cut = readFileSync(out, 'utf8');
    expect(cut.match(/<li class="change /g)).toHaveLength(2);
    expect(cut).toMatch(/5 entries are outside this window \(0 before, 5 after\)/);
  });

  it('an untrusted key: the report is still written, shows the failure, and the exit code is 1', async () => {
    const stranger = join(fx.dir, 'stranger.pub');
    writeFileSync(stranger, newKey().publicPem);
    const out = join(fx.dir, 'r.html');
    const r = await report(fx.remote, fx.cacheDir, '--trusted-key', stranger, '--out', out);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ledger INVALID: \d+ problem\(s\); the report lists them/);
    const page = readFileSync(out, 'utf8');
    expect(page).toContain('<section class="panel verify failed" id="verification">');
    expect(page).toMatch(/<tr><td>signature<\/td><td>0<\/td>/);
    // Only entries a trusted key signed are shown: here, none.
    expect(page.match(/<li class="change /g)).toBeNull();
  });

  it('a damaged entry is reported as a problem and the other entries are still shown', async () => {
    // The history rewritten with one entry.json replaced by something that is no envelope.
    const items = historyItems(fx.remote);
    const loc = await writeCopy(
      fx.dir,
      'damaged',
      items.map((it, i) =>
        i === 3 ? { ...it, extraFiles: { 'entry.json': '{"not": "an envelope"}\n' } } : it,
      ),
    );
    const out = join(fx.dir, 'r.html');
    const csv = join(fx.dir, 'r.csv');
    const r = await report(
      loc.remote,
      loc.cacheDir!,
      '--trusted-key',
      fx.pubFile,
      '--out',
      out,
      '--csv',
      csv,
    );
    expect(r.code).toBe(1);
    const page = readFileSync(out, 'utf8');
    expect(page).toContain('Verification FAILED');
    expect(page).toMatch(
      /<tr><td>envelope<\/td><td>-<\/td><td><code>[0-9a-f]{40}<\/code><\/td><td><code>entry.json<\/code>/,
    );
    expect(page.match(/<li class="change /g)).toHaveLength(6);
    expect(page).not.toContain('id="seq-3"');
    // A ledger that does not verify gets no clean bill and no figures built on it.
    expect(page).not.toContain('No exceptions');
    expect(page).toContain('<h2>Exceptions: not established');
    expect(page).toContain('<h2>Delivery metrics: not computed</h2>');
    // The CSV says of every row that it is not verified (the problem names no seq).
    const rows = readFileSync(csv, 'utf8').split('\r\n').filter(Boolean);
    expect(rows[0]!.split(',').at(-1)).toBe('verified');
    expect(rows.slice(1).map((l) => l.split(',').at(-1))).toEqual(Array(6).fill('no'));
  });

  it('usage errors exit 2 and write nothing', async () => {
    const out = join(fx.dir, 'r.html');
    const noKey = await report(fx.remote, fx.cacheDir, '--out', out);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/NO_TRUSTED_KEY/);
    const noOut = await report(fx.remote, fx.cacheDir, '--trusted-key', fx.pubFile);
    expect(noOut.code).toBe(2);
    const noBranch = await report(
      fx.remote,
      fx.cacheDir,
      '--trusted-key',
      fx.pubFile,
      '--out',
      out,
      '--ledger-branch',
      'nope',
    );
    expect(noBranch.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });
});
