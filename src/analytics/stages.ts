/**
 * The stages a pipeline is assembled from, as the small interfaces the pipeline needs of them.
 * The real stages (src/motion, src/detect, src/track, src/rules, src/alerts) satisfy these
 * structurally; keeping the pipeline's view this narrow is what lets one pipeline run over live
 * cameras, recorded segments and files, and lets a remote detector replace the local pool.
 */
import type { Box, Detection, DetectorPool, RgbImage } from '../detect/types';
import type { EpochMs } from '../core/time';
import type { Track, TrackEvent, Tracker } from '../track/types';

/** Motion gate of one camera (src/motion/gate.ts MotionGate). */
export interface FrameGate {
  /** `tMs` is the frame's time (media time for recordings), which paces the gate's periodic full-frame check. */
  gate(frame: RgbImage, activeTracks: Box[], tMs: EpochMs): { run: boolean; regions?: Box[] };
}

/** Rule engine of one camera (src/rules/engine.ts RuleEngine): hits are opaque to the pipeline. */
export interface RuleEvaluator<H = unknown> {
  evaluate(tMs: EpochMs, tracks: Track[], events: TrackEvent[]): H[];
  /** The pixel size of the frames the tracks' boxes are in (rules are drawn normalised 0..1). */
  setFrameSize?(frame: { width: number; height: number }): void;
}

/** Where a pipeline's findings go (src/alerts/event-sink.ts EventSink, wrapped by `sinkFor`). */
export interface PipelineSink<H = unknown> {
  trackEvent(ev: TrackEvent, snapshot: RgbImage | undefined): Promise<void>;
  ruleHit(hit: H, snapshot: RgbImage | undefined): Promise<void>;
}

/** The stages of one camera (or one job): the pool is shared, the rest are the camera's own. */
export interface PipelineStages<H = unknown> {
  pool: Pick<DetectorPool, 'detect'>;
  /** null = motion gating off: every frame goes to the detector. */
  gate: FrameGate | null;
  tracker: Tracker;
  /** null = no rules: tracks only. */
  rules: RuleEvaluator<H> | null;
  sink: PipelineSink<H>;
  /** Plate reading on the camera's vehicle tracks (src/plates/sightings/anpr-stage.ts); never waits. */
  anpr?: AnprPort | null;
  /**
   * Sees every frame's tracks and ALL its detections (source pixels), including the labels that are not
   * tracked (`trackLabels`): the forensic index learns what a person carries from co-detected bags.
   */
  observer?: ((tracks: readonly Track[], detections: readonly Detection[], frame: { width: number; height: number }) => void) | null;
  /** Labels the tracker follows (default: every label the detector returns). */
  trackLabels?: readonly string[] | null;
}

/** What the pipeline needs of the ANPR stage. */
export interface AnprPort {
  offer(frame: { tMs: EpochMs; rgb: RgbImage; sourceWidth: number; sourceHeight: number }, tracks: readonly Track[], events: readonly TrackEvent[]): boolean;
  flush(): Promise<void>;
}

/** Counters of one pipeline (exposed on /metrics and in job rows). */
export interface PipelineStats {
  /** Frames offered to the pipeline. */
  frames: number;
  /** Frames the motion gate kept from the detector. */
  gatedOut: number;
  /** Frames the pipeline refused because it was still busy with the previous one (live only). */
  busyDropped: number;
  detectorCalls: number;
  /** Detector requests the shared pool refused (saturated). */
  poolDropped: number;
  detectorFailures: number;
  /** Tracks that appeared. */
  tracks: number;
  /** Events stored (track appeared/lost and rule hits). */
  events: number;
  ruleHits: number;
  /** Events the sink refused (store down…): counted and logged, the pipeline goes on. */
  sinkFailures: number;
  /** Mean ms from frame to tracker output, over the last frames. */
  meanFrameMs: number;
}

export function emptyStats(): PipelineStats {
  return { frames: 0, gatedOut: 0, busyDropped: 0, detectorCalls: 0, poolDropped: 0, detectorFailures: 0, tracks: 0, events: 0, ruleHits: 0, sinkFailures: 0, meanFrameMs: 0 };
}
