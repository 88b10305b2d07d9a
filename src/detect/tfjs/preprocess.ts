import type { RgbImage } from '../types';

/** How a model wants its square input tensor filled. */
export interface InputSpec {
  size: number;
  layout: 'nchw' | 'nhwc';
  /** Channel order of the tensor. */
  order: 'rgb' | 'bgr';
  /** value = (pixel - mean) / std, per tensor channel (after reordering). */
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
  /** true: keep the aspect ratio, image at the top-left, the rest filled with `pad`; false: stretch to the square. */
  letterbox: boolean;
  pad: number;
}

export interface Prepared {
  data: Float32Array;
  shape: [number, number, number, number];
  /** Model pixels per image pixel, per axis (to map boxes back: x_image = x_model / sx). */
  sx: number;
  sy: number;
}

/**
 * Resizes (bilinear, like cv2.INTER_LINEAR and TF's resizeBilinear with half-pixel centres), reorders and
 * normalises in one pass straight into the tensor's Float32Array, so a 1080p frame never becomes a full-size
 * float tensor.
 */
export function prepareInput(img: RgbImage, spec: InputSpec): Prepared {
  const S = spec.size;
  const sx0 = S / img.width;
  const sy0 = S / img.height;
  const s = Math.min(sx0, sy0);
  const sx = spec.letterbox ? s : sx0;
  const sy = spec.letterbox ? s : sy0;
  const outW = Math.min(S, Math.round(img.width * sx));
  const outH = Math.min(S, Math.round(img.height * sy));
  const data = new Float32Array(S * S * 3);
  const src = spec.order === 'rgb' ? [0, 1, 2] : [2, 1, 0];
  const mul = [0, 1, 2].map((c) => 1 / spec.std[c]!);
  const add = [0, 1, 2].map((c) => -spec.mean[c]! / spec.std[c]!);
  // Element (c, y, x) lives at (y·S + x)·pixStride + c·chStride in either layout.
  const nchw = spec.layout === 'nchw';
  const pixStride = nchw ? 1 : 3;
  const chStride = nchw ? S * S : 1;
  const [m0, m1, m2] = mul as [number, number, number];
  const [a0, a1, a2] = add as [number, number, number];
  const [k0, k1, k2] = src as [number, number, number];

  if (outW < S || outH < S) {
    for (let y = 0; y < S; y++) {
      for (let x = y < outH ? outW : 0; x < S; x++) {
        const o = (y * S + x) * pixStride;
        data[o] = spec.pad * m0 + a0;
        data[o + chStride] = spec.pad * m1 + a1;
        data[o + 2 * chStride] = spec.pad * m2 + a2;
      }
    }
  }
  // Precomputed horizontal taps.
  const x0s = new Int32Array(outW);
  const x1s = new Int32Array(outW);
  const fxs = new Float32Array(outW);
  for (let x = 0; x < outW; x++) {
    const fx = Math.min(Math.max((x + 0.5) / sx - 0.5, 0), img.width - 1);
    const x0 = Math.floor(fx);
    x0s[x] = x0 * 3;
    x1s[x] = Math.min(x0 + 1, img.width - 1) * 3;
    fxs[x] = fx - x0;
  }
  const d = img.data;
  const rowBytes = img.width * 3;
  const lerp = (r0: number, r1: number, a: number, b: number, wx: number, wy: number): number => {
    const top = d[r0 + a]! + (d[r0 + b]! - d[r0 + a]!) * wx;
    const bot = d[r1 + a]! + (d[r1 + b]! - d[r1 + a]!) * wx;
    return top + (bot - top) * wy;
  };
  for (let y = 0; y < outH; y++) {
    const fy = Math.min(Math.max((y + 0.5) / sy - 0.5, 0), img.height - 1);
    const y0 = Math.floor(fy);
    const wy = fy - y0;
    const r0 = y0 * rowBytes;
    const r1 = Math.min(y0 + 1, img.height - 1) * rowBytes;
    for (let x = 0; x < outW; x++) {
      const a = x0s[x]!;
      const b = x1s[x]!;
      const wx = fxs[x]!;
      const o = (y * S + x) * pixStride;
      data[o] = lerp(r0, r1, a + k0, b + k0, wx, wy) * m0 + a0;
      data[o + chStride] = lerp(r0, r1, a + k1, b + k1, wx, wy) * m1 + a1;
      data[o + 2 * chStride] = lerp(r0, r1, a + k2, b + k2, wx, wy) * m2 + a2;
    }
  }
  return { data, shape: nchw ? [1, 3, S, S] : [1, S, S, 3], sx, sy };
}
