import { GroundCalibration, type CalibrationPair } from '../rules/calibration';

/**
 * A person's height from one box, when the camera has a ground calibration (src/rules/calibration.ts).
 *
 * The calibration is a homography H from the normalised image to the ground plane (metres). In the pixels
 * of the analysed frame its inverse is K·[r1 r2 t] up to scale (intrinsics K times the first two rotation
 * columns and the translation). With square pixels and the principal point at the centre, the two
 * constraints of a rotation (r1 ⟂ r2, |r1| = |r2|) give the focal length; then r3 = r1 × r2 is "up", and
 * a point Z metres above the feet projects to a known image row: the height is the Z at which that row
 * is the head's (single-view metrology). A view the constraints cannot fix (looking straight down, a
 * calibration that is not a pinhole view) gives no estimate.
 */
export const HEIGHT_BANDS = { shortBelowM: 1.55, tallFromM: 1.8, minM: 1.0, maxM: 2.4 } as const;
export type HeightClass = 'short' | 'medium' | 'tall';

/** short < 1.55 m ≤ medium < 1.80 m ≤ tall; outside 1.0–2.4 m (sitting, cut off, bad calibration) null. */
export function heightClassOf(m: number | null): HeightClass | null {
  if (m === null || !Number.isFinite(m) || m < HEIGHT_BANDS.minM || m > HEIGHT_BANDS.maxM) return null;
  return m < HEIGHT_BANDS.shortBelowM ? 'short' : m < HEIGHT_BANDS.tallFromM ? 'medium' : 'tall';
}

type V3 = [number, number, number];
const cross = (a: V3, b: V3): V3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const dotv = (a: V3, b: V3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const norm = (a: V3) => Math.hypot(a[0], a[1], a[2]);

function invert3(m: readonly number[]): number[] | null {
  const [a, b, c, d, e, f, g, h, i] = m as [number, number, number, number, number, number, number, number, number];
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (Math.abs(det) < 1e-15) return null;
  const k = 1 / det;
  return [A * k, -(b * i - c * h) * k, (b * f - c * e) * k, B * k, (a * i - c * g) * k, -(a * f - c * d) * k, C * k, -(a * h - b * g) * k, (a * e - b * d) * k];
}

interface Camera {
  f: number;
  r1: V3;
  r2: V3;
  r3: V3;
  t: V3;
}

export class HeightEstimator {
  private readonly cameras = new Map<string, Camera | null>();

  private constructor(private readonly cal: GroundCalibration, private readonly g: number[]) {}

  /** null when the calibration's homography cannot be inverted. */
  static fromCalibration(points: readonly CalibrationPair[]): HeightEstimator | null {
    const cal = GroundCalibration.fit(points);
    const g = invert3(cal.matrix);
    return g ? new HeightEstimator(cal, g) : null;
  }

  /**
   * The camera for frames of this size: square pixels, principal point at the centre, one focal length f
   * (pixels) from r1 ⟂ r2 and |r1| = |r2| in the least-squares sense; null when they do not fix f.
   */
  private camera(width: number, height: number): Camera | null {
    const key = `${width}x${height}`;
    if (this.cameras.has(key)) return this.cameras.get(key)!;
    const g = this.g;
    // ground → centred pixels: G' = T·diag(W, H, 1)·G with T shifting by (−W/2, −H/2)
    const col = (j: number): V3 => [width * g[j]! - (width / 2) * g[6 + j]!, height * g[3 + j]! - (height / 2) * g[6 + j]!, g[6 + j]!];
    const g1 = col(0);
    const g2 = col(1);
    const g3 = col(2);
    // a = 1/f²: (g1x·g2x + g1y·g2y)·a + g1z·g2z = 0 and (|g1xy|² − |g2xy|²)·a + g1z² − g2z² = 0
    const A1 = g1[0] * g2[0] + g1[1] * g2[1], c1 = g1[2] * g2[2];
    const A2 = g1[0] ** 2 + g1[1] ** 2 - g2[0] ** 2 - g2[1] ** 2, c2 = g1[2] ** 2 - g2[2] ** 2;
    const den = A1 * A1 + A2 * A2;
    const a = den > 0 ? -(A1 * c1 + A2 * c2) / den : NaN;
    let cam: Camera | null = null;
    if (a > 0 && Number.isFinite(a)) {
      const f = 1 / Math.sqrt(a);
      const kinv = (v: V3): V3 => [v[0] / f, v[1] / f, v[2]];
      const v1 = kinv(g1), v2 = kinv(g2), v3 = kinv(g3);
      const lambda = (norm(v1) + norm(v2)) / 2;
      let r1 = v1.map((x) => x / norm(v1)) as V3;
      let r2 = v2.map((x) => x / norm(v2)) as V3;
      let t = v3.map((x) => x / lambda) as V3;
      if (t[2] < 0) {
        // the ground in front of the camera has positive depth
        r1 = r1.map((x) => -x) as V3;
        r2 = r2.map((x) => -x) as V3;
        t = t.map((x) => -x) as V3;
      }
      let r3 = cross(r1, r2);
      // camera centre C = −Rᵀt: "up" is the side of the ground the camera is on
      if (-dotv(r3, t) < 0) r3 = r3.map((x) => -x) as V3;
      // a real rotation: r1 and r2 (nearly) orthogonal, else the calibration does not describe a pinhole view
      if (Math.abs(dotv(r1, r2)) < 0.1) cam = { f, r1, r2, r3, t };
    }
    this.cameras.set(key, cam);
    return cam;
  }

  /** Height in metres of an upright object with its feet and head at these pixels of a frame; null if not measurable. */
  heightM(feet: readonly [number, number], head: readonly [number, number], frame: { width: number; height: number }): number | null {
    const c = this.camera(frame.width, frame.height);
    if (!c) return null;
    const ground = this.cal.toMetres([feet[0] / frame.width, feet[1] / frame.height]);
    if (!ground) return null;
    const q: V3 = [0, 1, 2].map((i) => c.r1[i]! * ground[0] + c.r2[i]! * ground[1] + c.t[i]!) as V3;
    if (q[2] <= 0) return null;
    const vh = head[1] - frame.height / 2;
    const den = c.f * c.r3[1] - vh * c.r3[2];
    if (Math.abs(den) < 1e-12) return null;
    const z = (vh * q[2] - c.f * q[1]) / den;
    return Number.isFinite(z) && z > 0 ? z : null;
  }

  /** From a box [x, y, w, h] in pixels of a frame: feet = bottom centre, head = top centre; a box cut by the frame edge gives null. */
  heightOfBox(box: readonly [number, number, number, number], frame: { width: number; height: number }): number | null {
    const [x, y, w, h] = box;
    if (y <= 1 || y + h >= frame.height - 1 || h <= 0) return null;
    return this.heightM([x + w / 2, y + h], [x + w / 2, y], frame);
  }
}
