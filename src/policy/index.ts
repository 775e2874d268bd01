/** The policy room: parse `.github/shiplog.yml`, evaluate a pull request, render the verdict. */
export type * from './model.ts';
export {
  parsePolicy,
  policyFromObject,
  environmentPolicy,
  policySchema,
  MAX_POLICY_BYTES,
} from './schema.ts';
export { compilePaths, matchRules, type PathMatcher, type RuleMatch } from './match.ts';
export { evaluatePolicy, MAX_LISTED_FILES } from './evaluate.ts';
export { renderCheckRun, renderPolicyError, renderText, type CheckRunOutput } from './render.ts';
export { parseSnapshot, snapshotFromObject, snapshotDirectory, type Snapshot } from './snapshot.ts';
export {
  mayOverride,
  overrideRefusal,
  mayReviewOverride,
  describeOverriders,
  durationMs,
  overriddenPullRequest,
  parseOverrideCommand,
  parseReviewOverrideCommand,
  unmetRules,
} from './override.ts';
export { countFreshApprovals } from './evaluate.ts';
export {
  decideDeployment,
  evaluateDeployment,
  rejectedDeployment,
  type DeployedPullRequest,
  type DeploymentDecision,
  type DeploymentFacts,
  type DeploymentRequest,
  type DeploymentState,
} from './deployment.ts';
