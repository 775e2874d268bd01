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

export function apiError(what: string, error: unknown): ShiplogError {
  if (error instanceof ShiplogError) return error;
  return new ShiplogError('GITHUB_API', `${what} failed: ${describe(error)}`, {
    cause: error,
    details: { call: what, status: statusOf(error) },
  });
}

export async function callGitHub<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw apiError(what, error);
  }
}
