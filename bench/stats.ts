/** Small statistics for the benchmark: every figure is reported as median and p95 of its samples. */

export interface Summary {
  n: number;
  median: number;
  p95: number;
  mean: number;
  min: number;
}

export function summarize(samples: readonly number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
  return {
    n: s.length,
    median: s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN,
    p95: s.length ? at(0.95) : NaN,
    mean: s.length ? s.reduce((a, b) => a + b, 0) / s.length : NaN,
    min: s.length ? s[0] : NaN,
  };
}

/** Milliseconds since `start` (a process.hrtime.bigint()). */
export const msSince = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

export const round = (x: number, digits = 3): number => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);
