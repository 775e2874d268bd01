/**
 * What a push to (or deletion of) the ledger branch says about the ledger. shiplog only ever adds
 * one commit per entry on top of the last, each rewriting `entry.json` and `checkpoint` and adding
 * a line to the index, never rewriting history — so a force-push, a deletion, a merge, or a commit
 * that touches anything else is an incident. Pure functions of the webhook payload (and of the
 * commits' parents, which a push payload does not carry), plus the alarm issue's text.
 */
import { CHECKPOINT_FILE, COSIGNED_FILE, ENTRY_FILE, INDEX_DIR } from '../ledger/layout.ts';
import { TREE_DIR } from '../ledger/tree/tiles.ts';
import { md } from '../policy/render.ts';

export type IncidentKind = 'force-push' | 'deleted' | 'unexpected-commits' | 'non-linear' | 'untrusted-entry';

export interface Incident {
  kind: IncidentKind;
  branch: string;
  repository: string;
  before?: string;
  after?: string;
  pusher: string;
  /** One line per commit that does not add exactly one entry. */
  problems: string[];
  /** Identifies this event among the comments of an open alarm (a redelivery says nothing new). */
  key: string;
}

export interface PushCommit {
  id: string;
  added?: string[];
  modified?: string[];
  removed?: string[];
}

export interface PushPayload {
  ref: string;
  before: string;
  after: string;
  forced: boolean;
  deleted: boolean;
  commits: PushCommit[];
  pusher: { name?: string; username?: string };
  sender?: { login?: string } | null;
}

export function pushIncident(repository: string, branch: string, push: PushPayload): Incident | undefined {
  const pusher = push.sender?.login ?? push.pusher.username ?? push.pusher.name ?? 'unknown';
  const base = { branch, repository, pusher, before: push.before, after: push.after };
  if (push.deleted) {
    return { ...base, kind: 'deleted', problems: [], key: `deleted:${push.before}` };
  }
  if (push.forced) {
    return { ...base, kind: 'force-push', problems: [], key: `force-push:${push.before}..${push.after}` };
  }
  const problems = push.commits.flatMap((c) => commitProblems(c));
  if (problems.length === 0) return undefined;
  return { ...base, kind: 'unexpected-commits', problems, key: `commits:${push.before}..${push.after}` };
}

export function deleteIncident(repository: string, branch: string, sender: string): Incident {
  return { kind: 'deleted', branch, repository, pusher: sender, problems: [], key: `delete-event:${branch}` };
}

/** A push whose commits are not a straight line of single-parent commits (from the compare API). */
export function nonLinearIncident(
  repository: string,
  branch: string,
  push: PushPayload,
  commits: { sha: string; parents: number }[],
): Incident | undefined {
  const bad = commits.filter((c) => c.parents !== 1);
  if (bad.length === 0) return undefined;
  const pusher = push.sender?.login ?? push.pusher.username ?? push.pusher.name ?? 'unknown';
  return {
    kind: 'non-linear',
    branch,
    repository,
    pusher,
    before: push.before,
    after: push.after,
    problems: bad.map(
      (c) => `${c.sha.slice(0, 12)} has ${c.parents} parents (a ledger commit has exactly one)`,
    ),
    key: `non-linear:${push.before}..${push.after}`,
  };
}

/**
 * A push of well-formed appends whose entries are not all signed by a trusted key: whoever can push
 * the branch wrote them without the signing key (a forged deploy would move a gate's base).
 * `problems` says, per commit, what is wrong with its entry.
 */
export function untrustedIncident(
  repository: string,
  branch: string,
  push: PushPayload,
  problems: string[],
): Incident | undefined {
  if (problems.length === 0) return undefined;
  const pusher = push.sender?.login ?? push.pusher.username ?? push.pusher.name ?? 'unknown';
  return {
    kind: 'untrusted-entry',
    branch,
    repository,
    pusher,
    before: push.before,
    after: push.after,
    problems,
    key: `untrusted:${push.before}..${push.after}`,
  };
}

