/**
 * A stream that stops is not an alarm: when `forward` finds a ledger that no longer verifies (a
 * history rewritten below the cursor's checkpoint, entries no trusted key signed) or a shard the
 * cursor knows that is gone, it sends no entry — and tells the collector so, as a Critical ledger
 * alarm (OCSF Compliance Finding, `alarm:<kind>`; in JSONL a `ledger_alarm` record), before it fails.
 * Otherwise whoever rewrote the ledger would only have silenced the SIEM. The finding's uid is
 * stable for one broken tip, so the run repeated by a schedule is one finding to a receiver that
 * de-duplicates on it.
 */
import { alarmFinding, type LedgerAlarm } from './findings.ts';
import type { StreamFormat } from './format.ts';
import type { OcsfOptions } from './ocsf.ts';
import { SYSLOG_SEVERITY } from './format.ts';
import type { OutboundMessage } from './transports/transport.ts';
import type { VerifiedShard } from './verified-ledgers.ts';

/** Problems an alarm lists; the rest are counted (the whole report is `shiplog verify`'s). */
const LISTED = 5;

/** The alarms of ledgers that failed verification, and of shards the cursor names that are gone. */
export function ledgerAlarms(
  failed: VerifiedShard[],
  gone: { remote: string; branch: string }[],
): LedgerAlarm[] {
  const alarms: LedgerAlarm[] = [];
  for (const s of failed) {
    const r = s.report;
    // A history that no longer extends the checkpoint verified before was rewritten (or cut short);
    // anything else is commits that are not valid appends.
    const rewritten = r.problems.some((p) => p.check === 'consistency');
    const listed = r.problems
      .slice(0, LISTED)
      .map((p) => `${p.check}${p.seq !== undefined ? ` (seq ${p.seq})` : ''}: ${p.message}`);
    if (r.problems.length > LISTED)
      listed.push(`and ${r.problems.length - LISTED} more (run "shiplog verify")`);
    alarms.push({
      kind: rewritten ? 'force-push' : 'unexpected-commits',
      repository: r.remote,
      branch: r.branch,
      after: r.tip,
      pusher: 'unknown (found by shiplog forward)',
      problems: listed,
      key: r.tip,
    });
  }
  for (const g of gone)
    alarms.push({
      kind: 'deleted',
      repository: g.remote,
      branch: g.branch,
      pusher: 'unknown (found by shiplog forward)',
      problems: ['the cursor names this shard, but the remote no longer has it'],
      key: 'deleted',
    });
  return alarms;
}

export function alarmMessage(
  alarm: LedgerAlarm,
  format: StreamFormat,
  now: Date,
  options: OcsfOptions = {},
): OutboundMessage {
  const finding = alarmFinding(alarm, now, options);
  const uid = (finding.finding_info as { uid: string }).uid;
  const body = format === 'ocsf' ? finding : { ledger_alarm: { ...alarm, uid, time: now.toISOString() } };
  return {
    id: uid,
    body: JSON.stringify(body),
    type: 'ledger-alarm',
    time: now.getTime(),
    severity: SYSLOG_SEVERITY.critical,
  };
}
