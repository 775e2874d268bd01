/**
 * What the policy commands use from the policy and GitHub rooms, in one module the CLI imports only
 * when such a command runs: YAML, JSON Schema validation and Octokit are most of the bundle, and a
 * `record` or `log` process should not pay to load them.
 */
export { evaluatePolicy } from '../../policy/evaluate.ts';
export { renderText } from '../../policy/render.ts';
export { parsePolicy } from '../../policy/schema.ts';
export { parseSnapshot, snapshotDirectory } from '../../policy/snapshot.ts';
export { createGitHubClient, fetchPolicySnapshot } from '../../github/index.ts';
