/**
 * The Action's `run()`, as actions/typescript-action lays it out (src/action/index.ts calls it; it
 * is bundled to dist/index.js): mask secrets, read inputs once, dispatch the command, and report
 * through outputs, the job summary and the step's status. `@github/local-action` imports this
 * module and calls `run()` with its own stand-in for @actions/core.
 */
import * as core from '@actions/core';
import { errorMessage, ShiplogError } from '../errors.ts';
import { createGitHubClient } from '../github/client.ts';
import { parseInputs } from './inputs.ts';
import { dispatch } from './dispatch.ts';
import { errorSummary } from './summary.ts';

/**
 * Masks a secret before anything can print it. A runner masks line by line, so a multi-line PEM
 * key is also masked one line at a time (its base64 body lines are the secret part).
 */
function maskSecret(value: string): void {
  if (!value) return;
  core.setSecret(value);
  for (const line of value.split(/\r?\n/)) {
    const l = line.trim();
    if (l !== value && l.length >= 8 && !/^-----(BEGIN|END) /.test(l)) core.setSecret(l);
  }
}

function envNumber(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new ShiplogError('USAGE', `${name} must be a non-negative number`);
  return n;
}

/** Local runs (`@github/local-action`, a shell) may have no summary file; that is not an error. */
async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(markdown, true).write();
}

export async function run(): Promise<void> {
  maskSecret(core.getInput('signing-key'));
  maskSecret(core.getInput('token'));
  maskSecret(core.getInput('hec-token'));
  let command = core.getInput('command') || 'record';
  try {
    const inputs = parseInputs((name) => core.getInput(name), process.env);
    command = inputs.command;
    const retryBaseMs = envNumber('SHIPLOG_GITHUB_RETRY_BASE_MS');
    const result = await dispatch(inputs, {
      env: process.env,
      log: {
        info: (m) => core.info(m),
        warning: (m, p) => core.warning(m, p ?? {}),
        error: (m, p) => core.error(m, p ?? {}),
      },
      github: (token, baseUrl) =>
        createGitHubClient({
          token: token ?? '',
          baseUrl,
          userAgent: 'shiplog-action',
          // Operators (and tests) may shorten the 1 s backoff base between retries of 5xx answers.
          ...(retryBaseMs !== undefined ? { retryBaseMs } : {}),
          onRateLimit: (m) => core.info(`shiplog: ${m}`),
        }),
    });
    for (const [name, value] of Object.entries(result.outputs)) core.setOutput(name, value);
    await writeSummary(result.summary);
    if (result.failure) core.setFailed(result.failure.message);
  } catch (e) {
    const message = e instanceof ShiplogError ? e.message : `unexpected error: ${errorMessage(e)}`;
    await writeSummary(errorSummary(command, message)).catch(() => {});
    core.setFailed(message);
  }
}
