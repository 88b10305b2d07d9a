/**
 * Density-map crowd models (CSRNet / DM-Count / … exports) run by onnxruntime-node: input [1,3,H,W] RGB,
 * ImageNet-normalised ((x/255 − mean)/std); output [1,1,h,w], a density map whose sum is the number of people.
 *
 * - Dynamic input dims: the frame is scaled so its longer side is at most `maxSide` (default 1024), each side
 *   rounded to a multiple of 16 (the usual total stride of these networks).
 * - Fixed input dims: a frame up to 1.5× the input per axis is stretched into it; a larger one is cut into a
 *   grid of non-overlapping tiles (their densities add up, so no overlap is needed) each stretched into it.
 * - The output shape is checked at load (metadata, then one run on a blank image); anything but one map
 *   [1,1,h,w] is refused naming the shapes.
 */
import { stat } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { UserError, ValidationError } from '../../core/errors';
import { checkImage, toTensor, type TensorFormat } from '../../detect/preprocess';
import type { RgbImage } from '../../detect/types';

const IMAGENET: Pick<TensorFormat, 'order' | 'mean' | 'std' | 'letterbox' | 'pad'> = {
  order: 'rgb',
  mean: [0.485 * 255, 0.456 * 255, 0.406 * 255],
  std: [0.229 * 255, 0.224 * 255, 0.225 * 255],
  letterbox: false,
  pad: 0,
};
const STRIDE = 16;
const PROBE_SIDE = 256;
/** A frame this much larger than a fixed input (per axis) is tiled rather than shrunk. */
const MAX_SHRINK = 1.5;

type Dims = readonly (number | string)[];
const shapeText = (d: Dims) => `[${d.map((x) => (typeof x === 'number' && x >= 0 ? x : typeof x === 'string' && x ? x : '?')).join(',')}]`;
const fixed = (x: number | string | undefined): number | null => (typeof x === 'number' && x > 0 ? x : null);

export interface DensityRun {
  /** The raw density map (persons per output cell), row-major, negative values clipped to 0. */
  map: Float32Array;
  cols: number;
  rows: number;
  /** Model runs (tiles). */
  runs: number;
}

export interface DensityModel {
  readonly path: string;
  /** Fixed input size, or null for dynamic dims. */
  readonly input: { width: number; height: number } | null;
  run(image: RgbImage): Promise<DensityRun>;
  close(): Promise<void>;
}

export interface DensityModelOptions {
  /** Longer side of the model input for dynamic-size models (default 1024). */
  maxSide?: number;
  /** ONNX Runtime intra-op threads (default 1: counting runs beside the detector pool). */
  threads?: number;
}

function refuse(path: string, what: string, details: Record<string, unknown>): never {
  throw new UserError('density_model_invalid', `density model ${path}: ${what}`, { model: path, ...details }, 422);
}

export async function loadDensityModel(path: string, o: DensityModelOptions = {}): Promise<DensityModel> {
  if (o.maxSide !== undefined && !(Number.isInteger(o.maxSide) && o.maxSide >= 64)) throw new ValidationError(`density.maxSide must be a whole number of pixels ≥ 64; got ${o.maxSide}`);
  const st = await stat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return null;
    throw err;
  });
  if (!st?.isFile()) throw new UserError('model_not_found', `the density model ${path} does not exist or is not a file: give the path of an ONNX density-map model (.onnx)`, { model: path }, 404);
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(path, { intraOpNumThreads: o.threads ?? 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all', logSeverityLevel: 3 });
  } catch (err) {
    const said = (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 300);
    throw new UserError('model_invalid', `${path} is not an ONNX model that ONNX Runtime can load (${said}); give an .onnx density-map model`, { model: path }, 422);
  }
  try {
    const model = new OnnxDensityModel(path, session, o.maxSide ?? 1024);
    await model.check();
    return model;
  } catch (err) {
    await session.release();
    throw err;
  }
}

class OnnxDensityModel implements DensityModel {
  readonly input: { width: number; height: number } | null;
  private readonly inName: string;
  private readonly outName: string;

