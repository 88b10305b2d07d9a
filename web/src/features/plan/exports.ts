/** Client-side exports of a plan result: GeoJSON and CSV of the chosen sites with their marginal gains. */
import type { PlanResult } from './types';

export function sitesGeoJson(r: PlanResult): string {
  return JSON.stringify({
    type: 'FeatureCollection',
    properties: { solver: r.solver, status: r.status, covered_weight: r.covered_weight, total_weight: r.total_weight, gap: r.gap, radius_m: r.radiusM, fov_deg: r.fovDeg },
    features: r.sites.map((s, k) => ({
      type: 'Feature',
      id: s.id,
      geometry: { type: 'Point', coordinates: [s.lon, s.lat] },
      properties: { id: s.id, order: k + 1, cost: s.cost, bearing_deg: s.bearingDeg, marginal_gain: s.marginalGain, pinned: s.pinned },
    })),
  });
}

const cell = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : String(v);
  const safe = /^[=+\-@]/.test(s) && Number.isNaN(Number(s)) ? `'${s}` : s;
  return /[",\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export function sitesCsv(r: PlanResult): string {
  const rows: unknown[][] = [['order', 'id', 'lat', 'lon', 'cost', 'bearing_deg', 'marginal_gain', 'pinned']];
  r.sites.forEach((s, k) => rows.push([k + 1, s.id, s.lat, s.lon, s.cost, s.bearingDeg, s.marginalGain, s.pinned ? 'yes' : 'no']));
  return rows.map((row) => row.map(cell).join(',')).join('\n') + '\n';
}

export function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
