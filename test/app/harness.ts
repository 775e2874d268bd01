/**
 * The real app server on a random localhost port, pointed at the fake GitHub through GHE_HOST the
 * way a GitHub Enterprise install is configured, and webhook deliveries built from
 * @octokit/webhooks-examples, adapted to each scenario and signed like GitHub signs them.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { startAppServer, type AppServer } from '../../src/app/server.ts';
import { startFakeGitHub, type FakeGitHub, type FakePull } from '../support/fake-github.ts';
import { createLedgerFixture, type LedgerFixture } from '../support/ledger-fixture.ts';
import { findEntries, type EntryFilter, type EntryView } from '../../src/ledger/query.ts';
import { shardBranch } from '../../src/ledger/shards.ts';
import { listLedgerBranches, type LedgerLocation } from '../../src/ledger/store.ts';
import { examplePayload as example, signBody } from '../support/webhooks.ts';

export const WEBHOOK_SECRET = 'it-is-a-secret-to-everybody';

type Json = Record<string, unknown>;

export { examplePayload as example } from '../support/webhooks.ts';

export function appEnv(gh: FakeGitHub, extra: Record<string, string> = {}): Record<string, string> {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return {
    APP_ID: String(gh.appId),
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET,
    PORT: '0',
    HOST: '127.0.0.1',
    GHE_HOST: new URL(gh.rootUrl).host,
    GHE_PROTOCOL: 'http',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'fatal',
    // the fake GitHub has no secondary rate limits; spacing writes 1 s apart only slows the tests
    SHIPLOG_SPACE_WRITES: 'false',
    // each test's events are awaited one by one; bursts are coalesced in their own tests
    SHIPLOG_DEBOUNCE: 'off',
    ...extra,
  };
}

export function sign(body: string, secret = WEBHOOK_SECRET): string {
  return signBody(body, secret);
}

export interface Delivery {
  status: number;
  body: string;
}

export async function deliver(
  url: string,
  event: string,
  payload: unknown,
  options: { signature?: string | null; deliveryId?: string } = {},
): Promise<Delivery> {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-github-event': event,
    'x-github-delivery': options.deliveryId ?? randomUUID(),
    'user-agent': 'GitHub-Hookshot/test',
  };
  const signature = options.signature === undefined ? sign(body) : options.signature;
  if (signature !== null) headers['x-hub-signature-256'] = signature;
  const res = await fetch(url, { method: 'POST', headers, body });
  return { status: res.status, body: await res.text() };
}

/**
 * A delivery to an app server in this process, answered as if GitHub had waited for the handlers:
 * Probot answers 202 once they run past its 9 s budget (on busy machines the first webhook of a
 * file can), so a 202 waits for them to end and becomes 200, or 500 if one of them threw.
 */
export async function deliverTo(
  app: AppServer,
  event: string,
  payload: unknown,
  options: { signature?: string | null; deliveryId?: string } = {},
): Promise<Delivery> {
  const failures = app.handlers.failures;
  const answer = await deliver(app.webhookUrl, event, payload, options);
  if (answer.status !== 202) return answer;
  await app.handlers.idle();
  return { ...answer, status: app.handlers.failures === failures ? 200 : 500 };
}

/**
 * One fake GitHub and one app server per test file; a fresh repository per scenario. `env` adds to
 * the app's environment (ledger remote, signing key), read once the file's earlier hooks have run.
 */
