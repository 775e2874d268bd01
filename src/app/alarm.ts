/**
 * The alarm issue (label `shiplog-alarm`): one per incident — while one is open, a further event is
 * added to it as a comment, each once (its marker, or the commit it names, already there means a
 * redelivered webhook or a sweep that found what a webhook already reported: nothing new). One
 * decision at a time per repository, so two events of one incident never open two issues.
 */
import { errorMessage } from '../errors.ts';
import {
  commentOnIssue,
  createIssue,
  findOpenIssueWithLabel,
  listIssueCommentBodies,
  type GitHubApi,
} from '../github/index.ts';
import { ALARM_LABEL } from './check-extras.ts';
import { readCheckpoint, type AppLedger } from './ledger.ts';
import { alarmText, alarmTitle, incidentMarker, type Incident } from './ledger-incident.ts';
import type { RepoRef } from './targets.ts';

export interface AlarmLog {
  warn(message: string): void;
}

export interface Alarm {
  title: string;
  /** The issue body; also the comment when an alarm is already open. */
  text: string;
  /** Hidden marker that identifies this event among the issue and its comments. */
  marker: string;
  /** Other text whose presence means the event is already reported (e.g. the rewritten tip's sha). */
  knownBy?: string;
  /** For the log. */
  what: string;
}

export async function raiseAlarm(
  api: GitHubApi,
  log: AlarmLog,
  at: RepoRef,
  alarm: Alarm,
): Promise<'opened' | 'commented' | 'known'> {
  return serially(`${at.owner}/${at.repo}`.toLowerCase(), async () => {
    const open = await findOpenIssueWithLabel(api, { ...at, label: ALARM_LABEL });
    if (open) {
      const known = (t: string) => t.includes(alarm.marker) || (!!alarm.knownBy && t.includes(alarm.knownBy));
      if (known(open.body)) return 'known';
      const comments = await listIssueCommentBodies(api, { ...at, number: open.number });
      if (comments.some(known)) return 'known';
      await commentOnIssue(api, { ...at, number: open.number, body: `Another event:\n\n${alarm.text}` });
      log.warn(`alarm: ${at.owner}/${at.repo}: ${alarm.what}, added to #${open.number}`);
      return 'commented';
    }
    const issue = await createIssue(api, {
      ...at,
      title: alarm.title,
      body: alarm.text,
      labels: [ALARM_LABEL],
    });
    log.warn(`alarm: ${at.owner}/${at.repo}: ${alarm.what}, #${issue.number} opened`);
    return 'opened';
  });
}

/**
 * A ledger incident's alarm, with the last checkpoint known good: the one the caller kept (the
 * sweep's copy, out of reach of whoever rewrote the branch), else the one at the tip before it.
 */
export async function raiseLedgerAlarm(
  api: GitHubApi,
  log: AlarmLog,
  ledger: AppLedger,
  at: RepoRef,
  incident: Incident,
  kept?: { checkpoint: string; note: string },
): Promise<void> {
  const marker = incidentMarker(incident);
  await raiseAlarm(api, log, at, {
    title: alarmTitle(incident),
    text: alarmText(incident, kept ?? (await lastGood(api, ledger, incident))),
    marker,
    ...(incident.after && !/^0+$/.test(incident.after) ? { knownBy: incident.after } : {}),
    what: incident.kind,
  });
}

/** The checkpoint of the branch tip before the event: what the ledger said before it was touched. */
async function lastGood(
  api: GitHubApi,
  ledger: AppLedger,
  incident: Incident,
): Promise<{ checkpoint?: string; note: string }> {
  const before = incident.before;
  if (!before || /^0{40}$/.test(before)) {
    return {
      note: 'This event names no earlier commit. Take the checkpoint from the text of the latest shiplog/approvals check run recorded before it (or from a later comment on this issue).',
    };
  }
  try {
    const checkpoint = await readCheckpoint(api, ledger, before);
    if (checkpoint)
      return { checkpoint, note: `The checkpoint at ${before}, the branch tip before this event:` };
    return { note: `No checkpoint could be found at ${before}, the branch tip before this event.` };
  } catch (error) {
    return { note: `The checkpoint at ${before} could not be read: ${errorMessage(error)}` };
  }
}

const queues = new Map<string, Promise<unknown>>();
function serially<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const next = previous.then(task, task);
  queues.set(key, next);
  return next.finally(() => {
    if (queues.get(key) === next) queues.delete(key);
  });
}
