const EARTH_M = 6_371_000;
const rad = Math.PI / 180;

/** Great-circle distance in metres. */
export function haversineM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Cameras see a little around themselves: distances below this are walked in no time. */
const SLACK_M = 30;
/** A target rarely moves at its top speed all the way: the expected speed is this fraction of it. */
const TYPICAL = 0.55;

/**
 * How plausible it is that the target, last seen at A at `fromMs`, is the track starting at B at `toMs`:
 * unreachable when covering the distance would need more than `maxSpeedMs` (then a small floor, so the
 * step is ranked low but still shown, flagged); otherwise 1 near the expected travel time at a typical
 * speed, decaying for longer gaps (the longer the gap, the more other places the target could be).
 */
export function plausibility(distanceM: number, elapsedMs: number, maxSpeedMs: number): { reachable: boolean; plausibility: number; requiredSpeedMs: number | null } {
  const d = Math.max(0, distanceM - SLACK_M);
  const s = Math.max(elapsedMs, 0) / 1000;
  const requiredSpeedMs = s > 0 ? Math.round((d / s) * 100) / 100 : d === 0 ? 0 : null;
  if (d > maxSpeedMs * s) return { reachable: false, plausibility: 0.02, requiredSpeedMs };
  const expected = d / (maxSpeedMs * TYPICAL);
  const late = Math.max(0, s - expected);
  return { reachable: true, plausibility: Math.exp(-late / (expected + 120)), requiredSpeedMs };
}

/** A lat/lon box around a point reaching `m` metres each way. */
export function boxAround(lat: number, lon: number, m: number): [number, number, number, number] {
  const dLat = m / EARTH_M / rad;
  const dLon = m / (EARTH_M * Math.max(0.01, Math.cos(lat * rad))) / rad;
  return [lon - dLon, lat - dLat, lon + dLon, lat + dLat];
}
