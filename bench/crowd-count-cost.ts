/**
 * Crowd count cost: CPU per counted frame at 1080p and 720p, as % of one core at 1 fps (CPU seconds per
 * frame × 1 frame/s), measured with process.cpuUsage() (every thread of the process: ONNX Runtime's included).
 *
 *   npx tsx bench/crowd-count-cost.ts [--smoke] [--frames 10] [--detector centernet|yolox]
 *
 * Counters, all in this process with the built-in CenterNet (or YOLOX-nano 416 of ../shared with --detector
 * yolox), 1 intra-op thread as in a pool worker:
 *   baseline: one untiled detector run per frame (detect() on the whole frame), in the same run;
 *   fixed grid: whole-frame pass + the coarse tiles, merged (tiling.refine.enabled false);
 *   adaptive: + refinement sub-tiles where people are small (refine.ts; default for YOLOX-nano, opt-in for CenterNet).
 * Frames: a MOT17-02 1920×1080 frame (and it scaled to 1280×720); a synthetic frame without ../shared; and,
 * for the adaptive counter, the densest mosaic (4×4 MOT17 frames, 139 people: the worst case of refinement).
 * Frame decoding is not included (the sampler's cost: docs/design/sampling-motion.md).
 * Targets: ≤ 50 % of a core at 1080p, ≤ 25 % at 720p. Cameras per 2-core box = 2 cores ÷ CPU per camera.
 * Prints a table on stderr and one JSON line on stdout.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DetectorCounter } from '../src/crowd/count/detector-counter';
import { loadDefaultDetector } from '../src/detect/default-detector';
import { loadOnnxDetector } from '../src/detect/onnx-detector';
import type { RgbImage } from '../src/detect/types';
import { DEFAULT_TOOLS } from '../src/media/ffmpeg';
import { decodeImageFile } from '../src/media/images';
import { SHARED_DIR } from '../test/support/shared';
import { buildMosaic, loadMosaicSpecs, scaleTo } from './crowd-count-data';
import { round } from './lib/stats';

const { values: a } = parseArgs({ options: { smoke: { type: 'boolean' }, frames: { type: 'string' }, detector: { type: 'string' } }, strict: true });
const YOLOX = path.join(SHARED_DIR, 'models/detection/yolox_nano_416.onnx');
const smoke = a.smoke === true;
const N = Number(a.frames ?? (smoke ? 2 : 10));
const log = (s: string): void => void process.stderr.write(s + '\n');

const MOT_FRAME = path.join(SHARED_DIR, 'mot/MOT17-02-FRCNN/img1/000001.jpg');
function synthetic(w: number, h: number): RgbImage {
  const data = new Uint8Array(w * h * 3);
  let s = 12345;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = (((i / 3) % w) + (s >>> 24)) & 0xff;
  }
  return { width: w, height: h, data };
}
const full = existsSync(MOT_FRAME) ? await decodeImageFile(DEFAULT_TOOLS, MOT_FRAME) : synthetic(1920, 1080);
const frames = { '1080p': full.width === 1920 ? full : scaleTo(full, 1920), '720p': scaleTo(full, 1280) };

const detector = a.detector === 'yolox' ? await loadOnnxDetector({ model: YOLOX, family: 'yolox', threads: 1 }) : await loadDefaultDetector();
const grid = await DetectorCounter.create({ detector, tiling: { refine: { enabled: false } } });
const tiled = await DetectorCounter.create({ detector, tiling: { refine: { enabled: true } } });
const dense = existsSync(MOT_FRAME) ? await buildMosaic(loadMosaicSpecs().find((m) => m.name === 'mosaic-4x4-a')!) : null;

async function measure(fn: () => Promise<unknown>): Promise<{ cpuMsPerFrame: number; wallMsPerFrame: number }> {
  await fn(); // warm-up
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await fn();
  const c = process.cpuUsage(c0);
  return { cpuMsPerFrame: round((c.user + c.system) / 1000 / N, 1), wallMsPerFrame: round((performance.now() - t0) / N, 1) };
}

const rows: Array<{ resolution: string; counter: string; runs: number; cpuMsPerFrame: number; wallMsPerFrame: number; corePctAt1fps: number; camerasPer2Cores: number }> = [];
try {
  for (const [res, img] of Object.entries(frames)) {
    const base = await measure(() => detector.detect(img, { classes: ['person'] }));
    rows.push({ resolution: res, counter: 'baseline (1 untiled run)', runs: 1, ...base, corePctAt1fps: round(base.cpuMsPerFrame / 10, 1), camerasPer2Cores: Math.floor(2000 / base.cpuMsPerFrame) });
    const g = await measure(() => grid.count(img));
    rows.push({ resolution: res, counter: 'fixed grid', runs: grid.tilesFor(img.width, img.height).length + 1, ...g, corePctAt1fps: round(g.cpuMsPerFrame / 10, 1), camerasPer2Cores: Math.floor(2000 / g.cpuMsPerFrame) });
    const runs = (await tiled.count(img)).tiles;
    const t = await measure(() => tiled.count(img));
    rows.push({ resolution: res, counter: 'adaptive', runs, ...t, corePctAt1fps: round(t.cpuMsPerFrame / 10, 1), camerasPer2Cores: Math.floor(2000 / t.cpuMsPerFrame) });
  }
  if (dense) {
    const runs = (await tiled.count(dense)).tiles;
    const t = await measure(() => tiled.count(dense));
    rows.push({ resolution: '1080p', counter: 'adaptive, 4×4 mosaic', runs, ...t, corePctAt1fps: round(t.cpuMsPerFrame / 10, 1), camerasPer2Cores: Math.floor(2000 / t.cpuMsPerFrame) });
  }
} finally {
  await tiled.close();
  await grid.close();
  await detector.close();
}
log(`frames per measurement: ${N} (+1 warm-up); source: ${existsSync(MOT_FRAME) ? 'MOT17-02 frame 1' : 'synthetic'}`);
log('resolution  counter                    runs  CPU ms/frame  wall ms/frame  % of a core at 1 fps  cameras per 2 cores');
for (const r of rows) log(`${r.resolution.padEnd(10)}  ${r.counter.padEnd(25)}  ${String(r.runs).padStart(4)}  ${String(r.cpuMsPerFrame).padStart(12)}  ${String(r.wallMsPerFrame).padStart(13)}  ${String(r.corePctAt1fps).padStart(19)} %  ${String(r.camerasPer2Cores).padStart(19)}`);
console.log(JSON.stringify({ bench: 'crowd-count-cost', smoke, frames: N, rows }));
