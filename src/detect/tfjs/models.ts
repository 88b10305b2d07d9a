import type { ModelFamily } from '../types';
import { CENTERNET_HEADS, CENTERNET_OUTPUT, decodeCenternet, decodeCenternetHeads } from './centernet';
import type { Candidate, DecodeOptions, RawOutput } from './decode';
import { COCO_LABELS } from './labels';
import type { TfjsModelName } from './model-files';
import { decodeNanodet } from './nanodet';
import type { InputSpec } from './preprocess';

/** Everything model-specific: how to fill the input, which outputs to read, how to decode them. */
export interface TfjsModelSpec {
  name: TfjsModelName;
  family: ModelFamily;
  labels: readonly string[];
  input: InputSpec;
  /** Output node names to execute (undefined: the graph's outputs). */
  outputs?: string[];
  /** Score threshold that maximised person F1 on the MOT17 snippets (docs/design/default-detector.md). */
  defaultThreshold: number;
  decode(outputs: readonly RawOutput[], o: DecodeOptions): Candidate[];
  /** The ONNX route (runtime.ts): the graph converted up to `heads`, run by onnxruntime-node, decoded here. */
  onnx?: {
    inputName: string;
    heads: string[];
    input: InputSpec;
    decode(outputs: readonly RawOutput[], o: DecodeOptions): Candidate[];
  };
}

export const NANODET: TfjsModelSpec = {
  name: 'nanodet',
  family: 'tfjs-nanodet',
  labels: COCO_LABELS,
  // RGB / 255, NCHW, as @vladmandic/human feeds it (NanoDet's own BGR mean/std scored no better on MOT17);
  // letterboxed (better F1 than stretching), anchor points at cell centres.
  input: { size: 416, layout: 'nchw', order: 'rgb', mean: [0, 0, 0], std: [255, 255, 255], letterbox: true, pad: 0 },
  defaultThreshold: 0.35,
  decode: (outs, o) => decodeNanodet(outs, 416, COCO_LABELS.length, o, 0.5),
};

export const CENTERNET: TfjsModelSpec = {
  name: 'centernet',
  family: 'tfjs-centernet',
  labels: COCO_LABELS,
  // Raw 0..255 RGB, NHWC (the graph normalises itself; 0..1 input finds nothing), letterboxed.
  input: { size: 512, layout: 'nhwc', order: 'rgb', mean: [0, 0, 0], std: [1, 1, 1], letterbox: true, pad: 0 },
  outputs: [CENTERNET_OUTPUT],
  defaultThreshold: 0.25,
  decode: (outs, o) => decodeCenternet(outs, COCO_LABELS.length, o),
  onnx: {
    inputName: 'tower_0/images',
    heads: CENTERNET_HEADS,
    input: { size: 512, layout: 'nchw', order: 'rgb', mean: [0, 0, 0], std: [1, 1, 1], letterbox: true, pad: 0 },
    decode: (outs, o) => decodeCenternetHeads(outs, COCO_LABELS.length, o),
  },
};

export const MODEL_SPECS: Record<TfjsModelName, TfjsModelSpec> = { nanodet: NANODET, centernet: CENTERNET };
