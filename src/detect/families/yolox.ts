/**
 * YOLOX (Megvii): [1, N, 5+C] per anchor point over strides 8/16/32: cx, cy, w, h (grid-relative, log size),
 * objectness and class scores (sigmoid already applied by the export). Input BGR 0–255, letterboxed top-left, pad 114.
 */
import type { Candidate } from '../nms';
import { argmax, fixed, type Family, type OutputTensor } from './family';

const STRIDES = [8, 16, 32];

function grid(width: number, height: number): { gx: Float32Array; gy: Float32Array; st: Float32Array } {
  const n = STRIDES.reduce((s, k) => s + Math.ceil(width / k) * Math.ceil(height / k), 0);
  const gx = new Float32Array(n);
  const gy = new Float32Array(n);
  const st = new Float32Array(n);
  let i = 0;
  for (const s of STRIDES) {
    const w = Math.ceil(width / s);
    const h = Math.ceil(height / s);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++, i++) {
      gx[i] = x;
      gy[i] = y;
      st[i] = s;
    }
  }
  return { gx, gy, st };
}

export const yolox: Family = {
  name: 'yolox',
  defaultSize: { width: 416, height: 416 },
  defaultThreshold: 0.3,
  format: (width, height) => ({ width, height, order: 'bgr', mean: [0, 0, 0], std: [1, 1, 1], letterbox: true, pad: 114 }),
  layout(outputs, input, numClasses) {
    const g = grid(input.width, input.height);
    const n = g.st.length;
    const expected = `one output [1,${n},5+classes] (cx,cy,w,h,objectness,class scores per anchor point of strides 8/16/32 for a ${input.width}×${input.height} input)`;
    const d = outputs.length === 1 ? fixed(outputs[0]!.dims) : null;
    if (!d || d.length !== 3 || d[0] !== 1 || d[1] !== n || d[2]! <= 5 || (numClasses !== null && d[2] !== numClasses + 5)) return { ok: false, expected };
    const name = outputs[0]!.name;
    const dim = d[2]!;
    const nc = dim - 5;
    return {
      ok: true,
      numClasses: nc,
      decode(out: Readonly<Record<string, OutputTensor>>, thr: number): Candidate[] {
        const data = out[name]!.data;
        const res: Candidate[] = [];
        for (let i = 0, off = 0; i < n; i++, off += dim) {
          const obj = data[off + 4]!;
          if (obj < thr) continue;
          const [cls, best] = argmax(data, off + 5, nc);
          const score = obj * best;
          if (score < thr) continue;
          const s = g.st[i]!;
          const cx = (data[off]! + g.gx[i]!) * s;
          const cy = (data[off + 1]! + g.gy[i]!) * s;
          const w = Math.exp(data[off + 2]!) * s;
          const h = Math.exp(data[off + 3]!) * s;
          res.push({ x1: cx - w / 2, y1: cy - h / 2, x2: cx + w / 2, y2: cy + h / 2, score, classId: cls });
        }
        return res;
      },
    };
  },
};

