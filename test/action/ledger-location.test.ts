import { describe, expect, it } from 'vitest';
import { readRunContext } from '../../src/action/context.ts';
import { parseInputs } from '../../src/action/inputs.ts';
import { ledgerLocation, ledgerOrigin } from '../../src/action/ledger-location.ts';

const env = {
  GITHUB_REPOSITORY: 'acme/web',
  GITHUB_SHA: 'a'.repeat(40),
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_ACTOR: 'mona',
  GITHUB_RUN_ID: '7',
};

function locate(inputs: Record<string, string>) {
  const parsed = parseInputs((n) => ({ command: 'query', token: 'tok', ...inputs })[n] ?? '', env);
  return ledgerLocation(parsed, readRunContext(env));
}

describe('ledgerLocation', () => {
  it('defaults to the ledger repository on the workflow server, with the token for git', () => {
    expect(locate({})).toEqual({
      remote: 'https://github.com/acme/web.git',
      branch: 'shiplog',
      token: 'tok',
    });
    expect(locate({ 'ledger-repository': 'acme/audit', 'ledger-branch': 'audit' })).toMatchObject({
      remote: 'https://github.com/acme/audit.git',
      branch: 'audit',
    });
  });

  it('never hands the token to a ledger-remote on another host, or over plain http', () => {
    expect(locate({ 'ledger-remote': 'https://mirror.example.com/acme/web.git' }).token).toBeUndefined();
    expect(locate({ 'ledger-remote': 'http://github.com/acme/web.git' }).token).toBeUndefined();
    expect(locate({ 'ledger-remote': '/srv/ledger.git' }).token).toBeUndefined();
    expect(locate({ 'ledger-remote': 'https://github.com/acme/mirror.git' }).token).toBe('tok');
  });

  it('names a new ledger by its home in the checkpoint origin', () => {
    const parsed = parseInputs((n) => ({ command: 'query' })[n] ?? '', env);
    expect(ledgerOrigin(parsed, readRunContext(env))).toBe('github.com/acme/web/shiplog');
  });
});
