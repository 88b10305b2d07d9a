/**
 * Detector pool benchmark (yolox_nano_416 on a real frame of the shared footage).
 *
 *   npx tsx bench/detector-pool.ts [--smoke] [--seconds 10] [--iterations 200]
 *
 * Same run, interleaved passes so machine noise hits all of them alike:
 * 1. Baseline: a bare onnxruntime-node session.run loop on a prepared tensor (1 intra-op thread).
 * 2. detector.detect() on the 768×432 frame (1 thread): pre-processing (letterbox, BGR planes), the
 *    same session.run, decoding + NMS. Overhead = (detect − raw) / raw; target ≤ 0.3.
 * 3. The pool (worker threads, one session of 1 thread each) with 1 and 2 workers, kept busy for
 *    --seconds: inferences/s; target ≥ 50 on 2 cores. The frame is copied and transferred per request.
 * 4. Batching: whether the model takes a batch of 2 at all (the shared export has a static batch of 1),
 *    and a 2-thread single session against two 1-thread sessions (what batching would have to beat).
 * Needs ../shared (models, footage). Prints a table on stderr and one JSON line on stdout.
 */
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { analyticsSchema } from '../src/config/analytics.schema';
import { silentLogger } from '../src/core/logger';
import { loadOnnxDetector } from '../src/detect/onnx-detector';
import { createDetectorPool } from '../src/detect/pool';
import type { RgbImage } from '../src/detect/types';
import { DEFAULT_TOOLS } from '../src/media/ffmpeg';
import { decodeImageFile, decodeVideoFrames } from '../src/media/images';
import { SHARED_DIR, sharedSkip } from '../test/support/shared';
import { args, finish, intArg, log, machine } from './lib/common';
import { median, round } from './lib/stats';

const a = args({ smoke: 'boolean', seconds: 'string', iterations: 'string' });
const smoke = a.smoke === true;
const SECONDS = intArg(a.seconds, smoke ? 2 : 10);
const ITER = intArg(a.iterations, smoke ? 20 : 200);
const PASSES = smoke ? 2 : 5;
const MODEL = path.join(SHARED_DIR, 'models/detection/yolox_nano_416.onnx');

const missing = sharedSkip('models/detection');
if (missing) {
  log(missing);
  finish({ bench: 'detector-pool', skipped: missing });
  process.exit(0);
}

async function firstFrameAt(file: string, seconds: number): Promise<RgbImage> {
  for await (const f of decodeVideoFrames(DEFAULT_TOOLS, file, { fps: 1 })) if (f.frame > seconds) return f.image;
  throw new Error(`${file} is shorter than ${seconds} s`);
}

