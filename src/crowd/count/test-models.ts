/**
 * Tiny ONNX density models for tests (written with the in-memory ONNX writer of src/detect/tfjs), whose output
 * is a known function of the input: no trained crowd model is available offline.
 *
 * - good: [1,3,H,W] → AveragePool k×k → Relu → ReduceSum over channels → [1,1,H/k,W/k]. Each output cell is
 *   the sum over channels of the (non-negative part of the) mean normalised value of its k×k block, so for a
 *   uniform image the count is (H/k)(W/k) × Σc max(0, (v/255 − mean_c)/std_c).
 * - dynamic: the good one with dynamic H and W (any input size, output H/k × W/k).
 * - wrong: the same without the ReduceSum → [1,3,H/k,W/k] (three channels: not a density map).
 */
import { writeFileSync } from 'node:fs';
import { encodeModel, type OnnxNode } from '../../detect/tfjs/onnx-proto';

const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

export function densityTestModel(o: { size: number; k: number; wrong?: boolean; dynamic?: boolean }): Uint8Array {
  const { size, k } = o;
  const out = size / k;
  // -1: a dynamic dimension (ONNX Runtime takes any size there)
  const s = o.dynamic ? -1 : size;
  const so = o.dynamic ? -1 : out;
  const nodes: OnnxNode[] = [
    { op: 'AveragePool', inputs: ['image'], outputs: ['pooled'], attrs: { kernel_shape: [k, k], strides: [k, k] } },
    { op: 'Relu', inputs: ['pooled'], outputs: o.wrong ? ['density'] : ['positive'] },
  ];
  if (!o.wrong) nodes.push({ op: 'ReduceSum', inputs: ['positive', 'axes'], outputs: ['density'], attrs: { keepdims: 1 } });
  return encodeModel({
    name: o.wrong ? 'wrong_density' : 'test_density',
    nodes,
    initializers: o.wrong ? [] : [{ name: 'axes', dims: [1], data: BigInt64Array.from([1n]) }],
    inputs: [{ name: 'image', dims: [1, 3, s, s] }],
    outputs: [{ name: 'density', dims: [1, o.wrong ? 3 : 1, so, so] }],
  });
}

export function writeDensityTestModel(file: string, o: { size: number; k: number; wrong?: boolean; dynamic?: boolean }): string {
  writeFileSync(file, densityTestModel(o));
  return file;
}

/** The test model's count for a uniform image of byte value v (all channels) of any size it sees whole. */
export function expectedUniformCount(v: number, cells: number): number {
  let perCell = 0;
  for (let c = 0; c < 3; c++) perCell += Math.max(0, (v / 255 - MEAN[c]!) / STD[c]!);
  return perCell * cells;
}
