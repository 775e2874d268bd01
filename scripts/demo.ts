/**
 * `npm run demo`: the whole story on this machine, with no network and no GitHub account.
 * A local fake GitHub, a bare origin repository and the real app server on localhost; a pull
 * request that changes a migration and production config; the approval check failing, then
 * passing; the merge; the bundled Action recording the migration, a config override and the
 * deploy; verify catching a damaged copy; "what happened to this commit?" and "is it in
 * production?"; and the HTML report. Every step checks its own outcome: any surprise exits 1.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startAppServer, type AppServer } from '../src/app/server.ts';
import { generateSigningKeyPem } from '../src/ledger/keys.ts';
import { actionDefaults, parseOutputFile, runnerEnv } from '../test/action/harness.ts';
import { startFakeGitHub, type FakeGitHub } from '../test/support/fake-github.ts';
import { historyItems, historyOrigin, writeCopy } from '../test/support/ledger-history.ts';
import { deliverWebhook, payloadsFor } from '../test/support/webhooks.ts';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist/cli.js');
const ACTION = join(ROOT, 'dist/index.js');
const REPO = 'acme/shop';
const SECRET = 'demo-webhook-secret';
const TOKEN = 'ghs_demo_installation_token';

const tty = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number) => (s: string) => (tty ? `\u001b[${code}m${s}\u001b[0m` : s);
const green = paint(32);
const red = paint(31);
const dim = paint(2);
const bold = paint(1);

const STEPS = 13;
let step = 0;
function say(title: string, detail = ''): void {
  process.stdout.write(`${green('✓')} ${bold(`[${++step}/${STEPS}]`)} ${title}\n`);
  if (detail.trim()) process.stdout.write(dim(detail.trimEnd().replace(/^/gm, '      ')) + '\n');
}

class DemoFailure extends Error {}
function expect(condition: unknown, what: string): void {
  if (!condition) throw new DemoFailure(what);
}

const POLICY = `# yaml-language-server: $schema=../schema/shiplog.schema.json
rules:
  - name: Schema migrations
    paths: ["db/migrations/**"]
    approvals: 2
  - name: DBA sign-off
    paths: ["db/migrations/**"]
    approvals: 1
    teams: [dba]
  - name: Production config
    paths: ["config/production/**"]
    approvals: 1
    users: [alice]
`;

/**
 * Tells the fake GitHub about the real commits up to `rev` (GitHub knows every pushed commit; the
 * Action asks it for the commits each deploy ships). Authors are the demo's logins.
 */
function mirrorCommits(gh: FakeGitHub, cwd: string, rev: string): void {
  const lines = git(
    cwd,
    'log',
    '--topo-order',
    '--reverse',
    '--format=%H%x00%P%x00%an%x00%aI%x00%s',
    rev,
  ).split('\n');
  for (const line of lines) {
    const [sha, parents, author, date, message] = line.split('\0') as [
      string,
      string,
      string,
      string,
      string,
    ];
    if (gh.hasCommit(REPO, sha)) continue;
    gh.addCommit(REPO, { sha, parents: parents ? parents.split(' ') : [], author, date, message });
  }
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'carol',
      GIT_AUTHOR_EMAIL: 'carol@acme.test',
      GIT_COMMITTER_NAME: 'carol',
      GIT_COMMITTER_EMAIL: 'carol@acme.test',
    },
  }).trim();
}

function write(dir: string, path: string, text: string): void {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), text);
}

function shiplog(args: string[], expectCode: number, env: NodeJS.ProcessEnv): string {
  const r = spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8' });
  expect(
    r.status === expectCode,
    `"shiplog ${args[0]}" exited ${r.status}, expected ${expectCode}:\n${r.stdout}${r.stderr}`,
  );
  return r.stdout;
}

