/**
 * What the analytics role and the jobs need from the rest of the house, as ports. The real
 * implementations are assembled in wiring.ts (the one file that knows every stage room); tests
 * and benchmarks use the same wiring.
 */
import type { DetectOptions } from '../detect/types';
import type { EpochMs } from '../core/time';
import type { SampledFrame, SamplerStats } from '../sample/types';
import type { PipelineStages } from './stages';

/** The stages and detection options of one pipeline. */
export interface BuiltPipeline {
  stages: PipelineStages;
  detect: Pick<DetectOptions, 'classes' | 'threshold'>;
  /** The detector's confident score: lower detections only feed the tracker's rescue stage (see CameraPipelineOptions.gateMinScore). */
  gateMinScore?: number;
  /** Frames per second to sample (the camera's setting, else the config's). */
  fps: number;
  /** Longest side of sampled frames: the detector's input size. */
  maxSide: number;
}

export interface StageFactory {
  /**
   * Stages for a camera's pipeline (live, or over its recordings when `jobId` is set), or for an
   * uploaded file (`cameraId` null: no rules, no masks). Reads the camera's analytics settings.
   */
  build(o: { cameraId: string | null; jobId?: string; fps?: number; classes?: string[] }): Promise<BuiltPipeline>;
}

/** What the live side needs to know about a camera's analytics settings. */
export interface AnalyticsSettingsSource {
  /** Cameras whose analytics are switched on. */
  enabledCameras(): Promise<string[]>;
  /** A fingerprint of everything that shapes the camera's pipeline (fps, classes, masks, rules): a change restarts it. */
  fingerprint(cameraId: string): Promise<string | null>;
}

/** A running live sampler of one camera. */
export interface LiveSampler {
  stop(): Promise<void>;
  stats(): SamplerStats;
}

/**
 * Starts sampling a camera. While the promise `onFrame` returned is pending the sampler drops new
 * frames (and counts them): the pipeline never makes the sampler wait or queue.
 */
export type LiveSamplerFactory = (o: { cameraId: string; fps: number; maxSide: number; onFrame: (f: SampledFrame) => Promise<void> }) => Promise<LiveSampler>;

/** A recorded piece of footage: a segment file (or an uploaded file) and where it sits in time. */
export interface FootagePiece {
  path: string;
  /** UTC ms of its first frame (segments); 0 for an uploaded file. */
  startMs: EpochMs;
  /** UTC ms of its end, when known. */
  endMs?: EpochMs;
  /** From the segment index, when it has them (saves a probe per segment). */
  width?: number | null;
  height?: number | null;
  keyframes?: readonly number[];
}

/** Reads footage at `fps`, faster than real time; stops (and kills its decoder) when `signal` aborts. */
export type FootageReader = (o: {
  source: string;
  pieces: FootagePiece[];
  fps: number;
  maxSide: number;
  /** Only frames inside [fromMs, toMs) (recordings). */
  fromMs?: EpochMs;
  toMs?: EpochMs;
  signal: AbortSignal;
  /** 0..1 over all pieces, as the reader sees it. */
  onProgress?: (p: number) => void;
}) => AsyncIterable<SampledFrame>;
