/**
 * A cheap motion detector (as Frigate's): the sampled RGB frame is box-averaged to a small grey
 * frame (160 px wide by default) in one pass, compared with a running-average background; pixels
 * that differ by more than `threshold` (after taking out the frame's median change, so a global
 * brightness shift is not motion) are dilated and grouped into connected components, whose boxes
 * are returned in the RGB frame's pixels. Masked areas (normalised polygons: trees, screens, the
 * camera's timestamp overlay) are ignored. When most of the picture changes at once (lights, IR
 * switch, exposure jump), the change is taken as lighting: the background restarts from this frame.
 */
import type { Box, RgbImage } from '../detect/types';
import { pointInPolygon, type Pt } from '../rules/geometry';
import type { GreyImage } from '../sample/types';

/** A polygon in normalised image coordinates (0..1 from the top-left), at least three points. */
export type Polygon = readonly Pt[];

export interface MotionOptions {
  /** Width of the grey frame motion is measured on (default 160). */
  width?: number;
  /** Weight of a new frame in the running-average background (default 0.15: sampled frames are far apart). */
  alpha?: number;
  /** Grey difference (0..255) that counts as change (default 20). */
  threshold?: number;
  /** Dilation radius in grey-frame pixels, joining the parts of one mover (default 2). */
  dilate?: number;
  /** Smallest component kept, as a share of the grey frame (default 0.001: 14 px of 160×90). */
  minArea?: number;
  /** Changed share of the unmasked picture above which the change is lighting, not motion (default 0.75). */
  lightingRatio?: number;
  /** Areas to ignore. */
  masks?: readonly Polygon[];
}

export interface MotionResult {
  /** Moving areas in the RGB frame's pixels. */
  boxes: Box[];
  /** Share of the unmasked grey frame that changed (before dilation). */
  changedRatio: number;
  /** The change was taken as lighting (and the background reset). */
  lighting: boolean;
  /** No background yet (first frame, or the frame size changed). */
  warmingUp: boolean;
}

/** Box-averages packed RGB to a grey image `width` wide (aspect kept), touching every source pixel once. */
export function toSmallGrey(img: RgbImage, width: number): GreyImage {
  const w = Math.max(1, Math.min(width, img.width));
  const h = Math.max(1, Math.round((img.height * w) / img.width));
  // Output column ox averages source columns [colStart[ox], colStart[ox + 1]).
  const colStart = new Int32Array(w + 1);
  for (let ox = 0; ox <= w; ox++) colStart[ox] = Math.floor((ox * img.width) / w);
  const acc = new Float64Array(w);
  const out = new Uint8Array(w * h);
  const src = img.data;
  const stride = img.width * 3;
  let y = 0;
  for (let oy = 0; oy < h; oy++) {
    const yEnd = Math.min(img.height, Math.floor(((oy + 1) * img.height) / h));
    const rows = yEnd - y;
    acc.fill(0);
    for (; y < yEnd; y++) {
      const base = y * stride;
      for (let ox = 0; ox < w; ox++) {
        let sum = 0;
        const end = base + colStart[ox + 1]! * 3;
        for (let p = base + colStart[ox]! * 3; p < end; p += 3) sum += src[p]! * 77 + src[p + 1]! * 150 + src[p + 2]! * 29;
        acc[ox]! += sum;
      }
    }
    const row = oy * w;
    for (let ox = 0; ox < w; ox++) {
      const n = (colStart[ox + 1]! - colStart[ox]!) * rows * 256;
      out[row + ox] = n > 0 ? Math.round(acc[ox]! / n) : 0;
    }
  }
  return { width: w, height: h, data: out };
}

/** 1 where a pixel centre of a w×h grid lies inside any mask polygon. */
export function rasteriseMasks(masks: readonly Polygon[], w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h);
  if (!masks.length) return out;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const px = (x + 0.5) / w;
      const py = (y + 0.5) / h;
      if (masks.some((m) => pointInPolygon([px, py], m))) out[y * w + x] = 1;
    }
  }
  return out;
}

/** Separable square dilation (max filter) of a 0/1 map, radius r. */
function dilate(src: Uint8Array, w: number, h: number, r: number): Uint8Array {
  if (r <= 0) return src;
  const tmp = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      if (!src[row + x]) continue;
      const a = Math.max(0, x - r);
      const b = Math.min(w - 1, x + r);
      for (let i = a; i <= b; i++) tmp[row + i] = 1;
    }
  }
  const out = new Uint8Array(w * h);
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; y++) {
      if (!tmp[y * w + x]) continue;
      const a = Math.max(0, y - r);
      const b = Math.min(h - 1, y + r);
      for (let i = a; i <= b; i++) out[i * w + x] = 1;
    }
  }
  return out;
}

