/**
 * `shiplog reconcile` against the fake GitHub and a real ledger: five production deployments on
 * GitHub, four of them recorded (with the noise a real ledger has: staging, a migration, a failed
 * deploy), so exactly one deployment is unrecorded, and it is named; staging has a record GitHub
 * has no deployment for.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEntry } from '../../src/ledger/append.ts';
import { startFakeGitHub, type FakeDeployment, type FakeGitHub } from '../support/fake-github.ts';
import { createLedgerFixture, newKey, sampleEntry, type LedgerFixture } from '../support/ledger-fixture.ts';
import { runCli } from '../support/run-cli.ts';

const HOUR = 3_600_000;
const ago = (hours: number): string =>
  new Date(Date.now() - hours * HOUR).toISOString().replace(/\.\d{3}Z$/, 'Z');
const sha = (n: number): string => `${n}`.repeat(40).slice(0, 40);
const runUrl = (run: number): string => `https://github.com/acme/web/actions/runs/${run}/job/${run + 1}`;

let gh: FakeGitHub;
let fx: LedgerFixture;
let env: Record<string, string>;
let strangerKey: string;
/** The deployment nobody recorded (six days ago, by mallory, from no workflow run). */
let unrecorded: FakeDeployment;

beforeAll(async () => {
  gh = await startFakeGitHub({ tokens: ['cli-token'] });
  env = { GITHUB_TOKEN: 'cli-token', GITHUB_API_URL: gh.url };
  gh.addRepo('acme/web');
  fx = await createLedgerFixture();
  strangerKey = join(fx.dir, 'stranger.pub');
  writeFileSync(strangerKey, newKey().publicPem);

  const success = (run?: number) => [
    { state: 'in_progress' as const, ...(run ? { logUrl: runUrl(run) } : {}) },
    { state: 'success' as const, ...(run ? { logUrl: runUrl(run) } : {}) },
  ];
  // 1–3: workflow deployments, recorded by their runs; 4 replaced by 5 (inactive); 6 nobody recorded
  const plan: { n: number; hours: number; run?: number; creator?: string; inactive?: boolean }[] = [
    { n: 1, hours: 120, run: 101 },
    { n: 2, hours: 96, run: 102 },
    { n: 3, hours: 72, run: 103 },
    { n: 4, hours: 48, inactive: true },
    { n: 5, hours: 24, run: 105 },
  ];
  unrecorded = gh.addDeployment('acme/web', {
    sha: sha(6),
    environment: 'production',
    creator: 'mallory',
    createdAt: ago(144),
    ref: 'hotfix',
    statuses: [{ state: 'success' }],
  });
  for (const p of plan) {
    gh.addDeployment('acme/web', {
      sha: sha(p.n),
      environment: 'production',
      createdAt: ago(p.hours),
      statuses: [...success(p.run), ...(p.inactive ? [{ state: 'inactive' as const }] : [])],
    });
  }
  // GitHub noise: a failed attempt and another environment
  gh.addDeployment('acme/web', {
    sha: sha(7),
    environment: 'production',
    createdAt: ago(30),
    statuses: [{ state: 'failure' }],
  });
  gh.addDeployment('acme/web', {
    sha: sha(8),
    environment: 'staging',
    createdAt: ago(50),
    statuses: [{ state: 'success' }],
  });

  // Entries go in the order they were recorded: verify refuses a timestamp behind its predecessor.
  const entries: Parameters<typeof sampleEntry>[1][] = [
    { type: 'migration', timestamp: ago(130), commit: sha(1) },
    // recorded a couple of minutes into the deployment, as a deploy job's last step does
    ...plan.map((p) => ({
      timestamp: new Date(Date.now() - p.hours * HOUR + 90_000).toISOString(),
      commit: sha(p.n),
      environment: 'production',
      details: { status: 'success' },
      ...(p.run ? { run: { id: p.run, attempt: 1 } } : {}),
    })),
    { timestamp: ago(50), commit: sha(8), environment: 'staging' },
    { timestamp: ago(30), commit: sha(7), environment: 'production', details: { status: 'failure' } },
  ];
  entries.sort((a, b) => Date.parse(String(a!.timestamp)) - Date.parse(String(b!.timestamp)));
  let i = 0;
  const append = (over: Parameters<typeof sampleEntry>[1]) =>
    appendEntry({ location: fx.location, key: fx.key, entry: sampleEntry(i++, over) });
  for (const e of entries) await append(e);
  // seq 8: a staging deploy GitHub has no deployment of
  await append({ timestamp: ago(10), commit: sha(9), environment: 'staging' });
});

afterAll(async () => {
  await gh.close();
  fx.cleanup();
});

/** The command on the fixture's ledger, trusting `key` (the ledger's own by default; none with null). */
const withKey = (key: string | null, ...extra: string[]) => [
  'reconcile',
  '--repo',
  'acme/web',
  '--environment',
  'production',
  '--remote',
  fx.remote,
  '--cache-dir',
  fx.cacheDir,
  ...(key ? ['--trusted-key', key] : []),
  ...extra,
];
const args = (...extra: string[]) => withKey(fx.pubFile, ...extra);

