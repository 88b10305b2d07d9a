/**
 * The coverage model: which demand points each option (a candidate site with one bearing) covers,
 * and how many existing cameras already cover each point. A camera covers a point within its
 * range (haversine, R = 6,371 km), inside its sector when it has a bearing and field of view, and
 * with a clear line of sight past the obstacles. A spatial grid keeps this near-linear.
 */
import { bearingDeg, haversineM, inSector, LocalProjection } from './geo';
import { PointGrid } from './grid';
import { SightLines } from './sight';
import type { PlanInstance } from './types';

export interface PlanOption {
  /** Index into instance.candidates. */
  site: number;
  bearingDeg: number | null;
}

export interface CoverageModel {
  weights: Float64Array;
  options: PlanOption[];
  /** Options of each candidate site (same index as instance.candidates). */
  siteOptions: number[][];
  /** CSR: the demand points option j covers are optItems[optStart[j] .. optStart[j+1]), ascending. */
  optStart: Int32Array;
  optItems: Int32Array;
  /** Existing cameras covering each point, capped at 2 (all any objective needs). */
  existing: Uint8Array;
}

export interface CoverageSettings {
  radiusM: number;
  fovDeg?: number | null;
  bearingsDeg?: number[] | null;
}

/** The bearings each candidate is tried with: given ones, or evenly spaced by the field of view. */
export function bearingsFor(s: CoverageSettings): Array<number | null> {
  const fov = s.fovDeg ?? null;
  if (fov === null || fov >= 360) return [null];
  if (s.bearingsDeg?.length) return [...new Set(s.bearingsDeg.map((b) => ((b % 360) + 360) % 360))];
  const n = Math.ceil(360 / fov);
  return Array.from({ length: n }, (_, i) => (i * 360) / n);
}

export function buildCoverage(inst: PlanInstance, s: CoverageSettings, onProgress?: (done: number, total: number) => void): CoverageModel {
  const { demand, candidates, existing } = inst;
  const lat0 = demand.length ? demand.reduce((a, d) => a + d.lat, 0) / demand.length : 0;
  const lon0 = demand.length ? demand.reduce((a, d) => a + d.lon, 0) / demand.length : 0;
  const proj = new LocalProjection(lat0, lon0);
  const xs = Float64Array.from(demand, (d) => proj.x(d.lon));
  const ys = Float64Array.from(demand, (d) => proj.y(d.lat));
  const grid = new PointGrid(xs, ys, Math.max(1, s.radiusM));
  const sight = new SightLines(inst.obstacles, proj, Math.max(50, s.radiusM));
  // Grid queries use planar distance with 1 % slack; haversine decides.
  const slack = 1.01;

  const coverOf = (lat: number, lon: number, range: number, bearings: Array<number | null>, fov: number | null, height: number | null): number[][] => {
    const cx = proj.x(lon);
    const cy = proj.y(lat);
    const own = sight.empty ? new Set<number>() : sight.containing(cx, cy);
    const out: number[][] = bearings.map(() => []);
    grid.forEachNear(cx, cy, range * slack, (i) => {
      const d = demand[i]!;
      const dist = haversineM(lat, lon, d.lat, d.lon);
      if (dist > range) return;
      if (!sight.empty && sight.blocked(cx, cy, height, own, xs[i]!, ys[i]!)) return;
      const toPoint = bearings.length > 1 || bearings[0] !== null ? bearingDeg(lat, lon, d.lat, d.lon) : 0;
      for (let b = 0; b < bearings.length; b++) {
        // A point at the camera's own position is inside every sector.
        if (dist < 1e-6 || inSector(bearings[b]!, fov, toPoint)) out[b]!.push(i);
      }
    });
    for (const list of out) list.sort((a, b) => a - b);
    return out;
  };

  const existingCount = new Uint8Array(demand.length);
  for (const cam of existing) {
    const [covered] = coverOf(cam.lat, cam.lon, cam.rangeM ?? s.radiusM, [cam.bearingDeg], cam.fovDeg, null);
    for (const i of covered!) if (existingCount[i]! < 2) existingCount[i]!++;
  }

  const bearings = bearingsFor(s);
  const fov = s.fovDeg ?? null;
  const options: PlanOption[] = [];
  const siteOptions: number[][] = [];
  const lists: number[][] = [];
  candidates.forEach((c, site) => {
    const covers = coverOf(c.lat, c.lon, s.radiusM, bearings, fov, c.height);
    const mine: number[] = [];
    covers.forEach((list, b) => {
      mine.push(options.length);
      options.push({ site, bearingDeg: bearings[b]! });
      lists.push(list);
    });
    siteOptions.push(mine);
    if (onProgress && (site % 200 === 0 || site === candidates.length - 1)) onProgress(site + 1, candidates.length);
  });
  const optStart = new Int32Array(options.length + 1);
  lists.forEach((l, j) => (optStart[j + 1] = optStart[j]! + l.length));
  const optItems = new Int32Array(optStart[options.length]!);
  lists.forEach((l, j) => optItems.set(l, optStart[j]!));
  return { weights: Float64Array.from(demand, (d) => d.weight), options, siteOptions, optStart, optItems, existing: existingCount };
}
