/**
 * Ground-plane calibration of a crowd camera: image (normalised 0..1) ↔ ground (metres, lat/lon).
 * Two ways in: ≥ 4 image↔map point pairs (src/rules/calibration.ts GroundCalibration fits the
 * homography by normalised DLT and reports the error per point), or the camera's pose (height, tilt,
 * heading, horizontal field of view): the pinhole model gives the image→ground homography in closed
 * form, which is handed to the same fit as exact pairs so both methods answer through one object.
 * Bad input is refused with a ValidationError whose details name the problem and the error per point.
 */
import { ValidationError, isAppError } from '../../core/errors';
import { GroundCalibration, toLocalMetres } from '../../rules/calibration';
import type { CrowdCalibration, CrowdCalibrationReport } from '../model';

export type Pt = readonly [number, number];
const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;

/** A pair set whose worst point misses by more than this (and by more than 5 % of the extent) is inconsistent. */
const MAX_POINT_ERROR_M = 1.5;

export interface Ground {
  /** Ground position in metres (east, north of `origin`), null above the horizon. */
  toMetres(p: Pt): Pt | null;
  /** [lat, lon] of a ground position in metres. */
  toLatLon(m: Pt): [number, number];
  readonly origin: readonly [number, number];
  readonly report: CrowdCalibrationReport;
  /** Camera position in metres (camera method), else null. */
  readonly cameraM: Pt | null;
}

function wrap(cal: GroundCalibration, cameraM: Pt | null): Ground {
  const origin = cal.origin;
  return {
    origin,
    cameraM,
    report: { rmsErrorM: cal.report.rmsErrorM, maxErrorM: cal.report.maxErrorM, pointErrorsM: cal.report.pointErrorsM },
    toMetres: (p) => cal.toMetres([p[0], p[1]]),
    toLatLon: (m) => [origin[0] + m[1] / EARTH_RADIUS_M / RAD, origin[1] + m[0] / (EARTH_RADIUS_M * Math.cos(origin[0] * RAD)) / RAD],
  };
}

/** Builds (and checks) the ground mapping of a calibration; throws ValidationError (400) with details. */
export function buildGround(c: CrowdCalibration): Ground {
  return c.method === 'points' ? fromPoints(c.pairs) : fromCamera(c);
}

function fromPoints(pairs: ReadonlyArray<{ image: Pt; ground: readonly [number, number] }>): Ground {
  let cal: GroundCalibration;
  try {
    cal = GroundCalibration.fit(pairs.map((p) => ({ image: [p.image[0], p.image[1]], ground: [p.ground[0], p.ground[1]] })));
  } catch (err) {
    if (!isAppError(err) || err.code !== 'validation_failed') throw err;
    const collinear = /one line/.test(err.message);
    throw new ValidationError(err.message.replace('calibration.points', 'calibration.pairs'), {
      field: 'calibration.pairs',
      problem: collinear ? 'collinear' : 'inconsistent',
      // No homography fits all the pairs: each point's error is how far the mapping fitted on the others puts it (null where those cannot define one).
      pointErrorsM: leaveOneOut(pairs),
      imageOffLine: offLine(pairs.map((p) => p.image)),
    });
  }
  const origin = cal.origin;
  const ground = pairs.map((p) => toLocalMetres(p.ground, origin));
  const extent = Math.max(...ground.map((a) => Math.max(...ground.map((b) => Math.hypot(a[0] - b[0], a[1] - b[1])))));
  const limit = Math.max(MAX_POINT_ERROR_M, 0.05 * extent);
  if (cal.report.maxErrorM > limit) {
    const worst = cal.report.pointErrorsM.indexOf(cal.report.maxErrorM);
    throw new ValidationError(
      `calibration.pairs: the pairs are inconsistent: point ${worst + 1} lands ${cal.report.maxErrorM} m from its map position (rms ${cal.report.rmsErrorM} m, at most ${round(limit)} m accepted); check that point's image and map positions`,
      { field: 'calibration.pairs', problem: 'inconsistent', pointErrorsM: cal.report.pointErrorsM, rmsErrorM: cal.report.rmsErrorM, maxErrorM: cal.report.maxErrorM, worstPoint: worst + 1 },
    );
  }
  return wrap(cal, null);
}