describe('shiplog reconcile', () => {
  it('names the one deployment without a record and exits 1', async () => {
    const r = await runCli(args('--since', '7d', '--json'), env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      ok: false,
      verified: true,
      status: 'drift',
      repository: 'acme/web',
      environment: 'production',
      tolerance_seconds: 3600,
      uses_deployments: true,
      compared: { deployments: 7, successful_deployments: 6, entries: 5, recorded: 5 },
      counts: { 'unrecorded-deploy': 1, 'unmatched-entry': 0 },
    });
    expect(out.differences).toEqual([
      {
        kind: 'unrecorded-deploy',
        deployment_id: unrecorded.id,
        commit: sha(6),
        ref: 'hotfix',
        environment: 'production',
        creator: 'mallory',
        created_at: unrecorded.createdAt,
        succeeded_at: unrecorded.statuses[0]!.createdAt,
        state: 'success',
        why: expect.stringContaining(
          `GitHub deployment ${unrecorded.id} of 6666666 (hotfix) to production by mallory`,
        ),
      },
    ]);
    expect(gh.violations).toEqual([]);
  });

  it('says the same for people', async () => {
    const r = await runCli(args('--since', '7d'), env);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ledger valid: 9 entries, chain intact, signatures trusted$/m);
    expect(r.stdout).toMatch(
      /7 GitHub deployments \(6 successful, 5 recorded\), 5 successful deploy entries/,
    );
    expect(r.stdout).toMatch(/^1 difference:$/m);
    expect(r.stdout).toMatch(new RegExp(`unrecorded-deploy .* deployment ${unrecorded.id} .* by mallory`));
  });

  it('exits 0 when every deployment in the window is recorded', async () => {
    const r = await runCli(args('--since', '5d', '--json'), env);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      ok: true,
      status: 'reconciled',
      counts: { 'unrecorded-deploy': 0, 'unmatched-entry': 0 },
      differences: [],
    });
    const text = await runCli(args('--since', new Date(Date.now() - 100 * HOUR).toISOString()), env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^no differences$/m);
  });

  it('flags a record with no deployment where the environment uses deployments', async () => {
    const r = await runCli(args('--since', '7d', '--environment', 'staging', '--json'), env);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      uses_deployments: true,
      compared: { deployments: 1, entries: 2, recorded: 1 },
      counts: { 'unrecorded-deploy': 0, 'unmatched-entry': 1 },
    });
    expect(out.differences).toMatchObject([
      { kind: 'unmatched-entry', seq: 8, commit: sha(9), environment: 'staging' },
    ]);
    // an environment GitHub has no deployments for: its records are not expected to have one
    const none = await runCli(args('--since', '7d', '--environment', 'eu', '--json'), env);
    expect(none.code).toBe(0);
    expect(JSON.parse(none.stdout)).toMatchObject({ uses_deployments: false, differences: [] });
  });

  it('refuses a ledger that does not verify, before asking GitHub anything', async () => {
    gh.resetRequests();
    const r = await runCli(withKey(strangerKey, '--since', '7d', '--json'), env);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ ok: false, verified: false });
    expect(out.problems.length).toBeGreaterThan(0);
    expect(gh.requests).toEqual([]);
    const text = await runCli(withKey(strangerKey, '--since', '7d'), env);
    expect(text.stdout).toMatch(/^ledger INVALID: .*nothing is reconciled/m);
  });

  it('exits 1 naming the call when GitHub fails', async () => {
    gh.fail({
      route: '/repos/{owner}/{repo}/deployments',
      status: 500,
      body: { message: 'Server Error' },
      times: 20,
    });
    const r = await runCli(args('--since', '7d'), env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /error\[GITHUB_API\]: GET \/repos\/acme\/web\/deployments\?environment=production failed: 500 Server Error/,
    );
    gh.clearFaults();
  });

  // exit 1 means "a check failed": a GitHub that cannot be reached or will not let us in is not that
  it('exits 2 with the reason when GitHub refuses the token or cannot be reached', async () => {
    gh.fail({
      route: '/repos/{owner}/{repo}/deployments',
      status: 401,
      body: { message: 'Bad credentials' },
    });
    const denied = await runCli(args('--since', '7d'), env);
    gh.clearFaults();
    expect(denied.code).toBe(2);
    expect(denied.stderr).toMatch(/failed: 401 Bad credentials/);

    // a port that was just free: nothing listens there
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const closed = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const offline = await runCli(args('--since', '7d'), {
      ...env,
      GITHUB_API_URL: `http://127.0.0.1:${closed}`,
    });
    expect(offline.code).toBe(2);
    expect(offline.stderr).toMatch(/GitHub could not be reached: .*ECONNREFUSED/);
  });

  it('exits 2 on usage errors, before fetching anything', async () => {
    gh.resetRequests();
    const cases: [string[], Record<string, string | undefined>, RegExp][] = [
      [args('--since', '7d'), { ...env, GITHUB_TOKEN: undefined }, /set GITHUB_TOKEN/],
      [args('--since', 'last week'), env, /--since must be a date .* or a duration/],
      [args('--since', '7d', '--tolerance', 'soon'), env, /--tolerance must be a duration/],
      [
        [
          'reconcile',
          '--repo',
          'acme',
          '--environment',
          'production',
          '--since',
          '7d',
          '--remote',
          fx.remote,
        ],
        env,
        /--repo must be OWNER\/NAME/,
      ],
      [withKey(null, '--since', '7d'), env, /no trusted key/],
      [['reconcile', '--repo', 'acme/web', '--remote', fx.remote, '--since', '7d'], env, /--environment/],
    ];
    for (const [argv, e, message] of cases) {
      const r = await runCli(argv, e);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(gh.requests).toEqual([]);
  });
});
