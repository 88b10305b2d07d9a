/**
 * Per-camera count correction: least squares true = a·raw + b over the operator-marked samples (true =
 * the number of heads marked), with the leave-one-out mean absolute error as the error to expect on new
 * frames. With every raw count equal the slope is undetermined: a = 1 and b = the mean offset.
 */
import { ValidationError } from '../../core/errors';
import type { CountCalibration } from '../model';

export const MIN_MARKED_SAMPLES = 3;

function fitLine(xs: readonly number[], ys: readonly number[]): { a: number; b: number } {
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i]! - mx) ** 2;
    sxy += (xs[i]! - mx) * (ys[i]! - my);
  }
  if (sxx < 1e-9 * Math.max(1, mx * mx)) return { a: 1, b: my - mx };
  const a = sxy / sxx;
  return { a, b: my - a * mx };
}

export function fitCountCalibration(samples: ReadonlyArray<{ raw: number; truth: number }>): CountCalibration {
  if (samples.length < MIN_MARKED_SAMPLES) {
    throw new ValidationError(
      `count calibration needs at least ${MIN_MARKED_SAMPLES} samples with marked heads, this camera has ${samples.length}; take more samples (POST /api/crowd/cameras/:id/samples) and mark the heads on them`,
      { field: 'samples', marked: samples.length, needed: MIN_MARKED_SAMPLES },
    );
  }
  const xs = samples.map((s) => s.raw);
  const ys = samples.map((s) => s.truth);
  const { a, b } = fitLine(xs, ys);
  let abs = 0;
  for (let i = 0; i < samples.length; i++) {
    const rest = fitLine(xs.filter((_, j) => j !== i), ys.filter((_, j) => j !== i));
    abs += Math.abs(Math.max(0, rest.a * xs[i]! + rest.b) - ys[i]!);
  }
  const mae = abs / samples.length;
  const meanTrue = ys.reduce((s, y) => s + y, 0) / ys.length;
  return { a: r4(a), b: r4(b), samples: samples.length, expectedMae: r4(mae), expectedErrorPct: meanTrue > 0 ? Math.round((mae / meanTrue) * 1000) / 10 : 0 };
}

function r4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
