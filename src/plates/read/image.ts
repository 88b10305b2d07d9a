/**
 * Small pixel operations on packed RGB the plate reader needs (crop, bilinear resize, perspective rectify).
 * Pure TypeScript: the crops are small (a plate is a few thousand pixels), so a native image library would cost
 * more in copying than it saves.
 */
import type { Box, RgbImage } from '../../detect/types';

export type Point = [number, number];
/** Four corners: top-left, top-right, bottom-right, bottom-left. */
export type Quad = [Point, Point, Point, Point];

export function cropImage(img: RgbImage, box: Box): RgbImage {
  const x0 = Math.max(0, Math.floor(box[0]));
  const y0 = Math.max(0, Math.floor(box[1]));
  const x1 = Math.min(img.width, Math.ceil(box[0] + box[2]));
  const y1 = Math.min(img.height, Math.ceil(box[1] + box[3]));
  const w = Math.max(1, x1 - x0);
  const h = Math.max(1, y1 - y0);
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const src = ((y0 + y) * img.width + x0) * 3;
    data.set(img.data.subarray(src, src + w * 3), y * w * 3);
  }
  return { width: w, height: h, data };
}

function sample(img: RgbImage, fx: number, fy: number, out: Uint8Array, o: number): void {
  const { width: W, height: H, data } = img;
  const x = Math.min(Math.max(fx, 0), W - 1);
  const y = Math.min(Math.max(fy, 0), H - 1);
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const x1 = Math.min(x0 + 1, W - 1);
  const y1 = Math.min(y0 + 1, H - 1);
  const ax = x - x0;
  const ay = y - y0;
  const i00 = (y0 * W + x0) * 3;
  const i01 = (y0 * W + x1) * 3;
  const i10 = (y1 * W + x0) * 3;
  const i11 = (y1 * W + x1) * 3;
  for (let c = 0; c < 3; c++) {
    const top = data[i00 + c]! + (data[i01 + c]! - data[i00 + c]!) * ax;
    const bot = data[i10 + c]! + (data[i11 + c]! - data[i10 + c]!) * ax;
    out[o + c] = Math.round(top + (bot - top) * ay);
  }
}

/** Bilinear resize (pixel centres aligned, like cv2.INTER_LINEAR). */
export function resizeImage(img: RgbImage, width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  const sx = img.width / width;
  const sy = img.height / height;
  for (let y = 0; y < height; y++) {
    const fy = (y + 0.5) * sy - 0.5;
    for (let x = 0; x < width; x++) sample(img, (x + 0.5) * sx - 0.5, fy, data, (y * width + x) * 3);
  }
  return { width, height, data };
}

/** The 3×3 homography (row-major, h33 = 1) that maps the unit-free destination rectangle corners onto `quad`. */
function homography(dst: Quad, src: Quad): number[] {
  // Solve the 8×8 system A·h = b mapping dst → src.
  const a: number[][] = [];
  const b: number[] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = dst[i]!;
    const [u, v] = src[i]!;
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y]);
    b.push(u);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y]);
    b.push(v);
  }
  for (let c = 0; c < 8; c++) {
    let p = c;
    for (let r = c + 1; r < 8; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    [b[c], b[p]] = [b[p]!, b[c]!];
    const d = a[c]![c]! || 1e-12;
    for (let r = 0; r < 8; r++) {
      if (r === c) continue;
      const f = a[r]![c]! / d;
      if (f === 0) continue;
      for (let k = c; k < 8; k++) a[r]![k]! -= f * a[c]![k]!;
      b[r]! -= f * b[c]!;
    }
  }
  return [...b.map((v, i) => v / a[i]![i]!), 1];
}

/** Rectifies the quadrilateral `quad` of `img` into a width×height image (perspective warp, bilinear). */
export function warpQuad(img: RgbImage, quad: Quad, width: number, height: number): RgbImage {
  const h = homography(
    [
      [0, 0],
      [width - 1, 0],
      [width - 1, height - 1],
      [0, height - 1],
    ],
    quad,
  );
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const w = h[6]! * x + h[7]! * y + h[8]!;
      sample(img, (h[0]! * x + h[1]! * y + h[2]!) / w, (h[3]! * x + h[4]! * y + h[5]!) / w, data, (y * width + x) * 3);
    }
  }
  return { width, height, data };
}

export const dist = (a: Point, b: Point): number => Math.hypot(a[0] - b[0], a[1] - b[1]);

/** The axis-aligned bounding box of a quad, clipped to the image. */
export function quadBox(q: Quad, width: number, height: number): Box {
  const xs = q.map((p) => p[0]);
  const ys = q.map((p) => p[1]);
  const x0 = Math.max(0, Math.min(...xs));
  const y0 = Math.max(0, Math.min(...ys));
  const x1 = Math.min(width, Math.max(...xs));
  const y1 = Math.min(height, Math.max(...ys));
  return [x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0)];
}

/** Scales a quad about its centre: `sx` along its top/bottom edges, `sy` along its left/right edges. */
export function scaleQuad(q: Quad, sx: number, sy: number): Quad {
  const cx = (q[0][0] + q[1][0] + q[2][0] + q[3][0]) / 4;
  const cy = (q[0][1] + q[1][1] + q[2][1] + q[3][1]) / 4;
  const ux = (q[1][0] - q[0][0] + q[2][0] - q[3][0]) / 2;
  const uy = (q[1][1] - q[0][1] + q[2][1] - q[3][1]) / 2;
  const vx = (q[3][0] - q[0][0] + q[2][0] - q[1][0]) / 2;
  const vy = (q[3][1] - q[0][1] + q[2][1] - q[1][1]) / 2;
  const signs: Point[] = [
    [-1, -1],
    [1, -1],
    [1, 1],
    [-1, 1],
  ];
  return q.map((p, i) => {
    const [su, sv] = signs[i]!;
    // Move each corner by the change of half the edge vectors; keeps the shape (perspective included) otherwise.
    return [p[0] + (su * (sx - 1) * ux) / 2 + (sv * (sy - 1) * vx) / 2, p[1] + (su * (sx - 1) * uy) / 2 + (sv * (sy - 1) * vy) / 2] as Point;
  }) as Quad;
}
