import type { Box } from '../detect/types';

/**
 * Constant-velocity Kalman filter on [cx, cy, a, h] (centre, aspect ratio w/h, height), as SORT and ByteTrack
 * use, but driven by elapsed time instead of frame counts: frames arrive at irregular 1–5 fps from the live
 * sampler and at video rate from files, so velocities are per second and the process noise grows with dt.
 *
 * With the diagonal noise of ByteTrack the four coordinates never become correlated, so the 8×8 filter is
 * exactly four independent 2-state filters [position, velocity]; storing them that way makes predict/update
 * a handful of multiplications (the tracker runs this for every track on every frame).
 */

/** ByteTrack's noise weights, expressed per frame at 30 fps (its reference rate). */
const STD_POS = 1 / 20;
const STD_VEL = 1 / 160;
const REF_DT_S = 1 / 30;

export interface KalmanState {
  /** [cx, cy, a, h] */
  x: Float64Array;
  /** velocities per second of [cx, cy, a, h] */
  v: Float64Array;
  /** per coordinate covariance [P_pp, P_pv, P_vv] laid out as 3 values × 4 coordinates */
  p: Float64Array;
}

export function boxToMeasurement(b: Box): [number, number, number, number] {
  const h = Math.max(b[3], 1e-6);
  return [b[0] + b[2] / 2, b[1] + b[3] / 2, b[2] / h, h];
}

export function stateToBox(s: KalmanState): Box {
  const h = Math.max(s.x[3]!, 1);
  const w = Math.max(s.x[2]!, 1e-3) * h;
  return [s.x[0]! - w / 2, s.x[1]! - h / 2, w, h];
}

export function initiate(b: Box): KalmanState {
  const z = boxToMeasurement(b);
  const h = z[3];
  const posStd = [2 * STD_POS * h, 2 * STD_POS * h, 1e-2, 2 * STD_POS * h];
  const velStd = [(10 * STD_VEL * h) / REF_DT_S, (10 * STD_VEL * h) / REF_DT_S, 1e-5 / REF_DT_S, (10 * STD_VEL * h) / REF_DT_S];
  const p = new Float64Array(12);
  for (let i = 0; i < 4; i++) {
    p[i * 3] = posStd[i]! ** 2;
    p[i * 3 + 2] = velStd[i]! ** 2;
  }
  return { x: Float64Array.from(z), v: new Float64Array(4), p };
}

/**
 * Moves the state `dtS` seconds forward. The process noise is ByteTrack's per-frame noise scaled by dt/(1/30 s),
 * so at 30 fps this is ByteTrack's filter and at 1 fps the uncertainty is what 30 of its steps would add.
 */
export function predict(s: KalmanState, dtS: number, freezeHeight = false): void {
  if (dtS <= 0) return;
  if (freezeHeight) s.v[3] = 0;
  const h = Math.max(s.x[3]!, 1);
  const k = dtS / REF_DT_S;
  for (let i = 0; i < 4; i++) {
    const qp = (i === 2 ? 1e-2 : STD_POS * h) ** 2 * k;
    const qv = ((i === 2 ? 1e-5 : STD_VEL * h) / REF_DT_S) ** 2 * k;
    const o = i * 3;
    const pp = s.p[o]!;
    const pv = s.p[o + 1]!;
    const vv = s.p[o + 2]!;
    s.x[i] = s.x[i]! + s.v[i]! * dtS;
    s.p[o] = pp + 2 * dtS * pv + dtS * dtS * vv + qp;
    s.p[o + 1] = pv + dtS * vv;
    s.p[o + 2] = vv + qv;
  }
}

/** Corrects the state with a measured box. */
export function update(s: KalmanState, b: Box): void {
  const z = boxToMeasurement(b);
  const h = Math.max(s.x[3]!, 1);
  for (let i = 0; i < 4; i++) {
    const r = (i === 2 ? 1e-1 : STD_POS * h) ** 2;
    const o = i * 3;
    const pp = s.p[o]!;
    const pv = s.p[o + 1]!;
    const vv = s.p[o + 2]!;
    const sInv = 1 / (pp + r);
    const k0 = pp * sInv;
    const k1 = pv * sInv;
    const y = z[i]! - s.x[i]!;
    s.x[i] = s.x[i]! + k0 * y;
    s.v[i] = s.v[i]! + k1 * y;
    s.p[o] = (1 - k0) * pp;
    s.p[o + 1] = (1 - k0) * pv;
    s.p[o + 2] = vv - k1 * pv;
  }
}
