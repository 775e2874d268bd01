/**
 * Narrow API JSON (typed `unknown` on purpose) to what shiplog reads. A response that lacks a field
 * we rely on is an API failure, reported as such, not a silently empty answer.
 */
import { ShiplogError } from '../errors.ts';

function bad(what: string, expected: string): ShiplogError {
  return new ShiplogError('GITHUB_API', `${what}: unexpected response from GitHub (expected ${expected})`);
}

/**
 * Octokit's JSON parser overflows on multi-megabyte strings (a hostile 10 MB PR or review body)
 * and then hands back the raw text; such a response is parsed here natively instead.
 */
function jsonData(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

export function asObject(input: unknown, what: string): Record<string, unknown> {
  const value = jsonData(input);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw bad(what, 'an object');
  return value as Record<string, unknown>;
}

export function asArray(input: unknown, what: string): unknown[] {
  const value = jsonData(input);
  if (!Array.isArray(value)) throw bad(what, 'a list');
  return value;
}

export function requireString(value: unknown, what: string): string {
  if (typeof value !== 'string') throw bad(what, 'a string');
  return value;
}

export function requireNumber(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw bad(what, 'a number');
  return value;
}

export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Untrusted display text (titles): bounded so a hostile value cannot bloat evidence. */
export function boundedText(value: unknown, max = 1024): string {
  const text = typeof value === 'string' ? value : '';
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
