// Bundles each entry point into one self-contained ESM file under dist/ (no node_modules needed at run time).
import { build } from 'esbuild';
import { chmodSync, existsSync } from 'node:fs';

const entries = {
  cli: 'src/cli/main.ts',
  index: 'src/action/main.ts',
  app: 'src/app/main.ts',
  'verify-worker': 'src/ledger/verify-worker.ts',
};

// CommonJS dependencies bundled into ESM still call require(); give them one.
const banner = [
  "import { createRequire as __shiplogCreateRequire } from 'node:module';",
  'const require = __shiplogCreateRequire(import.meta.url);',
].join('\n');

for (const [name, entry] of Object.entries(entries)) {
  if (!existsSync(entry)) continue;
  await build({
    entryPoints: { [name]: entry },
    outdir: 'dist',
    bundle: true,
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
