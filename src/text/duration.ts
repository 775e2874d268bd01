/**
 * Durations as people write them: `30s`, `15m`, `72h`, `30d`, `2w`. One parser for the policy's
 * `review_within`, the CLI's windows and the app's sweep intervals (each edge bounds its own input:
 * the policy schema, for instance, allows no seconds).
 */
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
export type DurationUnit = keyof typeof UNIT_MS;
export const HOUR_MS = UNIT_MS.h;
export const DAY_MS = UNIT_MS.d;
export const MINUTE_MS = UNIT_MS.m;

const DURATION = /^([1-9][0-9]{0,5})(s|m|h|d|w)$/;

/** `72h` → milliseconds, or undefined when the text is not a duration (or uses a unit not allowed). */
export function durationMs(
  text: string,
  units: readonly DurationUnit[] = ['m', 'h', 'd', 'w'],
): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m || !units.includes(m[2] as DurationUnit)) return undefined;
  return Number(m[1]) * UNIT_MS[m[2] as DurationUnit];
}
