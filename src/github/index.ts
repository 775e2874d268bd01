/** The GitHub room: the only code in shiplog that calls the GitHub API. */
export { createGitHubClient, type GitHubApi, type GitHubClient, type GitHubClientOptions } from './client.ts';
export { apiError, callGitHub } from './call.ts';
export {
  collectApprovalEvidence,
  type ApprovalEvidence,
  type ApprovalStatus,
  type NotCountedEvidence,
  type PullRequestEvidence,
  type ReviewerEvidence,
} from './approvers.ts';
export {
  fetchPullRequestForPolicy,
  MAX_LISTED_FILES,
  type PolicyFile,
  type PolicyPullRequest,
  type PolicyPullRequestData,
} from './pull-request.ts';
export { createDirectory, toPermission, type Directory, type Permission } from './directory.ts';
export { latestOpinions, listReviews, type Review, type ReviewState } from './reviews.ts';
export { fetchPolicySnapshot, type PolicySnapshot } from './snapshot.ts';
export { createCheckRun, updateCheckRun, fitOutput, MAX_OUTPUT_CHARS, type CheckOutput } from './checks.ts';
export { commentOnIssue, createIssue, findOpenIssueWithLabel, type IssueRef } from './issues.ts';
export { readRepoFile, type RepoFileRequest } from './contents.ts';
