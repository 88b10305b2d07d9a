/** Synthetic greyscale frames and helpers for the tamper tests and the benchmark (not product code). */
import { DEFAULT_TAMPER_OPTIONS, TamperDetector, type TamperFlag, type TamperOptions } from './tamper-state';
import type { GreyFrame } from './tamper';
import { prng } from '../../test/support/prng';

export { prng };

const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));

/** A street-like scene: a lighting gradient, rectangles (buildings, road markings) and fine texture. */
export function scene(width = 64, height = 36, seed = 1): GreyFrame {
  const rnd = prng(seed);
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = clamp(90 + (60 * x) / width - (30 * y) / height);
  for (let k = 0; k < 14; k++) {
    const w = 3 + Math.floor(rnd() * width * 0.3);
    const h = 2 + Math.floor(rnd() * height * 0.4);
    const x0 = Math.floor(rnd() * (width - w));
    const y0 = Math.floor(rnd() * (height - h));
    const v = 20 + rnd() * 215;
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) data[y * width + x] = clamp(v);
  }
  for (let i = 0; i < data.length; i++) data[i] = clamp(data[i]! + (rnd() - 0.5) * 30);
  return { width, height, data };
}

export function map(f: GreyFrame, fn: (v: number, x: number, y: number) => number): GreyFrame {
  const data = new Uint8Array(f.data.length);
  for (let y = 0; y < f.height; y++) for (let x = 0; x < f.width; x++) data[y * f.width + x] = clamp(fn(f.data[y * f.width + x]!, x, y));
  return { width: f.width, height: f.height, data };
}

/** Sensor noise of amplitude ±a. */
export function noisy(f: GreyFrame, a: number, seed: number): GreyFrame {
  const rnd = prng(seed);
  return map(f, (v) => v + (rnd() - 0.5) * 2 * a);
}

export function darken(f: GreyFrame, factor: number): GreyFrame {
  return map(f, (v) => v * factor);
}

export function uniform(f: GreyFrame, value: number): GreyFrame {
  return map(f, () => value);
}

/** Box blur of radius r, applied `passes` times. */
export function boxBlur(f: GreyFrame, r: number, passes = 1): GreyFrame {
  let cur = f;
  for (let p = 0; p < passes; p++) {
    const src = cur;
    cur = map(src, (_v, x, y) => {
      let s = 0;
      let n = 0;
      for (let dy = -r; dy <= r; dy++) {
        for (let dx = -r; dx <= r; dx++) {
          const xx = Math.min(src.width - 1, Math.max(0, x + dx));
          const yy = Math.min(src.height - 1, Math.max(0, y + dy));
          s += src.data[yy * src.width + xx]!;
          n++;
        }
      }
      return s / n;
    });
  }
  return cur;
}

export function hflip(f: GreyFrame): GreyFrame {
  return map(f, (_v, x, y) => f.data[y * f.width + (f.width - 1 - x)]!);
}

/** Pastes a rectangle of `value` (a passing vehicle). */
export function withBox(f: GreyFrame, x0: number, y0: number, w: number, h: number, value: number): GreyFrame {
  return map(f, (v, x, y) => (x >= x0 && x < x0 + w && y >= y0 && y < y0 + h ? value : v));
}

/** Feeds frames (one a second from t0) to a detector and returns the flags after each. */
export function run(frames: GreyFrame[], opts: TamperOptions = DEFAULT_TAMPER_OPTIONS, detector = new TamperDetector(opts), t0 = 0): { detector: TamperDetector; flags: TamperFlag[][]; ever: Set<TamperFlag> } {
  const flags: TamperFlag[][] = [];
  const ever = new Set<TamperFlag>();
  frames.forEach((f, i) => {
    const r = detector.analyse(f, t0 + i * 1000, true);
    flags.push(r.flags);
    for (const x of r.flags) ever.add(x);
  });
  return { detector, flags, ever };
}