const sessionOptions = (threads: number): ort.InferenceSession.SessionOptions => ({ intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all', logSeverityLevel: 3 });

async function rawMsPerRun(session: ort.InferenceSession, n: number): Promise<number> {
  const t = new ort.Tensor('float32', new Float32Array(3 * 416 * 416).fill(114), [1, 3, 416, 416]);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await session.run({ [session.inputNames[0]!]: t });
  return (performance.now() - t0) / n;
}

async function poolRate(workers: number, image: RgbImage): Promise<{ perSecond: number; meanInferMs: number; dropped: number }> {
  const pool = await createDetectorPool({ analytics: analyticsSchema.parse({ detector: { model: MODEL, family: 'yolox' }, pool: { workers, threadsPerWorker: 1, maxQueue: 64 } }), log: silentLogger() });
  try {
    for (let i = 0; i < workers * 2; i++) await pool.detect('warm', image);
    let done = 0;
    const until = performance.now() + SECONDS * 1000;
    const t0 = performance.now();
    // Keep two requests per worker outstanding: a worker never waits for the next frame.
    await Promise.all(Array.from({ length: workers * 2 }, async (_, k) => {
      while (performance.now() < until) if (await pool.detect(`cam-${k}`, image)) done++;
    }));
    const s = pool.stats();
    return { perSecond: round(done / ((performance.now() - t0) / 1000), 1), meanInferMs: s.meanInferMs, dropped: s.dropped };
  } finally {
    await pool.close();
  }
}

async function batchProbe(): Promise<{ batch2: string }> {
  const s = await ort.InferenceSession.create(MODEL, sessionOptions(1));
  try {
    await s.run({ [s.inputNames[0]!]: new ort.Tensor('float32', new Float32Array(2 * 3 * 416 * 416), [2, 3, 416, 416]) });
    return { batch2: 'accepted' };
  } catch (err) {
    return { batch2: `refused (static batch dimension 1): ${(err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').slice(0, 200)}` };
  } finally {
    await s.release();
  }
}

const frame = await firstFrameAt(path.join(SHARED_DIR, 'media/intel-sample-videos/car-detection.mp4'), 5);
const big = await decodeImageFile(DEFAULT_TOOLS, path.join(SHARED_DIR, 'mot/MOT17-09-FRCNN/img1/000001.jpg'));
log(`frame ${frame.width}×${frame.height} (car-detection.mp4 at 5 s); ${PASSES} passes × ${ITER} runs; pool ${SECONDS} s per size`);

const raw = await ort.InferenceSession.create(MODEL, sessionOptions(1));
const raw2 = await ort.InferenceSession.create(MODEL, sessionOptions(2));
const det = await loadOnnxDetector({ model: MODEL, family: 'yolox', threads: 1 });
await rawMsPerRun(raw, 5);
await rawMsPerRun(raw2, 5);
const rawMs: number[] = [];
const raw2Ms: number[] = [];
const detMs: number[] = [];
const bigMs: number[] = [];
const parts = { pre: [] as number[], post: [] as number[], bigPre: [] as number[], bigPost: [] as number[] };
for (let p = 0; p < PASSES; p++) {
  rawMs.push(await rawMsPerRun(raw, ITER));
  let t0 = performance.now();
  for (let i = 0; i < ITER; i++) {
    await det.detect(frame);
    parts.pre.push(det.lastTimings.preMs);
    parts.post.push(det.lastTimings.postMs);
  }
  detMs.push((performance.now() - t0) / ITER);
  t0 = performance.now();
  for (let i = 0; i < Math.ceil(ITER / 4); i++) {
    await det.detect(big);
    parts.bigPre.push(det.lastTimings.preMs);
    parts.bigPost.push(det.lastTimings.postMs);
  }
  bigMs.push((performance.now() - t0) / Math.ceil(ITER / 4));
  raw2Ms.push(await rawMsPerRun(raw2, ITER));
}
await raw.release();
await raw2.release();
await det.close();

const rawMed = median(rawMs);
const detMed = median(detMs);
// Pre + post measured inside detect(): robust on a busy machine; the wall-clock difference is printed too.
const overhead = (median(parts.pre) + median(parts.post)) / rawMed;
const overheadWall = (detMed - rawMed) / rawMed;
const pool1 = await poolRate(1, frame);
const pool2 = await poolRate(2, frame);
const batching = await batchProbe();

const rows: [string, string][] = [
  ['raw session.run, 1 thread', `${round(rawMed, 2)} ms  (${round(1000 / rawMed, 1)}/s)`],
  ['raw session.run, 2 threads', `${round(median(raw2Ms), 2)} ms  (${round(1000 / median(raw2Ms), 1)}/s)`],
  ['detector.detect 768×432', `${round(detMed, 2)} ms  (pre ${round(median(parts.pre), 2)}, post ${round(median(parts.post), 2)})`],
  ['  overhead vs raw (target ≤ 0.3)', `${round(overhead, 3)}× (pre+post) / raw; wall clock ${round(overheadWall, 3)}×`],
  ['detector.detect 1920×1080', `${round(median(bigMs), 2)} ms  (pre ${round(median(parts.bigPre), 2)}, post ${round(median(parts.bigPost), 2)})`],
  ['pool, 1 worker', `${pool1.perSecond}/s  (infer ${pool1.meanInferMs} ms)`],
  ['pool, 2 workers (target ≥ 50/s)', `${pool2.perSecond}/s  (infer ${pool2.meanInferMs} ms)`],
  ['batch of 2', batching.batch2],
];
for (const [k, v] of rows) console.error(`${k.padEnd(36)} ${v}`);
finish({
  bench: 'detector-pool',
  smoke,
  machine: machine(),
  model: path.basename(MODEL),
  frame: `${frame.width}x${frame.height}`,
  cpus: os.availableParallelism(),
  rawMsPerRun: { threads1: round(rawMed, 3), threads2: round(median(raw2Ms), 3), passes: rawMs.map((x) => round(x, 3)) },
  detectMs: { median: round(detMed, 3), preMs: round(median(parts.pre), 3), postMs: round(median(parts.post), 3), passes: detMs.map((x) => round(x, 3)) },
  overheadRatio: round(overhead, 3),
  overheadRatioWallClock: round(overheadWall, 3),
  detect1080pMs: { median: round(median(bigMs), 3), preMs: round(median(parts.bigPre), 3), postMs: round(median(parts.bigPost), 3) },
  pool: { workers1: pool1, workers2: pool2, seconds: SECONDS },
  batching,
});
