import type { CameraIn, QueryIn, SightingIn, TruthIn } from './io';
import { MovementModel, type ModelOptions } from './model';
import { type Method, Predictor } from './predict';

/**
 * The offline path of `smartview predict next|evaluate`: train on a history file, answer queries
 * in the output format of the issue (and of ../shared/checks/predict_score.py), score them.
 */
export function trainModel(cameras: CameraIn[], sightings: SightingIn[], opts: Partial<ModelOptions> = {}): { model: MovementModel; outOfOrder: number } {
  const model = new MovementModel(opts);
  for (const c of cameras) model.addCamera(c.id, c.lat, c.lon);
  // In time order, as they would have arrived live: batch training is then exactly incremental training.
  const ordered = [...sightings].sort((a, b) => a.ts - b.ts || (a.plate < b.plate ? -1 : a.plate > b.plate ? 1 : 0));
  let outOfOrder = 0;
  for (const s of ordered) if (model.addSighting(s.plate, s.camera, s.ts) === 'out_of_order') outOfOrder++;
  return { model, outOfOrder };
}

export interface OutCandidate {
  camera_id: string;
  p: number;
  eta_s: number;
  eta_lo_s?: number;
  eta_hi_s?: number;
}

export interface Answer {
  id: string;
  candidates: OutCandidate[];
  ahead?: Array<{ step: number; candidates: OutCandidate[] }>;
  warnings?: string[];
}

export interface AnswerOptions {
  top: number;
  method: Method;
  /** Adds the 10–90 % interval and the cameras two and three steps ahead. */
  detail: boolean;
  /** Wall-clock time (ms): sightings after it are reported as in the future. */
  wallNow: number;
}

const r1 = (x: number) => Math.round(x * 10) / 10;
const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

export function answer(pred: Predictor, q: QueryIn, o: AnswerOptions): Answer {
  const m = pred.m;
  const warnings = [...q.warnings];
  const unknown = q.history.filter((h) => !m.cameraIndex.has(h.camera)).map((h) => h.camera);
  if (unknown.length) warnings.push(`unknown camera(s) ${[...new Set(unknown)].join(', ')} ignored`);
  let trip = q.history.filter((h) => m.cameraIndex.has(h.camera)).map((h) => ({ camera: m.cameraIndex.get(h.camera)!, ts: h.ts }));
  if (trip.some((s, i) => i > 0 && s.ts < trip[i - 1]!.ts)) {
    warnings.push('history was not in time order; sorted');
    trip = trip.slice().sort((a, b) => a.ts - b.ts);
  }
  const deduped = trip.filter((s, i) => i === 0 || s.camera !== trip[i - 1]!.camera || s.ts !== trip[i - 1]!.ts);
  if (deduped.length < trip.length) warnings.push(`${trip.length - deduped.length} duplicated sighting(s) removed`);
  trip = deduped;
  if (q.now !== null) {
    const after = trip.filter((s) => s.ts > q.now!).length;
    if (after) {
      warnings.push(`${after} sighting(s) after "now" ignored`);
      trip = trip.filter((s) => s.ts <= q.now!);
    }
  }
  if (trip.some((s) => s.ts > o.wallNow)) warnings.push('sighting time(s) in the future (after the current time)');
  if (!trip.length) {
    warnings.push('no usable sighting in "history": nothing to predict from');
    return { id: q.id, candidates: [], warnings };
  }
  let plate = -1;
  if (q.plate !== null && o.method === 'model') {
    plate = m.plateId(q.plate, false);
    if (plate < 0) warnings.push(`plate ${q.plate} has no earlier sightings: predicted from all vehicles`);
  }
  const last = trip[trip.length - 1]!;
  const now = q.now ?? last.ts;
  const shift = (last.ts - now) / 1000;
  const res = pred.predict(plate, trip, { top: o.top, method: o.method, steps: o.detail ? 3 : 1 });
  const out = (c: { camera: number; p: number; etaS: number; loS: number; hiS: number }): OutCandidate => {
    const base: OutCandidate = { camera_id: m.cameraIds[c.camera]!, p: r4(c.p), eta_s: r1(Math.max(0, c.etaS + shift)) };
    if (o.detail) Object.assign(base, { eta_lo_s: r1(Math.max(0, c.loS + shift)), eta_hi_s: r1(Math.max(0, c.hiS + shift)) });
    return base;
  };
  const a: Answer = { id: q.id, candidates: res.candidates.map(out) };
  if (o.detail) a.ahead = res.ahead.map((s) => ({ step: s.step, candidates: s.candidates.map(out) }));
  if (warnings.length) a.warnings = warnings;
  return a;
}

export interface Score {
  n: number;
  missing: number;
  top1: number;
  top3: number;
  etaN: number;
  etaMedianAbsErrS: number | null;
  etaP90AbsErrS: number | null;
  /** Median of |ETA error| / true travel time over the correct top-1 answers. */
  etaMedianRelErr: number | null;
  medianTravelS: number | null;
}

/** Scores answers the way predict_score.py does (ranked by p, top-1/top-3, ETA error of correct top-1). */
export function score(answers: Map<string, Answer>, truth: Map<string, TruthIn>, nowById: Map<string, number>): Score {
  let top1 = 0;
  let top3 = 0;
  let missing = 0;
  const err: number[] = [];
  const rel: number[] = [];
  const travel: number[] = [];
  for (const t of truth.values()) {
    const a = answers.get(t.id);
    if (!a) {
      missing++;
      continue;
    }
    const ids = [...new Set(a.candidates.map((c) => c.camera_id))];
    const now = nowById.get(t.id);
    if (ids[0] === t.next) {
      top1++;
      if (now !== undefined) {
        const trueS = (t.ts - now) / 1000;
        const e = Math.abs(a.candidates[0]!.eta_s - trueS);
        err.push(e);
        travel.push(trueS);
        if (trueS > 0) rel.push(e / trueS);
      }
    }
    if (ids.slice(0, 3).includes(t.next)) top3++;
  }
  const n = truth.size;
  return {
    n,
    missing,
    top1: n ? top1 / n : 0,
    top3: n ? top3 / n : 0,
    etaN: err.length,
    etaMedianAbsErrS: quantile(err, 0.5),
    etaP90AbsErrS: quantile(err, 0.9),
    etaMedianRelErr: quantile(rel, 0.5),
    medianTravelS: quantile(travel, 0.5),
  };
}

/** Linear-interpolated quantile (as predict_score.py). */
export function quantile(xs: number[], q: number): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const k = (s.length - 1) * q;
  const lo = Math.floor(k);
  const hi = Math.ceil(k);
  return s[lo]! + (s[hi]! - s[lo]!) * (k - lo);
}