export function useApp(options: { env?: () => Record<string, string> } = {}) {
  const state = { gh: undefined as unknown as FakeGitHub, app: undefined as unknown as AppServer };
  let n = 0;
  beforeAll(async () => {
    state.gh = await startFakeGitHub();
    state.app = await startAppServer(appEnv(state.gh, options.env?.() ?? {}));
  });
  afterEach(() => {
    // every response the fake sent had GitHub's published shape
    expect(state.gh.violations).toEqual([]);
    state.gh.clearFaults();
  });
  afterAll(async () => {
    await state.app?.close();
    await state.gh?.close();
  });

  const h = {
    get gh() {
      return state.gh;
    },
    get app() {
      return state.app;
    },
    /** A new repository (optionally with a policy) so scenarios do not share state. */
    repo(policy?: string, prefix = 'web') {
      const name = `${prefix}-${++n}`;
      const full = `acme/${name}`;
      state.gh.addRepo(full);
      if (policy !== undefined) state.gh.setFile(full, '.github/shiplog.yml', policy);
      return { owner: 'acme', repo: name, full };
    },
    send(event: string, payload: unknown, options?: { signature?: string | null; deliveryId?: string }) {
      return deliverTo(state.app, event, payload, options);
    },
    /** The webhook envelope fields shared by every event: this repository, this installation. */
    envelope(full: string, payload: Json): Json {
      const [owner, name] = full.split('/') as [string, string];
      const repository = payload.repository as Json;
      payload.repository = {
        ...repository,
        name,
        full_name: full,
        owner: { ...(repository.owner as Json), login: owner },
      };
      payload.installation = {
        id: state.gh.installationId(owner),
        node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u',
      };
      return payload;
    },
    /** The example's PR object made to describe this fake PR. */
    pullObject(base: Json, pr: FakePull): Json {
      return {
        ...base,
        number: pr.number,
        state: pr.state,
        draft: pr.draft,
        user: { ...(base.user as Json), login: pr.user, id: state.gh.user(pr.user).id, type: 'User' },
        head: { ...(base.head as Json), sha: pr.headSha, ref: pr.headRef },
        base: { ...(base.base as Json), ref: pr.baseRef, sha: pr.baseSha },
        ...('changed_files' in base ? { changed_files: pr.changedFiles ?? pr.files.length } : {}),
      };
    },
    pullRequestEvent(full: string, pr: FakePull, action: string, extra: Json = {}): Json {
      const payload = example('pull_request', action === 'edited' ? 'opened' : action);
      payload.action = action;
      payload.number = pr.number;
      payload.pull_request = h.pullObject(payload.pull_request as Json, pr);
      return h.envelope(full, { ...payload, ...extra });
    },
    reviewEvent(full: string, pr: FakePull, action: string, reviewer: string, over: Json = {}): Json {
      const payload = example('pull_request_review', action === 'edited' ? 'submitted' : action);
      payload.action = action;
      payload.pull_request = h.pullObject(payload.pull_request as Json, pr);
      const review = payload.review as Json;
      payload.review = {
        ...review,
        user: { ...(review.user as Json), login: reviewer, id: state.gh.user(reviewer).id, type: 'User' },
        commit_id: pr.headSha,
        ...over,
      };
      return h.envelope(full, payload);
    },
    /** Check runs the app posted on this commit, oldest first. */
    runsOn(full: string, sha: string) {
      return state.gh.checkRuns(full).filter((r) => r.headSha === sha);
    },
    lastRun(full: string, sha: string) {
      const runs = h.runsOn(full, sha);
      expect(runs.length).toBeGreaterThan(0);
      return runs.at(-1)!;
    },
  };
  return h;
}

/**
 * useApp with a real ledger: a bare repository the app writes as its mirror, signing with the
 * fixture's key. `fresh()` is a location with a cache of its own, so each read starts cold.
 */
export function useLedgerApp(extra: Record<string, string> = {}) {
  const state = { ledger: undefined as unknown as LedgerFixture, reads: 0 };
  beforeAll(async () => {
    state.ledger = await createLedgerFixture();
  });
  afterAll(() => state.ledger?.cleanup());
  const h = useApp({
    env: () => ({
      SHIPLOG_LEDGER_REMOTE: state.ledger.remote,
      SHIPLOG_SIGNING_KEY: readFileSync(state.ledger.keyFile, 'utf8'),
      SHIPLOG_CACHE_DIR: join(state.ledger.dir, 'app-cache'),
      ...extra,
    }),
  });
  return {
    h,
    get ledger(): LedgerFixture {
      return state.ledger;
    },
    /** The shard of `repository` on the mirror (each repository the app serves has its own). */
    fresh(repository: string): LedgerLocation {
      return {
        ...state.ledger.location,
        branch: shardBranch(repository),
        cacheDir: join(state.ledger.dir, `read-${++state.reads}`),
      };
    },
    /** Entries of every shard on the mirror; none when nothing was recorded yet. */
    async entries(filter: EntryFilter = {}): Promise<EntryView[]> {
      const branches = await listLedgerBranches(state.ledger.location);
      const found: EntryView[] = [];
      for (const branch of branches) {
        const location = {
          ...state.ledger.location,
          branch,
          cacheDir: join(state.ledger.dir, `read-${++state.reads}`),
        };
        found.push(...(await findEntries(location, filter)));
      }
      return found;
    },
  };
}