function commitProblems(c: PushCommit): string[] {
  const short = c.id.slice(0, 12);
  const touched = [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])];
  const problems: string[] = [];
  if (!touched.includes(ENTRY_FILE) || (c.removed ?? []).includes(ENTRY_FILE))
    problems.push(`${short} does not write ${ENTRY_FILE} (a ledger commit adds exactly one entry)`);
  // the files every append writes: its entry, the checkpoint (and the witnesses' cosignatures
  // carried with it), an index line, the Merkle tree's tiles
  const foreign = touched.filter(
    (p) =>
      p !== ENTRY_FILE &&
      p !== CHECKPOINT_FILE &&
      p !== COSIGNED_FILE &&
      !p.startsWith(`${INDEX_DIR}/`) &&
      !p.startsWith(`${TREE_DIR}/`),
  );
  if (foreign.length > 0)
    problems.push(`${short} touches files a ledger commit never does: ${foreign.slice(0, 5).join(', ')}`);
  if ((c.removed ?? []).includes(CHECKPOINT_FILE)) problems.push(`${short} removes the checkpoint`);
  return problems;
}

const WHAT: Record<IncidentKind, string> = {
  'force-push': 'was force-pushed (history rewritten)',
  deleted: 'was deleted',
  'unexpected-commits': 'received commits that are not ledger appends',
  'non-linear': 'received a merge (the ledger must be linear)',
  'untrusted-entry': 'received an entry not signed by a trusted key',
};

export function alarmTitle(incident: Incident): string {
  return `shiplog alarm: the ledger branch "${incident.branch}" ${WHAT[incident.kind]}`;
}

export function incidentMarker(incident: Incident): string {
  return `<!-- shiplog-incident ${incident.key.replace(/[<>-]{2,}/g, '')} -->`;
}

/** The issue body (or, for a further event of an open incident, the comment). */
export function alarmText(incident: Incident, lastGood: { checkpoint?: string; note: string }): string {
  const code = (s: string) => `\`${s.replace(/`/g, '')}\``;
  const lines = [
    `🚨 **The ledger branch ${code(incident.branch)} of ${md(incident.repository)} ${WHAT[incident.kind]}.**`,
    '',
    '| | |',
    '| --- | --- |',
    `| Event | ${incident.kind} |`,
    `| Before | ${incident.before ? code(incident.before) : 'unknown (a delete event names no commit)'} |`,
    `| After | ${incident.after ? code(incident.after) : '—'} |`,
    `| Pushed by | ${md(incident.pusher)} |`,
  ];
  if (incident.problems.length > 0) {
    lines.push(
      '',
      incident.kind === 'untrusted-entry'
        ? 'Entries no trusted key signed:'
        : 'Commits that are not ledger appends:',
      '',
      ...incident.problems.slice(0, 50).map((p) => `- ${md(p, 500)}`),
    );
  }
  lines.push('', '### Last checkpoint known good', '', md(lastGood.note, 1000));
  if (lastGood.checkpoint) lines.push('', '```', lastGood.checkpoint.replace(/```/g, '').trimEnd(), '```');
  lines.push(
    '',
    '### How to verify',
    '',
    'Save the checkpoint above as `good.checkpoint` (or take one from the `text` of any `shiplog/approvals` check run recorded before this event), then:',
    '',
    '```sh',
    `shiplog verify --remote <ledger remote> --ledger-branch ${incident.branch.replace(/[^\w./-]/g, '')} --trusted-key shiplog.pub --checkpoint good.checkpoint`,
    '```',
    '',
    'It fails if the ledger no longer extends that checkpoint (entries removed or rewritten). Restore the branch from a good copy, verify it, then close this issue; while it is open, every approval check shows a warning.',
    '',
    incidentMarker(incident),
  );
  return lines.join('\n');
}
