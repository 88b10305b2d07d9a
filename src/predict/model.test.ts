import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MovementModel } from './model';
import { trainModel } from './offline';
import { Predictor } from './predict';
import { buildDataset } from './sim/dataset';

// Cameras ~300 m apart on an east-west street, one side street camera north of B, one far away.
const CAMS: Array<[string, number, number]> = [
  ['A', 22.3, 114.1],
  ['B', 22.3, 114.103],
  ['C', 22.3, 114.106],
  ['D', 22.303, 114.103],
  ['E', 22.3, 114.109],
  ['F', 22.35, 114.2],
];
const T0 = Date.parse('2026-03-03T02:00:00Z'); // a Tuesday, 10:00 in Hong Kong
const S = 1000;

function model(): MovementModel {
  const m = new MovementModel();
  for (const [id, lat, lon] of CAMS) m.addCamera(id, lat, lon);
  return m;
}

/** One trip per call, a fresh hour each time so trips never join. */
let hour = 0;
function trip(m: MovementModel, plate: string, cams: string[], stepS = 60): void {
  let t = T0 + hour++ * 3_600_000;
  for (const c of cams) {
    m.addSighting(plate, c, t);
    t += stepS * S;
  }
}

const ids = (m: MovementModel, xs: Array<{ camera: number }>) => xs.map((x) => m.cameraIds[x.camera]);
const cam = (m: MovementModel, id: string) => m.cameraIndex.get(id)!;

test('transitions: counts per camera pair and a log-normal travel time per pair', () => {
  const m = model();
  for (let i = 0; i < 10; i++) trip(m, `P${i}`, ['A', 'B', 'C'], 50 + i * 2);
  const ab = m.edgeOf(cam(m, 'A'), cam(m, 'B'));
  assert.ok(ab >= 0);
  assert.equal(m.eTotal.a[ab], 10);
  assert.equal(m.edgeOf(cam(m, 'B'), cam(m, 'A')), -1);
  assert.equal(m.transitions, 20);
  const pr = new Predictor(m);
  // Trips hourly from 10:00: six fall in the 10–16 h bucket (50…60 s), four in the 16–20 h one (62…68 s).
  const geo = (xs: number[]) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
  const t = pr.timed(-1, cam(m, 'A'), cam(m, 'B'), 1, T0, 'model');
  assert.ok(Math.abs(t.etaS - geo([50, 52, 54, 56, 58, 60])) < 0.01, `median ${t.etaS}`);
  assert.ok(t.loS < t.etaS && t.etaS < t.hiS);
  const pm = pr.timed(-1, cam(m, 'A'), cam(m, 'B'), 1, T0 + 7 * 3_600_000, 'model');
  assert.ok(Math.abs(pm.etaS - geo([62, 64, 66, 68])) < 0.01, `pm median ${pm.etaS}`);
  // The Markov baseline uses one distribution for all hours.
  const all = pr.timed(-1, cam(m, 'A'), cam(m, 'B'), 1, T0, 'markov1');
  assert.ok(Math.abs(all.etaS - geo([50, 52, 54, 56, 58, 60, 62, 64, 66, 68])) < 0.01);
});

test('a gap longer than the trip gap starts a new trip; repeats and older sightings are not transitions', () => {
  const m = model();
  assert.equal(m.addSighting('X', 'A', T0), 'trip_start');
  assert.equal(m.addSighting('X', 'A', T0 + 2 * S), 'duplicate');
  assert.equal(m.addSighting('X', 'B', T0 + 60 * S), 'transition');
  assert.equal(m.addSighting('X', 'C', T0 + 30 * S), 'out_of_order');
  assert.equal(m.addSighting('X', 'C', T0 + 60 * S + 16 * 60 * S), 'trip_start');
  assert.equal(m.addSighting('X', 'NOPE', T0 + 2_000_000), 'unknown_camera');
  assert.equal(m.transitions, 1);
  assert.equal(m.edgeOf(cam(m, 'B'), cam(m, 'C')), -1);
});

