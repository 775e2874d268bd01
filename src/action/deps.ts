/** What the commands get from their host (main.ts on a runner, or a test): no `@actions/core` here. */
import type { GitHubApi } from '../github/client.ts';
import type { ShiplogError } from '../errors.ts';

export interface AnnotationProps {
  title?: string;
}

export interface Logger {
  info(message: string): void;
  warning(message: string, props?: AnnotationProps): void;
  /** An error annotation on the job (the job is failed separately). */
  error(message: string, props?: AnnotationProps): void;
}

export interface RunDeps {
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** A GitHub REST client for this token at this API base. */
  github(token: string | undefined, baseUrl: string): GitHubApi;
  now?: () => Date;
}

export interface RunResult {
  outputs: Record<string, string>;
  /** Markdown for the job summary. */
  summary: string;
  /** Set when the command ran but its verdict fails the job (verify problems, unmet gate). */
  failure?: ShiplogError;
}
