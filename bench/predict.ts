/**
 * Interception (next camera) benchmark.
 *
 *   npx tsx bench/predict.ts [--smoke] [--sightings 10000000] [--seed 1]
 *
 * 1. Accuracy on held-back days of simulated city traffic (src/predict/sim: 2,000 vehicles,
 *    16 days, the last 3 held back, 300 cameras on a 2,500-junction network): top-1 / top-3 and
 *    arrival-time error of the model and, in the same run, of the baselines (nearest camera,
 *    first- and second-order Markov on all vehicles). The model's answers are also scored by
 *    ../shared/checks/predict_score.py when python3 and ../shared are there.
 * 2. Training speed on N cheap synthetic sightings (random trips on a 20,000-camera grid,
 *    plates with a usual route): the full model, and as its baseline a bare first-order pair counter.
 * 3. Prediction latency (p50/p95) on that model: next camera, next + 2 and 3 steps ahead, baselines.
 * Prints one JSON line on stdout; progress on stderr.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseTs } from '../src/predict/io';
import { MovementModel } from '../src/predict/model';
import { answer, type Answer, score, trainModel } from '../src/predict/offline';
import { METHODS, Predictor } from '../src/predict/predict';
import { buildDataset } from '../src/predict/sim/dataset';
import { mulberry32 } from '../src/predict/sim/random';
import { args, finish, intArg, log, machine } from './lib/common';
import { latencyStats, round } from './lib/stats';

const a = args({ smoke: 'boolean', sightings: 'string', seed: 'string' });
const smoke = a.smoke === true;
const N = intArg(a.sightings, smoke ? 500_000 : 10_000_000);
const SEED = intArg(a.seed, 1);
const SCORER = path.resolve(import.meta.dirname, '../../shared/checks/predict_score.py');

function accuracy() {
  const t0 = performance.now();
  const ds = buildDataset(smoke ? { seed: SEED, vehicles: 400, days: 8, queries: 500 } : { seed: SEED });
  log(`simulated ${ds.meta.sightings} sightings (${ds.history.length} history, ${ds.queries.length} queries) in ${Math.round(performance.now() - t0)} ms`);
  const t1 = performance.now();
  const { model } = trainModel(
    ds.cameras.map((c) => ({ id: c.camera_id, lat: c.lat, lon: c.lon })),
    ds.history.map((h, i) => ({ plate: h.plate, camera: h.camera_id, ts: h.ts, line: i })),
  );
  const trainMs = round(performance.now() - t1, 1);
  const pred = new Predictor(model);
  const truth = new Map(ds.truth.map((t) => [t.id, { id: t.id, next: t.next_camera, ts: parseTs(t.ts) }]));
  const nowById = new Map(ds.queries.map((q) => [q.id, parseTs(q.now)]));
  const queries = ds.queries.map((q, i) => ({ line: i + 1, id: q.id, plate: q.plate, history: q.history.map((h) => ({ camera: h.camera_id, ts: parseTs(h.ts) })), now: parseTs(q.now), warnings: [] }));
  const methods: Record<string, unknown> = {};
  let modelAnswers: Answer[] = [];
  for (const method of METHODS) {
    const answers = queries.map((q) => answer(pred, q, { top: 5, method, detail: false, wallNow: Date.now() }));
    if (method === 'model') modelAnswers = answers;
    const s = score(new Map(answers.map((x) => [x.id, x])), truth, nowById);
    methods[method] = { top1: round(s.top1, 4), top3: round(s.top3, 4), etaN: s.etaN, etaMedianAbsErrS: s.etaMedianAbsErrS && round(s.etaMedianAbsErrS, 1), etaMedianRelErr: s.etaMedianRelErr && round(s.etaMedianRelErr, 3), medianTravelS: s.medianTravelS && round(s.medianTravelS, 1) };
    log(`${method.padEnd(8)} top-1 ${(s.top1 * 100).toFixed(1)} %  top-3 ${(s.top3 * 100).toFixed(1)} %  |ETA err| median ${s.etaMedianAbsErrS?.toFixed(1)} s = ${((s.etaMedianRelErr ?? 0) * 100).toFixed(1)} % of travel time`);
  }
  let predictScore: unknown = 'skipped: python3 or ../shared/checks/predict_score.py not available';
  if (existsSync(SCORER) && spawnSync('python3', ['--version']).status === 0) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-bench-predict-'));
    try {
      const f = (n: string, rows: unknown[]) => writeFileSync(path.join(dir, n), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
      f('pred.jsonl', modelAnswers.map((x) => ({ id: x.id, candidates: x.candidates })));
      f('truth.jsonl', ds.truth);
      f('queries.jsonl', ds.queries);
      const r = spawnSync('python3', [SCORER, path.join(dir, 'pred.jsonl'), '--truth', path.join(dir, 'truth.jsonl'), '--queries', path.join(dir, 'queries.jsonl'), '--json'], { encoding: 'utf8' });
      predictScore = r.status === 0 ? JSON.parse(r.stdout) : `failed: ${r.stderr.slice(0, 300)}`;
      log('predict_score.py on the model:', r.stdout.trim());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return { dataset: ds.meta, trainMs, methods, predictScore };
}

/** Cheap synthetic sightings: a 20,000-camera grid, each plate with a usual route and random trips. */
function synthetic(n: number) {
  const rng = mulberry32(SEED + 99);
  const side = smoke ? 60 : 141;
  const cams = side * side;
  const plates = Math.max(1000, Math.round(n / 40));
  const plate = new Uint32Array(n);
  const cam = new Uint32Array(n);
  const ts = new Float64Array(n);
  const base = Date.parse('2026-03-02T00:00:00Z');
  let k = 0;
  const step = (c: number) => {
    const r = Math.floor(c / side);
    const q = c % side;
    const d = Math.floor(rng() * 4);
    const nr = Math.min(side - 1, Math.max(0, r + (d === 0 ? 1 : d === 1 ? -1 : 0)));
    const nq = Math.min(side - 1, Math.max(0, q + (d === 2 ? 1 : d === 3 ? -1 : 0)));
    return nr * side + nq;
  };
  for (let p = 0; p < plates && k < n; p++) {
    const home = Math.floor(rng() * cams);
    let t = base + rng() * 3_600_000 * 6;
    while (k < n && t < base + 30 * 86_400_000) {
      // A usual route (same rng stream per plate) most days, otherwise a random walk.
      let c = home;
      const usual = rng() < 0.6;
      const own = mulberry32(p * 7919 + 1);
      const len = 5 + Math.floor(rng() * 15);
      for (let i = 0; i < len && k < n; i++) {
        plate[k] = p;
        cam[k] = c;
        ts[k++] = t;
        t += (30 + rng() * 120) * 1000;
        c = usual ? stepWith(c, own, side) : step(c);
      }
      t += (2 + rng() * 20) * 3_600_000;
    }
  }
  return { cams, side, plates, plate, cam, ts, n: k };
}

