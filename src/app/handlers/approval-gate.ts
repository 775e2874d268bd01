/**
 * The approval gate's webhook handlers: every event that can change a pull request's verdict (new
 * commits, a new base, reviews, re-run requests, the merge queue) re-evaluates it and posts the check.
 * Handlers only route: payload → target (targets.ts), policy (policy-source.ts), verdict and check
 * (approval-check.ts).
 */
import type { Context, Probot } from 'probot';
import type { GitHubApi } from '../../github/index.ts';
import { runApprovalCheck } from '../approval-check.ts';
import { checkExtras } from '../check-extras.ts';
import { loadPolicy } from '../policy-source.ts';
import type { AppSettings } from '../settings.ts';
import {
  checkRunTargets,
  checkSuiteTargets,
  mergeGroupTarget,
  pullRequestTarget,
  reviewTarget,
  type PullTarget,
} from '../targets.ts';

type GateEvent = 'pull_request' | 'pull_request_review' | 'check_run' | 'check_suite' | 'merge_group';

export function registerApprovalGate(app: Probot, settings: AppSettings): void {
  const gate = (context: Context<GateEvent>, targets: (PullTarget | undefined)[]) =>
    gateTargets(context, settings, targets);
  app.on(
    [
      'pull_request.opened',
      'pull_request.reopened',
      'pull_request.synchronize',
      'pull_request.ready_for_review',
      'pull_request.edited',
    ],
    (context) => gate(context, [pullRequestTarget(context.payload)]),
  );
  app.on(
    ['pull_request_review.submitted', 'pull_request_review.edited', 'pull_request_review.dismissed'],
    (context) => gate(context, [reviewTarget(context.payload)]),
  );
  app.on('check_run.rerequested', (context) => gate(context, checkRunTargets(context.payload)));
  app.on('check_suite.rerequested', (context) => gate(context, checkSuiteTargets(context.payload)));
  app.on('merge_group.checks_requested', (context) => gate(context, [mergeGroupTarget(context.payload)]));
}

async function gateTargets(
  context: Context<GateEvent>,
  settings: AppSettings,
  targets: (PullTarget | undefined)[],
): Promise<void> {
  const wanted = targets.filter((t): t is PullTarget => t !== undefined);
  if (wanted.length === 0) {
    context.log.debug(`${context.name}: no pull request to evaluate`);
    return;
  }
  const api = context.octokit as unknown as GitHubApi;
  // One policy read per event, shared by every PR the event names.
  const { owner, repo } = wanted[0]!;
  const loaded = await loadPolicy({ config: (file) => context.config(file), octokit: api }, { owner, repo });
  const extras = checkExtras(api, settings, loaded, { owner, repo });
  for (const target of wanted) {
    const posted = await runApprovalCheck(api, loaded, target, extras);
    context.log.info(
      `${context.name}: ${target.owner}/${target.repo}#${target.number} → ${posted.name} ${posted.conclusion} on ${posted.headSha.slice(0, 12)}: ${posted.title}`,
    );
  }
}
