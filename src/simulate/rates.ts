import { DEFAULT_INPUTS, type CapacityInputs } from '../capacity/model';

/** The metadata kinds the simulator produces, with their rows per second per (average) camera. */
export type SimKind = 'sightings' | 'tracks' | 'events' | 'segments' | 'audit';
export const SIM_KINDS: SimKind[] = ['sightings', 'tracks', 'events', 'segments', 'audit'];

/**
 * City rates per average camera (rows/s), from the capacity model (src/capacity/model.ts, the lead's plan):
 * sightings = anprShare × sightingsPerAnprCameraHour / 3600, tracks and events over the analysed share,
 * one segment index row per segmentSeconds, audit = auditPerCameraDay / 86,400.
 */
export function perCameraRates(m: CapacityInputs = DEFAULT_INPUTS): Record<SimKind, number> {
  return {
    sightings: (m.anprShare * m.sightingsPerAnprCameraHour) / 3600,
    tracks: (m.analyticsShare * m.tracksPerCameraHour) / 3600,
    events: (m.analyticsShare * m.eventsPerCameraHour) / 3600,
    segments: 1 / m.segmentSeconds,
    audit: m.auditPerCameraDay / 86_400,
  };
}

/** Target rows/s per kind for `cameras` cameras at `fraction` of their city per-camera rate. */
export function targetRates(cameras: number, fraction: number, m: CapacityInputs = DEFAULT_INPUTS): Record<SimKind, number> {
  const r = perCameraRates(m);
  return Object.fromEntries(SIM_KINDS.map((k) => [k, r[k] * cameras * fraction])) as Record<SimKind, number>;
}
