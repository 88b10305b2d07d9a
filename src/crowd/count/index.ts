/**
 * Crowd counting core (issue #6): how many people are in one frame, and where.
 *
 * THE API (fixed; crowd-live builds on it — change only by adding optional fields):
 *
 *   createCrowdCounter({
 *     kind: 'detector' | 'density' | 'auto',
 *     modelPath?,        // density model (ONNX, CSRNet/DM-Count style); required for 'density', optional for 'auto'
 *     pool?,             // the process's shared DetectorPool (server); without it `detector` or the built-in one is used
 *     detector?,         // an in-process Detector (CLI, benchmarks); the counter does not close it
 *     threshold?,        // person score threshold (default COUNT_THRESHOLDS[family], calibrated on MOT17)
 *     tiling?: { mode?: 'auto'|'always'|'never', tileSize?, overlap?, maxTiles?, refine?: { enabled?, threshold?, … } },
 *     density?: { maxSide?, threads? },
 *     auto?: { denseAbove?, sparseBelow? },   // hysteresis of 'auto', in persons per frame
 *     source?,           // names the requests in the pool's errors (e.g. the camera id)
 *     log?,
 *   }) → CrowdCounter { kind, count(frame, signal?) → CountResult, close() }
 *
 * Coordinates in results are normalised 0..1 (x right, y down). docs/design/crowd-counting.md explains the
 * tiling, merging, density and auto choices.
 */
import { ValidationError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { Detector, DetectorPool } from '../../detect/types';
import { AutoCounter, type AutoOptions } from './auto';
import { DensityCounter, type DensityOptions } from './density-counter';
import { DetectorCounter } from './detector-counter';
import type { TilingOptions } from './tiling';

export type CrowdKind = 'detector' | 'density' | 'auto';

/** One frame, packed rgb24 (the same layout as RgbImage of src/detect). */
export interface CountFrame {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface DensityMap {
  cols: number;
  rows: number;
  /** Persons per cell, row-major; sums to the count. */
  values: Float32Array;
}

export interface CountResult {
  /** Persons in the frame; fractional for density models. */
  count: number;
  kind: 'detector' | 'density';
  /** Normalised image positions: feet point (box bottom centre) per detection, or density-weighted cell centres. */
  points: Array<{ x: number; y: number }>;
  /** Per point, density models only (persons at that point). */
  weights?: number[];
  densityMap?: DensityMap;
  /** Model runs spent on this frame (whole-frame pass + tiles, or density tiles). */
  tiles: number;
  /** Wall time of the count. */
  ms: number;
}

export interface CrowdCounter {
  readonly kind: CrowdKind;
  count(frame: CountFrame, signal?: AbortSignal): Promise<CountResult>;
  close(): Promise<void>;
}

export interface CreateCrowdCounterOptions {
  kind: CrowdKind;
  /** Density model path (ONNX): needed for 'density'; 'auto' without it always uses the detector. */
  modelPath?: string;
  /** The process's shared detector pool (the server passes it); person detection runs there. */
  pool?: DetectorPool;
  /** An in-process detector (CLI, benchmarks) when there is no pool; not closed by the counter. */
  detector?: Detector;
  /** Minimum person score counted (default: COUNT_THRESHOLDS for the detector's family, else its own threshold). */
  threshold?: number;
  tiling?: TilingOptions;
  density?: DensityOptions;
  auto?: AutoOptions;
  /** Names the frames in the pool's errors and logs (e.g. a camera id). */
  source?: string;
  log?: Logger;
}

export { COUNT_THRESHOLDS, PERSON_THRESHOLD } from './detector-counter';
export type { TilingOptions } from './tiling';
export type { RefineOptions } from './refine';
export type { DensityOptions } from './density-counter';
export type { AutoOptions } from './auto';
export { loadDensityModel, type DensityModel } from './density-model';
export { loadCountCalibration, parseCountCalibration, densityOf, type CountCalibration } from './region';

const KINDS: readonly CrowdKind[] = ['detector', 'density', 'auto'];

export async function createCrowdCounter(o: CreateCrowdCounterOptions): Promise<CrowdCounter> {
  if (!KINDS.includes(o.kind)) throw new ValidationError(`crowd counter kind must be one of ${KINDS.join(', ')}; got '${String(o.kind)}'`, { kind: o.kind });
  if (o.threshold !== undefined && !(o.threshold > 0 && o.threshold < 1)) throw new ValidationError(`threshold must be between 0 and 1; got ${o.threshold}`, { threshold: o.threshold });
  if (o.kind === 'density') {
    if (!o.modelPath) throw new ValidationError("kind 'density' needs a density model: give modelPath (an ONNX file, image → density map)", { kind: o.kind });
    return DensityCounter.load(o.modelPath, o.density);
  }
  const detector = await DetectorCounter.create(o);
  if (o.kind === 'detector') return detector;
  const density = o.modelPath ? await DensityCounter.load(o.modelPath, o.density).catch(async (err: unknown) => {
    await detector.close();
    throw err;
  }) : null;
  if (!density) o.log?.info({ source: o.source }, "crowd counter 'auto' without a density model: counting with the detector only");
  return new AutoCounter(detector, density, o.auto);
}
