/** The lifecycle the Action test files share, kept apart from harness.ts, which the demo imports. */
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.ts';
import { bundleAction, createWorkbench, TOKEN, type Workbench } from './harness.ts';

export interface ActionTestbed {
  /** The bundled Action, built once for the file. */
  bundle: string;
  /** A fake GitHub holding `repo`, shared by the file's tests. */
  gh: FakeGitHub;
  /** A fresh workspace and ledger for each test. */
  wb: Workbench;
}

/**
 * Registers the lifecycle every Action test file shares: bundle once, one fake GitHub (every
 * answer it gives must match GitHub's documented shape), a fresh workbench per test.
 */
export function useActionTestbed(repo: string, setup?: (gh: FakeGitHub) => void): ActionTestbed {
  const tb = {} as ActionTestbed;
  beforeAll(async () => {
    tb.bundle = await bundleAction();
    tb.gh = await startFakeGitHub({ tokens: [TOKEN] });
    tb.gh.addRepo(repo);
    setup?.(tb.gh);
  });
  afterAll(async () => {
    await tb.gh?.close();
  });
  beforeEach(() => {
    tb.wb = createWorkbench();
  });
  afterEach(() => {
    expect(tb.gh.violations).toEqual([]);
    tb.gh.clearFaults();
    tb.gh.resetRequests();
    tb.wb.cleanup();
  });
  return tb;
}
