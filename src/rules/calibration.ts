import { ValidationError } from '../core/errors';
import { cross, distance, type Pt } from './geometry';

/**
 * Ground-plane calibration: a homography from the normalised image (0..1, y down) to local metres on the
 * ground (x east, y north, around the points' centroid), fitted by the normalised DLT (Hartley) over
 * ≥ 4 image↔ground pairs in the least-squares sense. It answers "how far, in metres" for rules that
 * measure speed. Only points on the ground plane are meaningful: rules feed it an object's feet.
 */
export interface CalibrationPair {
  image: Pt;
  /** [lat, lon] in degrees (WGS 84). */
  ground: readonly [number, number];
}

export interface CalibrationReport {
  points: number;
  /** Root mean square of the distances between each ground point and where its image point maps to. */
  rmsErrorM: number;
  maxErrorM: number;
  pointErrorsM: number[];
}

const EARTH_RADIUS_M = 6_371_008.8;
/** Ground points further apart than this are not one camera's view (or a typo in a coordinate). */
const MAX_EXTENT_M = 5_000;

type Mat3 = [number, number, number, number, number, number, number, number, number];

function fail(message: string): never {
  throw new ValidationError(`calibration.points: ${message}`, { field: 'calibration.points' });
}

/** Equirectangular projection around `origin`: metres east and north (ample accuracy over a few km). */
export function toLocalMetres(latLon: readonly [number, number], origin: readonly [number, number]): Pt {
  const rad = Math.PI / 180;
  return [(latLon[1] - origin[1]) * rad * Math.cos(origin[0] * rad) * EARTH_RADIUS_M, (latLon[0] - origin[0]) * rad * EARTH_RADIUS_M];
}

function apply(h: Mat3, p: Pt): Pt | null {
  const w = h[6] * p[0] + h[7] * p[1] + h[8];
  if (Math.abs(w) < 1e-12) return null;
  return [(h[0] * p[0] + h[1] * p[1] + h[2]) / w, (h[3] * p[0] + h[4] * p[1] + h[5]) / w];
}

function mul(a: Mat3, b: Mat3): Mat3 {
  const out = new Array<number>(9).fill(0);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) out[r * 3 + c]! += a[r * 3 + k]! * b[k * 3 + c]!;
  return out as Mat3;
}

/** Similarity that moves the centroid to 0 and makes the mean distance √2 (conditions the DLT). */
function normaliser(pts: readonly Pt[]): { t: Mat3; inv: Mat3; scale: number } {
  const cx = pts.reduce((s, p) => s + p[0], 0) / pts.length;
  const cy = pts.reduce((s, p) => s + p[1], 0) / pts.length;
  const mean = pts.reduce((s, p) => s + Math.hypot(p[0] - cx, p[1] - cy), 0) / pts.length;
  const s = mean > 0 ? Math.SQRT2 / mean : 1;
  return { t: [s, 0, -s * cx, 0, s, -s * cy, 0, 0, 1], inv: [1 / s, 0, cx, 0, 1 / s, cy, 0, 0, 1], scale: s };
}

/** Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations; returns eigenvalues and column eigenvectors. */
export function symmetricEigen(m: number[][]): { values: number[]; vectors: number[][] } {
  const n = m.length;
  const a = m.map((r) => [...r]);
  const v: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p]![q]! ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p]![q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k]![p]!;
          const akq = a[k]![q]!;
          a[k]![p] = c * akp - s * akq;
          a[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p]![k]!;
          const aqk = a[q]![k]!;
          a[p]![k] = c * apk - s * aqk;
          a[q]![k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k]![p]!;
          const vkq = v[k]![q]!;
          v[k]![p] = c * vkp - s * vkq;
          v[k]![q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: a.map((r, i) => r[i]!), vectors: v };
}

/** Refuses point sets that cannot define a plane-to-plane mapping: too few distinct, or (nearly) all on one line. */
function checkSpread(pts: readonly Pt[], what: string): void {
  const { t } = normaliser(pts);
  const n = pts.map((p) => apply(t, p)!);
  let best = 0;
  // The largest triangle among the points, in normalised units (mean distance √2): near 0 = on one line.
  for (let i = 0; i < n.length; i++) for (let j = i + 1; j < n.length; j++) for (let k = j + 1; k < n.length; k++) best = Math.max(best, Math.abs(cross(n[i]!, n[j]!, n[k]!)));
  if (best < 1e-3) fail(`the ${what} points lie (almost) on one line; spread them over the ground seen by the camera`);
  if (pts.length === 4) {
    for (let skip = 0; skip < 4; skip++) {
      const tri = n.filter((_, i) => i !== skip);
      if (Math.abs(cross(tri[0]!, tri[1]!, tri[2]!)) < 1e-3) fail(`with 4 points no three may lie on one line, but three of the ${what} points do; move one or add a fifth`);
    }
  }
}

