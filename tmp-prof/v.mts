import { readFileSync } from 'node:fs';
import { verifyLedger } from '../src/ledger/verify.ts';
import { loadTrustedKey } from '../src/ledger/keys.ts';
const trusted = loadTrustedKey(readFileSync('/tmp/bench20k/shiplog.pub', 'utf8'), 'k');
const loc = { remote: '/tmp/bench20k/ledger-100k.git', branch: 'shiplog', cacheDir: '/tmp/vprof-cache' };
await verifyLedger({ location: loc, trusted: [trusted], jobs: 1 });
for (const jobs of [1, 2]) {
  const t = performance.now();
  const r = await verifyLedger({ location: loc, trusted: [trusted], jobs });
  const s = (performance.now() - t) / 1000;
  console.log('jobs', jobs, r.ok, r.entries, Math.round(r.entries / s), '/s');
}
