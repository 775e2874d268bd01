// Bundles each entry point into one self-contained ESM file under dist/ (no node_modules needed at run time).
import { build } from 'esbuild';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const entries = {
  cli: 'src/cli/main.ts',
  index: 'src/action/index.ts',
  app: 'src/app/main.ts',
  'verify-worker': 'src/ledger/verify-worker.ts',
};

// CommonJS dependencies bundled into ESM still call require(); give them one.
const banner = [
  "import { createRequire as __shiplogCreateRequire } from 'node:module';",
  'const require = __shiplogCreateRequire(import.meta.url);',
].join('\n');

// The CLI loads what a command needs when it runs (policy, GitHub and export code are most of the
// bundle, and a `record` process should not parse them): its dynamic imports become chunks.
//
// Everything is built into a scratch folder inside dist/ and renamed into place, chunks before the
// files that import them, and only then are chunks this tree no longer builds removed: a CLI that
// is running from dist/ while it is rebuilt (a test, an engineer's shell) never finds a chunk
// missing, and dist/ ends up holding exactly what this tree builds.
mkdirSync('dist', { recursive: true });
const scratch = mkdtempSync('dist/.build-');

for (const [name, entry] of Object.entries(entries)) {
  if (!existsSync(entry)) continue;
  const split = name === 'cli';
  await build({
    entryPoints: { [name]: entry },
    outdir: scratch,
    bundle: true,
    splitting: split,
    ...(split ? { chunkNames: 'cli-chunks/[name]-[hash]' } : {}),
    platform: 'node',
    format: 'esm',
    target: 'node20',
    legalComments: 'none',
    // Keeps paths identical when node_modules is a symlink (scripts/build-committed.sh).
    preserveSymlinks: true,
    logLevel: 'warning',
    banner: { js: (name === 'cli' ? '#!/usr/bin/env node\n' : '') + banner },
  });
}
chmodSync(join(scratch, 'cli.js'), 0o755);

mkdirSync('dist/cli-chunks', { recursive: true });
const chunks = existsSync(join(scratch, 'cli-chunks')) ? readdirSync(join(scratch, 'cli-chunks')) : [];
for (const c of chunks) renameSync(join(scratch, 'cli-chunks', c), join('dist/cli-chunks', c));
for (const f of readdirSync(scratch)) if (f !== 'cli-chunks') renameSync(join(scratch, f), join('dist', f));
for (const c of readdirSync('dist/cli-chunks')) if (!chunks.includes(c)) rmSync(join('dist/cli-chunks', c));
rmSync(scratch, { recursive: true, force: true });
