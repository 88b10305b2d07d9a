import { ValidationError } from '../../core/errors';
import type { Box, DetectOptions, Detection, Detector, ModelFamily, RgbImage } from '../types';
import type { Candidate } from './decode';
import { cropRgb, nms, offsetDetections, regionWindow } from './geometry';
import type { TfjsModelSpec } from './models';
import { prepareInput } from './preprocess';
import type { Runtime } from './runtime';

export interface TfjsDetectorOptions {
  threshold: number;
  nmsIou: number;
  maxCandidates?: number;
}

/** One built-in model behind the Detector contract, on either runtime. One per thread (TF.js engines are per thread). */
export class TfjsDetector implements Detector {
  readonly family: ModelFamily;
  readonly labels: readonly string[];
  readonly inputSize: { width: number; height: number };
  private closed = false;

  constructor(
    private readonly runtime: Runtime,
    readonly spec: TfjsModelSpec,
    private readonly o: TfjsDetectorOptions,
  ) {
    this.family = spec.family;
    this.labels = spec.labels;
    this.inputSize = { width: runtime.input.size, height: runtime.input.size };
  }

  get threshold(): number {
    return this.o.threshold;
  }

  /** Which engine runs the model ('onnx': converted in memory and run by onnxruntime-node; 'tfjs': TF.js WASM). */
  get runtimeKind(): 'tfjs' | 'onnx' {
    return this.runtime.kind;
  }

  async detect(image: RgbImage, opts: DetectOptions = {}): Promise<Detection[]> {
    if (this.closed) throw new ValidationError(`The ${this.spec.name} detector was closed; load a new one`);
    checkImage(image);
    const threshold = opts.threshold ?? this.o.threshold;
    const classMask = opts.classes ? this.classMask(opts.classes) : null;
    const windows = this.windows(image, opts.regions);
    const found: Detection[] = [];
    for (const w of windows) {
      const crop = cropRgb(image, w);
      const dets = await this.run(crop, threshold, classMask);
      found.push(...offsetDetections(dets, w[0], w[1]));
    }
    // Across windows the same object can be found twice (overlapping regions): merge like any duplicate.
    return windows.length > 1 ? nms(found, this.o.nmsIou) : found;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.runtime.dispose();
  }

  /**
   * Full frame, or one window per motion region (an empty list: nothing moved, nothing to run); full frame again
   * when the windows would cost more.
   */
  private windows(image: RgbImage, regions: readonly Box[] | undefined): Box[] {
    const full: Box = [0, 0, image.width, image.height];
    if (!regions) return [full];
    const ws = regions.map((r) => regionWindow(r, image.width, image.height, this.runtime.input.size)).filter((w): w is Box => w !== null);
    // Each window is one inference: when they add up to about the frame or more, one full-frame run is cheaper.
    const area = ws.reduce((s, w) => s + w[2] * w[3], 0);
    if (ws.length > 1 && area >= 0.9 * image.width * image.height) return [full];
    return ws;
  }

  private async run(img: RgbImage, threshold: number, classMask: Uint8Array | null): Promise<Detection[]> {
    const prep = prepareInput(img, this.runtime.input);
    const raw = await this.runtime.run(prep);
    const cands = this.runtime.decode(raw, { threshold, classMask, maxCandidates: this.o.maxCandidates ?? 1000 });
    return nms(this.toImage(cands, prep.sx, prep.sy, img.width, img.height), this.o.nmsIou);
  }

  private toImage(cands: Candidate[], sx: number, sy: number, width: number, height: number): Detection[] {
    const out: Detection[] = [];
    for (const c of cands) {
      const x1 = Math.max(0, Math.min(width, c.x1 / sx));
      const y1 = Math.max(0, Math.min(height, c.y1 / sy));
      const x2 = Math.max(0, Math.min(width, c.x2 / sx));
      const y2 = Math.max(0, Math.min(height, c.y2 / sy));
      if (x2 - x1 < 1 || y2 - y1 < 1) continue;
      out.push({ label: this.labels[c.classId]!, classId: c.classId, score: c.score, box: [x1, y1, x2 - x1, y2 - y1] });
    }
    return out;
  }

  private classMask(classes: readonly string[]): Uint8Array {
    const mask = new Uint8Array(this.labels.length);
    for (const name of classes) {
      const i = this.labels.indexOf(name);
      if (i < 0) throw new ValidationError(`Unknown class '${name}' for the ${this.spec.name} detector; it knows: ${this.labels.join(', ')}`, { class: name });
      mask[i] = 1;
    }
    return mask;
  }
}

function checkImage(img: RgbImage): void {
  if (!Number.isInteger(img.width) || !Number.isInteger(img.height) || img.width <= 0 || img.height <= 0 || img.data.length !== img.width * img.height * 3) {
    throw new ValidationError(`An RgbImage must be packed 8-bit RGB with data.length = width × height × 3; got ${img.width}×${img.height} with ${img.data.length} bytes`);
  }
}
