/** A ledger with one of every kind of change a report must show, including hostile text. */
import { appendEntry, type NewEntry } from '../../src/ledger/append.ts';
import { commitOf, type LedgerFixture } from '../support/ledger-fixture.ts';

export const HOSTILE = {
  title:
    '<img src=x onerror="document.title=\'pwned\'">Fix </pre></details><script>document.title="pwned"</script>',
  branch: '"><svg onload=alert(1)>',
  login: "<b>mallory</b>'&",
};

const approvers = (...logins: string[]) => logins.map((login, i) => ({ login, id: i + 1, stale: false }));
const pr = (number: number, title: string) => ({
  number,
  title,
  url: `https://github.com/acme/web/pull/${number}`,
});

export const SAMPLE: Omit<NewEntry, 'timestamp' | 'repository'>[] = [
  {
    type: 'migration',
    environment: 'production',
    commit: commitOf(1),
    approval: {
      status: 'approved',
      approvers: approvers('alice', 'bob'),
      pull_request: pr(12, 'Add orders index'),
    },
    details: { tool: 'flyway', files: [{ path: 'db/V12__orders.sql', sha256: 'ab'.repeat(32) }] },
  },
  {
    type: 'deploy',
    environment: 'staging',
    commit: commitOf(2),
    approval: { status: 'approved', approvers: approvers('alice'), pull_request: pr(13, 'Checkout v2') },
    details: { status: 'success', version: '1.4.0' },
  },
  {
    type: 'deploy',
    environment: 'production',
    commit: commitOf(2),
    approval: { status: 'approved', approvers: approvers('alice'), pull_request: pr(13, 'Checkout v2') },
    details: { status: 'success', version: '1.4.0' },
  },
  {
    type: 'config-override',
    environment: 'production',
    commit: commitOf(2),
    approval: { status: 'overridden', approvers: [], reason: 'incident 42' },
    details: { keys: ['FEATURE_X'], reason: 'incident 42' },
  },
  {
    type: 'deploy',
    environment: 'production',
    commit: commitOf(3),
    approval: { status: 'no-pull-request', approvers: [] },
    details: { status: 'failure', version: '1.4.1' },
  },
  {
    type: 'deploy',
    environment: 'staging',
    commit: commitOf(4),
    branch: HOSTILE.branch,
    actor: { login: HOSTILE.login },
    approval: {
      status: 'unapproved',
      approvers: [{ login: 'carol', id: 3, stale: true }],
      pull_request: pr(14, HOSTILE.title),
    },
    details: { status: 'rolled-back', version: '=HYPERLINK("http://evil.example","x")' },
  },
  {
    type: 'migration',
    environment: 'staging',
    commit: commitOf(5),
    approval: { status: 'not-collected' },
  },
];

export async function recordSample(fx: LedgerFixture): Promise<void> {
  for (let i = 0; i < SAMPLE.length; i++) {
    await appendEntry({
      location: fx.location,
      key: fx.key,
      entry: {
        timestamp: new Date(Date.UTC(2026, 2, 1, 9, i * 7)).toISOString(),
        repository: 'acme/web',
        actor: { login: 'deploy-bot' },
        ...SAMPLE[i]!,
      },
    });
  }
}
