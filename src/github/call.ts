/**
 * Every GitHub call in shiplog goes through `callGitHub`, so a failure always surfaces as one
 * ShiplogError('GITHUB_API') naming the call ("GET /repos/o/r/pulls/7/reviews failed: 500 …") —
 * evidence is never recorded with something silently missing.
 */
import { ShiplogError } from '../errors.ts';

const MAX_MESSAGE = 300;

export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

function describe(error: unknown): string {
  const e = error as { status?: number; message?: string; response?: { data?: unknown } } | null;
  const data = e?.response?.data as { message?: unknown } | undefined;
  // GitHub's own message is clearer than Octokit's, which may repeat the URL and docs link
  const message = typeof data?.message === 'string' ? data.message : (e?.message ?? String(error));
  const status = statusOf(error);
  const text = `${status !== undefined ? `${status} ` : ''}${message}`.replace(/\s+/g, ' ').trim();
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/** The network's own reason when GitHub was never reached ("connect ECONNREFUSED 127.0.0.1:1"). */
function unreachable(error: unknown): string | undefined {
  // Octokit wraps a failed fetch as a 500 whose cause chain holds the socket error
  for (
    let e = error as { cause?: unknown; code?: unknown; message?: unknown } | null, depth = 0;
    e && depth < 5;
    depth++
  ) {
    if (typeof e.code === 'string' && NETWORK_CODES.has(e.code))
      return typeof e.message === 'string' && e.message ? e.message : e.code;
    e = e.cause as typeof e;
  }
  return undefined;
}

export function apiError(what: string, error: unknown): ShiplogError {
  if (error instanceof ShiplogError) return error;
  const details = { call: what, status: statusOf(error) };
  // Not reached, or not let in: exit 2 like an unreachable git remote — exit 1 means a check failed.
  const offline = unreachable(error);
  if (offline !== undefined)
    return new ShiplogError('GITHUB_API', `${what} failed: GitHub could not be reached: ${offline}`, {
      cause: error,
      details,
      exitCode: 2,
    });
  const status = statusOf(error);
  return new ShiplogError('GITHUB_API', `${what} failed: ${describe(error)}`, {
    cause: error,
    details,
    ...(status === 401 ? { exitCode: 2 } : {}),
  });
}

export async function callGitHub<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw apiError(what, error);
  }
}