function stepWith(c: number, r: () => number, side: number): number {
  const row = Math.floor(c / side);
  const q = c % side;
  const d = Math.floor(r() * 4);
  const nr = Math.min(side - 1, Math.max(0, row + (d === 0 ? 1 : d === 1 ? -1 : 0)));
  const nq = Math.min(side - 1, Math.max(0, q + (d === 2 ? 1 : d === 3 ? -1 : 0)));
  return nr * side + nq;
}

function speed() {
  let t0 = performance.now();
  const s = synthetic(N);
  log(`generated ${s.n} synthetic sightings of ${s.plates} plates on ${s.cams} cameras in ${Math.round(performance.now() - t0)} ms`);
  // Baseline: a bare first-order pair counter (no times, buckets, second order or habits).
  t0 = performance.now();
  const pairs = new Map<number, number>();
  const lastCam = new Int32Array(s.plates).fill(-1);
  const lastTs = new Float64Array(s.plates);
  for (let i = 0; i < s.n; i++) {
    const p = s.plate[i]!;
    const c = s.cam[i]!;
    if (lastCam[p]! >= 0 && s.ts[i]! - lastTs[p]! <= 900_000 && c !== lastCam[p]) {
      const key = lastCam[p]! * 2 ** 27 + c;
      pairs.set(key, (pairs.get(key) ?? 0) + 1);
    }
    lastCam[p] = c;
    lastTs[p] = s.ts[i]!;
  }
  const baselineMs = round(performance.now() - t0, 0);
  log(`baseline pair counter: ${baselineMs} ms (${pairs.size} pairs)`);
  const heap0 = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const m = new MovementModel();
  for (let c = 0; c < s.cams; c++) m.addCamera(`K${c}`, 22.2 + Math.floor(c / s.side) * 0.0027, 113.9 + (c % s.side) * 0.003);
  const plateIds = new Int32Array(s.plates);
  for (let p = 0; p < s.plates; p++) plateIds[p] = m.plateId(`P${p}`, true);
  t0 = performance.now();
  for (let i = 0; i < s.n; i++) m.addSightingIds(plateIds[s.plate[i]!]!, s.cam[i]!, s.ts[i]!);
  const trainMs = round(performance.now() - t0, 0);
  const heap1 = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const mem = m.memoryBytes();
  log(`model: ${trainMs} ms for ${s.n} sightings (${round(s.n / (trainMs / 1000) / 1e6, 2)} M/s), ${m.transitions} transitions, ${m.edges} pairs, ${m.triples} triples, columns ${round(mem.columns / 2 ** 20, 1)} MiB, maps ~${round(mem.maps / 2 ** 20, 1)} MiB, heap +${round((heap1 - heap0) / 2 ** 20, 1)} MiB`);

  const pred = new Predictor(m);
  const rng = mulberry32(SEED + 5);
  const lat: Record<string, number[]> = { model: [], modelAhead3: [], markov2: [], markov1: [], nearest: [] };
  for (let i = 0; i < (smoke ? 500 : 5000); i++) {
    const j = 1 + Math.floor(rng() * (s.n - 2));
    const p = plateIds[s.plate[j]!]!;
    const trip = s.plate[j - 1] === s.plate[j] ? [{ camera: s.cam[j - 1]!, ts: s.ts[j - 1]! }, { camera: s.cam[j]!, ts: s.ts[j]! }] : [{ camera: s.cam[j]!, ts: s.ts[j]! }];
    for (const [name, method, steps] of [['model', 'model', 1], ['modelAhead3', 'model', 3], ['markov2', 'markov2', 1], ['markov1', 'markov1', 1], ['nearest', 'nearest', 1]] as const) {
      const t = performance.now();
      pred.predict(name === 'nearest' ? -1 : p, trip, { top: 5, method, steps });
      lat[name]!.push(performance.now() - t);
    }
  }
  const latency = Object.fromEntries(Object.entries(lat).map(([k, v]) => [k, latencyStats(v.slice(50))]));
  log('prediction latency ms:', JSON.stringify(Object.fromEntries(Object.entries(latency).map(([k, v]) => [k, { p50: v.p50, p95: v.p95 }]))));
  return {
    sightings: s.n,
    plates: s.plates,
    cameras: s.cams,
    trainMs,
    trainSightingsPerS: Math.round(s.n / (trainMs / 1000)),
    baselinePairCounterMs: baselineMs,
    transitions: m.transitions,
    pairs: m.edges,
    triples: m.triples,
    habitSlots: m.pool1.size + m.pool2.size,
    columnsMiB: round(mem.columns / 2 ** 20, 1),
    mapsMiBEstimate: round(mem.maps / 2 ** 20, 1),
    heapGrowthMiB: round((heap1 - heap0) / 2 ** 20, 1),
    latencyMs: latency,
  };
}

log(`predict benchmark${smoke ? ' (smoke)' : ''}: accuracy on simulated traffic, then training on ${N} sightings`);
const acc = accuracy();
const spd = speed();
finish({ bench: 'predict', smoke, date: new Date().toISOString(), machine: machine(), accuracy: acc, speed: spd });