test('second order wins where the data supports it and backs off to first order where not', () => {
  const m = model();
  for (let i = 0; i < 20; i++) trip(m, `P${i}`, ['A', 'B', 'C']);
  for (let i = 0; i < 20; i++) trip(m, `Q${i}`, ['D', 'B', 'E']);
  for (let i = 0; i < 5; i++) trip(m, `R${i}`, ['E', 'B', 'D']);
  const pr = new Predictor(m);
  const from = (prev: string | null, at = T0) => pr.step(-1, prev ? cam(m, prev) : -1, cam(m, 'B'), at, 'model');
  assert.equal(ids(m, from('A'))[0], 'C');
  assert.equal(ids(m, from('D'))[0], 'E');
  assert.ok(from('A')[0]!.p > 0.6);
  // No previous camera (first sighting of a trip), and a previous camera never seen before B: first order.
  const first = ids(m, from(null)).slice(0, 3).sort();
  assert.deepEqual(first, ['C', 'D', 'E']);
  assert.deepEqual(ids(m, from('F')).slice(0, 3), ids(m, from(null)).slice(0, 3));
  // The baselines: markov2 follows the pair, markov1 the camera only.
  assert.equal(ids(m, pr.step(-1, cam(m, 'A'), cam(m, 'B'), T0, 'markov2'))[0], 'C');
  const m1 = pr.step(-1, cam(m, 'A'), cam(m, 'B'), T0, 'markov1');
  assert.ok(Math.abs(m1[0]!.p - 20 / 45) < 1e-9);
});

test("the plate's own habit wins over the population when the plate has history", () => {
  const m = model();
  for (let i = 0; i < 30; i++) trip(m, `P${i}`, ['A', 'B', 'C']);
  for (let i = 0; i < 4; i++) trip(m, 'HABIT', ['A', 'B', 'D']);
  const pr = new Predictor(m);
  const q = [{ camera: cam(m, 'A'), ts: T0 }, { camera: cam(m, 'B'), ts: T0 + 60 * S }];
  const own = pr.predict(m.plateId('HABIT', false), q, { top: 3, method: 'model', steps: 1 });
  assert.equal(ids(m, own.candidates)[0], 'D');
  const other = pr.predict(m.plateId('P3', false), q, { top: 3, method: 'model', steps: 1 });
  assert.equal(ids(m, other.candidates)[0], 'C');
  const unknown = pr.predict(-1, q, { top: 3, method: 'model', steps: 1 });
  assert.equal(ids(m, unknown.candidates)[0], 'C');
  // Population baselines ignore the plate.
  assert.equal(ids(m, pr.predict(m.plateId('HABIT', false), q, { top: 3, method: 'markov2', steps: 1 }).candidates)[0], 'C');
});

test('distance fallback: from a camera never seen as a transition, the nearest cameras ahead, timed by the learned speed', () => {
  const m = model();
  for (let i = 0; i < 10; i++) trip(m, `P${i}`, ['A', 'B'], 40);
  const pr = new Predictor(m);
  // Coming from B to C (never seen), heading east: E (ahead, 300 m) beats B (behind) and the far camera F comes last.
  const r = pr.predict(-1, [{ camera: cam(m, 'B'), ts: T0 }, { camera: cam(m, 'C'), ts: T0 + 40 * S }], { top: 6, method: 'model', steps: 1 });
  assert.equal(ids(m, r.candidates)[0], 'E');
  assert.ok(!ids(m, r.candidates).includes('C'));
  const e = r.candidates[0]!;
  // A→B is ~308 m in 40 s; C→E is about as far: the ETA follows the learned speed.
  assert.ok(Math.abs(e.etaS - 40) < 6, `eta ${e.etaS}`);
  const sum = r.candidates.reduce((s, c) => s + c.p, 0);
  assert.ok(sum <= 1 + 1e-9);
});

