/**
 * Findings as OCSF: `shiplog audit` exceptions and the app's ledger alarms as Compliance Finding
 * (2003) events, built by ocsf.ts's `complianceFinding` so they carry the class's required
 * attributes and validate against OCSF 1.3.0 like the entry events.
 *
 * A finding's `finding_info.uid` is stable: the same exception found by a later audit (or the same
 * alarm raised again) has the same uid, so a SIEM updates one finding instead of piling up copies.
 */
import { createHash } from 'node:crypto';
import type { AuditException } from '../audit/exceptions.ts';
import { complianceFinding, type OcsfEvent, type OcsfOptions, type SeverityName } from './ocsf.ts';

/** How serious each kind of exception is; a kind this table does not know yet is Medium. */
const EXCEPTION_SEVERITY: Record<string, SeverityName> = {
  'uncovered-commits': 'high',
  'unapproved-pr': 'high',
  'direct-push-deploy': 'high',
  'unrecorded-deploy': 'high',
  'incomplete-evidence': 'medium',
  'approval-not-collected': 'medium',
  'override-not-reviewed': 'medium',
  'override-reviewed-late': 'low',
};

function stableUid(parts: unknown[]): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(parts)).digest('hex')}`;
}

function shortSha(c: string): string {
  return c.slice(0, 7);
}

/** One audit exception as a Compliance Finding: Fail, control `audit:<kind>`, the entry it concerns. */
export function exceptionFinding(x: AuditException, options: OcsfOptions = {}): OcsfEvent {
  const where = `${x.repository}${x.environment ? ` ${x.environment}` : ''}`;
  const time = Date.parse(x.timestamp);
  return complianceFinding(
    {
      uid: stableUid(['audit', x.kind, x.hash, x.pull_requests ?? [], x.commits ?? []]),
      title: `${x.kind}: ${where} at ${shortSha(x.commit)}`,
      desc: x.why,
      time: Number.isNaN(time) ? 0 : time,
      severity: EXCEPTION_SEVERITY[x.kind] ?? 'medium',
      status: 'fail',
      control: `audit:${x.kind}`,
      types: [`audit:${x.kind}`],
      entry: { seq: x.seq, hash: x.hash },
      resources: [{ type: 'Git Commit', name: `${x.repository}@${shortSha(x.commit)}`, uid: x.commit }],
      details: {
        kind: x.kind,
        repository: x.repository,
        commit: x.commit,
        ...(x.environment !== undefined ? { environment: x.environment } : {}),
        ...(x.shard !== undefined ? { shard: x.shard } : {}),
        ...(x.pull_requests ? { pull_requests: x.pull_requests } : {}),
        ...(x.commits ? { commits: x.commits } : {}),
      },
    },
    options,
  );
}

/** What the app knows of a ledger incident (the shape of src/app/ledger-incident.ts's Incident). */
export interface LedgerAlarm {
  kind: string;
  branch: string;
  repository: string;
  before?: string;
  after?: string;
  pusher: string;
  problems: string[];
  /** Identifies the event; the finding's uid derives from it. */
  key: string;
}

const ALARM_WHAT: Record<string, string> = {
  'force-push': 'was force-pushed (history rewritten)',
  deleted: 'was deleted',
  'unexpected-commits': 'received commits that are not ledger appends',
  'non-linear': 'is no longer a straight line of appends',
};

/** A ledger alarm as a Compliance Finding: Critical, Fail, control `alarm:<kind>`. */
export function alarmFinding(alarm: LedgerAlarm, time: Date | number, options: OcsfOptions = {}): OcsfEvent {
  const what = ALARM_WHAT[alarm.kind] ?? alarm.kind;
  return complianceFinding(
    {
      uid: stableUid(['alarm', alarm.kind, alarm.repository, alarm.branch, alarm.key]),
      title: `ledger alarm: ${alarm.repository} branch ${alarm.branch} ${what}`,
      desc: [`pushed by ${alarm.pusher}`, ...alarm.problems].join('; '),
      time,
      severity: 'critical',
      status: 'fail',
      control: `alarm:${alarm.kind}`,
      types: [`alarm:${alarm.kind}`],
      resources: [{ type: 'Ledger Branch', name: alarm.branch, uid: `${alarm.repository}:${alarm.branch}` }],
      details: {
        kind: alarm.kind,
        repository: alarm.repository,
        branch: alarm.branch,
        pusher: alarm.pusher,
        ...(alarm.before ? { before: alarm.before } : {}),
        ...(alarm.after ? { after: alarm.after } : {}),
        problems: alarm.problems,
      },
    },
    options,
  );
}

/** `shiplog audit --format ocsf`: one finding per line. */
export function renderFindingsOcsf(exceptions: readonly AuditException[], options: OcsfOptions = {}): string {
  return exceptions.map((x) => JSON.stringify(exceptionFinding(x, options)) + '\n').join('');
}
