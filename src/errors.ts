/**
 * One error type for the whole project: a stable machine code, a message that names the problem,
 * and the process exit code a shell should use (2 = usage or input error, 1 = a check failed).
 */
export type ErrorCode =
  | 'USAGE'
  | 'BAD_INPUT'
  | 'BAD_KEY'
  | 'NO_TRUSTED_KEY'
  | 'REMOTE_NOT_FOUND'
  | 'REMOTE_UNREACHABLE'
  | 'BRANCH_NOT_FOUND'
  | 'GIT_FAILED'
  | 'GIT_TIMEOUT'
  | 'APPEND_EXHAUSTED'
  | 'NOT_FOUND'
  | 'BAD_POLICY'
  | 'BAD_SNAPSHOT'
  | 'GITHUB_API'
  | 'VERIFY_FAILED'
  | 'GATE_FAILED'
  | 'FORBIDDEN'
  | 'DELIVERY_FAILED'
  | 'DELIVERY_REJECTED'
  | 'RATE_FLOOR';

// Not listed (exit 2): usage and input errors, and a remote that cannot be reached (connection
// refused, DNS, authentication: REMOTE_UNREACHABLE) — exit 1 means a check failed, never "offline".
const exitCodes: Partial<Record<ErrorCode, number>> = {
  VERIFY_FAILED: 1,
  GATE_FAILED: 1,
  APPEND_EXHAUSTED: 1,
  GIT_FAILED: 1,
  GIT_TIMEOUT: 1,
  GITHUB_API: 1,
  FORBIDDEN: 1,
  // A collector that stayed down past the retries, or refused what was sent (bad token, bad data):
  // the cursor stays where delivery is known complete, and a re-run goes on from there.
  DELIVERY_FAILED: 1,
  DELIVERY_REJECTED: 1,
};

export class ShiplogError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  readonly details?: unknown;

  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; details?: unknown; exitCode?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ShiplogError';
    this.code = code;
    this.exitCode = options?.exitCode ?? exitCodes[code] ?? 2;
    this.details = options?.details;
  }
}

export function isShiplogError(e: unknown, code?: ErrorCode): e is ShiplogError {
  return e instanceof ShiplogError && (code === undefined || e.code === code);
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