/** Per pair: the distance (m) between its map position and where the homography fitted on the other pairs puts its image point. */
function leaveOneOut(pairs: ReadonlyArray<{ image: Pt; ground: readonly [number, number] }>): Array<number | null> {
  if (pairs.length < 5) return pairs.map(() => null);
  return pairs.map((p, i) => {
    try {
      const rest = GroundCalibration.fit(pairs.filter((_, j) => j !== i).map((q) => ({ image: [q.image[0], q.image[1]], ground: [q.ground[0], q.ground[1]] })));
      const m = rest.toMetres([p.image[0], p.image[1]]);
      if (!m) return null;
      const g = toLocalMetres(p.ground, rest.origin);
      return round(Math.hypot(m[0] - g[0], m[1] - g[1]));
    } catch (err) {
      if (isAppError(err) && err.code === 'validation_failed') return null;
      throw err;
    }
  });
}

/** Distance of each image point from the least-squares line through them (normalised image units). */
function offLine(pts: readonly Pt[]): number[] {
  const n = pts.length;
  const cx = pts.reduce((s, p) => s + p[0], 0) / n;
  const cy = pts.reduce((s, p) => s + p[1], 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const p of pts) {
    sxx += (p[0] - cx) ** 2;
    sxy += (p[0] - cx) * (p[1] - cy);
    syy += (p[1] - cy) ** 2;
  }
  const angle = 0.5 * Math.atan2(2 * sxy, sxx - syy);
  const nx = -Math.sin(angle);
  const ny = Math.cos(angle);
  return pts.map((p) => round(Math.abs((p[0] - cx) * nx + (p[1] - cy) * ny), 4));
}

/**
 * Pinhole camera at height h over (lat, lon), looking along `heading` tilted `tilt` below the horizon.
 * Ray of image point (u, v): forward + x·right + y·down with x = (u − ½)·2·tan(hfov/2), y = (v − ½)·2·tan(hfov/2)/aspect;
 * it meets the ground at camera + (h / −ray_up)·ray. Points well below the horizon are mapped and fitted exactly.
 */
function fromCamera(c: Extract<CrowdCalibration, { method: 'camera' }>): Ground {
  const project = cameraProjector(c);
  const pairs: Array<{ image: [number, number]; ground: [number, number] }> = [];
  const cos0 = Math.cos(c.lat * RAD);
  for (let i = 0; i <= 4; i++) {
    for (let j = 0; j <= 4; j++) {
      const u = i / 4;
      const v = j / 4;
      const g = project([u, v]);
      if (!g || Math.hypot(g[0], g[1]) > 2000) continue;
      pairs.push({ image: [u, v], ground: [c.lat + g[1] / EARTH_RADIUS_M / RAD, c.lon + g[0] / (EARTH_RADIUS_M * cos0) / RAD] });
    }
  }
  if (pairs.length < 6) {
    throw new ValidationError(
      `calibration: with tilt ${c.tiltDeg}° and a ${c.hfovDeg}° field of view the camera sees (almost) no ground within 2 km; check the tilt (degrees below the horizontal) and the height`,
      { field: 'calibration', problem: 'no_ground', groundPoints: pairs.length },
    );
  }
  const cal = GroundCalibration.fit(pairs);
  return wrap(cal, toLocalMetres([c.lat, c.lon], cal.origin));
}

/** Image → ground metres relative to the camera's foot point, by the pinhole model; null above the horizon. */
export function cameraProjector(c: { heightM: number; tiltDeg: number; headingDeg: number; hfovDeg: number; aspect?: number }): (p: Pt) => Pt | null {
  const psi = c.headingDeg * RAD;
  const th = c.tiltDeg * RAD;
  const fwd = [Math.sin(psi) * Math.cos(th), Math.cos(psi) * Math.cos(th), -Math.sin(th)];
  const right = [Math.cos(psi), -Math.sin(psi), 0];
  // up = right × forward; down = −up
  const up = [right[1]! * fwd[2]! - right[2]! * fwd[1]!, right[2]! * fwd[0]! - right[0]! * fwd[2]!, right[0]! * fwd[1]! - right[1]! * fwd[0]!];
  const k = 2 * Math.tan((c.hfovDeg * RAD) / 2);
  const aspect = c.aspect ?? 16 / 9;
  return (p) => {
    const x = (p[0] - 0.5) * k;
    const y = ((p[1] - 0.5) * k) / aspect;
    const ray = [0, 1, 2].map((i) => fwd[i]! + x * right[i]! - y * up[i]!);
    if (ray[2]! > -1e-6) return null;
    const t = c.heightM / -ray[2]!;
    return [t * ray[0]!, t * ray[1]!];
  };
}

function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
