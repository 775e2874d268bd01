/**
 * `shiplog app redeliver` against the fake GitHub, authenticating as the app (a JWT signed with the
 * app's RSA key): failed deliveries in the window are redelivered once; deliveries that got through,
 * events already redelivered successfully, and deliveries older than the window are not.
 */
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeDelivery, type FakeGitHub } from '../support/fake-github.ts';
import { runCli } from '../support/run-cli.ts';

const MIN = 60_000;
const ago = (minutes: number): string =>
  new Date(Date.now() - minutes * MIN).toISOString().replace(/\.\d{3}Z$/, 'Z');

const tmp = mkdtempSync(join(tmpdir(), 'shiplog-app-admin-'));
// GitHub issues app keys as PKCS#1 ("BEGIN RSA PRIVATE KEY")
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const keyFile = join(tmp, 'app.pem');
writeFileSync(keyFile, pem);

let gh: FakeGitHub;
let env: Record<string, string | undefined>;
let down: FakeDelivery;
let timedOut: FakeDelivery;
let recovered: FakeDelivery;

beforeAll(async () => {
  gh = await startFakeGitHub();
  env = {
    APP_ID: String(gh.appId),
    PRIVATE_KEY: pem,
    PRIVATE_KEY_PATH: undefined,
    GHE_HOST: undefined,
    GITHUB_API_URL: gh.url,
  };
  gh.addDelivery({ guid: 'g-old', deliveredAt: ago(300), statusCode: 500 });
  down = gh.addDelivery({
    guid: 'g-down',
    deliveredAt: ago(60),
    statusCode: 503,
    event: 'pull_request_review',
    action: 'submitted',
  });
  recovered = gh.addDelivery({ guid: 'g-recovered', deliveredAt: ago(50), statusCode: 500 });
  gh.addDelivery({ guid: 'g-recovered', deliveredAt: ago(40), statusCode: 200, redelivery: true });
  timedOut = gh.addDelivery({
    guid: 'g-timeout',
    deliveredAt: ago(30),
    statusCode: 0,
    status: 'timed out',
    event: 'deployment_protection_rule',
    action: 'requested',
  });
  // enough deliveries that got through for the listing to take several cursor pages
  for (let i = 0; i < 150; i++) gh.addDelivery({ deliveredAt: ago(20 - i / 10) });
});

afterAll(async () => {
  await gh.close();
  rmSync(tmp, { recursive: true, force: true });
});

beforeEach(() => gh.resetRequests());

