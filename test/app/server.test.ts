/**
 * The app's front door: only webhooks signed with the secret get in (a forged or unsigned one is
 * turned away before any GitHub call), and `src/app/main.ts` starts from the environment alone.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startAppServer } from '../../src/app/server.ts';
import { appEnv, deliver, sign, useApp } from './harness.ts';

const h = useApp();
const root = fileURLToPath(new URL('../..', import.meta.url));

function openedEvent() {
  const r = h.repo('rules:\n  - name: Migrations\n    paths: ["db/**"]\n');
  const pr = h.gh.addPullRequest(r.full, { user: 'alice', files: ['db/1.sql'] });
  return { ...r, pr, payload: h.pullRequestEvent(r.full, pr, 'opened') };
}

describe('webhook signatures', () => {
  it('rejects a wrong signature with a 4xx and calls no API', async () => {
    const { full, payload } = openedEvent();
    h.gh.resetRequests();
    const res = await h.send('pull_request', payload, {
      signature: sign(JSON.stringify(payload), 'not-the-secret'),
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(h.gh.requests).toEqual([]);
    expect(h.gh.checkRuns(full)).toEqual([]);
  });

  it('rejects a missing signature with a 4xx and calls no API', async () => {
    const { payload } = openedEvent();
    h.gh.resetRequests();
    const res = await h.send('pull_request', payload, { signature: null });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(h.gh.requests).toEqual([]);
  });

  it('rejects a body altered after signing', async () => {
    const { payload } = openedEvent();
    h.gh.resetRequests();
    const signature = sign(JSON.stringify(payload));
    (payload.pull_request as { number: number }).number = 999;
    const res = await h.send('pull_request', payload, { signature });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(h.gh.requests).toEqual([]);
  });

  it('accepts the signed delivery and authenticates as the installation', async () => {
    const { full, pr, payload } = openedEvent();
    h.gh.resetRequests();
    expect((await h.send('pull_request', payload)).status).toBe(200);
    expect(h.lastRun(full, pr.headSha).conclusion).toBe('failure');
    // the check run was written with an installation token the fake minted, not the app JWT
    const post = h.gh.requests.find((r) => r.route === '/repos/{owner}/{repo}/check-runs')!;
    expect(h.gh.issuedTokens.has(post.token!)).toBe(true);
  });

  it('answers health checks and 404s elsewhere', async () => {
    expect(await (await fetch(`${h.app.url}/ping`)).text()).toBe('PONG');
    expect((await fetch(`${h.app.url}/nope`)).status).toBe(404);
  });
});

describe('src/app/main.ts', () => {
  it('starts from the environment and serves webhooks', async () => {
    const { full, pr, payload } = openedEvent();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/app/main.ts'], {
      cwd: root,
      env: { ...process.env, ...appEnv(h.gh), NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      child.stdout.setEncoding('utf8');
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: string) => {
          out += chunk;
          const m = /webhooks at (\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.once('exit', (code) => reject(new Error(`app exited with ${code}: ${out}`)));
      });
      expect((await deliver(url, 'pull_request', payload)).status).toBe(200);
      expect(h.lastRun(full, pr.headSha)).toMatchObject({
        conclusion: 'failure',
        title: '0 of 1 rule satisfied',
      });
    } finally {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    }
  });

  it('refuses to start without its credentials, naming what is missing', async () => {
    const env = { ...process.env };
    for (const k of ['APP_ID', 'PRIVATE_KEY', 'PRIVATE_KEY_PATH', 'WEBHOOK_SECRET']) delete env[k];
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/app/main.ts'], {
      cwd: root,
      env: { ...env, PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(2);
    expect(err).toContain('APP_ID');
    expect(err).toContain('PRIVATE_KEY');
    expect(err).toContain('WEBHOOK_SECRET');
  });

  it('refuses to start with a signing key it cannot use, rather than failing at the first override', async () => {
    await expect(
      startAppServer(
        appEnv(h.gh, { SHIPLOG_SIGNING_KEY: '-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----' }),
      ),
    ).rejects.toThrow(/SHIPLOG_SIGNING_KEY/);
  });

  it('refuses a write-spacing setting it cannot read, naming it', async () => {
    await expect(startAppServer(appEnv(h.gh, { SHIPLOG_SPACE_WRITES: 'sometimes' }))).rejects.toThrow(
      'SHIPLOG_SPACE_WRITES must be true or false (got "sometimes")',
    );
  });
});

describe('webhook body size (issue 17)', () => {
  it("refuses a body over GitHub's 25 MB cap with 413, from its declared length, before reading it", async () => {
    const { payload } = openedEvent();
    h.gh.resetRequests();
    const { request } = await import('node:http');
    const body = JSON.stringify(payload);
    const answer = await new Promise<number>((resolve, reject) => {
      const req = request(h.app.webhookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': String(26 * 1024 * 1024),
          'x-github-event': 'pull_request',
          'x-github-delivery': 'too-big-declared',
          'x-hub-signature-256': sign(body),
        },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      // only the first bytes are sent: the answer must come without the rest
      req.write(body);
    });
    expect(answer).toBe(413);
    expect(h.gh.requests).toEqual([]);
  });

  it('refuses a chunked body as soon as it passes 25 MB, calling no API', async () => {
    const { payload } = openedEvent();
    h.gh.resetRequests();
    const { request } = await import('node:http');
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    let sent = 0;
    const answer = await new Promise<number | 'reset'>((resolve) => {
      const req = request(h.app.webhookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'transfer-encoding': 'chunked',
          'x-github-event': 'pull_request',
          'x-github-delivery': 'too-big-chunked',
          'x-hub-signature-256': sign(JSON.stringify(payload)),
        },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      // The server closes the socket once it has answered; on a busy machine the reset can reach
      // the client before the 413 does (it then never sees the answer, only the reset).
      req.on('error', () => resolve('reset'));
      const pump = () => {
        while (sent < 40) {
          sent++;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    expect([413, 'reset']).toContain(answer);
    expect(sent).toBeLessThan(40);
    expect(h.gh.requests).toEqual([]);
  });

  it('reads no body at all without a signature header', async () => {
    const res = await fetch(h.app.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'ping', 'x-github-delivery': 'x' },
      body: '{}',
    });
    expect(res.status).toBe(400);
  });
});
