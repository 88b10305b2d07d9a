/**
 * DB (Differentiable Binarization) post-processing of PP-OCR's text-probability map: threshold → connected
 * components → minimum-area rotated rectangle → "unclip" (the model predicts shrunk text kernels) → quad.
 */
import type { Point, Quad } from './image';

export interface DbOptions {
  /** Pixel probability above which a pixel is text (PaddleOCR det_db_thresh 0.3). */
  thresh?: number;
  /** Mean probability a component needs (det_db_box_thresh 0.6). */
  boxThresh?: number;
  /** Expansion of the kernel to the full text box (det_db_unclip_ratio 1.5). */
  unclipRatio?: number;
  /** Components with fewer pixels are noise. */
  minPixels?: number;
}

export interface TextBox {
  quad: Quad;
  /** Long side (along the text) and short side, in map pixels. */
  width: number;
  height: number;
  score: number;
}

function convexHull(pts: Point[]): Point[] {
  const p = [...pts].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (p.length < 3) return p;
  const cross = (o: Point, a: Point, b: Point): number => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: Point[] = [];
  for (const q of p) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, q) <= 0) lower.pop();
    lower.push(q);
  }
  const upper: Point[] = [];
  for (let i = p.length - 1; i >= 0; i--) {
    const q = p[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, q) <= 0) upper.pop();
    upper.push(q);
  }
  return lower.slice(0, -1).concat(upper.slice(0, -1));
}

/** Minimum-area rectangle around a convex hull (rotating edges): centre, axis unit vector, sizes along u and v. */
export function minAreaRect(hull: Point[]): { c: Point; u: Point; w: number; h: number } {
  let best = { area: Infinity, c: [0, 0] as Point, u: [1, 0] as Point, w: 0, h: 0 };
  const n = hull.length;
  for (let i = 0; i < Math.max(1, n); i++) {
    const a = hull[i]!;
    const b = hull[(i + 1) % n]!;
    let ux = b[0] - a[0];
    let uy = b[1] - a[1];
    const len = Math.hypot(ux, uy);
    if (len === 0) {
      ux = 1;
      uy = 0;
    } else {
      ux /= len;
      uy /= len;
    }
    let minU = Infinity;
    let maxU = -Infinity;
    let minV = Infinity;
    let maxV = -Infinity;
    for (const p of hull) {
      const pu = p[0] * ux + p[1] * uy;
      const pv = -p[0] * uy + p[1] * ux;
      minU = Math.min(minU, pu);
      maxU = Math.max(maxU, pu);
      minV = Math.min(minV, pv);
      maxV = Math.max(maxV, pv);
    }
    const area = (maxU - minU) * (maxV - minV);
    if (area < best.area) {
      const cu = (minU + maxU) / 2;
      const cv = (minV + maxV) / 2;
      best = { area, c: [cu * ux - cv * uy, cu * uy + cv * ux], u: [ux, uy], w: maxU - minU, h: maxV - minV };
    }
  }
  return best;
}

/** Corners of a rotated rectangle with its long side as width, ordered TL, TR, BR, BL (u points right). */
export function rectQuad(c: Point, u: Point, w: number, h: number): { quad: Quad; width: number; height: number } {
  let [ux, uy] = u;
  if (h > w) {
    [w, h] = [h, w];
    [ux, uy] = [-uy, ux];
  }
  if (ux < 0 || (ux === 0 && uy < 0)) {
    ux = -ux;
    uy = -uy;
  }
  const vx = -uy;
  const vy = ux;
  const at = (su: number, sv: number): Point => [c[0] + (su * w * ux) / 2 + (sv * h * vx) / 2, c[1] + (su * w * uy) / 2 + (sv * h * vy) / 2];
  return { quad: [at(-1, -1), at(1, -1), at(1, 1), at(-1, 1)], width: w, height: h };
}

/** Text boxes in the probability map's own pixels. */
export function dbBoxes(prob: Float32Array, width: number, height: number, o: DbOptions = {}): TextBox[] {
  const thresh = o.thresh ?? 0.3;
  const boxThresh = o.boxThresh ?? 0.6;
  const unclip = o.unclipRatio ?? 1.5;
  const minPixels = o.minPixels ?? 12;
  const seen = new Uint8Array(width * height);
  const out: TextBox[] = [];
  const stack: number[] = [];
  for (let start = 0; start < prob.length; start++) {
    if (seen[start] || prob[start]! <= thresh) continue;
    seen[start] = 1;
    stack.push(start);
    const edge: Point[] = [];
    let count = 0;
    let sum = 0;
    while (stack.length) {
      const i = stack.pop()!;
      const x = i % width;
      const y = (i - x) / width;
      count++;
      sum += prob[i]!;
      let border = false;
      for (const [dx, dy] of [
        [1, 0],
        [-1, 0],
        [0, 1],
        [0, -1],
      ] as const) {
        const nx = x + dx;
        const ny = y + dy;
        if (nx < 0 || ny < 0 || nx >= width || ny >= height) {
          border = true;
          continue;
        }
        const j = ny * width + nx;
        if (prob[j]! <= thresh) {
          border = true;
          continue;
        }
        if (!seen[j]) {
          seen[j] = 1;
          stack.push(j);
        }
      }
      // Pixel corners, so a one-pixel-thick kernel still has an area.
      if (border) edge.push([x, y], [x + 1, y], [x, y + 1], [x + 1, y + 1]);
    }
    if (count < minPixels || sum / count < boxThresh) continue;
    const r = minAreaRect(convexHull(edge));
    if (Math.min(r.w, r.h) < 2) continue;
    const d = (r.w * r.h * unclip) / (2 * (r.w + r.h));
    const q = rectQuad(r.c, r.u, r.w + 2 * d, r.h + 2 * d);
    out.push({ quad: q.quad, width: q.width, height: q.height, score: sum / count });
  }
  return out;
}
