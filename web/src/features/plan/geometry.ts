/** A camera's view on the map: a circle, or a sector polygon (bearing ± fov/2) in lat/lon. */
const R = 6_371_000;
const RAD = Math.PI / 180;

/** The point at `distM` from (lat, lon) on initial bearing `deg` (great circle). */
export function destination(lat: number, lon: number, deg: number, distM: number): [number, number] {
  const d = distM / R;
  const b = deg * RAD;
  const p1 = lat * RAD;
  const p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(b));
  const l2 = lon * RAD + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(p1), Math.cos(d) - Math.sin(p1) * Math.sin(p2));
  return [p2 / RAD, l2 / RAD];
}

export function sectorPolygon(lat: number, lon: number, bearing: number, fov: number, rangeM: number): Array<[number, number]> {
  const steps = Math.max(4, Math.ceil(fov / 10));
  const pts: Array<[number, number]> = [[lat, lon]];
  for (let i = 0; i <= steps; i++) pts.push(destination(lat, lon, bearing - fov / 2 + (fov * i) / steps, rangeM));
  return pts;
}

/** A heat colour for a weight share in [0, 1]: pale yellow → red. */
export function heat(share: number): string {
  const s = Math.max(0, Math.min(1, share));
  return `hsl(${Math.round(50 - 50 * s)}, 95%, ${Math.round(60 - 15 * s)}%)`;
}
