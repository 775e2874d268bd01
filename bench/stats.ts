export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

export const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

export async function timeEach(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    out.push(performance.now() - t);
  }
  return out;
}

/**
 * What a bench module returns: each figure a number, or a number with its target (`<= 1.3`,
 * `>= 0.85`) — declared where it is measured, checked by run.ts, which exits non-zero on a miss.
 */
export interface Figure {
  value: number;
  target?: string;
}
export type Figures = Record<string, number | Figure>;

export function meets(value: number, target: string): boolean {
  const [op, num] = target.split(' ');
  if (op === '<=') return value <= Number(num);
  if (op === '>=') return value >= Number(num);
  throw new Error(`bench target "${target}" is not "<= N" or ">= N"`);
}
