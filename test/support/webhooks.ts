/**
 * Webhook deliveries as GitHub sends them: payloads from @octokit/webhooks-examples adapted to a
 * scenario, signed with the webhook secret (x-hub-signature-256). Used by the demo; no test runner.
 */
import { createHmac, randomUUID } from 'node:crypto';
import examples from '@octokit/webhooks-examples/api.github.com/index.json' with { type: 'json' };
import type { FakeGitHub, FakePull } from './fake-github.ts';

type Json = Record<string, unknown>;

/** A copy of the first example payload GitHub documents for this event and action. */
export function examplePayload(
  event: string,
  action: string | undefined,
  pick: (p: Json) => boolean = () => true,
): Json {
  const group = (examples as unknown as { name: string; examples: Json[] }[]).find((e) => e.name === event);
  const found = group?.examples.find((p) => p.action === action && pick(p));
  if (!found) throw new Error(`no @octokit/webhooks-examples payload for ${event}.${action}`);
  return structuredClone(found);
}

export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export async function deliverWebhook(
  url: string,
  secret: string,
  event: string,
  payload: unknown,
): Promise<number> {
  const body = JSON.stringify(payload);
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': signBody(body, secret),
      'user-agent': 'GitHub-Hookshot/demo',
    },
    body,
  });
  await res.text();
  return res.status;
}

/** Builds payloads for one repository of the fake GitHub. */
export function payloadsFor(gh: FakeGitHub, fullName: string) {
  const [owner, name] = fullName.split('/') as [string, string];
  const envelope = (payload: Json): Json => {
    const repository = payload.repository as Json;
    payload.repository = {
      ...repository,
      name,
      full_name: fullName,
      owner: { ...(repository.owner as Json), login: owner },
    };
    payload.installation = { id: gh.installationId(owner), node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u' };
    return payload;
  };
  const pullObject = (base: Json, pr: FakePull): Json => ({
    ...base,
    number: pr.number,
    state: pr.state,
    draft: pr.draft,
    title: pr.title,
    user: { ...(base.user as Json), login: pr.user, id: gh.user(pr.user).id, type: 'User' },
    head: { ...(base.head as Json), sha: pr.headSha, ref: pr.headRef },
    base: { ...(base.base as Json), ref: pr.baseRef, sha: pr.baseSha },
    ...('changed_files' in base ? { changed_files: pr.changedFiles ?? pr.files.length } : {}),
  });
  return {
    pullRequest(pr: FakePull, action: 'opened' | 'synchronize' | 'closed'): Json {
      const payload = examplePayload('pull_request', 'opened');
      payload.action = action;
      payload.number = pr.number;
      const pull = pullObject(payload.pull_request as Json, pr);
      payload.pull_request =
        action === 'closed'
          ? {
              ...pull,
              state: 'closed',
              merged: pr.merged,
              merge_commit_sha: pr.mergeCommitSha,
              merged_at: pr.mergedAt,
              merged_by: pr.mergedBy
                ? { ...(pull.user as Json), login: pr.mergedBy, id: gh.user(pr.mergedBy).id }
                : null,
            }
          : pull;
      return envelope(payload);
    },
    review(pr: FakePull, reviewer: string): Json {
      const payload = examplePayload('pull_request_review', 'submitted');
      payload.pull_request = pullObject(payload.pull_request as Json, pr);
      payload.review = {
        ...(payload.review as Json),
        user: { ...((payload.review as Json).user as Json), login: reviewer },
        commit_id: pr.headSha,
      };
      return envelope(payload);
    },
  };
}
