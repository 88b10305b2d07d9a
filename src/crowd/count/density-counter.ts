/**
 * Counting with a density-map model: count = sum of the map; the map is pooled to at most MAX_COLS columns for
 * the result (heat maps, zone sums), and every cell holding people becomes a point at its centre, weighted by
 * the persons in it.
 */
import { OperationalError } from '../../core/errors';
import { loadDensityModel, type DensityModel, type DensityModelOptions } from './density-model';
import type { CountFrame, CountResult, CrowdCounter, DensityMap } from './index';

export type DensityOptions = DensityModelOptions;

const MAX_COLS = 64;
/** Cells holding fewer persons than this give no point (they still count in `count` and the map). */
const POINT_MIN = 1e-3;

/** Sums `factor`×`factor` blocks (the last ones may be partial). */
export function poolMap(map: Float32Array, cols: number, rows: number, factor: number): DensityMap {
  if (factor <= 1) return { cols, rows, values: map };
  const pc = Math.ceil(cols / factor);
  const pr = Math.ceil(rows / factor);
  const values = new Float32Array(pc * pr);
  for (let r = 0; r < rows; r++) {
    const row = Math.floor(r / factor) * pc;
    for (let c = 0; c < cols; c++) values[row + Math.floor(c / factor)]! += map[r * cols + c]!;
  }
  return { cols: pc, rows: pr, values };
}

export function densityResult(map: DensityMap, runs: number, ms: number): CountResult {
  let count = 0;
  const points: Array<{ x: number; y: number }> = [];
  const weights: number[] = [];
  for (let r = 0; r < map.rows; r++) {
    for (let c = 0; c < map.cols; c++) {
      const v = map.values[r * map.cols + c]!;
      count += v;
      if (v >= POINT_MIN) {
        points.push({ x: (c + 0.5) / map.cols, y: (r + 0.5) / map.rows });
        weights.push(v);
      }
    }
  }
  return { count, kind: 'density', points, weights, densityMap: map, tiles: runs, ms };
}

export class DensityCounter implements CrowdCounter {
  readonly kind = 'density' as const;
  private constructor(readonly model: DensityModel) {}

  static async load(path: string, o: DensityOptions = {}): Promise<DensityCounter> {
    return new DensityCounter(await loadDensityModel(path, o));
  }

  async count(frame: CountFrame, signal?: AbortSignal): Promise<CountResult> {
    if (signal?.aborted) throw new OperationalError('crowd_count_aborted', 'the crowd count of this frame was cancelled');
    const t0 = performance.now();
    const run = await this.model.run(frame);
    const map = poolMap(run.map, run.cols, run.rows, Math.ceil(run.cols / MAX_COLS));
    return densityResult(map, run.runs, Math.round(performance.now() - t0));
  }

  async close(): Promise<void> {
    await this.model.close();
  }
}
