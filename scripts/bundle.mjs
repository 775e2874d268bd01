// Bundles each entry point into one self-contained ESM file under dist/ (no node_modules needed at run time).
import { build } from 'esbuild';
import { chmodSync, existsSync, rmSync } from 'node:fs';

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
// bundle, and a `record` process should not parse them): its dynamic imports become chunks. Old
// chunks go first, so dist/ holds exactly what this tree builds.
rmSync('dist/cli-chunks', { recursive: true, force: true });

for (const [name, entry] of Object.entries(entries)) {
  if (!existsSync(entry)) continue;
  const split = name === 'cli';
  await build({
    entryPoints: { [name]: entry },
    outdir: 'dist',
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
chmodSync('dist/cli.js', 0o755);