  constructor(
    readonly path: string,
    private readonly session: ort.InferenceSession,
    private readonly maxSide: number,
  ) {
    const inMeta = session.inputMetadata[0] as { shape?: Dims } | undefined;
    const inDims = inMeta?.shape ?? [];
    if (session.inputNames.length !== 1 || inDims.length !== 4 || (fixed(inDims[1]) !== null && inDims[1] !== 3)) {
      refuse(path, `it takes ${session.inputNames.map((n, i) => `${n} ${shapeText((session.inputMetadata[i] as { shape?: Dims } | undefined)?.shape ?? [])}`).join(', ')}; a density model takes one RGB image [1,3,H,W]`, { inputs: session.inputNames });
    }
    const h = fixed(inDims[2]);
    const w = fixed(inDims[3]);
    this.input = h && w ? { width: w, height: h } : null;
    this.inName = session.inputNames[0]!;
    this.outName = session.outputNames[0]!;
    const outMeta = session.outputMetadata[0] as { shape?: Dims } | undefined;
    const outDims = outMeta?.shape ?? [];
    if (session.outputNames.length < 1 || (outDims.length && (outDims.length !== 4 || (fixed(outDims[1]) !== null && outDims[1] !== 1)))) {
      refuse(path, `its output ${this.outName ?? '(none)'} has shape ${shapeText(outDims)} for input ${shapeText(inDims)}; a density model outputs one map [1,1,h,w] whose sum is the count (is this a detection or classification model?)`, { output: outDims, input: inDims });
    }
  }

  /** One run on a blank image: the output must really be [1,1,h,w]. */
  async check(): Promise<void> {
    const w = this.input?.width ?? PROBE_SIDE;
    const h = this.input?.height ?? PROBE_SIDE;
    const dims = await this.infer(new Float32Array(3 * w * h), w, h).then((r) => r.dims);
    if (dims.length !== 4 || dims[0] !== 1 || dims[1] !== 1 || !(dims[2]! >= 1 && dims[3]! >= 1)) {
      refuse(this.path, `for an input [1,3,${h},${w}] it outputs ${shapeText(dims)}; a density model outputs one map [1,1,h,w] whose sum is the count`, { output: dims, input: [1, 3, h, w] });
    }
  }

  private async infer(data: Float32Array, w: number, h: number): Promise<{ dims: number[]; data: Float32Array }> {
    const out = await this.session.run({ [this.inName]: new ort.Tensor('float32', data, [1, 3, h, w]) });
    const t = out[this.outName]!;
    return { dims: [...t.dims], data: t.data as Float32Array };
  }

  /** Runs one region of the image into an input of w×h; returns its map. */
  private async runRegion(image: RgbImage, roi: { x: number; y: number; w: number; h: number }, w: number, h: number): Promise<{ cols: number; rows: number; data: Float32Array }> {
    const buf = new Float32Array(3 * w * h);
    toTensor(image, roi, { width: w, height: h, ...IMAGENET }, buf);
    const r = await this.infer(buf, w, h);
    if (r.dims.length !== 4 || r.dims[1] !== 1) refuse(this.path, `output ${shapeText(r.dims)} for input [1,3,${h},${w}]; expected [1,1,h,w]`, { output: r.dims });
    return { cols: r.dims[3]!, rows: r.dims[2]!, data: r.data };
  }

  async run(image: RgbImage): Promise<DensityRun> {
    checkImage(image);
    const W = image.width;
    const H = image.height;
    if (!this.input) {
      const s = Math.min(1, this.maxSide / Math.max(W, H));
      const w = Math.max(STRIDE, Math.round((W * s) / STRIDE) * STRIDE);
      const h = Math.max(STRIDE, Math.round((H * s) / STRIDE) * STRIDE);
      const m = await this.runRegion(image, { x: 0, y: 0, w: W, h: H }, w, h);
      return { map: clip(m.data), cols: m.cols, rows: m.rows, runs: 1 };
    }
    const { width: iw, height: ih } = this.input;
    const nx = Math.max(1, Math.ceil(W / (iw * MAX_SHRINK)));
    const ny = Math.max(1, Math.ceil(H / (ih * MAX_SHRINK)));
    let cols = 0;
    let rows = 0;
    let map = new Float32Array(0);
    for (let ty = 0; ty < ny; ty++) {
      for (let tx = 0; tx < nx; tx++) {
        const x0 = Math.round((tx * W) / nx);
        const y0 = Math.round((ty * H) / ny);
        const roi = { x: x0, y: y0, w: Math.round(((tx + 1) * W) / nx) - x0, h: Math.round(((ty + 1) * H) / ny) - y0 };
        const m = await this.runRegion(image, roi, iw, ih);
        if (!cols) {
          cols = m.cols;
          rows = m.rows;
          map = new Float32Array(cols * nx * rows * ny);
        }
        const stride = cols * nx;
        for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) map[(ty * rows + r) * stride + tx * cols + c] = m.data[r * cols + c]!;
      }
    }
    return { map: clip(map), cols: cols * nx, rows: rows * ny, runs: nx * ny };
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

function clip(a: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! > 0 ? a[i]! : 0;
  return out;
}
