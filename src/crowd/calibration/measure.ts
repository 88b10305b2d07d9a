/**
 * Pixel → metres for the crowd stage: zone ground areas, ground polygons on the map, the density
 * heat grid in persons/m², the camera's ground footprint. Pure functions over a Ground mapping.
 */
import type { Ground, Pt } from './ground';

/** Shoelace area of a polygon (any units²). */
export function polygonArea(poly: readonly Pt[]): number {
  let s = 0;
  for (let i = 0; i < poly.length; i++) {
    const a = poly[i]!;
    const b = poly[(i + 1) % poly.length]!;
    s += a[0] * b[1] - b[0] * a[1];
  }
  return Math.abs(s) / 2;
}

/** Ray casting; points on an edge may fall either way. */
export function insidePolygon(p: Pt, poly: readonly Pt[]): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const a = poly[i]!;
    const b = poly[j]!;
    if (a[1] > p[1] !== b[1] > p[1] && p[0] < ((b[0] - a[0]) * (p[1] - a[1])) / (b[1] - a[1]) + a[0]) inside = !inside;
  }
  return inside;
}

/**
 * The image polygon densified (edges cut in `steps` pieces, because straight image edges stay straight on
 * the ground only under a homography, which holds, but the horizon check needs every point) and mapped to
 * metres; null when any part lies on or above the horizon (the area would be unbounded).
 */
export function groundPolygonM(ground: Ground, poly: readonly Pt[], steps = 4): Pt[] | null {
  const out: Pt[] = [];
  for (let i = 0; i < poly.length; i++) {
    const a = poly[i]!;
    const b = poly[(i + 1) % poly.length]!;
    for (let s = 0; s < steps; s++) {
      const t = s / steps;
      const m = ground.toMetres([a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]);
      if (!m) return null;
      out.push(m);
    }
  }
  return out;
}

export function zoneAreaM2(ground: Ground, poly: readonly Pt[]): number | null {
  const m = groundPolygonM(ground, poly, 1);
  return m ? polygonArea(m) : null;
}

export function groundPolygonLatLon(ground: Ground, poly: readonly Pt[]): Array<[number, number]> | null {
  const m = groundPolygonM(ground, poly, 1);
  return m ? m.map((p) => roundLL(ground.toLatLon(p))) : null;
}

/** Ground area (m²) of each cell of a cols×rows grid over the image (row-major); null above the horizon. */
export function cellAreasM2(ground: Ground, cols: number, rows: number): Array<number | null> {
  const out: Array<number | null> = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      out.push(zoneAreaM2(ground, [[c / cols, r / rows], [(c + 1) / cols, r / rows], [(c + 1) / cols, (r + 1) / rows], [c / cols, (r + 1) / rows]]));
    }
  }
  return out;
}

/** Counts points (with weights) into a cols×rows grid over the image. */
export function gridCounts(points: ReadonlyArray<{ x: number; y: number }>, weights: readonly number[] | undefined, cols: number, rows: number): Float32Array {
  const g = new Float32Array(cols * rows);
  points.forEach((p, i) => {
    const c = Math.min(cols - 1, Math.max(0, Math.floor(p.x * cols)));
    const r = Math.min(rows - 1, Math.max(0, Math.floor(p.y * rows)));
    g[r * cols + c]! += weights?.[i] ?? 1;
  });
  return g;
}

/**
 * The camera's ground footprint as a [lat, lon] polygon: for each of `n + 1` image columns, the point at the
 * bottom edge and the farthest point up the column still on the ground within `rangeM` of the near edge's middle
 * (bisection: ground distance grows monotonically towards the horizon). Null when the bottom edge is not on the ground.
 */
export function footprint(ground: Ground, rangeM: number, n = 8): Array<[number, number]> | null {
  const near: Pt[] = [];
  const far: Pt[] = [];
  const centre = ground.cameraM ?? ground.toMetres([0.5, 1]);
  if (!centre) return null;
  const within = (p: Pt | null): p is Pt => p !== null && Math.hypot(p[0] - centre[0], p[1] - centre[1]) <= rangeM;
  for (let i = 0; i <= n; i++) {
    const u = i / n;
    const bottom = ground.toMetres([u, 1]);
    if (!bottom) return null;
    near.push(bottom);
    let lo = 1;
    let hi = 0;
    if (within(ground.toMetres([u, 0]))) lo = 0;
    else {
      for (let k = 0; k < 30; k++) {
        const mid = (lo + hi) / 2;
        if (within(ground.toMetres([u, mid]))) lo = mid;
        else hi = mid;
      }
    }
    far.push(ground.toMetres([u, lo]) ?? bottom);
  }
  return [...near, ...far.reverse()].map((p) => roundLL(ground.toLatLon(p)));
}

function roundLL(p: [number, number]): [number, number] {
  return [Math.round(p[0] * 1e7) / 1e7, Math.round(p[1] * 1e7) / 1e7];
}
