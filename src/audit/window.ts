/**
 * Durations and points in time as people type them (`30d`, `12h`, `2026-03-01`), parsed once at
 * the command line's edge, and durations written back the same way in sentences.
 */
import { ShiplogError } from '../errors.ts';
import { durationMs, HOUR_MS, DAY_MS, MINUTE_MS } from '../text/duration.ts';

export { durationMs, HOUR_MS, DAY_MS };

/** A date, or a date and time with its offset: a time without one would depend on the reader's clock. */
const DATE = /^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d))?$/;

export function parseDuration(text: string, flag: string): number {
  const ms = durationMs(text);
  if (ms === undefined)
    throw new ShiplogError('USAGE', `${flag} must be a duration like 72h, 30d or 2w (got "${text}")`);
  return ms;
}

/** A point in time: an ISO date (or date-time with offset), or a duration back from `now`. */
/** How far back a duration may reach (10 years): `99999d` is a typo, not a window from 1753. */
export const MAX_LOOKBACK_DAYS = 3650;

export function parsePointInTime(text: string, flag: string, now: Date): Date {
  const ms = durationMs(text);
  if (ms !== undefined) {
    if (ms > MAX_LOOKBACK_DAYS * DAY_MS)
      throw new ShiplogError(
        'USAGE',
        `${flag} ${text.trim()} reaches back to ${new Date(now.getTime() - ms).toISOString().slice(0, 10)}; a duration goes back at most ${MAX_LOOKBACK_DAYS}d (10 years) — give a date for an older start`,
      );
    return new Date(now.getTime() - ms);
  }
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
  if (ms % HOUR_MS === 0) return `${ms / HOUR_MS}h`;
  return `${Math.round(ms / MINUTE_MS)}m`;
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
