/**
 * Runs the bundled Action the way a runner does: `node dist/index.js` with `INPUT_*` (defaults
 * from action.yml filled in, as the runner does), `GITHUB_*`, output and summary files, an event
 * payload, the fake GitHub as the API, and the ledger in a local bare repository.
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse as parseYaml } from 'yaml';
import { findEntries, type EntryView } from '../../src/ledger/query.ts';
import type { LedgerLocation } from '../../src/ledger/store.ts';
import { newKey } from '../support/ledger-fixture.ts';

const ROOT = resolve(import.meta.dirname, '../..');
export const TOKEN = 'ghs_testtoken0123456789abcdefSECRET';

/**
 * Builds dist/ from the current source and copies the bundle to a private folder, so a rebuild by
 * another test file (or another engineer) cannot swap the file under a running test.
 */
export async function bundleAction(): Promise<string> {
  return bundleDist(['index.js', 'verify-worker.js']);
}

/** Like bundleAction, for any of the dist/ files; returns the path of the first one. */
export async function bundleDist(files: string[]): Promise<string> {
  const lock = join(ROOT, 'dist', '.bundle-lock');
  mkdirSync(dirname(lock), { recursive: true });
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (i > 600) rmSync(lock, { recursive: true, force: true });
      await sleep(100);
    }
  }
  try {
    execFileSync(process.execPath, ['scripts/bundle.mjs'], { cwd: ROOT, stdio: 'pipe' });
    // Under the run's scratch folder (test/support/global-setup.ts), removed when the run ends.
    const dir = mkdtempSync(join(process.env.SHIPLOG_TEST_DIST_DIR ?? tmpdir(), 'shiplog-action-dist-'));
    for (const f of files) copyFileSync(join(ROOT, 'dist', f), join(dir, f));
    // The CLI loads some commands from chunks next to it.
    if (files.includes('cli.js'))
      cpSync(join(ROOT, 'dist', 'cli-chunks'), join(dir, 'cli-chunks'), { recursive: true });
    return join(dir, files[0]!);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Input defaults as the runner applies them from action.yml (`github.token` becomes `token`). */
export function actionDefaults(token = TOKEN): Record<string, string> {
  const doc = parseYaml(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
  };
  const out: Record<string, string> = {};
  for (const [name, spec] of Object.entries(doc.inputs)) {
    if (spec.default !== undefined)
      out[name] = spec.default === '${{ github.token }}' ? token : String(spec.default);
  }
  return out;
}

/** Where a runner step's files live, and the API the Action talks to. */
export interface RunnerPlaces {
  apiUrl: string;
  /** The runner's home; runner-temp is made below it. */
  home: string;
  workspace: string;
  cacheDir: string;
  event: string;
  output: string;
  summary: string;
}

/**
 * The environment a GitHub runner gives an Action step: GITHUB_* for a push to acme/web (`over`
 * changes any of them) and every input as INPUT_<NAME>.
 */
export function runnerEnv(
  at: RunnerPlaces,
  inputs: Record<string, string>,
  over: Record<string, string> = {},
): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: at.home,
    SHIPLOG_CACHE_DIR: at.cacheDir,
    GITHUB_ACTIONS: 'true',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: at.apiUrl,
    GITHUB_REPOSITORY: 'acme/web',
    GITHUB_REPOSITORY_OWNER: 'acme',
    GITHUB_SHA: 'a'.repeat(40),
    GITHUB_REF: 'refs/heads/main',
    GITHUB_ACTOR: 'mona',
    GITHUB_ACTOR_ID: '9001',
    GITHUB_TRIGGERING_ACTOR: 'mona',
    GITHUB_WORKFLOW: 'Deploy',
    GITHUB_WORKFLOW_REF: 'acme/web/.github/workflows/deploy.yml@refs/heads/main',
    GITHUB_JOB: 'deploy',
    GITHUB_RUN_ID: '123456789',
    GITHUB_RUN_NUMBER: '42',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: at.event,
    GITHUB_WORKSPACE: at.workspace,
    GITHUB_OUTPUT: at.output,
    GITHUB_STEP_SUMMARY: at.summary,
    RUNNER_TEMP: join(at.home, 'runner-temp'),
    ...over,
  };
  for (const [name, value] of Object.entries(inputs)) env[inputEnvName(name)] = value;
  return env;
}

