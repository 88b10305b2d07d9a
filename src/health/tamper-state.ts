/**
 * From observations to tamper flags, with hysteresis so noise does not flap them:
 *  - value hysteresis: a flag is raised below its `…Max…` threshold and only clears past its
 *    (more lenient) `…Clear…` threshold;
 *  - time hysteresis: a flag needs `raiseAfter` consecutive samples to rise and `clearAfter`
 *    consecutive samples to clear.
 * `moved` and `defocused` compare with the camera's reference view; they are not judged while the
 * view is covered or dark, nor before a reference exists, and `defocused` not while the view
 * looks moved (another view has other detail). Pure: no I/O and no clock (times are
 * passed in), so the same samples always give the same flags.
 */
import { adaptReference, frameStats, makeReference, similarityTo, type FrameStats, type GreyFrame, type Reference } from './tamper';

export const TAMPER_FLAGS = ['covered', 'dark', 'defocused', 'moved'] as const;
export type TamperFlag = (typeof TAMPER_FLAGS)[number];

export interface TamperThresholds {
  /** dark: mean brightness (0–255) below this raises … */
  darkMaxBrightness: number;
  /** … and above this clears. */
  darkClearBrightness: number;
  /** covered: contrast (σ of luma) below this with almost no edges raises … */
  coveredMaxContrast: number;
  /** … and above this clears. */
  coveredClearContrast: number;
  /** covered: share of edge pixels at most this. */
  coveredMaxEdgeDensity: number;
  /** defocused: detail relative to the reference's below this raises … */
  defocusMaxRatio: number;
  /** … and above this clears. */
  defocusClearRatio: number;
  /** moved: similarity with the reference below this raises … */
  movedMaxSimilarity: number;
  /** … and above this clears. */
  movedClearSimilarity: number;
}

export interface TamperOptions {
  thresholds: TamperThresholds;
  /** Consecutive samples that must agree before a flag is raised. */
  raiseAfter: number;
  /** Consecutive samples that must agree before a flag clears. */
  clearAfter: number;
  /** Blend of each clean, similar frame into the reference (0 = never follow the scene). */
  referenceAdaptRate: number;
  /** Only frames at least this similar to the reference are blended into it. */
  referenceAdaptMinSimilarity: number;
}

/** Calibrated on 64×36 frames of real footage (see src/health/tamper.real.test.ts and docs/BENCHMARKS.md). */
export const DEFAULT_TAMPER_OPTIONS: TamperOptions = {
  thresholds: {
    darkMaxBrightness: 25,
    darkClearBrightness: 35,
    coveredMaxContrast: 5,
    coveredClearContrast: 8,
    coveredMaxEdgeDensity: 0.01,
    defocusMaxRatio: 0.45,
    defocusClearRatio: 0.6,
    movedMaxSimilarity: 0.5,
    movedClearSimilarity: 0.65,
  },
  raiseAfter: 3,
  clearAfter: 3,
  referenceAdaptRate: 0.005,
  referenceAdaptMinSimilarity: 0.8,
};

export interface Observation {
  at: number;
  stats: FrameStats;
  /** Similarity with the reference; null without a (matching) reference. */
  similarity: number | null;
  /** The frame's detail relative to the reference's; null without a reference. */
  detailRatio: number | null;
}

/** true = the sample says the flag's condition holds; null = it cannot be judged on this sample. */
export type Conditions = Record<TamperFlag, boolean | null>;

/** Conditions of one observation; `raised` picks the raise or the clear threshold of each flag. */
export function evaluate(obs: Observation, raised: ReadonlySet<TamperFlag>, th: TamperThresholds): Conditions {
  const s = obs.stats;
  const dark = s.brightness < (raised.has('dark') ? th.darkClearBrightness : th.darkMaxBrightness);
  const covered = raised.has('covered')
    ? s.contrast < th.coveredClearContrast
    : s.contrast < th.coveredMaxContrast && s.edgeDensity <= th.coveredMaxEdgeDensity;
  const blind = dark || covered;
  const moved = blind || obs.similarity === null ? null : obs.similarity < (raised.has('moved') ? th.movedClearSimilarity : th.movedMaxSimilarity);
  // Another view has other detail: sharpness is only compared while the view is the reference's.
  const defocused = blind || moved !== false || obs.detailRatio === null ? null : obs.detailRatio < (raised.has('defocused') ? th.defocusClearRatio : th.defocusMaxRatio);
  return { covered, dark, defocused, moved };
}

