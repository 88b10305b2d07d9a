/** Pure helpers of the SVG charts (SeriesChart). */
import type { SeriesPoint } from './types';

/** A round upper bound for an axis (1, 2, 5 × 10ⁿ). */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 5, 10].find((m) => m * p >= v) ?? 10) * p;
}

/** An SVG path through the points that have a value; gaps (null) break the line. */
export function linePath(points: SeriesPoint[], x: (at: number) => number, y: (v: number) => number, pick: (p: SeriesPoint) => number | null): string {
  let d = '';
  let pen = false;
  for (const p of points) {
    const v = pick(p);
    if (v === null || !Number.isFinite(v)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${x(p.at).toFixed(1)} ${y(v).toFixed(1)} `;
    pen = true;
  }
  return d.trim();
}