export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

export interface Workbench {
  dir: string;
  workspace: string;
  remote: string;
  location: LedgerLocation;
  privatePem: string;
  publicPem: string;
  cleanup(): void;
}

export function createWorkbench(): Workbench {
  const dir = mkdtempSync(join(tmpdir(), 'shiplog-action-test-'));
  const workspace = join(dir, 'workspace');
  mkdirSync(workspace);
  // Named after the repository, as a per-repository mirror is: the Action and the app then write
  // and read its `shiplog` branch (a remote shared by many repositories holds one shard each).
  const remote = join(dir, 'acme', 'web.git');
  execFileSync('git', ['init', '--bare', '--quiet', remote]);
  execFileSync('git', ['config', 'uploadpack.allowFilter', 'true'], { cwd: remote });
  const k = newKey();
  return {
    dir,
    workspace,
    remote,
    location: { remote, branch: 'shiplog', cacheDir: join(dir, 'reader-cache') },
    privatePem: k.privatePem,
    publicPem: k.publicPem,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface RunOptions {
  inputs: Record<string, string>;
  env?: Record<string, string>;
  event?: unknown;
}

export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  outputsRaw: string;
  summary: string;
}

/** Parses the runner's GITHUB_OUTPUT file (`name<<DELIM` heredocs written by @actions/core). */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i]!);
    if (!m) continue;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i]!);
    out[m[1]!] = value.join('\n');
  }
  return out;
}

let runCounter = 0;

export async function runAction(
  bundle: string,
  wb: Workbench,
  gh: { url: string },
  opts: RunOptions,
): Promise<ActionRun> {
  const n = ++runCounter;
  const outputFile = join(wb.dir, `output-${n}`);
  const summaryFile = join(wb.dir, `summary-${n}.md`);
  const eventFile = join(wb.dir, `event-${n}.json`);
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  writeFileSync(eventFile, JSON.stringify(opts.event ?? { ref: 'refs/heads/main' }));
  const inputs = { ...actionDefaults(), 'ledger-remote': wb.remote, ...opts.inputs };
  const env = runnerEnv(
    {
      apiUrl: gh.url,
      home: wb.dir,
      workspace: wb.workspace,
      cacheDir: join(wb.dir, 'cache'),
      event: eventFile,
      output: outputFile,
      summary: summaryFile,
    },
    inputs,
    { SHIPLOG_GITHUB_RETRY_BASE_MS: '5', ...opts.env },
  );

  const child = spawn(process.execPath, [bundle], {
    cwd: wb.workspace,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  const outputsRaw = readFileSync(outputFile, 'utf8');
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputFile(outputsRaw),
    outputsRaw,
    summary: readFileSync(summaryFile, 'utf8'),
  };
}

/** The ledger's entries, decoded, newest first (empty when the branch does not exist yet). */
export async function ledgerEntries(wb: Workbench, filter: { commit?: string } = {}): Promise<EntryView[]> {
  if (!branchExists(wb)) return [];
  return findEntries({ ...wb.location, cacheDir: join(wb.dir, `reader-${++runCounter}`) }, filter);
}

export function branchExists(wb: Workbench): boolean {
  return (
    execFileSync('git', ['ls-remote', wb.remote, 'refs/heads/shiplog'], { encoding: 'utf8' }).trim() !== ''
  );
}

/** Every object in the ledger remote as text, plus every entry's decoded statement. */
export async function ledgerText(wb: Workbench): Promise<string> {
  if (!existsSync(join(wb.remote, 'objects'))) return '';
  const raw = execFileSync('git', ['cat-file', '--batch-all-objects', '--batch'], {
    cwd: wb.remote,
    encoding: 'latin1',
    maxBuffer: 256 * 1024 * 1024,
  });
  const entries = await ledgerEntries(wb);
  return raw + entries.map((e) => JSON.stringify(e.statement)).join('\n');
}

/** What a runner shows in its log: `::add-mask::` commands are consumed by the runner, not printed. */
export function visibleLog(run: ActionRun): string {
  return (
    run.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n') + run.stderr
  );
}

/** The lines of a PEM that are secret (its base64 body). */
export function secretLines(pem: string): string[] {
  return pem
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('-----'));
}
