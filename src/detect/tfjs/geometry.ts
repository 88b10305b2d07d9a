import type { Box, Detection, RgbImage } from '../types';

/** Intersection over union of two [x, y, w, h] boxes. */
export function iou(a: Box, b: Box): number {
  const iw = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
  const ih = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  return inter / (a[2] * a[3] + b[2] * b[3] - inter);
}

/**
 * Greedy non-maximum suppression per class: keeps the best-scoring box and drops boxes of the same class that
 * overlap it by more than `iouThreshold`. Returns the kept detections, best first.
 */
export function nms(dets: readonly Detection[], iouThreshold: number, maxKeep = 300): Detection[] {
  const sorted = [...dets].sort((x, y) => y.score - x.score);
  const kept: Detection[] = [];
  for (const d of sorted) {
    if (kept.length >= maxKeep) break;
    if (kept.some((k) => k.classId === d.classId && iou(k.box, d.box) > iouThreshold)) continue;
    kept.push(d);
  }
  return kept;
}

/** Clamps a box to the image and rounds it outwards to whole pixels; null when nothing of it is inside. */
export function clampBox(b: Box, width: number, height: number): Box | null {
  const x0 = Math.max(0, Math.floor(b[0]));
  const y0 = Math.max(0, Math.floor(b[1]));
  const x1 = Math.min(width, Math.ceil(b[0] + b[2]));
  const y1 = Math.min(height, Math.ceil(b[1] + b[3]));
  return x1 > x0 && y1 > y0 ? [x0, y0, x1 - x0, y1 - y0] : null;
}

/**
 * The window the detector sees for one motion region. Like Frigate's regions: a square around the region's
 * centre (the models take square inputs, so a square crop is not distorted), at least `minSide` pixels (a
 * person's motion is often only their moving part; context around it helps and tiny crops are blown up into
 * false positives), shifted to stay inside the image.
 */
export function regionWindow(region: Box, width: number, height: number, minSide: number): Box | null {
  const r = clampBox(region, width, height);
  if (!r) return null;
  const side = Math.max(r[2], r[3], minSide);
  // Never smaller than the region, so the window always contains it (a region wider than the image's
  // height gives a window as high as the image: not square, but nothing of the region is lost).
  const w = Math.min(side, width);
  const h = Math.min(side, height);
  const x = Math.min(Math.max(0, Math.round(r[0] + r[2] / 2 - w / 2)), width - w);
  const y = Math.min(Math.max(0, Math.round(r[1] + r[3] / 2 - h / 2)), height - h);
  return [x, y, w, h];
}

/** Copies a rectangle of whole pixels out of a packed RGB image. */
export function cropRgb(img: RgbImage, b: Box): RgbImage {
  const [x, y, w, h] = b;
  if (x === 0 && y === 0 && w === img.width && h === img.height) return img;
  const data = new Uint8Array(w * h * 3);
  const rowBytes = w * 3;
  for (let r = 0; r < h; r++) {
    const from = ((y + r) * img.width + x) * 3;
    data.set(img.data.subarray(from, from + rowBytes), r * rowBytes);
  }
  return { width: w, height: h, data };
}

/** Moves detections found in a crop back into the pixels of the whole image. */
export function offsetDetections(dets: readonly Detection[], dx: number, dy: number): Detection[] {
  return dets.map((d) => ({ ...d, box: [d.box[0] + dx, d.box[1] + dy, d.box[2], d.box[3]] }));
}
