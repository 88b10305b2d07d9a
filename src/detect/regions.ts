/**
 * Motion gating support: which crops of the image to run the model on, given motion regions.
 * A crop has a margin around its motion (objects are larger than the moving part of them), the model's
 * aspect ratio (no distortion) and at least half the model's input size (at most 2× upscaling, which
 * also helps small, far objects). Crops that overlap are merged; when crops would cost more than the
 * union of everything, or the union covers most of the frame, one crop (or the full frame) is used.
 */
import type { Roi } from './preprocess';
import type { Box } from './types';

export interface CropPlanOptions {
  /** Model input (the crop takes its aspect ratio). */
  input: { width: number; height: number };
  /** Margin around each region, as a fraction of its longer side (default 0.2), at least 16 px. */
  margin?: number;
  /** Most crops per image before falling back to their union (default 3). */
  maxCrops?: number;
  /** Union covering at least this fraction of the image → full frame (default 0.5). */
  fullFrameFraction?: number;
}

type Rect = { x1: number; y1: number; x2: number; y2: number };

const area = (r: Rect) => (r.x2 - r.x1) * (r.y2 - r.y1);
const overlaps = (a: Rect, b: Rect) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
const union = (a: Rect, b: Rect): Rect => ({ x1: Math.min(a.x1, b.x1), y1: Math.min(a.y1, b.y1), x2: Math.max(a.x2, b.x2), y2: Math.max(a.y2, b.y2) });

/** Grows `r` to the aspect ratio and minimum size, then slides/clips it into the image. */
function shape(r: Rect, W: number, H: number, aspect: number, minW: number): Rect {
  let w = Math.max(r.x2 - r.x1, minW);
  let h = Math.max(r.y2 - r.y1, minW / aspect);
  if (w / h < aspect) w = h * aspect;
  else h = w / aspect;
  w = Math.min(w, W);
  h = Math.min(h, H);
  const cx = (r.x1 + r.x2) / 2;
  const cy = (r.y1 + r.y2) / 2;
  const x1 = Math.min(Math.max(0, cx - w / 2), W - w);
  const y1 = Math.min(Math.max(0, cy - h / 2), H - h);
  return { x1, y1, x2: x1 + w, y2: y1 + h };
}

const toRoi = (r: Rect): Roi => {
  const x = Math.floor(r.x1);
  const y = Math.floor(r.y1);
  return { x, y, w: Math.max(1, Math.ceil(r.x2) - x), h: Math.max(1, Math.ceil(r.y2) - y) };
};

/** The crops to run for `regions` (image pixels); the whole image when regions are absent. */
export function planCrops(image: { width: number; height: number }, regions: readonly Box[] | undefined, o: CropPlanOptions): Roi[] {
  const W = image.width;
  const H = image.height;
  const full: Roi = { x: 0, y: 0, w: W, h: H };
  if (!regions) return [full];
  const aspect = o.input.width / o.input.height;
  const minW = Math.min(W, o.input.width / 2);
  const marginF = o.margin ?? 0.2;
  let crops: Rect[] = [];
  for (const [x, y, w, h] of regions) {
    const x1 = Math.max(0, x);
    const y1 = Math.max(0, y);
    const x2 = Math.min(W, x + w);
    const y2 = Math.min(H, y + h);
    if (x2 <= x1 || y2 <= y1) continue;
    const m = Math.max(16, marginF * Math.max(x2 - x1, y2 - y1));
    crops.push(shape({ x1: x1 - m, y1: y1 - m, x2: x2 + m, y2: y2 + m }, W, H, aspect, minW));
  }
  if (!crops.length) return [];
  for (let merged = true; merged; ) {
    merged = false;
    outer: for (let i = 0; i < crops.length; i++) {
      for (let j = i + 1; j < crops.length; j++) {
        if (overlaps(crops[i]!, crops[j]!)) {
          crops[i] = shape(union(crops[i]!, crops[j]!), W, H, aspect, minW);
          crops.splice(j, 1);
          merged = true;
          break outer;
        }
      }
    }
  }
  const cost = crops.reduce((s, c) => s + area(c), 0);
  const fullAt = (o.fullFrameFraction ?? 0.5) * W * H;
  const all = shape(crops.reduce(union), W, H, aspect, minW);
  if (crops.length > (o.maxCrops ?? 3) || cost >= area(all)) crops = [all];
  if (Math.min(cost, area(all)) >= fullAt) return [full];
  return crops.map(toRoi);
}
