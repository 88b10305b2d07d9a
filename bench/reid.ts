/**
 * Appearance embedding cost per crop: the model-free descriptor, OSNet x0.25 through OnnxEmbedder
 * (resize + normalise + run + L2), and the raw ONNX Runtime session.run on a ready tensor — the baseline,
 * same run, so the embedder's own overhead is visible.
 *
 *   npx tsx bench/reid.ts [--smoke] [--crops 200] [--threads 1]
 *
 * Crops: pedestrians cut from the MOT17 snippets (../shared/mot, gt boxes, visibility ≥ 0.5, height ≥ 60 px).
 * Quality (rank-1, mAP) is measured by ../shared/checks/reid-mot.sh, not here.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { cropRgb } from '../src/analytics/geometry';
import type { Box, RgbImage } from '../src/detect/types';
import { DEFAULT_TOOLS } from '../src/media/ffmpeg';
import { decodeImageFile } from '../src/media/images';
import { hsvDescriptor } from '../src/reid/descriptor';
import { OnnxEmbedder } from '../src/reid/onnx-embedder';
import { SHARED_DIR } from '../test/support/shared';
import { args, finish, intArg, log, machine } from './lib/common';
import { latencyStats, round } from './lib/stats';

const a = args({ smoke: 'boolean', crops: 'string', threads: 'string' });
const smoke = a.smoke === true;
const MAX = intArg(a.crops, smoke ? 40 : 200);
const THREADS = intArg(a.threads, 1);
const MODEL = path.join(SHARED_DIR, 'models/reid/osnet_x0_25_msmt17.onnx');
const MOT = path.join(SHARED_DIR, 'mot');
if (!existsSync(MODEL) || !existsSync(MOT)) {
  log('../shared (models/reid, mot) is not present: nothing to measure');
  process.exit(0);
}

const crops: RgbImage[] = [];
for (const seq of readdirSync(MOT).sort()) {
  const imgDir = path.join(MOT, seq, 'img1');
  const frames = new Set(readdirSync(imgDir).map((f) => Number.parseInt(f, 10)));
  const byFrame = new Map<number, Box[]>();
  for (const line of readFileSync(path.join(MOT, seq, 'gt/gt.txt'), 'utf8').split('\n')) {
    const v = line.split(',').map(Number);
    if (v.length < 9 || !frames.has(v[0]!) || v[6] !== 1 || v[7] !== 1 || v[8]! < 0.5 || v[5]! < 60) continue;
    byFrame.set(v[0]!, [...(byFrame.get(v[0]!) ?? []), [v[2]!, v[3]!, v[4]!, v[5]!]]);
  }
  for (const [f, boxes] of byFrame) {
    if (crops.length >= MAX) break;
    const img = await decodeImageFile(DEFAULT_TOOLS, path.join(imgDir, `${String(f).padStart(6, '0')}.jpg`));
    for (const b of boxes) {
      const c = cropRgb(img, b, 0);
      if (c && crops.length < MAX) crops.push(c);
    }
  }
}
log(`${crops.length} crops (mean ${round(crops.reduce((s, c) => s + c.width * c.height, 0) / crops.length / 1000, 1)} kpx)`);

const time = async (fn: (c: RgbImage) => unknown): Promise<number[]> => {
  const ms: number[] = [];
  for (const c of crops) {
    const s = performance.now();
    await fn(c);
    ms.push(performance.now() - s);
  }
  return ms;
};

const embedder = await OnnxEmbedder.load({ model: MODEL, threads: THREADS });
const session = await ort.InferenceSession.create(MODEL, { intraOpNumThreads: THREADS, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
const tensor = new ort.Tensor('float32', new Float32Array(3 * 256 * 128).fill(0.1), [1, 3, 256, 128]);
for (let i = 0; i < 5; i++) {
  await embedder.embed(crops[i % crops.length]!);
  await session.run({ [session.inputNames[0]!]: tensor });
}
const free = latencyStats(await time((c) => hsvDescriptor(c)));
const model = latencyStats(await time((c) => embedder.embed(c)));
const raw = latencyStats(await time(() => session.run({ [session.inputNames[0]!]: tensor })));
await embedder.close();
await session.release();
const r = (s: ReturnType<typeof latencyStats>) => ({ meanMs: round(s.mean, 2), p50Ms: round(s.p50, 2), p95Ms: round(s.p95, 2) });
log(`model-free descriptor: ${round(free.mean, 2)} ms/crop; OSNet embedder: ${round(model.mean, 2)} ms/crop; raw session.run: ${round(raw.mean, 2)} ms`);
finish({
  bench: 'reid', smoke, crops: crops.length, threads: THREADS,
  modelFree: r(free), osnetEmbedder: r(model), rawSessionRun: r(raw), embedderOverheadMs: round(model.mean - raw.mean, 2), machine: machine(),
});
