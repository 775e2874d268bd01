/**
 * The tips of every ledger branch of one repository (`shiplog` and each `shiplog/<owner>/<repo>`
 * shard) in one `git ls-remote`: what the frequent sweep compares with the tips seen last, so only
 * a ledger that moved is fetched.
 */
import { git, lastLines } from '../../ledger/git.ts';
import { authConfig, resolveRemote } from '../../ledger/store.ts';
import { ShiplogError } from '../../errors.ts';

export async function lsRemoteTips(location: {
  remote: string;
  token?: string;
}): Promise<Map<string, string>> {
  const { url, isLocal } = resolveRemote(location.remote);
  const r = await git(['ls-remote', '--heads', url, 'refs/heads/shiplog', 'refs/heads/shiplog/*'], {
    allowFail: true,
    config: authConfig(location.token, isLocal),
  });
  if (r.code !== 0)
    throw new ShiplogError(
      'GIT_FAILED',
      `reading the ledger tips failed: ${lastLines(r.stderr.toString(), 2)}`,
    );
  const tips = new Map<string, string>();
  for (const line of r.stdout.toString('utf8').split('\n')) {
    const m = /^([0-9a-f]{40})\trefs\/heads\/(shiplog(?:\/.+)?)$/.exec(line);
    if (m) tips.set(m[2]!, m[1]!);
  }
  return tips;
}
