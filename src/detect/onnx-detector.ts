/**
 * An ONNX detection model of a known family behind the Detector contract: one onnxruntime-node session,
 * the family's pre-processing, decoding and class-wise NMS; boxes in the given image's pixels.
 * The model is checked when it loads (readable ONNX, one image input, outputs of the family's shape).
 */
import { stat } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { UserError, ValidationError } from '../core/errors';
import { FAMILIES, FAMILY_NAMES, type Family, type OnnxFamily } from './families';
import { shape, type Decoder, type OutputInfo, type OutputTensor } from './families/family';
import { COCO_LABELS } from './labels';
import { nmsByClass, type Candidate } from './nms';
import { checkImage, toTensor, type TensorFormat } from './preprocess';
import { planCrops } from './regions';
import type { Detection, DetectOptions, Detector, RgbImage } from './types';

export interface OnnxDetectorOptions {
  model: string;
  family: OnnxFamily;
  /** Class names in model order (default COCO-80); their count must match the model's. */
  labels?: readonly string[];
  threshold?: number;
  nmsIou?: number;
  /** ONNX Runtime intra-op threads (default: ONNX Runtime's choice, all cores). */
  threads?: number;
}

/** Where the time of the last detect() went, ms. */
export interface DetectTimings {
  preMs: number;
  inferMs: number;
  postMs: number;
  runs: number;
}

export interface OnnxDetector extends Detector {
  readonly threshold: number;
  readonly lastTimings: DetectTimings;
}

const describeOutputs = (outs: readonly OutputInfo[]): string => outs.map((o) => `${o.name} ${shape(o.dims)}`).join(', ');

function outputInfos(session: ort.InferenceSession): OutputInfo[] {
  return session.outputNames.map((name, i) => {
    const meta = session.outputMetadata[i] as { isTensor?: boolean; shape?: readonly (number | string)[] } | undefined;
    return { name, dims: meta?.isTensor && meta.shape ? meta.shape : [] };
  });
}

async function openSession(model: string, threads: number | undefined): Promise<ort.InferenceSession> {
  const st = await stat(model).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return null;
    throw err;
  });
  if (!st) throw new UserError('model_not_found', `The model file ${model} does not exist: give the path of an ONNX detection model`, { model }, 404);
  if (!st.isFile()) throw new UserError('model_not_file', `${model} is not a file: give the path of an ONNX detection model (.onnx)`, { model }, 422);
  try {
    return await ort.InferenceSession.create(model, {
      ...(threads ? { intraOpNumThreads: threads } : {}),
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      // Some exports list their weights as graph inputs; ONNX Runtime warns once per weight. Errors still surface.
      logSeverityLevel: 3,
    });
  } catch (err) {
    const said = (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 300);
    throw new UserError('model_invalid', `${model} is not an ONNX model that ONNX Runtime can load (${said}); give an .onnx detection model file`, { model }, 422);
  }
}

function mismatch(model: string, family: string, seen: readonly OutputInfo[], expected: string): UserError {
  return new UserError(
    'model_family_mismatch',
    `${model} does not have the outputs of a ${family} model: it has ${describeOutputs(seen) || 'no tensor outputs'}; a ${family} model has ${expected}. Check --family (${FAMILY_NAMES.join(', ')}) and the labels file`,
    { model, family, outputs: seen.map((o) => ({ name: o.name, dims: o.dims })) },
    422,
  );
}

export async function loadOnnxDetector(o: OnnxDetectorOptions): Promise<OnnxDetector> {
  const family: Family | undefined = FAMILIES[o.family];
  if (!family) throw new ValidationError(`Unknown model family '${String(o.family)}': use one of ${FAMILY_NAMES.join(', ')}`);
  const session = await openSession(o.model, o.threads);
  try {
    return await build(session, family, o);
  } catch (err) {
    await session.release();
    throw err;
  }
}

