import { describe, expect, it } from 'vitest';
import { isShiplogError } from '../../src/errors.ts';
import {
  durationMs,
  formatDuration,
  formatTime,
  formatWindow,
  parseDuration,
  parsePointInTime,
} from '../../src/audit/window.ts';

const now = new Date('2026-03-31T12:00:00Z');

describe('window', () => {
  it('durations in the policy’s units', () => {
    expect(durationMs('90m')).toBe(90 * 60_000);
    expect(durationMs('72h')).toBe(72 * 3_600_000);
    expect(durationMs('30d')).toBe(30 * 86_400_000);
    expect(durationMs('2w')).toBe(14 * 86_400_000);
    for (const bad of ['', '0d', '1y', '1.5d', '-3d', 'd', '30 days'])
      expect(durationMs(bad)).toBeUndefined();
    expect(() => parseDuration('3 days', '--review-within')).toThrow(
      '--review-within must be a duration like 72h, 30d or 2w (got "3 days")',
    );
  });

  it('a point in time: a date, a date-time with its offset, or a duration back from now', () => {
    expect(parsePointInTime('30d', '--since', now).toISOString()).toBe('2026-03-01T12:00:00.000Z');
    expect(parsePointInTime('12h', '--since', now).toISOString()).toBe('2026-03-31T00:00:00.000Z');
    expect(parsePointInTime('2026-03-01', '--since', now).toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(parsePointInTime('2026-03-01T09:30:00+02:00', '--since', now).toISOString()).toBe(
      '2026-03-01T07:30:00.000Z',
    );
    for (const bad of ['yesterday', '2026-03-01T09:30', '2026-13-45', '03/01/2026']) {
      let error: unknown;
      try {
        parsePointInTime(bad, '--since', now);
      } catch (e) {
        error = e;
      }
      expect(isShiplogError(error, 'USAGE'), bad).toBe(true);
    }
  });

  it('formats windows, durations and times for sentences', () => {
    expect(formatWindow(72 * 3_600_000)).toBe('72h');
    expect(formatWindow(90 * 60_000)).toBe('90m');
    expect(formatDuration(30_000)).toBe('30s');
    expect(formatDuration(45 * 60_000)).toBe('45m');
    expect(formatDuration(200 * 60_000)).toBe('3h 20m');
    expect(formatDuration(47 * 3_600_000)).toBe('47h');
    expect(formatDuration(52 * 3_600_000)).toBe('2d 4h');
    expect(formatTime('2026-03-01T09:35:00.000Z')).toBe('2026-03-01 09:35 UTC');
    expect(formatTime('2026-03-01T09:35:07Z')).toBe('2026-03-01 09:35:07 UTC');
    expect(formatTime('yesterday')).toBe('yesterday');
  });
});
