/** What a model family is: its tensor format, its output layout check, and its decoder. */
import type { Candidate } from '../nms';
import type { TensorFormat } from '../preprocess';
import type { ModelFamily } from '../types';

/** An output as the session declares it (dims may be symbolic names for dynamic axes). */
export interface OutputInfo {
  name: string;
  dims: readonly (number | string)[];
}

export interface OutputTensor {
  dims: readonly number[];
  data: Float32Array;
}

/** Decodes one run's outputs to candidates in model-input pixels (corner form), scores ≥ threshold. */
export type Decoder = (outputs: Readonly<Record<string, OutputTensor>>, threshold: number) => Candidate[];

export type LayoutResult = { ok: true; numClasses: number; decode: Decoder; variant?: string } | { ok: false; expected: string };

export interface Family {
  name: Extract<ModelFamily, 'yolox' | 'nanodet' | 'fastestdet' | 'yolo'>;
  /** Input size when the model declares a dynamic one. */
  defaultSize: { width: number; height: number };
  /** Tuned on the MOT17 snippets (see docs/design/detection.md). */
  defaultThreshold: number;
  format(width: number, height: number): TensorFormat;
  /** Checks the outputs against what the family produces; `numClasses` is the label count when the operator gave a labels file. */
  layout(outputs: readonly OutputInfo[], input: { width: number; height: number }, numClasses: number | null): LayoutResult;
}

export const shape = (dims: readonly (number | string)[]): string => `[${dims.join(',')}]`;

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Whole number dims only (symbolic ones are checked again on the warm-up run's real outputs). */
export const fixed = (dims: readonly (number | string)[]): number[] | null => (dims.every((d) => typeof d === 'number' && d > 0) ? (dims as number[]) : null);

/** Index of the best class in data[off .. off+n) and its score. */
export function argmax(data: Float32Array, off: number, n: number): [number, number] {
  let best = 0;
  let score = data[off]!;
  for (let c = 1; c < n; c++) {
    const v = data[off + c]!;
    if (v > score) {
      score = v;
      best = c;
    }
  }
  return [best, score];
}
