/** Great-circle and local planar geometry for the planner. */
export const EARTH_RADIUS_M = 6_371_000;
const RAD = Math.PI / 180;

export function haversineM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const p1 = lat1 * RAD;
  const p2 = lat2 * RAD;
  const dp = p2 - p1;
  const dl = (lon2 - lon1) * RAD;
  const a = Math.sin(dp / 2) ** 2 + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(Math.min(1, a)));
}

/** Initial great-circle bearing from 1 to 2, degrees clockwise from north in [0, 360). */
export function bearingDeg(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const p1 = lat1 * RAD;
  const p2 = lat2 * RAD;
  const dl = (lon2 - lon1) * RAD;
  const y = Math.sin(dl) * Math.cos(p2);
  const x = Math.cos(p1) * Math.sin(p2) - Math.sin(p1) * Math.cos(p2) * Math.cos(dl);
  return (Math.atan2(y, x) / RAD + 360) % 360;
}

/** Smallest absolute difference of two bearings, in [0, 180]. */
export function angleDiffDeg(a: number, b: number): number {
  const d = Math.abs((((a - b) % 360) + 360) % 360);
  return d > 180 ? 360 - d : d;
}

/** Inside the sector bearing ± fov/2 (a full circle when fov is null or ≥ 360). */
export function inSector(bearing: number | null, fov: number | null, toTarget: number): boolean {
  if (bearing === null || fov === null || fov >= 360) return true;
  return angleDiffDeg(bearing, toTarget) <= fov / 2 + 1e-9;
}

/**
 * Equirectangular projection around a reference latitude: metres east/north. Accurate to well
 * under 0.1 % over a city (tens of km), which is all line-of-sight tests and grid cells need.
 */
export class LocalProjection {
  private readonly kx: number;
  private readonly ky = EARTH_RADIUS_M * RAD;
  constructor(readonly lat0: number, readonly lon0: number) {
    this.kx = EARTH_RADIUS_M * RAD * Math.cos(lat0 * RAD);
  }
  x(lon: number): number {
    return (lon - this.lon0) * this.kx;
  }
  y(lat: number): number {
    return (lat - this.lat0) * this.ky;
  }
}

/** Parameter t ∈ [0,1] along p→q where it crosses segment a→b, or -1 when they do not cross. */
export function segmentCross(px: number, py: number, qx: number, qy: number, ax: number, ay: number, bx: number, by: number): number {
  const rx = qx - px;
  const ry = qy - py;
  const sx = bx - ax;
  const sy = by - ay;
  const den = rx * sy - ry * sx;
  if (den === 0) return -1; // parallel (collinear overlaps are caught by the inside tests)
  const t = ((ax - px) * sy - (ay - py) * sx) / den;
  const u = ((ax - px) * ry - (ay - py) * rx) / den;
  return t >= 0 && t <= 1 && u >= 0 && u <= 1 ? t : -1;
}

/** Even-odd point-in-polygon over all rings (holes subtract). Rings as flat [x0,y0,x1,y1,…]. */
export function pointInRings(x: number, y: number, rings: Float64Array[]): boolean {
  let inside = false;
  for (const r of rings) {
    const n = r.length / 2;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const xi = r[2 * i]!;
      const yi = r[2 * i + 1]!;
      const xj = r[2 * j]!;
      const yj = r[2 * j + 1]!;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}
