/**
 * The contract of the tracking room (src/track): a per-camera multi-object tracker fed Detection[] per frame.
 */
import type { Box, Detection, RgbImage } from '../detect/types';
import type { EpochMs } from '../core/time';

export type TrackState = 'tentative' | 'confirmed' | 'lost' | 'removed';

export interface Track {
  /** Stable integer id within one tracker (camera). */
  id: number;
  label: string;
  state: TrackState;
  /** Current (Kalman-filtered) box in the frame's pixels. */
  box: Box;
  score: number;
  firstMs: EpochMs;
  lastMs: EpochMs;
  hits: number;
  /** Centre points of recent boxes, oldest first (bounded), for rules (direction, speed, dwell). */
  trail: { tMs: EpochMs; x: number; y: number }[];
  /** Best snapshot so far: the highest-scoring, largest, least-cut detection's crop (JPEG made later). */
  best?: { tMs: EpochMs; box: Box; score: number; crop?: RgbImage };
  /**
   * On the 'appeared' event only: the detections matched while the track was still tentative (oldest first), so
   * an offline caller (the MOT writer) can emit the track from its first frame. Live callers ignore it.
   */
  tentative?: { tMs: EpochMs; box: Box; score: number }[];
}

export type TrackEventType = 'appeared' | 'updated' | 'lost';

export interface TrackEvent {
  type: TrackEventType;
  track: Track;
}

export interface FrameUpdate {
  tMs: EpochMs;
  detections: Detection[];
  /** The frame, when the caller wants best-snapshot crops kept. */
  image?: RgbImage;
}

export interface Tracker {
  /** Feeds one frame; returns the active (confirmed) tracks after it and the lifecycle events it caused. */
  update(frame: FrameUpdate): { tracks: Track[]; events: TrackEvent[] };
  /** Ends every track (camera stopped): returns 'lost' events. */
  flush(tMs: EpochMs): TrackEvent[];
}