interface Track {
  raised: boolean;
  since: number | null;
  /** Consecutive samples disagreeing with the current state. */
  streak: number;
}

export interface SampleResult {
  observation: Observation;
  conditions: Conditions;
  /** Flags raised now, sorted as TAMPER_FLAGS. */
  flags: TamperFlag[];
  newlyRaised: TamperFlag[];
  cleared: TamperFlag[];
  referenceCaptured: boolean;
}

export interface DetectorState {
  reference: Reference | null;
  /** Raised flags with the time each rose. */
  raised: Partial<Record<TamperFlag, number>>;
}

/** One camera's tamper detector: the reference view and the hysteresis of each flag. */
export class TamperDetector {
  private tracks: Record<TamperFlag, Track>;
  reference: Reference | null;

  constructor(
    private readonly opts: TamperOptions = DEFAULT_TAMPER_OPTIONS,
    initial: DetectorState = { reference: null, raised: {} },
  ) {
    if (!(opts.raiseAfter >= 1 && opts.clearAfter >= 1)) throw new RangeError('raiseAfter and clearAfter must be at least 1');
    this.reference = initial.reference;
    this.tracks = Object.fromEntries(
      TAMPER_FLAGS.map((f) => [f, { raised: initial.raised[f] !== undefined, since: initial.raised[f] ?? null, streak: 0 }]),
    ) as Record<TamperFlag, Track>;
  }

  get flags(): TamperFlag[] {
    return TAMPER_FLAGS.filter((f) => this.tracks[f].raised);
  }

  get state(): DetectorState {
    const raised: Partial<Record<TamperFlag, number>> = {};
    for (const f of TAMPER_FLAGS) if (this.tracks[f].raised) raised[f] = this.tracks[f].since ?? 0;
    return { reference: this.reference, raised };
  }

  /** Forget the reference (an operator re-aimed the camera): the next clean frame becomes it. */
  resetReference(): TamperFlag[] {
    this.reference = null;
    const cleared: TamperFlag[] = [];
    for (const f of ['defocused', 'moved'] as const) {
      if (this.tracks[f].raised) cleared.push(f);
      this.tracks[f] = { raised: false, since: null, streak: 0 };
    }
    return cleared;
  }

  /**
   * Analyses one frame taken at `at`. `mayCaptureReference`: the camera is known healthy (the
   * recorder has it online), so a clean frame may become the reference when there is none.
   */
  analyse(frame: GreyFrame, at: number, mayCaptureReference: boolean): SampleResult {
    const stats = frameStats(frame);
    const ref = this.reference && this.reference.width === frame.width && this.reference.height === frame.height ? this.reference : null;
    const observation: Observation = {
      at,
      stats,
      similarity: ref ? similarityTo(ref, frame) : null,
      detailRatio: ref ? stats.detail / Math.max(ref.detail, 1e-6) : null,
    };
    const before = new Set(this.flags);
    const conditions = evaluate(observation, before, this.opts.thresholds);
    const newlyRaised: TamperFlag[] = [];
    const cleared: TamperFlag[] = [];
    for (const f of TAMPER_FLAGS) {
      const c = conditions[f];
      const t = this.tracks[f];
      if (c === null) {
        t.streak = 0;
        continue;
      }
      if (c === t.raised) {
        t.streak = 0;
        continue;
      }
      t.streak++;
      if (t.streak >= (t.raised ? this.opts.clearAfter : this.opts.raiseAfter)) {
        t.raised = c;
        t.since = c ? at : null;
        t.streak = 0;
        (c ? newlyRaised : cleared).push(f);
      }
    }
    let referenceCaptured = false;
    const clean = !conditions.dark && !conditions.covered && this.flags.length === 0;
    if (!ref && mayCaptureReference && clean) {
      this.reference = makeReference(frame, at);
      referenceCaptured = true;
    } else if (ref && clean && !conditions.moved && !conditions.defocused && (observation.similarity ?? 0) >= this.opts.referenceAdaptMinSimilarity && this.opts.referenceAdaptRate > 0) {
      this.reference = adaptReference(ref, frame, this.opts.referenceAdaptRate);
    }
    return { observation, conditions, flags: this.flags, newlyRaised, cleared, referenceCaptured };
  }
}