test('lookahead: the cameras two and three steps ahead with cumulative times', () => {
  const m = model();
  for (let i = 0; i < 20; i++) trip(m, `P${i}`, ['A', 'B', 'C', 'E'], 60);
  const pr = new Predictor(m);
  const r = pr.predict(-1, [{ camera: cam(m, 'A'), ts: T0 + 30 * 3_600_000 }], { top: 3, method: 'model', steps: 3 });
  assert.equal(ids(m, r.candidates)[0], 'B');
  assert.equal(r.ahead.length, 2);
  assert.equal(ids(m, r.ahead[0]!.candidates)[0], 'C');
  assert.equal(ids(m, r.ahead[1]!.candidates)[0], 'E');
  assert.ok(Math.abs(r.ahead[0]!.candidates[0]!.etaS - 120) < 10);
  assert.ok(Math.abs(r.ahead[1]!.candidates[0]!.etaS - 180) < 15);
});

test('incremental training equals batch training; counts do not depend on the order at all', () => {
  const ds = buildDataset({ seed: 5, vehicles: 80, days: 3, queries: 50, network: { rows: 20, cols: 20, blockM: 220, arterialEvery: 7, originLat: 22.28, originLon: 114.12 }, cameras: 60 });
  const cameras = ds.cameras.map((c) => ({ id: c.camera_id, lat: c.lat, lon: c.lon }));
  // Batch: the whole history at once, handed over in any order (here plate by plate, newest plate first).
  const shuffled = [...ds.history].sort((a, b) => (a.plate < b.plate ? 1 : a.plate > b.plate ? -1 : a.ts - b.ts)).map((h, i) => ({ plate: h.plate, camera: h.camera_id, ts: h.ts, line: i }));
  const { model: batch } = trainModel(cameras, shuffled);
  // Incremental: one sighting at a time as they arrive.
  const inc = new MovementModel();
  for (const c of cameras) inc.addCamera(c.id, c.lat, c.lon);
  for (const h of ds.history) inc.addSighting(h.plate, h.camera_id, h.ts);
  // Plate by plate: every count is the same (travel-time fits may differ a little: see below).
  const byPlate = new MovementModel();
  for (const c of cameras) byPlate.addCamera(c.id, c.lat, c.lon);
  for (const h of shuffled) byPlate.addSighting(h.plate, h.camera, h.ts);
  assert.ok(batch.transitions > 100);
  const counts = (m: MovementModel) => {
    const out: Record<string, number> = {};
    for (let e = 0; e < m.edges; e++) out[`${m.cameraIds[m.eFrom.a[e]!]}>${m.cameraIds[m.eTo.a[e]!]}`] = m.eTotal.a[e]!;
    return { transitions: m.transitions, triples: m.triples, habits: m.habit1.size + m.habit2.size, out };
  };
  assert.deepEqual(counts(inc), counts(batch));
  assert.deepEqual(counts(byPlate), counts(batch));
  const pb = new Predictor(batch);
  const pi = new Predictor(inc);
  const pp = new Predictor(byPlate);
  const run = (pr: Predictor, q: (typeof ds.queries)[number]) => {
    const m = pr.m;
    const trip = q.history.map((h) => ({ camera: m.cameraIndex.get(h.camera_id)!, ts: Date.parse(h.ts) }));
    const r = pr.predict(m.plateId(q.plate, false), trip, { top: 5, method: 'model', steps: 3 });
    const named = (cs: typeof r.candidates) => cs.map((c) => ({ ...c, camera: m.cameraIds[c.camera] }));
    return { next: named(r.candidates), ahead: r.ahead.map((s) => named(s.candidates)) };
  };
  for (const q of ds.queries) {
    const a = run(pb, q);
    assert.deepEqual(run(pi, q), a, q.id);
    // Plate by plate, the outlier guard and the plate's speed factor saw other running means: same ranking, close times.
    const b = run(pp, q);
    assert.deepEqual(b.next.map((c) => c.camera), a.next.map((c) => c.camera), q.id);
    a.next.forEach((c, i) => assert.ok(Math.abs(c.p - b.next[i]!.p) < 1e-9, q.id));
  }
});
