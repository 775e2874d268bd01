/**
 * Durations and points in time as people type them (`30d`, `12h`, `2026-03-01`), parsed once at
 * the command line's edge, and durations written back the same way in sentences.
 */
import { ShiplogError } from '../errors.ts';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
export const HOUR_MS = UNIT_MS.h;
export const DAY_MS = UNIT_MS.d;

/** The units the policy's `settings.override.review_within` uses: minutes, hours, days, weeks. */
const DURATION = /^([1-9][0-9]{0,5})(m|h|d|w)$/;
/** A date, or a date and time with its offset: a time without one would depend on the reader's clock. */
const DATE = /^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d))?$/;

/** `72h` → milliseconds, or undefined when the text is not a duration. */
export function durationMs(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  return m ? Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] : undefined;
}

export function parseDuration(text: string, flag: string): number {
  const ms = durationMs(text);
  if (ms === undefined)
    throw new ShiplogError('USAGE', `${flag} must be a duration like 72h, 30d or 2w (got "${text}")`);
  return ms;
}

/** A point in time: an ISO date (or date-time with offset), or a duration back from `now`. */
export function parsePointInTime(text: string, flag: string, now: Date): Date {
  const ms = durationMs(text);
  if (ms !== undefined) return new Date(now.getTime() - ms);
  const t = DATE.test(text.trim()) ? Date.parse(text.trim()) : NaN;
  if (Number.isNaN(t)) {
    throw new ShiplogError(
      'USAGE',
      `${flag} must be a date (2026-03-01, 2026-03-01T09:00:00Z) or a duration back from now like 30d or 12h (got "${text}")`,
    );
  }
  return new Date(t);
}

/** A window's length as the policy writes it: `72h`, `90m`, or `36h` rather than `1.5d`. */
export function formatWindow(ms: number): string {
  if (ms % UNIT_MS.h === 0) return `${ms / UNIT_MS.h}h`;
  return `${Math.round(ms / UNIT_MS.m)}m`;
}

/** A measured duration for people: `2d 4h`, `3h 20m`, `45m`, `30s`. */
export function formatDuration(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  const sign = ms < 0 ? '-' : '';
  if (s < 60) return `${sign}${s}s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${sign}${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${sign}${h}h${m % 60 ? ` ${m % 60}m` : ''}`;
  const d = Math.floor(h / 24);
  return `${sign}${d}d${h % 24 ? ` ${h % 24}h` : ''}`;
}

/** `2026-03-01T09:35:00.000Z` → `2026-03-01 09:35 UTC` (seconds only when there are any). */
export function formatTime(iso: string): string {
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(:\d\d)?(\.\d+)?Z$/.exec(iso);
  if (!m) return iso;
  return `${m[1]} ${m[2]}${m[3] && m[3] !== ':00' ? m[3] : ''} UTC`;
}
