/**
 * NanoDet (RangiLyu). Two export layouts:
 * - NanoDet-m (GFL head): per level (strides 8/16/32) class scores [1,N,C] (sigmoid applied) and box
 *   distributions [1,N,32]; centre of cell = (col + 0.5) × stride.
 * - NanoDet-Plus: one output [1,N,C+32] over strides 8/16/32/64, centre of cell = col × stride.
 * Box: per side a softmax over reg_max+1 = 8 bins, expectation × stride = distance to left/top/right/bottom.
 * Input BGR, (x − mean)/std, letterboxed top-left (padding black, as the OpenCV Zoo reference).
 */
import type { Candidate } from '../nms';
import { argmax, fixed, type Family, type LayoutResult, type OutputInfo, type OutputTensor } from './family';

const BINS = 8; // reg_max 7
const REG = 4 * BINS;

interface Level {
  stride: number;
  cols: number;
  rows: number;
  /** Half-cell offset of the centre (0.5 for NanoDet-m, 0 for NanoDet-Plus). */
  centre: number;
}

const cells = (l: Level) => l.cols * l.rows;

function levels(strides: number[], width: number, height: number, centre: number): Level[] {
  return strides.map((stride) => ({ stride, cols: Math.ceil(width / stride), rows: Math.ceil(height / stride), centre }));
}

/** Expected distance for one side: softmax over BINS logits at data[off..]. */
function side(data: Float32Array, off: number): number {
  let max = data[off]!;
  for (let k = 1; k < BINS; k++) max = Math.max(max, data[off + k]!);
  let sum = 0;
  let acc = 0;
  for (let k = 0; k < BINS; k++) {
    const e = Math.exp(data[off + k]! - max);
    sum += e;
    acc += e * k;
  }
  return acc / sum;
}

/** One level: class scores at cls[clsOff + i*clsStep], distributions at reg[regOff + i*regStep]. */
function decodeLevel(res: Candidate[], l: Level, nc: number, thr: number, cls: Float32Array, clsOff: number, clsStep: number, reg: Float32Array, regOff: number, regStep: number): void {
  const n = cells(l);
  for (let i = 0; i < n; i++) {
    const [c, score] = argmax(cls, clsOff + i * clsStep, nc);
    if (score < thr) continue;
    const cx = ((i % l.cols) + l.centre) * l.stride;
    const cy = (Math.floor(i / l.cols) + l.centre) * l.stride;
    const r = regOff + i * regStep;
    res.push({
      x1: cx - side(reg, r) * l.stride,
      y1: cy - side(reg, r + BINS) * l.stride,
      x2: cx + side(reg, r + 2 * BINS) * l.stride,
      y2: cy + side(reg, r + 3 * BINS) * l.stride,
      score,
      classId: c,
    });
  }
}

function separate(outputs: readonly OutputInfo[], input: { width: number; height: number }, numClasses: number | null): LayoutResult | null {
  const lv = levels([8, 16, 32], input.width, input.height, 0.5);
  if (outputs.length !== 6) return null;
  const dims = outputs.map((o) => fixed(o.dims));
  if (dims.some((d) => !d || d.length !== 3 || d[0] !== 1)) return null;
  const regs = outputs.filter((_, i) => dims[i]![2] === REG);
  const clss = outputs.filter((_, i) => dims[i]![2] !== REG);
  if (regs.length !== 3 || clss.length !== 3) return null;
  const nc = (clss[0]!.dims as number[])[2]!;
  if (clss.some((o) => o.dims[2] !== nc) || (numClasses !== null && nc !== numClasses)) return null;
  const byCells = (list: OutputInfo[], l: Level) => list.find((o) => o.dims[1] === cells(l));
  const pairs = lv.map((l) => ({ l, cls: byCells(clss, l)?.name, reg: byCells(regs, l)?.name }));
  if (pairs.some((p) => !p.cls || !p.reg)) return null;
  return {
    ok: true,
    numClasses: nc,
    variant: 'nanodet-m',
    decode(out: Readonly<Record<string, OutputTensor>>, thr: number): Candidate[] {
      const res: Candidate[] = [];
      for (const p of pairs) decodeLevel(res, p.l, nc, thr, out[p.cls!]!.data, 0, nc, out[p.reg!]!.data, 0, REG);
      return res;
    },
  };
}

function single(outputs: readonly OutputInfo[], input: { width: number; height: number }, numClasses: number | null): LayoutResult | null {
  const lv = levels([8, 16, 32, 64], input.width, input.height, 0);
  const n = lv.reduce((s, l) => s + cells(l), 0);
  const d = outputs.length === 1 ? fixed(outputs[0]!.dims) : null;
  if (!d || d.length !== 3 || d[0] !== 1 || d[1] !== n || d[2]! <= REG) return null;
  const dim = d[2]!;
  const nc = dim - REG;
  if (numClasses !== null && nc !== numClasses) return null;
  const name = outputs[0]!.name;
  return {
    ok: true,
    numClasses: nc,
    variant: 'nanodet-plus',
    decode(out: Readonly<Record<string, OutputTensor>>, thr: number): Candidate[] {
      const data = out[name]!.data;
      const res: Candidate[] = [];
      let base = 0;
      for (const l of lv) {
        decodeLevel(res, l, nc, thr, data, base * dim, dim, data, base * dim + nc, dim);
        base += cells(l);
      }
      return res;
    },
  };
}

export const nanodet: Family = {
  name: 'nanodet',
  defaultSize: { width: 416, height: 416 },
  defaultThreshold: 0.4,
  format: (width, height) => ({ width, height, order: 'bgr', mean: [103.53, 116.28, 123.675], std: [57.375, 57.12, 58.395], letterbox: true, pad: 0 }),
  layout(outputs, input, numClasses) {
    const found = separate(outputs, input, numClasses) ?? single(outputs, input, numClasses);
    if (found) return found;
    const s8 = (k: number) => Math.ceil(input.width / k) * Math.ceil(input.height / k);
    return {
      ok: false,
      expected:
        `NanoDet-m: 6 outputs, class scores [1,N,classes] and box distributions [1,N,32] for N = ${s8(8)}, ${s8(16)}, ${s8(32)} (strides 8/16/32); ` +
        `or NanoDet-Plus: one output [1,${s8(8) + s8(16) + s8(32) + s8(64)},classes+32] (strides 8/16/32/64), for a ${input.width}×${input.height} input`,
    };
  },
};