/** Runs the bundled Action exactly as a runner does: INPUT_* with action.yml defaults, GITHUB_* and files. */
async function runAction(
  dir: string,
  workspace: string,
  gh: FakeGitHub,
  commit: string,
  inputs: Record<string, string>,
  n: number,
) {
  const output = join(dir, `action-${n}.out`);
  const summary = join(dir, `action-${n}.md`);
  const event = join(dir, `event-${n}.json`);
  writeFileSync(output, '');
  writeFileSync(summary, '');
  writeFileSync(event, JSON.stringify({ ref: 'refs/heads/main', after: commit }));
  const env = runnerEnv(
    { apiUrl: gh.url, home: dir, workspace, cacheDir: join(dir, 'runner-cache'), event, output, summary },
    { ...actionDefaults(TOKEN), ...inputs },
    {
      GITHUB_REPOSITORY: REPO,
      GITHUB_SHA: commit,
      GITHUB_ACTOR: 'bob',
      GITHUB_ACTOR_ID: String(gh.user('bob').id),
      GITHUB_TRIGGERING_ACTOR: 'bob',
      GITHUB_JOB: inputs.type === 'deploy' ? 'deploy' : 'release',
      GITHUB_RUN_ID: '7000',
      GITHUB_RUN_NUMBER: '12',
    },
  );
  // Asynchronous: the fake GitHub answering the Action lives in this very process.
  const child = spawn(process.execPath, [ACTION], { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const status = await new Promise<number | null>((done) => child.on('close', done));
  const outputs = parseOutputFile(readFileSync(output, 'utf8'));
  expect(status === 0, `the Action (${inputs.type}) failed:\n${log.replace(/^::add-mask::.*$/gm, '')}`);
  return outputs;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'shiplog-demo-'));
  const env = { ...process.env, SHIPLOG_CACHE_DIR: join(dir, 'cache') };
  let gh: FakeGitHub | undefined;
  let app: AppServer | undefined;
  try {
    // 1. The world: fake GitHub, origin repository, the app server.
    gh = await startFakeGitHub();
    gh.addRepo(REPO);
    for (const [login, role] of [
      ['carol', 'write'],
      ['bob', 'write'],
      ['dana', 'write'],
      ['alice', 'maintain'],
    ] as const) {
      gh.addUser(login);
      gh.setPermission(REPO, login, role);
    }
    gh.addTeam('acme', 'dba', ['dana']);
    gh.setFile(REPO, '.github/shiplog.yml', POLICY);
    const origin = join(dir, 'origin.git');
    git(dir, 'init', '--bare', '--quiet', '--initial-branch=main', origin);
    git(origin, 'config', 'uploadpack.allowFilter', 'true');
    const work = join(dir, 'shop');
    git(dir, 'init', '--quiet', '--initial-branch=main', work);
    git(work, 'remote', 'add', 'origin', origin);
    write(work, '.github/shiplog.yml', POLICY);
    write(work, 'db/migrations/001_init.sql', 'CREATE TABLE customers (id bigint primary key);\n');
    write(work, 'config/production/app.yml', 'orders_enabled: false\npool_size: 10\n');
    write(work, 'src/app.js', 'export const version = "1.3.0";\n');
    git(work, 'add', '-A');
    git(work, 'commit', '--quiet', '-m', 'Initial shop');
    git(work, 'push', '--quiet', 'origin', 'main');
    const base = git(work, 'rev-parse', 'HEAD');
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    // The app signs its own entries (merge decisions) with a key of its own, on the same ledger.
    const appKeys = generateSigningKeyPem();
    const appPub = join(dir, 'shiplog-app.pub');
    writeFileSync(appPub, appKeys.publicPem);
    app = await startAppServer({
      SHIPLOG_LEDGER_REMOTE: origin,
      SHIPLOG_SIGNING_KEY: appKeys.privatePem,
      SHIPLOG_CACHE_DIR: join(dir, 'app-cache'),
      SHIPLOG_SWEEP_INTERVAL: 'off',
      SHIPLOG_RECONCILE_INTERVAL: 'off',
      // the fake GitHub has no secondary rate limits to keep clear of
      SHIPLOG_SPACE_WRITES: 'false',
      APP_ID: String(gh.appId),
      PRIVATE_KEY: privateKey,
      WEBHOOK_SECRET: SECRET,
      PORT: '0',
      HOST: '127.0.0.1',
      GHE_HOST: new URL(gh.rootUrl).host,
      GHE_PROTOCOL: 'http',
      LOG_LEVEL: 'fatal',
    });
    const events = payloadsFor(gh, REPO);
    const send = async (event: string, payload: unknown): Promise<void> => {
      const status = await deliverWebhook(app!.webhookUrl, SECRET, event, payload);
      expect(status >= 200 && status < 300, `the app answered ${status} to ${event}`);
    };
    const check = (sha: string) => {
      const runs = gh!.checkRuns(REPO).filter((r) => r.headSha === sha);
      expect(runs.length > 0, `no check run on ${sha.slice(0, 7)}`);
      return runs.at(-1)!;
    };
    say(
      'started a fake GitHub, a bare origin repository and the approval app on localhost',
      `origin ${origin}\napp    ${app.url}`,
    );

    // 2. A pull request touching a migration and production config.
    git(work, 'checkout', '--quiet', '-b', 'add-orders');
    write(
      work,
      'db/migrations/002_orders.sql',
      'CREATE TABLE orders (id bigint primary key, customer_id bigint);\n',
    );
    write(work, 'config/production/app.yml', 'orders_enabled: true\npool_size: 20\n');
    git(work, 'add', '-A');
    git(work, 'commit', '--quiet', '-m', 'Add orders table');
    git(work, 'push', '--quiet', 'origin', 'add-orders');
    let head = git(work, 'rev-parse', 'HEAD');
    const pr = gh.addPullRequest(REPO, {
      user: 'carol',
      title: 'Add orders table and enable orders in production',
      headSha: head,
      headRef: 'add-orders',
      baseRef: 'main',
      baseSha: base,
      files: ['db/migrations/002_orders.sql', 'config/production/app.yml'],
    });
    await send('pull_request', events.pullRequest(pr, 'opened'));
    let run = check(head);
    expect(run.conclusion === 'failure', `expected the check to fail, got ${run.conclusion}`);
    say(
      `PR #${pr.number} opened: check ${run.name} fails — ${run.title}`,
      'db/migrations/002_orders.sql and config/production/app.yml are protected changes',
    );

    // 3. Approvals that do not count: the author's own, and one that goes stale after a push.
    gh.addReview(REPO, pr.number, { user: 'carol', state: 'APPROVED' });
    await send('pull_request_review', events.review(pr, 'carol'));
    gh.addReview(REPO, pr.number, { user: 'bob', state: 'APPROVED' });
    await send('pull_request_review', events.review(pr, 'bob'));
    write(
      work,
      'db/migrations/002_orders.sql',
      'CREATE TABLE orders (id bigint primary key, customer_id bigint not null);\n',
    );
    git(work, 'commit', '--quiet', '-am', 'orders.customer_id is required');
    git(work, 'push', '--quiet', 'origin', 'add-orders');
    head = git(work, 'rev-parse', 'HEAD');
    gh.pushToPull(REPO, pr.number, head);
    await send('pull_request', events.pullRequest(gh.pull(REPO, pr.number), 'synchronize'));
    run = check(head);
    const summary = run.summary ?? '';
    expect(run.conclusion === 'failure', 'the check should still fail after the author and a stale approval');
    expect(
      /carol[\s\S]*author/i.test(summary) && /bob[\s\S]*stale/i.test(summary),
      'the summary should say carol is the author and bob is stale',
    );
    say(
      `author's approval and a stale one do not count: ${run.title}`,
      'carol: author of the PR\nbob: approved an earlier head (stale after the new push)',
    );

    // 4. Valid approvals: the DBA, the production config owner, and bob again on the new head.
    for (const reviewer of ['dana', 'alice', 'bob']) {
      gh.addReview(REPO, pr.number, { user: reviewer, state: 'APPROVED' });
      await send('pull_request_review', events.review(gh.pull(REPO, pr.number), reviewer));
    }
    run = check(head);
    expect(run.conclusion === 'success', `expected the check to pass, got ${run.conclusion}: ${run.title}`);
    say(`dana (dba), alice and bob approve the current head: check passes — ${run.title}`);

    // 5. Merge; the app records the approval decision as it stands at merge.
    git(work, 'checkout', '--quiet', 'main');
    execFileSync(
      'git',
      [
        'merge',
        '--quiet',
        '--no-ff',
        '-m',
        `Merge pull request #${pr.number} from acme/add-orders`,
        'add-orders',
      ],
      {
        cwd: work,
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 'bob',
          GIT_AUTHOR_EMAIL: 'bob@acme.test',
          GIT_COMMITTER_NAME: 'bob',
          GIT_COMMITTER_EMAIL: 'bob@acme.test',
        },
      },
    );
    git(work, 'push', '--quiet', 'origin', 'main');
    const merged = git(work, 'rev-parse', 'HEAD');
    Object.assign(gh.pull(REPO, pr.number), {
      merged: true,
      state: 'closed',
      mergeCommitSha: merged,
      mergedBy: 'bob',
      mergedAt: new Date().toISOString(),
    });
    gh.linkCommit(REPO, merged, [pr.number]);
    mirrorCommits(gh, work, merged);
    await send('pull_request', events.pullRequest(gh.pull(REPO, pr.number), 'closed'));
    const mergeEntry = JSON.parse(shiplog(['show', '0', '--remote', origin, '--json'], 0, env)) as {
      statement: { predicate: { type: string; details: { verdict: { outcome: string; rules: Rule[] } } } };
    };
    type Rule = { name: string; approvals: { login: string; review_id: number }[] };
    const verdict = mergeEntry.statement.predicate.details.verdict;
    expect(
      mergeEntry.statement.predicate.type === 'merge' && verdict.outcome === 'satisfied',
      `the app should record a satisfied merge decision: ${JSON.stringify(mergeEntry).slice(0, 300)}`,
    );
    say(
      `bob merges PR #${pr.number} as ${merged.slice(0, 7)}; the app records the decision at merge: seq 0`,
      verdict.rules
        .map((r) => `${r.name}: ${r.approvals.map((a) => `${a.login} (review ${a.review_id})`).join(', ')}`)
        .join('\n'),
    );

    // 6-8. The bundled Action records the migration, the config override and the deploy.
    const keys = generateSigningKeyPem();
    const pub = join(dir, 'shiplog.pub');
    writeFileSync(pub, keys.publicPem);
    const common = {
      'signing-key': keys.privatePem,
      'ledger-remote': origin,
      commit: merged,
      environment: 'production',
      // the app's key: the deploy's change set believes its merge entries
      'trusted-keys': appKeys.publicPem,
    };
    let out = await runAction(
      dir,
      work,
      gh,
      merged,
      {
        ...common,
        type: 'migration',
        migrations: 'db/migrations/*.sql',
        'migration-tool': 'flyway',
        database: 'shop',
      },
      1,
    );
    expect(out['approval-status'] === 'approved' && out.seq === '1', `migration: ${JSON.stringify(out)}`);
    const approvers = (JSON.parse(out.approvers ?? '[]') as { login: string; stale?: boolean }[])
      .filter((a) => !a.stale)
      .map((a) => a.login);
    say(
      `Action records the migration: seq ${out.seq}, approved by ${approvers.join(', ')}`,
      `entry ${out['entry-hash']}`,
    );
    out = await runAction(
      dir,
      work,
      gh,
      merged,
      {
        ...common,
        type: 'config-override',
        'config-keys': 'orders_enabled\npool_size',
        'config-files': 'config/production/app.yml',
        reason: 'Launch orders for the spring sale',
        expires: '7d',
      },
      2,
    );
    expect(out.seq === '2', `config override: ${JSON.stringify(out)}`);
    say(
      `Action records the config override with its reason: seq ${out.seq}`,
      'keys orders_enabled, pool_size; file digests only, never values',
    );
    out = await runAction(
      dir,
      work,
      gh,
      merged,
      { ...common, type: 'deploy', version: 'v1.4.0', status: 'success', url: 'https://shop.acme.test' },
      3,
    );
    expect(out.seq === '3', `deploy: ${JSON.stringify(out)}`);
    const deploy = JSON.parse(shiplog(['show', '3', '--remote', origin, '--json'], 0, env)) as {
      statement: {
        predicate: {
          change_set: {
            relation: string;
            pull_requests: { number: number; approval: { source: string; merge_entry?: { seq: number } } }[];
          };
        };
      };
    };
    const changeSet = deploy.statement.predicate.change_set;
    const cited = changeSet.pull_requests[0]?.approval;
    expect(
      cited?.source === 'merge-entry' && cited.merge_entry?.seq === 0,
      `the deploy's change set should cite the merge entry: ${JSON.stringify(changeSet).slice(0, 300)}`,
    );
    say(
      `Action records the production deploy: seq ${out.seq}`,
      `change set: ${changeSet.relation}, PR #${changeSet.pull_requests[0]!.number} approved as recorded at merge (seq 0)\ncheckpoint:\n${out.checkpoint ?? ''}`,
    );

    // 9. Verify the ledger, then a damaged copy.
    const trust = ['--trusted-key', pub, '--trusted-key', appPub];
    const ok = shiplog(['verify', '--remote', origin, ...trust], 0, env);
    say('verify: the ledger on origin is intact', ok.split('\n')[0]);
    // Someone with push access rewrites the history in a copy: the override's reason reworded, every
    // commit, trailer and index line rebuilt to match. Only the signature cannot be redone.
    // The Action wrote the repository's shard of this shared ledger remote (shiplog/acme/shop).
    const [ledgerBranch] = git(origin, 'for-each-ref', '--format=%(refname:strip=2)', 'refs/heads/shiplog')
      .trim()
      .split('\n');
    expect(!!ledgerBranch, 'the Action should have written a ledger branch on origin');
    const items = historyItems(origin, ledgerBranch).map((it, i) => {
      if (i !== 2) return it;
      const payload = Buffer.from(it.envelope.payload, 'base64')
        .toString('utf8')
        .replace('Launch orders', 'Routine tweak');
      return {
        ...it,
        message: undefined,
        envelope: { ...it.envelope, payload: Buffer.from(payload).toString('base64') },
      };
    });
    const tampered = await writeCopy(
      dir,
      'tampered',
      items,
      historyOrigin(origin, ledgerBranch),
      ledgerBranch,
    );
    const copy = tampered.remote;
    const bad = shiplog(['verify', '--remote', copy, ...trust], 1, env);
    expect(/signature +2 /.test(bad), 'verify should name seq 2 as badly signed');
    say(
      'someone rewords the override in a copy: verify fails (exit 1) and names seq 2',
      bad
        .split('\n')
        .filter((l) => /^(ledger|signature|history)/.test(l))
        .join('\n'),
    );

    // 10. What happened to this commit, and who approved it?
    const log = shiplog(['log', '--remote', origin, '--commit', merged.slice(0, 7)], 0, env);
    expect(
      log.split('\n').length >= 5 && /dana/.test(log),
      'log --commit should list three entries with their approvers',
    );
    say(`what happened to ${merged.slice(0, 7)}, and who approved it?`, log);

    // 11. Is it in production?
    const where = shiplog(['where', merged, '--remote', origin, '--repo-dir', work], 0, env);
    expect(/production/.test(where), 'where should list production');
    const earlier = shiplog(['where', base, '--remote', origin, '--repo-dir', work], 0, env);
    say(
      `is ${merged.slice(0, 7)} in production? (and the older ${base.slice(0, 7)}, by ancestry)`,
      `${where}\n${earlier}`,
    );

    // 12. The auditor's report.
    const report = join(dir, 'report.html');
    shiplog(
      ['report', '--remote', origin, ...trust, '--out', report, '--csv', join(dir, 'report.csv')],
      0,
      env,
    );
    const html = readFileSync(report, 'utf8');
    expect(html.includes('Launch orders for the spring sale'), 'the report should show the override reason');
    expect(
      !/(src|href)\s*=\s*["']?https?:|url\(\s*["']?https?:|@import/i.test(html),
      'the report must make no external requests',
    );
    say('wrote the auditor report', `${report}\n${join(dir, 'report.csv')}`);
    process.stdout.write(
      `${bold('demo complete: every step behaved as shown')}\n${dim(`files kept in ${dir}`)}\n`,
    );
  } finally {
    await app?.close();
    await gh?.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(
    `${red('✗ demo failed')} at step ${step + 1}: ${e instanceof Error ? e.message : String(e)}\n`,
  );
  process.exitCode = 1;
});