async function build(session: ort.InferenceSession, family: Family, o: OnnxDetectorOptions): Promise<OnnxDetector> {
  const { model } = o;
  const inMeta = session.inputMetadata[0] as { isTensor?: boolean; shape?: readonly (number | string)[] } | undefined;
  const inDims = inMeta?.shape ?? [];
  if (session.inputNames.length !== 1 || inDims.length !== 4 || (typeof inDims[1] === 'number' && inDims[1] !== 3)) {
    throw new UserError('model_input_unexpected', `${model} takes ${session.inputNames.map((n, i) => `${n} ${shape((session.inputMetadata[i] as { shape?: (number | string)[] } | undefined)?.shape ?? [])}`).join(', ')}; a ${family.name} detector takes one image [1,3,height,width]`, { model }, 422);
  }
  const height = typeof inDims[2] === 'number' && inDims[2] > 0 ? inDims[2] : family.defaultSize.height;
  const width = typeof inDims[3] === 'number' && inDims[3] > 0 ? inDims[3] : family.defaultSize.width;
  const input = { width, height };
  const labels = o.labels ?? COCO_LABELS;
  const explicitLabels = o.labels !== undefined;
  const check = (outs: readonly OutputInfo[]): Decoder => {
    const layout = family.layout(outs, input, labels.length);
    if (layout.ok) return layout.decode;
    const loose = family.layout(outs, input, null);
    if (!loose.ok) throw mismatch(model, family.name, outs, layout.expected);
    throw new UserError(
      'labels_mismatch',
      `${model} predicts ${loose.numClasses} classes but ${explicitLabels ? `the labels file has ${labels.length} names` : `no labels file was given (default: the ${labels.length} COCO names)`}: give a labels file with ${loose.numClasses} class names, one a line, in the model's class order`,
      { model, classes: loose.numClasses, labels: labels.length },
      422,
    );
  };
  check(outputInfos(session));
  const format: TensorFormat = family.format(width, height);
  const buffer = new Float32Array(3 * width * height);
  const tensor = new ort.Tensor('float32', buffer, [1, 3, height, width]);
  const inputName = session.inputNames[0]!;

  const run = async (): Promise<Record<string, OutputTensor>> => {
    const out = await session.run({ [inputName]: tensor });
    const res: Record<string, OutputTensor> = {};
    for (const [name, t] of Object.entries(out)) res[name] = { dims: t.dims as number[], data: t.data as Float32Array };
    return res;
  };

  // Warm-up on a grey image; also checks the real output shapes when the model declares symbolic ones.
  toTensor({ width: 8, height: 8, data: new Uint8Array(8 * 8 * 3).fill(114) }, { x: 0, y: 0, w: 8, h: 8 }, format, buffer);
  const first = await run();
  const seen = session.outputNames.map((name) => ({ name, dims: first[name]?.dims ?? [] }));
  const decode = check(seen);
  decode(first, 0.99);

  const threshold = o.threshold ?? family.defaultThreshold;
  const nmsIou = o.nmsIou ?? 0.45;
  const timings: DetectTimings = { preMs: 0, inferMs: 0, postMs: 0, runs: 0 };
  let closed = false;

  return {
    family: family.name,
    labels,
    inputSize: input,
    threshold,
    get lastTimings() {
      return { ...timings };
    },
    async detect(image: RgbImage, opts: DetectOptions = {}): Promise<Detection[]> {
      if (closed) throw new ValidationError(`The detector for ${model} is closed`);
      checkImage(image);
      const thr = opts.threshold ?? threshold;
      const wanted = opts.classes ? new Set(opts.classes) : null;
      const crops = planCrops(image, opts.regions, { input });
      timings.preMs = timings.inferMs = timings.postMs = 0;
      timings.runs = crops.length;
      const cands: Candidate[] = [];
      for (const roi of crops) {
        const t0 = performance.now();
        const fit = toTensor(image, roi, format, buffer);
        const t1 = performance.now();
        const out = await run();
        const t2 = performance.now();
        for (const c of decode(out, thr)) {
          if (wanted && !wanted.has(labels[c.classId]!)) continue;
          c.x1 = c.x1 / fit.scaleX + fit.offsetX;
          c.x2 = c.x2 / fit.scaleX + fit.offsetX;
          c.y1 = c.y1 / fit.scaleY + fit.offsetY;
          c.y2 = c.y2 / fit.scaleY + fit.offsetY;
          cands.push(c);
        }
        timings.preMs += t1 - t0;
        timings.inferMs += t2 - t1;
        timings.postMs += performance.now() - t2;
      }
      const t3 = performance.now();
      const dets: Detection[] = [];
      for (const c of nmsByClass(cands, nmsIou)) {
        const x1 = Math.max(0, c.x1);
        const y1 = Math.max(0, c.y1);
        const x2 = Math.min(image.width, c.x2);
        const y2 = Math.min(image.height, c.y2);
        if (x2 - x1 < 1 || y2 - y1 < 1) continue;
        dets.push({ label: labels[c.classId]!, classId: c.classId, score: c.score, box: [x1, y1, x2 - x1, y2 - y1] });
      }
      timings.postMs += performance.now() - t3;
      return dets;
    },
    async close() {
      if (closed) return;
      closed = true;
      await session.release();
    },
  };
}
