import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import type { InferenceSession } from 'onnxruntime-node';
import { OperationalError } from '../../core/errors';
import type { Candidate, DecodeOptions, RawOutput } from './decode';
import type { TfjsModelSpec } from './models';
import type { InputSpec, Prepared } from './preprocess';
import { computedNodes, convertToOnnx, type TfNode } from './to-onnx';

/** What executes the model: TF.js on WASM, or onnxruntime-node on the same weights converted in memory. */
export interface Runtime {
  readonly kind: 'tfjs' | 'onnx';
  readonly input: InputSpec;
  run(prep: Prepared): Promise<RawOutput[]>;
  decode(outputs: readonly RawOutput[], o: DecodeOptions): Candidate[];
  dispose(): Promise<void>;
}

export function tfjsRuntime(model: GraphModel, spec: TfjsModelSpec): Runtime {
  return {
    kind: 'tfjs',
    input: spec.input,
    decode: spec.decode,
    async run(prep) {
      const input = tf.tensor(prep.data, prep.shape, 'float32');
      let outs: tf.Tensor[] = [];
      try {
        const r = model.execute(input, spec.outputs);
        outs = Array.isArray(r) ? r : [r];
        return await Promise.all(outs.map(async (t) => ({ shape: t.shape, data: (await t.data()) as Float32Array })));
      } finally {
        tf.dispose([input, ...outs]);
      }
    },
    async dispose() {
      model.dispose();
    },
  };
}

/**
 * Converts the TF.js graph (up to the spec's ONNX heads) to ONNX in memory and opens it in onnxruntime-node with
 * `threads` intra-op threads (1 by default: the pool runs one detector per thread). Shapes for the conversion
 * come from one TF.js run of the loaded graph. The TF.js model is disposed afterwards: only the session stays.
 */
export async function onnxRuntimeFromTfjs(model: GraphModel, jsonPath: string, spec: TfjsModelSpec, threads = 1): Promise<Runtime> {
  const route = spec.onnx;
  if (!route) throw new OperationalError('model_convert_failed', `The ${spec.name} graph has no ONNX route (ops the converter does not handle); use runtime 'tfjs'`);
  const ort = await import('onnxruntime-node');
  const nodes = (JSON.parse(readFileSync(jsonPath, 'utf8')) as { modelTopology: { node: TfNode[] } }).modelTopology.node;
  const names = computedNodes(nodes, route.heads);
  const S = spec.input.size;
  const probe = tf.zeros([1, S, S, 3]);
  const shapes = new Map<string, number[]>([[route.inputName, [1, S, S, 3]]]);
  const consts = new Map<string, { shape: number[]; data: Float32Array | Int32Array }>();
  try {
    const outs = model.execute(probe, names) as tf.Tensor[];
    names.forEach((n, i) => shapes.set(n, outs[i]!.shape));
    tf.dispose(outs);
    for (const [k, v] of Object.entries(model.weights)) consts.set(k, { shape: v[0]!.shape, data: v[0]!.dataSync() as Float32Array | Int32Array });
  } finally {
    probe.dispose();
  }
  const bytes = convertToOnnx({ nodes, consts, shapes, input: route.inputName, outputs: route.heads });
  const session: InferenceSession = await ort.InferenceSession.create(bytes, { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all', logSeverityLevel: 3 });
  model.dispose();
  return {
    kind: 'onnx',
    input: route.input,
    decode: route.decode,
    async run(prep) {
      const r = await session.run({ [route.inputName]: new ort.Tensor('float32', prep.data, prep.shape) });
      return route.heads.map((h) => ({ shape: r[h]!.dims, data: r[h]!.data as Float32Array }));
    },
    async dispose() {
      await session.release();
    },
  };
}
