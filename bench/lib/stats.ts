/** Timing statistics (no imports, so the load client stays light). */
export const round = (x: number, digits = 2): number => Number(x.toFixed(digits));

export interface LatencyStats { n: number; p50: number; p95: number; p99: number; mean: number; max: number }

/** Percentiles by nearest rank over the samples (ms). */
export function latencyStats(samples: ArrayLike<number>): LatencyStats {
  const s = Float64Array.from(samples).sort();
  const at = (p: number): number => (s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]! : NaN);
  let sum = 0;
  for (const x of s) sum += x;
  return { n: s.length, p50: round(at(50), 3), p95: round(at(95), 3), p99: round(at(99), 3), mean: round(sum / (s.length || 1), 3), max: round(at(100), 3) };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
