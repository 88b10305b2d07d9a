import { BYTETRACK_DEFAULTS, type ByteTrackerOptions } from './bytetrack';

/**
 * ByteTracker options from the `analytics.tracker` config and the detector's threshold. The detector's
 * threshold (the score at which `detect` reports a detection) is the tracker's confident score; the detector
 * itself should then keep detections down to `lowThreshold`, or the second association stage sees nothing.
 */
export function byteTrackerOptions(
  tracker: { lostAfterMs?: number; lowThreshold?: number; minHits?: number },
  detectorThreshold: number = BYTETRACK_DEFAULTS.highThreshold,
): ByteTrackerOptions {
  const high = detectorThreshold;
  return {
    highThreshold: high,
    lowThreshold: Math.min(tracker.lowThreshold ?? BYTETRACK_DEFAULTS.lowThreshold, high),
    // ByteTrack starts tracks 0.1 above its confident score (det_thresh = track_thresh + 0.1).
    newTrackThreshold: Math.min(1, Math.round((high + 0.1) * 1e6) / 1e6),
    ...(tracker.lostAfterMs !== undefined ? { lostAfterMs: tracker.lostAfterMs } : {}),
    ...(tracker.minHits !== undefined ? { minHits: tracker.minHits } : {}),
  };
}