describe('shiplog app redeliver', () => {
  it('with --dry-run lists what it would redeliver and redelivers nothing', async () => {
    const r = await runCli(['app', 'redeliver', '--since', '2h', '--dry-run', '--json'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      ok: true,
      dry_run: true,
      deliveries: 154,
      failed_deliveries: 3,
      recovered_events: 1,
    });
    expect(out.redeliver.map((d: { id: number }) => d.id)).toEqual([down.id, timedOut.id]);
    expect(out.redeliver[1]).toEqual({
      id: timedOut.id,
      guid: 'g-timeout',
      event: 'deployment_protection_rule',
      action: 'requested',
      delivered_at: timedOut.deliveredAt,
      status: 'timed out',
      status_code: 0,
      redelivered: false,
    });
    expect(gh.redeliveries).toEqual([]);
    // listed newest first through the cursor in GitHub's Link header, until past the window
    const listings = gh.requests.filter((q) => q.route === '/app/hook/deliveries');
    expect(listings.length).toBe(2);
    expect(listings[1]!.query.cursor).toMatch(/^v1_\d+$/);
  });

  it('redelivers each failed delivery in the window once, as the app (JWT)', async () => {
    const r = await runCli(['app', 'redeliver', '--since', '2h'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(gh.redeliveries.map((x) => x.deliveryId)).toEqual([down.id, timedOut.id]);
    expect(r.stdout).toMatch(
      /^154 webhook deliveries since .*: 3 failed, 1 event already delivered again, 2 events to redeliver$/m,
    );
    expect(r.stdout).toMatch(
      new RegExp(
        `^${down.id} .* pull_request_review\\.submitted +g-down +503 Invalid HTTP Response: 503$`,
        'm',
      ),
    );
    expect(r.stdout).toMatch(new RegExp(`^${timedOut.id} .* g-timeout +0 timed out$`, 'm'));
    // every request authenticated with a JWT the app signed (RS256, issued by the app id)
    for (const q of gh.requests) {
      const [head, body, signature] = q.token!.split('.') as [string, string, string];
      const [header, payload] = [head, body].map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
      expect(header).toMatchObject({ alg: 'RS256' });
      expect(payload.iss).toBe(gh.appId);
      const signed = Buffer.from(`${head}.${body}`);
      expect(
        verify('RSA-SHA256', signed, createPublicKey(privateKey), Buffer.from(signature, 'base64url')),
      ).toBe(true);
    }
    expect(gh.violations).toEqual([]);

    // the redeliveries got through: a second run has nothing left to do
    const again = await runCli(['app', 'redeliver', '--since', '2h', '--json'], env);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ recovered_events: 3, redeliver: [] });
    expect(gh.redeliveries.map((x) => x.deliveryId)).toEqual([down.id, timedOut.id]);
    expect(gh.redeliveries.map((x) => x.guid)).not.toContain(recovered.guid);
  });

  it('goes on past a refused redelivery and exits 1, naming it', async () => {
    const failing = gh.addDelivery({ guid: 'g-refused', deliveredAt: ago(5), statusCode: 502 });
    const next = gh.addDelivery({ guid: 'g-next', deliveredAt: ago(4), statusCode: 502 });
    gh.fail({
      method: 'POST',
      route: `/app/hook/deliveries/${failing.id}/attempts`,
      status: 422,
      body: { message: 'Validation Failed', documentation_url: 'https://docs.github.com/rest' },
    });
    const r = await runCli(['app', 'redeliver', '--since', '10m', '--json'], env);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.ok).toBe(false);
    expect(out.redeliver).toMatchObject([
      {
        id: failing.id,
        redelivered: false,
        error: expect.stringMatching(/attempts failed: 422 Validation Failed/),
      },
      { id: next.id, redelivered: true },
    ]);
  });

  it('reads the key from PRIVATE_KEY_PATH, or from PRIVATE_KEY with escaped newlines', async () => {
    for (const e of [
      { ...env, PRIVATE_KEY: undefined, PRIVATE_KEY_PATH: keyFile },
      { ...env, PRIVATE_KEY: pem.replace(/\n/g, '\\n') },
      { ...env, PRIVATE_KEY: Buffer.from(pem).toString('base64') },
    ]) {
      const r = await runCli(['app', 'redeliver', '--since', '1h', '--dry-run'], e);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
  });

  it("refuses a window beyond GitHub's 3 days, and missing or bad credentials, with exit 2", async () => {
    const cases: [string[], Record<string, string | undefined>, RegExp][] = [
      [['--since', '4d'], env, /GitHub keeps an app's webhook deliveries for 3 days only/],
      [['--since', new Date(Date.now() - 80 * 60 * MIN).toISOString()], env, /3 days only/],
      [['--since', 'yesterday'], env, /--since must be a date/],
      [['--since', '2h'], { ...env, APP_ID: undefined }, /set APP_ID/],
      [['--since', '2h'], { ...env, PRIVATE_KEY: undefined }, /set PRIVATE_KEY .* or PRIVATE_KEY_PATH/],
      [
        ['--since', '2h'],
        { ...env, PRIVATE_KEY: 'not a key' },
        /error\[BAD_KEY\]: PRIVATE_KEY is not a GitHub App private key/,
      ],
      [
        ['--since', '2h'],
        { ...env, PRIVATE_KEY: undefined, PRIVATE_KEY_PATH: join(tmp, 'nope.pem') },
        /cannot read the app private key/,
      ],
    ];
    for (const [argv, e, message] of cases) {
      const r = await runCli(['app', 'redeliver', ...argv], e);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(gh.requests).toEqual([]);
    expect((await runCli(['app', 'redeliver'], env)).code).toBe(2);
  });
});
