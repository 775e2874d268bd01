/** Small text helpers the report's sections share. */

/** ISO UTC times as people read them: `2026-03-01 09:35:00 UTC`; anything else as recorded. */
export function formatTime(iso: string): string {
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(iso)
    ? iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC')
    : iso;
}

export function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

/** `3 changes`, `1 change`. */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${plural(n, one, many)}`;
}
