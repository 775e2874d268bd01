/** The GitHub room: the only code in shiplog that calls the GitHub API. */
export { createGitHubClient, type GitHubApi, type GitHubClient, type GitHubClientOptions } from './client.ts';
export { apiError, callGitHub } from './call.ts';
export {
  approvalEvidence,
  collectApprovalEvidence,
  findMergedPullRequest,
  pullRequestEvidence,
  type ApprovalEvidence,
  type ApprovalStatus,
  type NotCountedEvidence,
  type PullRequestEvidence,
  type ReviewerEvidence,
} from './approvers.ts';
export {
  evaluationInput,
  fetchPullRequestForPolicy,
  MAX_LISTED_FILES,
  openPullsWithHead,
  type PolicyFile,
  type PolicyPullRequest,
  type PolicyPullRequestData,
} from './pull-request.ts';
export { createDirectory, toPermission, type Directory, type Permission } from './directory.ts';
export { latestOpinions, listReviews, type Review, type ReviewState } from './reviews.ts';
export { fetchPolicySnapshot, type PolicySnapshot } from './snapshot.ts';
export {
  createCheckRun,
  updateCheckRun,
  listCheckRuns,
  fitOutput,
  MAX_OUTPUT_CHARS,
  type CheckOutput,
  type CheckRunSeen,
} from './checks.ts';
export {
  commentOnIssue,
  createIssue,
  findOpenIssueWithLabel,
  listIssueCommentBodies,
  type IssueRef,
} from './issues.ts';
export { readRepoBlob, readRepoFile, type RepoFileRequest } from './contents.ts';
export { commitParents } from './commits.ts';
export {
  loadDeployedPullRequest,
  parseDeploymentCallbackUrl,
  reviewProtectionRule,
  type ProtectionRuleReview,
} from './deployments.ts';
