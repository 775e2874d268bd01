/**
 * A break-glass override lives in two places: the signed `override` entry on the ledger (the
 * record) and the check run the app posts on the pull request's head (the state). The check run
 * carries a hidden marker, so a restarted app finds the override again by reading its own check
 * runs on that head — and only its own: no other app or workflow can write a check run as this app.
 * A new head has no such check run, so a push after an override is evaluated normally.
 *
 * An override is bound to one pull request, its base and its head: another pull request with the
 * same head, the same one retargeted at another base, or a later push finds nothing here.
 */
import type { GitHubApi } from '../github/client.ts';
import { listCheckRuns } from '../github/checks.ts';
import { md } from '../policy/render.ts';

export interface OverrideRecord {
  by: string;
  at: string;
  reason: string;
  pullRequest: number;
  headSha: string;
  /** The base the pull request targeted when overridden; a record without one binds nothing. */
  baseRef?: string;
  seq: number;
  hash: string;
}

const MARKER = /<!-- shiplog-override (\{.*?\}) -->/;

/** JSON inside an HTML comment: `<` and `>` escaped so no reason text can close the comment. */
export function overrideMarker(record: OverrideRecord): string {
  const json = JSON.stringify(record).replace(/</g, '\\u003c').replace(/>/g, '\\u003e');
  return `<!-- shiplog-override ${json} -->`;
}

export function readOverrideMarker(summary: string): OverrideRecord | undefined {
  return readOverrideMarkers(summary)[0];
}

export function readOverrideMarkers(summary: string): OverrideRecord[] {
  const out: OverrideRecord[] = [];
  for (const m of summary.matchAll(new RegExp(MARKER.source, 'g'))) {
    try {
      const r = JSON.parse(m[1]!) as Partial<OverrideRecord>;
      if (
        typeof r.by !== 'string' ||
        typeof r.headSha !== 'string' ||
        typeof r.reason !== 'string' ||
        typeof r.pullRequest !== 'number'
      )
        continue;
      out.push(r as OverrideRecord);
    } catch {
      // not ours to read
    }
  }
  return out;
}

/** Whether a record overrides exactly this pull request at this head (and base, when given). */
export function overrideHolds(
  record: OverrideRecord,
  pr: { number: number; headSha: string; baseRef?: string },
): boolean {
  return (
    record.pullRequest === pr.number &&
    record.headSha.toLowerCase() === pr.headSha.toLowerCase() &&
    (pr.baseRef === undefined || record.baseRef === pr.baseRef)
  );
}

/**
 * The override this app recorded for this pull request at this head (and base, when given), if
 * any. A check run's summary can carry several markers (one per pull request sharing the head).
 */
export async function findOverride(
  api: GitHubApi,
  {
    owner,
    repo,
    appId,
    checkName,
    headSha,
    pullRequest,
    baseRef,
  }: {
    owner: string;
    repo: string;
    appId: number;
    checkName: string;
    headSha: string;
    pullRequest: number;
    baseRef?: string;
  },
): Promise<OverrideRecord | undefined> {
  const runs = await listCheckRuns(api, { owner, repo, ref: headSha, name: checkName });
  for (const run of runs) {
    if (run.appId !== appId) continue;
    for (const record of readOverrideMarkers(run.summary)) {
      if (overrideHolds(record, { number: pullRequest, headSha, ...(baseRef ? { baseRef } : {}) }))
        return record;
    }
  }
  return undefined;
}

/**
 * When this app first evaluated this pull request at this head (its earliest check run there for
 * the pull request): GitHub's clock, not the pusher's — commit dates can say anything.
 */
export async function firstSeenAt(
  api: GitHubApi,
  {
    owner,
    repo,
    appId,
    checkName,
    headSha,
    externalId,
  }: { owner: string; repo: string; appId: number; checkName: string; headSha: string; externalId: string },
): Promise<string | undefined> {
  const runs = await listCheckRuns(api, { owner, repo, ref: headSha, name: checkName });
  let first: number | undefined;
  for (const run of runs) {
    if (run.appId !== appId || run.externalId !== externalId) continue;
    const at = Date.parse(run.startedAt ?? run.completedAt ?? '');
    if (!Number.isNaN(at) && (first === undefined || at < first)) first = at;
  }
  return first === undefined ? undefined : new Date(first).toISOString();
}

/** The check run of an overridden head: passing, and saying who, when and why, above the verdict. */
export function renderOverridden(
  record: OverrideRecord,
  verdict: { title: string; summary: string },
): { title: string; summary: string } {
  return {
    title: `overridden by ${record.by}: ${record.reason.replace(/\s+/g, ' ').slice(0, 200)}`,
    summary: [
      `🚨 **Overridden (break-glass)** by **${md(record.by)}** at ${md(record.at)}, for commit ${md(record.headSha.slice(0, 12))} only: a new push is evaluated normally.`,
      `> ${md(record.reason, 1000).replace(/\n/g, '\n> ')}`,
      `Recorded on the ledger as seq ${record.seq} (${md(record.hash)}).`,
      overrideMarker(record),
      `---\n\nThe approval policy's own verdict (${md(verdict.title)}), set aside by this override:`,
      verdict.summary,
    ].join('\n\n'),
  };
}
