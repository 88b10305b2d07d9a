import type { Box, Detection, RgbImage } from '../detect/types';

/** Boxes from the detector's image (the sampled frame) to source pixels, and back. */
export function scaleBox(b: Box, sx: number, sy: number): Box {
  return [b[0] * sx, b[1] * sy, b[2] * sx, b[3] * sy];
}

export function scaleDetectionsTo(dets: Detection[], sx: number, sy: number): Detection[] {
  if (sx === 1 && sy === 1) return dets;
  return dets.map((d) => ({ ...d, box: scaleBox(d.box, sx, sy) }));
}

/**
 * The part of `img` under `box` (image pixels), clamped to the image, with a small margin so the
 * snapshot shows the object's surroundings. Undefined when nothing of the box is inside.
 */
export function cropRgb(img: RgbImage, box: Box, margin = 0.1): RgbImage | undefined {
  const mx = box[2] * margin;
  const my = box[3] * margin;
  const x0 = Math.max(0, Math.floor(box[0] - mx));
  const y0 = Math.max(0, Math.floor(box[1] - my));
  const x1 = Math.min(img.width, Math.ceil(box[0] + box[2] + mx));
  const y1 = Math.min(img.height, Math.ceil(box[1] + box[3] + my));
  const w = x1 - x0;
  const h = y1 - y0;
  if (w <= 0 || h <= 0) return undefined;
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const from = ((y0 + y) * img.width + x0) * 3;
    data.set(img.data.subarray(from, from + w * 3), y * w * 3);
  }
  return { width: w, height: h, data };
}
