/**
 * A break-glass override lives in two places: the signed `override` entry on the ledger (the
 * record) and the check run the app posts on the pull request's head (the state). The check run
 * carries a hidden marker, so a restarted app finds the override again by reading its own check
 * runs on that head — and only its own: no other app or workflow can write a check run as this app.
 * A new head has no such check run, so a push after an override is evaluated normally.
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
  const m = MARKER.exec(summary);
  if (!m) return undefined;
  try {
    const r = JSON.parse(m[1]!) as Partial<OverrideRecord>;
    if (typeof r.by !== 'string' || typeof r.headSha !== 'string' || typeof r.reason !== 'string')
      return undefined;
    return r as OverrideRecord;
  } catch {
    return undefined;
  }
}

/** The override recorded for this head by this app, if any. */
export async function findOverride(
  api: GitHubApi,
  {
    owner,
    repo,
    appId,
    checkName,
    headSha,
  }: {
    owner: string;
    repo: string;
    appId: number;
    checkName: string;
    headSha: string;
  },
): Promise<OverrideRecord | undefined> {
  const runs = await listCheckRuns(api, { owner, repo, ref: headSha, name: checkName });
  for (const run of runs) {
    if (run.appId !== appId) continue;
    const record = readOverrideMarker(run.summary);
    if (record && record.headSha === headSha) return record;
  }
  return undefined;
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