export class GroundCalibration {
  private constructor(
    private readonly h: Mat3,
    /** Sign of the homogeneous w on the ground side of the horizon (fixed by the calibrated points). */
    private readonly groundSign: number,
    readonly origin: readonly [number, number],
    readonly report: CalibrationReport,
  ) {}

  /** Fits the homography; throws ValidationError (field calibration.points) when the points cannot define one. */
  static fit(pairs: readonly CalibrationPair[]): GroundCalibration {
    if (pairs.length < 4) fail(`at least 4 image↔ground pairs are needed, got ${pairs.length}`);
    const origin: [number, number] = [pairs.reduce((s, p) => s + p.ground[0], 0) / pairs.length, pairs.reduce((s, p) => s + p.ground[1], 0) / pairs.length];
    const src = pairs.map((p) => p.image);
    const dst = pairs.map((p) => toLocalMetres(p.ground, origin));
    for (let i = 0; i < pairs.length; i++) {
      for (let j = i + 1; j < pairs.length; j++) {
        if (distance(src[i]!, src[j]!) < 1e-4) fail(`points ${i + 1} and ${j + 1} have the same image position`);
        if (distance(dst[i]!, dst[j]!) < 0.05) fail(`points ${i + 1} and ${j + 1} have the same ground position`);
        if (distance(dst[i]!, dst[j]!) > MAX_EXTENT_M) fail(`points ${i + 1} and ${j + 1} are more than ${MAX_EXTENT_M / 1000} km apart on the ground; check the coordinates ([lat, lon], degrees)`);
      }
    }
    checkSpread(src, 'image');
    checkSpread(dst, 'ground');
    const ns = normaliser(src);
    const nd = normaliser(dst);
    const ata = Array.from({ length: 9 }, () => new Array<number>(9).fill(0));
    for (let i = 0; i < pairs.length; i++) {
      const [x, y] = apply(ns.t, src[i]!)!;
      const [u, v] = apply(nd.t, dst[i]!)!;
      for (const row of [[-x, -y, -1, 0, 0, 0, u * x, u * y, u], [0, 0, 0, -x, -y, -1, v * x, v * y, v]]) {
        for (let r = 0; r < 9; r++) for (let c = 0; c < 9; c++) ata[r]![c]! += row[r]! * row[c]!;
      }
    }
    const { values, vectors } = symmetricEigen(ata);
    const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
    const largest = order[8]![0];
    if (order[1]![0] < largest * 1e-12) fail('the points do not determine one mapping (degenerate layout); spread them over the ground seen by the camera');
    const smallest = order[0]![1];
    const hn = vectors.map((r) => r[smallest]!) as Mat3;
    const h = mul(mul(nd.inv, hn), ns.t);
    // A homography seen through a real camera keeps every calibrated point on one side of the horizon.
    const ws = src.map((p) => h[6] * p[0] + h[7] * p[1] + h[8]);
    if (!ws.every((w) => w > 0) && !ws.every((w) => w < 0)) fail('the pairs do not describe one ground plane seen by the camera; check that each image point is paired with its own ground point');
    const errors = src.map((p, i) => {
      const g = apply(h, p);
      return g ? distance(g, dst[i]!) : Infinity;
    });
    const rms = Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / errors.length);
    return new GroundCalibration(h, Math.sign(ws[0]!), origin, { points: pairs.length, rmsErrorM: round(rms), maxErrorM: round(Math.max(...errors)), pointErrorsM: errors.map(round) });
  }

  /** The fitted homography (row-major 3×3): normalised image point → metres east, north of `origin` (e.g. for single-view height estimates, src/search/height.ts). */
  get matrix(): readonly number[] {
    return this.h;
  }

  /** Ground position (metres east, north of the calibration's centroid) of a normalised image point; null on or above the horizon. */
  toMetres(p: Pt): Pt | null {
    const w = this.h[6] * p[0] + this.h[7] * p[1] + this.h[8];
    if (Math.abs(w) < 1e-12 || Math.sign(w) !== this.groundSign) return null;
    return apply(this.h, p);
  }

  distanceM(a: Pt, b: Pt): number | null {
    const ga = this.toMetres(a);
    const gb = this.toMetres(b);
    return ga && gb ? distance(ga, gb) : null;
  }
}

function round(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 1000) / 1000 : x;
}