/**
 * Bounding boxes [x, y, w, h] of the 8-connected components of a 0/1 map holding at least
 * `minPixels` pixels of `core` (the undilated change, so a dilated speck of noise does not count).
 */
export function components(bits: Uint8Array, w: number, h: number, minPixels: number, core: Uint8Array = bits): Box[] {
  const seen = new Uint8Array(w * h);
  const stack = new Int32Array(w * h);
  const boxes: Box[] = [];
  for (let start = 0; start < bits.length; start++) {
    if (!bits[start] || seen[start]) continue;
    let top = 0;
    stack[top++] = start;
    seen[start] = 1;
    let n = 0;
    let x0 = w;
    let y0 = h;
    let x1 = -1;
    let y1 = -1;
    while (top) {
      const p = stack[--top]!;
      const x = p % w;
      const y = (p - x) / w;
      // Bounds from the undilated change only: dilation joins the parts of a mover, it does not grow it.
      if (core[p]) {
        n++;
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= w) continue;
          const q = ny * w + nx;
          if (bits[q] && !seen[q]) {
            seen[q] = 1;
            stack[top++] = q;
          }
        }
      }
    }
    if (n >= minPixels && n > 0) boxes.push([x0, y0, x1 - x0 + 1, y1 - y0 + 1]);
  }
  return boxes;
}

export class MotionDetector {
  private readonly o: Required<Omit<MotionOptions, 'masks'>>;
  private masks: readonly Polygon[];
  private bg: Float32Array | null = null;
  private maskBits: Uint8Array | null = null;
  private w = 0;
  private h = 0;

  constructor(o: MotionOptions = {}) {
    this.o = { width: o.width ?? 160, alpha: o.alpha ?? 0.15, threshold: o.threshold ?? 20, dilate: o.dilate ?? 2, minArea: o.minArea ?? 0.001, lightingRatio: o.lightingRatio ?? 0.75 };
    this.masks = o.masks ?? [];
    for (const m of this.masks) {
      if (m.length < 3 || m.some(([x, y]) => !(x >= 0 && x <= 1 && y >= 0 && y <= 1))) {
        throw new RangeError('a motion mask is a polygon of at least three [x, y] points in 0..1 image coordinates');
      }
    }
  }

  /** Replaces the masks (takes effect on the next frame). */
  setMasks(masks: readonly Polygon[]): void {
    this.masks = masks;
    this.maskBits = null;
  }

  /** Forgets the background (the next frame starts a new one). */
  reset(): void {
    this.bg = null;
  }

  detect(img: RgbImage): MotionResult {
    const grey = toSmallGrey(img, this.o.width);
    const { width: w, height: h, data } = grey;
    if (!this.bg || w !== this.w || h !== this.h) {
      this.w = w;
      this.h = h;
      this.bg = Float32Array.from(data);
      this.maskBits = null;
      return { boxes: [], changedRatio: 0, lighting: false, warmingUp: true };
    }
    this.maskBits ??= rasteriseMasks(this.masks, w, h);
    const bg = this.bg;
    const mask = this.maskBits;
    const n = w * h;
    // The median of (frame − background) over the unmasked pixels: a global shift, not motion.
    const hist = new Uint32Array(511);
    let open = 0;
    for (let i = 0; i < n; i++) {
      if (mask[i]) continue;
      hist[Math.round(data[i]! - bg[i]!) + 255]!++;
      open++;
    }
    let shift = 0;
    for (let i = 0, c = 0; i < 511; i++) {
      c += hist[i]!;
      if (c * 2 >= open) {
        shift = i - 255;
        break;
      }
    }
    const changed = new Uint8Array(n);
    let count = 0;
    const t = this.o.threshold;
    for (let i = 0; i < n; i++) {
      const d = data[i]! - bg[i]! - shift;
      if (!mask[i] && (d > t || d < -t)) {
        changed[i] = 1;
        count++;
      }
    }
    const changedRatio = open ? count / open : 0;
    if (changedRatio > this.o.lightingRatio) {
      bg.set(data);
      return { boxes: [], changedRatio, lighting: true, warmingUp: false };
    }
    const a = this.o.alpha;
    for (let i = 0; i < n; i++) bg[i]! += a * (data[i]! - bg[i]!);
    if (!count) return { boxes: [], changedRatio, lighting: false, warmingUp: false };
    const sx = img.width / w;
    const sy = img.height / h;
    const boxes = components(dilate(changed, w, h, this.o.dilate), w, h, Math.max(1, Math.round(this.o.minArea * n)), changed).map((b): Box => {
      const x = Math.floor(b[0] * sx);
      const y = Math.floor(b[1] * sy);
      return [x, y, Math.min(img.width, Math.ceil((b[0] + b[2]) * sx)) - x, Math.min(img.height, Math.ceil((b[1] + b[3]) * sy)) - y];
    });
    return { boxes, changedRatio, lighting: false, warmingUp: false };
  }
}
