/**
 * Counting by person detection: a whole-frame pass, plus overlapping full-resolution tiles when the frame is
 * much larger than the detector's input (tiling.ts), merged without double counting. Detection runs in the
 * process's shared DetectorPool when one is given (the server), else in an in-process Detector (CLI, bench).
 */
import { OperationalError, ValidationError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { loadDefaultDetector } from '../../detect/default-detector';
import { checkImage } from '../../detect/preprocess';
import type { Detection, Detector, DetectorPool, RgbImage } from '../../detect/types';
import type { CountFrame, CountResult, CrowdCounter } from './index';
import { planRefinement, resolveRefine, type ResolvedRefine } from './refine';
import { cutTile, fromDetections, mergeCandidates, planTiles, type Candidate, type Tile, type TilingOptions } from './tiling';

/**
 * Minimum person score counted with the built-in CenterNet and the fixed tile grid (its default: refinement
 * is opt-in for it because it costs 8–9 runs instead of 7 on a MOT17-02 frame, over the 1080p CPU budget): the
 * count-MAE-best threshold on the MOT17 frames with ≥ 10 people (bench/crowd-count-error.ts --sweep).
 */
export const PERSON_THRESHOLD = 0.32;
/**
 * With refinement (refine.ts): coarse-pass and sub-tile thresholds chosen with the refinement settings on the
 * calibration split (MOT17-02 frames 1, 3; mosaics 2×2-a, 3×3-a) by bench/crowd-count-refine-sweep.ts and
 * reported on the other frames (docs/design/crowd-counting.md).
 */
export const ADAPTIVE_PERSON_THRESHOLD = 0.34;
export const FINE_PERSON_THRESHOLD = 0.28;

/** Coarse-pass thresholds with the fixed grid only; families not listed keep their own tuned threshold. */
export const COUNT_THRESHOLDS: Readonly<Partial<Record<string, number>>> = { 'tfjs-centernet': PERSON_THRESHOLD, yolox: 0.4 };
/** Coarse-pass thresholds with refinement. */
export const ADAPTIVE_THRESHOLDS: Readonly<Partial<Record<string, number>>> = { 'tfjs-centernet': ADAPTIVE_PERSON_THRESHOLD, yolox: 0.43 };
/** Sub-tile thresholds of the families whose refinement is calibrated. */
export const FINE_THRESHOLDS: Readonly<Partial<Record<string, number>>> = { 'tfjs-centernet': FINE_PERSON_THRESHOLD, yolox: 0.2 };
/**
 * Families refined by default: YOLOX-nano refines nothing on MOT17-02 (7 runs) and meets the error target on
 * both sets; the built-in CenterNet needs 8–9 runs there (over the CPU budget), so it refines on request.
 */
const REFINE_BY_DEFAULT: ReadonlySet<string> = new Set(['yolox']);

/** Tiles are used (mode 'auto') when the frame's longer side is more than this × the detector's input side. */
const TILE_WHEN_DOWNSCALE_ABOVE = 1.5;

interface Runner {
  labels: readonly string[];
  inputSize: { width: number; height: number };
  threshold: number;
  family: string | null;
  /**
   * Requests of one frame in flight at once: the pool's worker count (they run in parallel, and one camera
   * never fills the pool's bounded queue with a whole frame's tiles); 1 for an in-process detector.
   */
  concurrency(): number;
  detect(image: RgbImage, threshold: number): Promise<Detection[]>;
  close(): Promise<void>;
}

function poolRunner(pool: DetectorPool, source: string): Runner {
  return {
    get labels() {
      return pool.labels;
    },
    get inputSize() {
      return pool.inputSize;
    },
    get threshold() {
      return pool.threshold;
    },
    family: (pool as { family?: string | null }).family ?? null,
    concurrency: () => Math.max(1, pool.stats().workers),
    async detect(image, threshold) {
      const r = await pool.detect(source, image, { threshold, classes: ['person'] });
      if (r === null) throw new OperationalError('detector_pool_busy', `the detector pool is saturated; the crowd count of this frame from ${source} was skipped (add detector workers or lower the crowd fps)`);
      return r;
    },
    close: async () => undefined,
  };
}

function detectorRunner(d: Detector, owned: boolean): Runner {
  return {
    labels: d.labels,
    inputSize: d.inputSize,
    threshold: d.threshold,
    family: d.family,
    concurrency: () => 1,
    detect: (image, threshold) => d.detect(image, { threshold, classes: ['person'] }),
    close: async () => {
      if (owned) await d.close();
    },
  };
}

function checkAborted(signal: AbortSignal | undefined, source: string): void {
  if (signal?.aborted) throw new OperationalError('crowd_count_aborted', `the crowd count of a frame from ${source} was cancelled`);
}

export class DetectorCounter implements CrowdCounter {
  readonly kind = 'detector' as const;
  private constructor(
    private readonly runner: Runner,
    readonly threshold: number,
    /** Minimum score in the refinement sub-tiles. */
    readonly fineThreshold: number,
    private readonly tiling: TilingOptions,
    private readonly refine: ResolvedRefine,
    private readonly source: string,
    private readonly log?: Logger,
  ) {}

  static async create(o: { pool?: DetectorPool; detector?: Detector; threshold?: number; tiling?: TilingOptions; source?: string; log?: Logger }): Promise<DetectorCounter> {
    const source = o.source ?? 'crowd';
    planTiles(1920, 1080, o.tiling ?? {}); // validates the tiling options now, not on the first frame
    resolveRefine(o.tiling?.refine); // validates now
    const runner = o.pool ? poolRunner(o.pool, source) : detectorRunner(o.detector ?? (await loadDefaultDetector()), !o.detector);
    if (runner.labels.length && !runner.labels.includes('person')) {
      await runner.close();
      throw new ValidationError(`the detector has no 'person' label (its labels: ${runner.labels.slice(0, 8).join(', ')}…): crowd counting needs a person detector`);
    }
    const family = runner.family ?? '';
    const calibratedFine = FINE_THRESHOLDS[family];
    const refine = resolveRefine({ ...o.tiling?.refine, enabled: o.tiling?.refine?.enabled ?? REFINE_BY_DEFAULT.has(family) });
    const table = refine.enabled ? ADAPTIVE_THRESHOLDS : COUNT_THRESHOLDS;
    const threshold = o.threshold ?? table[family] ?? (runner.threshold || PERSON_THRESHOLD);
    // an explicit coarse threshold moves the sub-tiles' by the same step
    const fine = o.tiling?.refine?.threshold ?? (calibratedFine !== undefined ? calibratedFine + (threshold - (table[family] ?? threshold)) : threshold);
    return new DetectorCounter(runner, threshold, fine, o.tiling ?? {}, refine, source, o.log);
  }

  /** The tiles this counter runs on a frame of this size ([] = whole frame only). */
  tilesFor(width: number, height: number): Tile[] {
    const mode = this.tiling.mode ?? 'auto';
    if (mode === 'never') return [];
    if (mode === 'auto') {
      const input = Math.max(this.runner.inputSize.width, this.runner.inputSize.height) || 512;
      if (Math.max(width, height) <= input * TILE_WHEN_DOWNSCALE_ABOVE) return [];
    }
    return planTiles(width, height, this.tiling);
  }

  /** Runs `jobs` with as many in flight as the runner allows. */
  private async runAll(jobs: Array<() => Promise<Detection[]>>, signal?: AbortSignal): Promise<Detection[][]> {
    const results: Detection[][] = new Array(jobs.length);
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < jobs.length) {
        const i = next++;
        checkAborted(signal, this.source);
        results[i] = await jobs[i]!();
      }
    };
    await Promise.all(Array.from({ length: Math.min(jobs.length, this.runner.concurrency()) }, lane));
    checkAborted(signal, this.source);
    return results;
  }

  /**
   * Person boxes of every pass (whole frame + coarse tiles + refinement sub-tiles; sub-tile boxes have `fine`)
   * in frame pixels before merging. Default: each at its pass's threshold (`threshold`, `fineThreshold`);
   * with `threshold` given, every box at or above it (the benchmarks sweep thresholds over one run). Which tiles
   * are refined does not depend on `threshold`.
   */
  async detectCandidates(frame: CountFrame, signal?: AbortSignal, threshold?: number): Promise<{ cands: Candidate[]; tiled: boolean; runs: number; refined: number[] }> {
    const image: RgbImage = { width: frame.width, height: frame.height, data: frame.data };
    checkImage(image);
    const tiles = this.tilesFor(frame.width, frame.height);
    const refine = tiles.length ? this.refine : { ...this.refine, enabled: false };
    const coarseT = threshold ?? this.threshold;
    const fineT = threshold ?? this.fineThreshold;
    const first = refine.enabled && refine.maxTiles > 0 ? Math.min(coarseT, refine.probeThreshold) : coarseT;
    checkAborted(signal, this.source);
    const results = await this.runAll([() => this.runner.detect(image, first), ...tiles.map((t) => () => this.runner.detect(cutTile(image, t), first))], signal);
    const side = Math.max(this.runner.inputSize.width, this.runner.inputSize.height) || 512;
    const cands = results.flatMap((dets, i) => (i === 0 ? fromDetections(dets, null, -1, frame.width, frame.height, side) : fromDetections(dets, tiles[i - 1]!, i - 1, frame.width, frame.height, side)));
    // sub-tile k of coarse tile p is pass tiles.length + 4p + k
    const subs = planRefinement(tiles, cands, refine);
    if (subs.length) {
      const fine = await this.runAll(subs.map((s) => () => this.runner.detect(cutTile(image, s.tile), fineT)), signal);
      fine.forEach((dets, j) => cands.push(...fromDetections(dets, subs[j]!.tile, tiles.length + 4 * subs[j]!.parent + subs[j]!.k, frame.width, frame.height, side).map((c) => ({ ...c, fine: true }))));
    }
    return { cands: cands.filter((c) => c.score >= (c.fine ? fineT : coarseT)), tiled: tiles.length > 0, runs: 1 + tiles.length + subs.length, refined: [...new Set(subs.map((p) => p.parent))] };
  }

  /** Merged person boxes in frame pixels, one per person. */
  async detectPeople(frame: CountFrame, signal?: AbortSignal): Promise<{ people: Candidate[]; runs: number }> {
    const { cands, tiled, runs } = await this.detectCandidates(frame, signal);
    return { people: tiled ? mergeCandidates(cands) : cands, runs };
  }

  async count(frame: CountFrame, signal?: AbortSignal): Promise<CountResult> {
    const t0 = performance.now();
    const { people, runs } = await this.detectPeople(frame, signal);
    const points = people.map((p) => ({ x: clamp01((p.x1 + p.x2) / 2 / frame.width), y: clamp01(p.y2 / frame.height) }));
    const ms = Math.round(performance.now() - t0);
    this.log?.debug({ source: this.source, count: points.length, runs, ms }, 'crowd count (detector)');
    return { count: points.length, kind: 'detector', points, tiles: runs, ms };
  }

  async close(): Promise<void> {
    await this.runner.close();
  }
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));
