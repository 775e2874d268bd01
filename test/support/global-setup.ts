/**
 * One scratch folder per test run for copies of dist/ (test/action/harness.ts bundleDist), removed
 * when the run ends: vitest ends its worker processes without letting their exit handlers run, so
 * per-process cleanup would leave a few MB in the temp folder for every test file that bundles.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'shiplog-test-dist-'));
  // Workers start after this and inherit the environment.
  process.env.SHIPLOG_TEST_DIST_DIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
