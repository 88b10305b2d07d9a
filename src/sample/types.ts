/**
 * The contract of the sampling room (src/sample): frames pulled from a camera (or a recording, or a file)
 * at a low rate, decoded the cheapest way, scaled once. Frames never travel on the bus.
 */
import type { RgbImage } from '../detect/types';
import type { EpochMs } from '../core/time';

export interface GreyImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface SampledFrame {
  /** Camera id, or a file path for file analysis. */
  source: string;
  /** Wall-clock (live) or media time mapped to UTC (recordings) of the frame. */
  tMs: EpochMs;
  /** 1-based frame number within this sampler run. */
  seq: number;
  /** Scaled once for the detector (longest side ≤ the model's input size, aspect kept). */
  rgb: RgbImage;
  /** Size of the source stream, so boxes can be mapped back to source pixels. */
  sourceWidth: number;
  sourceHeight: number;
}

export interface SamplerStats {
  frames: number;
  /** Frames dropped on purpose because the consumer was busy. */
  dropped: number;
  restarts: number;
  keyframeOnly: boolean;
}
