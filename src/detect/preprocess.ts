/**
 * RGB image (or a region of it) → the model's planar float tensor, by bilinear resampling (what OpenCV's
 * INTER_LINEAR gives the reference implementations), either letterboxed (aspect kept, content top-left,
 * the rest padded) or plainly stretched. Returns how to map model pixels back to image pixels.
 */
import { ValidationError } from '../core/errors';
import type { RgbImage } from './types';

export interface Roi {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface TensorFormat {
  width: number;
  height: number;
  /** Channel order of the tensor. */
  order: 'rgb' | 'bgr';
  /** value = (pixel − mean[c]) / std[c], c in TENSOR channel order. */
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
  /** Keep the aspect ratio (content at the top-left, the rest filled with `pad`) or stretch to the tensor. */
  letterbox: boolean;
  /** Pixel value (0–255, before normalisation) of the letterbox padding. */
  pad: number;
}

/** image = model / scale + offset, per axis. */
export interface Fit {
  scaleX: number;
  scaleY: number;
  offsetX: number;
  offsetY: number;
}

export function checkImage(image: RgbImage): void {
  if (!(image.width > 0 && image.height > 0 && Number.isInteger(image.width) && Number.isInteger(image.height))) {
    throw new ValidationError(`image size ${image.width}×${image.height} is not a positive whole number of pixels`);
  }
  if (image.data.length !== image.width * image.height * 3) {
    throw new ValidationError(`image data holds ${image.data.length} bytes; a ${image.width}×${image.height} packed RGB image holds ${image.width * image.height * 3}`);
  }
}

/** Writes `roi` of `image` into `out` ([1,3,H,W], planar). */
export function toTensor(image: RgbImage, roi: Roi, f: TensorFormat, out: Float32Array): Fit {
  const W = f.width;
  const H = f.height;
  const plane = W * H;
  let dw = W;
  let dh = H;
  if (f.letterbox) {
    const s = Math.min(W / roi.w, H / roi.h);
    dw = Math.max(1, Math.min(W, Math.round(roi.w * s)));
    dh = Math.max(1, Math.min(H, Math.round(roi.h * s)));
  }
  // Tensor channel c reads source channel src[c] (0 R, 1 G, 2 B).
  const src = f.order === 'rgb' ? [0, 1, 2] : [2, 1, 0];
  const a = [1 / f.std[0], 1 / f.std[1], 1 / f.std[2]];
  const b = [-f.mean[0] / f.std[0], -f.mean[1] / f.std[1], -f.mean[2] / f.std[2]];
  if (dw < W || dh < H) {
    for (let c = 0; c < 3; c++) {
      const v = f.pad * a[c]! + b[c]!;
      const base = c * plane;
      for (let y = 0; y < H; y++) {
        if (y >= dh) out.fill(v, base + y * W, base + (y + 1) * W);
        else if (dw < W) out.fill(v, base + y * W + dw, base + (y + 1) * W);
      }
    }
  }
  const sx = roi.w / dw;
  const sy = roi.h / dh;
  const x0s = new Int32Array(dw);
  const x1s = new Int32Array(dw);
  const wxs = new Float32Array(dw);
  for (let x = 0; x < dw; x++) {
    const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), roi.w - 1);
    const i0 = Math.floor(fx);
    x0s[x] = (roi.x + i0) * 3;
    x1s[x] = (roi.x + Math.min(i0 + 1, roi.w - 1)) * 3;
    wxs[x] = fx - i0;
  }
  const d = image.data;
  const stride = image.width * 3;
  const [s0, s1, s2] = src as [number, number, number];
  const [a0, a1, a2] = a as [number, number, number];
  const [b0, b1, b2] = b as [number, number, number];
  for (let y = 0; y < dh; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), roi.h - 1);
    const j0 = Math.floor(fy);
    const wy = fy - j0;
    const r0 = (roi.y + j0) * stride;
    const r1 = (roi.y + Math.min(j0 + 1, roi.h - 1)) * stride;
    let o = y * W;
    for (let x = 0; x < dw; x++, o++) {
      const p00 = r0 + x0s[x]!;
      const p01 = r0 + x1s[x]!;
      const p10 = r1 + x0s[x]!;
      const p11 = r1 + x1s[x]!;
      const wx = wxs[x]!;
      const w00 = (1 - wx) * (1 - wy);
      const w01 = wx * (1 - wy);
      const w10 = (1 - wx) * wy;
      const w11 = wx * wy;
      out[o] = (d[p00 + s0]! * w00 + d[p01 + s0]! * w01 + d[p10 + s0]! * w10 + d[p11 + s0]! * w11) * a0 + b0;
      out[o + plane] = (d[p00 + s1]! * w00 + d[p01 + s1]! * w01 + d[p10 + s1]! * w10 + d[p11 + s1]! * w11) * a1 + b1;
      out[o + 2 * plane] = (d[p00 + s2]! * w00 + d[p01 + s2]! * w01 + d[p10 + s2]! * w10 + d[p11 + s2]! * w11) * a2 + b2;
    }
  }
  return { scaleX: dw / roi.w, scaleY: dh / roi.h, offsetX: roi.x, offsetY: roi.y };
}
