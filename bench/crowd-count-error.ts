/**
 * Crowd count error: mean absolute error (MAE) and MAE / mean true count, on frames with ≥ 10 people.
 *
 *   npx tsx bench/crowd-count-error.ts [--smoke] [--sweep]
 *
 * Sets: MOT17 frames of ../shared/mot (pedestrians as ../shared/checks/motscore.py counts them) and the dense
 * mosaics of test/fixtures/crowd/mosaics.json (k×k MOT17 frames in one 1920×1080 frame). Counters: the built-in
 * CenterNet and, when ../shared has it, YOLOX-nano 416; each whole-frame only (the baseline), tiled (whole
 * frame + the fixed tile grid, merged) and adaptive (+ refinement sub-tiles where people are small: YOLOX-nano's default, opt-in for CenterNet;
 * src/crowd/count/refine.ts; --small-below/--min-people/--refine-max/--sub-tile/--sub-min override it).
 * --split calib|eval|all (default all): the held-apart split of bench/crowd-count-refine-sweep.ts. Detection runs once per frame at a low threshold; counts at each threshold
 * come from the same boxes (filter, then merge), so --sweep costs nothing more. Target: MAE ≤ 10 % of the true
 * count. --tile-size/--max-tiles/--overlap change the tiling; --only centernet skips YOLOX. Prints a table on stderr and one JSON line on stdout. --smoke: 2 frames per set, CenterNet only.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DetectorCounter } from '../src/crowd/count/detector-counter';
import { mergeCandidates, type Candidate } from '../src/crowd/count/tiling';
import { loadDefaultDetector } from '../src/detect/default-detector';
import { loadOnnxDetector } from '../src/detect/onnx-detector';
import type { Detector, RgbImage } from '../src/detect/types';
import { DEFAULT_TOOLS } from '../src/media/ffmpeg';
import { decodeImageFile } from '../src/media/images';
import { SHARED_DIR } from '../test/support/shared';
import { buildMosaic, loadMosaicSpecs, motFrames } from './crowd-count-data';

const { values: a } = parseArgs({ options: { smoke: { type: 'boolean' }, sweep: { type: 'boolean' }, 'tile-size': { type: 'string' }, 'max-tiles': { type: 'string' }, overlap: { type: 'string' }, only: { type: 'string' }, 'small-below': { type: 'string' }, 'min-people': { type: 'string' }, 'refine-max': { type: 'string' }, 'sub-tile': { type: 'string' }, 'sub-min': { type: 'string' }, split: { type: 'string' } }, strict: true });
const smoke = a.smoke === true;
const log = (s: string): void => void process.stderr.write(s + '\n');
const YOLOX = path.join(SHARED_DIR, 'models/detection/yolox_nano_416.onnx');
const LOW = 0.1;
const SWEEP = [0.15, 0.2, 0.25, 0.28, 0.3, 0.32, 0.34, 0.35, 0.4, 0.45, 0.5];

interface Frame {
  set: 'mot17' | 'mosaic';
  name: string;
  truth: number;
  load(): Promise<RgbImage>;
}

const frames: Frame[] = [];
for (const f of motFrames()) frames.push({ set: 'mot17', name: f.name, truth: f.truth, load: () => decodeImageFile(DEFAULT_TOOLS, f.path!) });
if (existsSync(path.join(SHARED_DIR, 'mot'))) for (const m of loadMosaicSpecs()) frames.push({ set: 'mosaic', name: m.name, truth: m.truth, load: () => buildMosaic(m) });
if (!frames.length) {
  log('../shared/mot is absent: nothing to measure');
  console.log(JSON.stringify({ bench: 'crowd-count-error', skipped: '../shared/mot absent' }));
  process.exit(0);
}
const sets = { mot17: frames.filter((f) => f.set === 'mot17' && f.truth >= 10), mosaic: frames.filter((f) => f.set === 'mosaic') };
// Held-apart split: thresholds and refinement settings are chosen on 'calib', reported on 'eval' (and 'all').
const CALIB = new Set(['MOT17-02-FRCNN/000001.jpg', 'MOT17-02-FRCNN/000003.jpg', 'mosaic-2x2-a', 'mosaic-3x3-a']);
const split = a.split ?? 'all';
if (!['calib', 'eval', 'all'].includes(split)) throw new Error(`--split must be calib, eval or all; got ${split}`);
if (split !== 'all') for (const k of ['mot17', 'mosaic'] as const) sets[k] = sets[k].filter((f) => CALIB.has(f.name) === (split === 'calib'));
if (smoke) {
  sets.mot17 = sets.mot17.slice(0, 2);
  sets.mosaic = sets.mosaic.slice(0, 2);
}
const used = [...sets.mot17, ...sets.mosaic];
const images = new Map<string, RgbImage>();
for (const f of used) images.set(f.name, await f.load());

const detectors: Array<{ key: string; load(): Promise<Detector> }> = [{ key: 'centernet', load: () => loadDefaultDetector() }];
if (!smoke && a.only !== 'centernet' && existsSync(YOLOX)) detectors.push({ key: 'yolox_nano', load: () => loadOnnxDetector({ model: YOLOX, family: 'yolox', threads: 1 }) });

function num(k: 'tile-size' | 'max-tiles' | 'overlap' | 'small-below' | 'min-people' | 'refine-max' | 'sub-tile' | 'sub-min'): number | undefined {
  return a[k] === undefined ? undefined : Number(a[k]);
}
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
interface Row {
  detector: string;
  mode: 'whole' | 'tiled' | 'adaptive';
  /** Mean model runs per frame. */
  runs: number;
  set: 'mot17' | 'mosaic';
  threshold: number;
  frames: number;
  meanTruth: number;
  mae: number;
  relMae: number;
  counts: number[];
}
const rows: Row[] = [];
for (const d of detectors) {
  const det = await d.load();
  try {
    for (const mode of ['whole', 'tiled', 'adaptive'] as const) {
      const refine = { enabled: mode === 'adaptive', smallBelow: num('small-below'), minPeople: num('min-people'), maxTiles: num('refine-max'), subTile: num('sub-tile'), subMinPeople: num('sub-min') };
      const counter = await DetectorCounter.create({ detector: det, tiling: { mode: mode === 'whole' ? 'never' : 'auto', tileSize: num('tile-size'), maxTiles: num('max-tiles'), overlap: num('overlap'), refine } });
      const cands = new Map<string, { cands: Candidate[]; tiled: boolean; runs: number }>();
      for (const f of used) cands.set(f.name, await counter.detectCandidates(images.get(f.name)!, undefined, LOW));
      // the counter's own default (0.32 fixed grid, 0.34 adaptive for CenterNet); sub-tiles keep their offset
      const thresholds = a.sweep ? [...new Set([counter.threshold, ...SWEEP])].sort() : [counter.threshold];
      const fineOf = (t: number) => counter.fineThreshold + (t - counter.threshold);
      for (const set of ['mot17', 'mosaic'] as const) {
        const fs = sets[set];
        if (!fs.length) continue;
        for (const t of thresholds) {
          const counts = fs.map((f) => {
            const c = cands.get(f.name)!;
            const kept = c.cands.filter((x) => x.score >= (x.fine ? fineOf(t) : t));
            return (c.tiled ? mergeCandidates(kept) : kept).length;
          });
          const meanTruth = fs.reduce((s, f) => s + f.truth, 0) / fs.length;
          const mae = fs.reduce((s, f, i) => s + Math.abs(counts[i]! - f.truth), 0) / fs.length;
          const runs = round(fs.reduce((s2, f) => s2 + cands.get(f.name)!.runs, 0) / fs.length, 1);
          rows.push({ detector: d.key, mode, runs, set, threshold: t, frames: fs.length, meanTruth: round(meanTruth, 1), mae: round(mae, 2), relMae: round(mae / meanTruth), counts });
        }
      }
    }
  } finally {
    await det.close();
  }
}

log('detector    mode      runs  set     thr   frames  mean truth  MAE     MAE/truth  counts');
for (const r of rows) log(`${r.detector.padEnd(11)} ${r.mode.padEnd(9)} ${String(r.runs).padStart(4)}  ${r.set.padEnd(7)} ${r.set.padEnd(7)} ${r.threshold.toFixed(2)}  ${String(r.frames).padStart(6)}  ${String(r.meanTruth).padStart(10)}  ${String(r.mae).padStart(6)}  ${(r.relMae * 100).toFixed(1).padStart(8)} %  ${r.counts.join(' ')}`);
log(`truth: mot17 ${sets.mot17.map((f) => f.truth).join(' ')} | mosaic ${sets.mosaic.map((f) => f.truth).join(' ')}`);
console.log(JSON.stringify({ bench: 'crowd-count-error', smoke, split, truth: { mot17: sets.mot17.map((f) => f.truth), mosaic: sets.mosaic.map((f) => f.truth) }, rows: rows.map(({ counts, ...r }) => ({ ...r, counts })) }));
