/**
 * Ultralytics-style YOLO, layout told by the output shape:
 * - v5 (and v7): [1, N, 5+C] rows cx, cy, w, h (input pixels), objectness, class scores; score = obj × cls.
 * - v8 / 11: [1, 4+C, N] columns cx, cy, w, h, class scores (no objectness).
 * Input RGB/255, letterboxed (top-left here; the models are translation-invariant), pad 114.
 */
import type { Candidate } from '../nms';
import { argmax, fixed, type Family, type LayoutResult, type OutputTensor } from './family';

function v5(name: string, n: number, dim: number): LayoutResult {
  const nc = dim - 5;
  return {
    ok: true,
    numClasses: nc,
    variant: 'yolov5',
    decode(out: Readonly<Record<string, OutputTensor>>, thr: number): Candidate[] {
      const data = out[name]!.data;
      const res: Candidate[] = [];
      for (let i = 0, off = 0; i < n; i++, off += dim) {
        const obj = data[off + 4]!;
        if (obj < thr) continue;
        const [cls, best] = argmax(data, off + 5, nc);
        const score = obj * best;
        if (score < thr) continue;
        const cx = data[off]!, cy = data[off + 1]!, w = data[off + 2]!, h = data[off + 3]!;
        res.push({ x1: cx - w / 2, y1: cy - h / 2, x2: cx + w / 2, y2: cy + h / 2, score, classId: cls });
      }
      return res;
    },
  };
}

function v8(name: string, n: number, dim: number): LayoutResult {
  const nc = dim - 4;
  return {
    ok: true,
    numClasses: nc,
    variant: 'yolov8',
    decode(out: Readonly<Record<string, OutputTensor>>, thr: number): Candidate[] {
      const data = out[name]!.data;
      const res: Candidate[] = [];
      for (let i = 0; i < n; i++) {
        let cls = 0;
        let best = data[4 * n + i]!;
        for (let c = 1; c < nc; c++) {
          const v = data[(4 + c) * n + i]!;
          if (v > best) {
            best = v;
            cls = c;
          }
        }
        if (best < thr) continue;
        const cx = data[i]!, cy = data[n + i]!, w = data[2 * n + i]!, h = data[3 * n + i]!;
        res.push({ x1: cx - w / 2, y1: cy - h / 2, x2: cx + w / 2, y2: cy + h / 2, score: best, classId: cls });
      }
      return res;
    },
  };
}

export const yolo: Family = {
  name: 'yolo',
  defaultSize: { width: 640, height: 640 },
  defaultThreshold: 0.3,
  format: (width, height) => ({ width, height, order: 'rgb', mean: [0, 0, 0], std: [255, 255, 255], letterbox: true, pad: 114 }),
  layout(outputs, _input, numClasses) {
    const expected = 'one output [1,N,5+classes] (YOLOv5: cx,cy,w,h,objectness,classes per row) or [1,4+classes,N] (YOLOv8/11: cx,cy,w,h,classes per column)';
    const d = outputs.length === 1 ? fixed(outputs[0]!.dims) : null;
    if (!d || d.length !== 3 || d[0] !== 1) return { ok: false, expected };
    const name = outputs[0]!.name;
    const [, a, b] = d as [number, number, number];
    if (numClasses !== null) {
      if (b === numClasses + 5 && a > b) return v5(name, a, b);
      if (a === numClasses + 4 && b > a) return v8(name, b, a);
      return { ok: false, expected: `${expected} with ${numClasses} classes (the labels given)` };
    }
    // Without labels the longer axis is the anchor axis (thousands of boxes, tens of classes).
    if (a > b && b > 5) return v5(name, a, b);
    if (b > a && a > 4) return v8(name, b, a);
    return { ok: false, expected };
  },
};
