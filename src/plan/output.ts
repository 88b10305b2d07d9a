/** A plan's result as GeoJSON, CSV and a printable HTML report. */
import type { PlanResult } from './types';

export function resultGeoJson(r: PlanResult, radiusM: number, fovDeg: number | null): object {
  return {
    type: 'FeatureCollection',
    properties: { solver: r.solver, status: r.status, covered_weight: r.covered_weight, total_weight: r.total_weight, gap: r.gap, radius_m: radiusM, fov_deg: fovDeg },
    features: r.sites.map((s, k) => ({
      type: 'Feature',
      id: s.id,
      geometry: { type: 'Point', coordinates: [s.lon, s.lat] },
      properties: { id: s.id, order: k + 1, cost: s.cost, bearing_deg: s.bearingDeg, marginal_gain: s.marginalGain, pinned: s.pinned },
    })),
  };
}

const csvCell = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : String(v);
  // Quote commas/quotes; prefix formula starters so a spreadsheet shows text, not a formula.
  const safe = /^[=+\-@]/.test(s) && Number.isNaN(Number(s)) ? `'${s}` : s;
  return /[",\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export function resultCsv(r: PlanResult): string {
  const rows = [['order', 'id', 'lat', 'lon', 'cost', 'bearing_deg', 'marginal_gain', 'pinned']];
  r.sites.forEach((s, k) => rows.push([String(k + 1), s.id, String(s.lat), String(s.lon), String(s.cost), s.bearingDeg === null ? '' : String(s.bearingDeg), String(s.marginalGain), s.pinned ? 'yes' : 'no']));
  return rows.map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}

/** Coverage before/after per layer and per district, as CSV. */
export function coverageCsv(r: PlanResult): string {
  const rows = [['kind', 'name', 'total_weight', 'before', 'after']];
  for (const l of r.layers) rows.push(['layer', l.name, String(l.total), String(l.before), String(l.after)]);
  for (const d of r.districts) rows.push(['district', d.name, String(d.total), String(d.before), String(d.after)]);
  return rows.map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}

const esc = (s: unknown): string => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const pct = (a: number, b: number): string => (b > 0 ? `${((100 * a) / b).toFixed(1)} %` : '—');
const fmt = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(2));

/** A self-contained printable report (no scripts, no external resources). */
export function resultHtml(r: PlanResult, o: { title: string; radiusM: number; generatedAt: string }): string {
  const cov = (rows: PlanResult['layers'], head: string) =>
    rows.length
      ? `<h2>${esc(head)}</h2><table><tr><th>${esc(head)}</th><th>Total weight</th><th>Covered before</th><th>Covered after</th></tr>${rows
          .map((x) => `<tr><td>${esc(x.name)}</td><td>${fmt(x.total)}</td><td>${fmt(x.before)} (${pct(x.before, x.total)})</td><td>${fmt(x.after)} (${pct(x.after, x.total)})</td></tr>`)
          .join('')}</table>`
      : '';
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(o.title)}</title><style>
body{font:13px/1.4 system-ui,sans-serif;margin:2em;color:#111}table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #999;padding:3px 8px;text-align:left}th{background:#eee}
@media print{body{margin:0}}</style></head><body>
<h1>${esc(o.title)}</h1>
<p>Generated ${esc(o.generatedAt)} · solver <b>${esc(r.solver)}</b> (${esc(r.status)}) · radius ${fmt(o.radiusM)} m · gap ${r.gap === null ? '—' : `${(r.gap * 100).toFixed(3)} %`}</p>
<p>Covered weight <b>${fmt(r.covered_weight)}</b> of ${fmt(r.total_weight)} (${pct(r.covered_weight, r.total_weight)}); existing cameras alone ${fmt(r.existing_weight)} (${pct(r.existing_weight, r.total_weight)}). ${r.sites.length} sites, total cost ${fmt(r.cost_total)}.</p>
<h2>Proposed sites</h2><table><tr><th>#</th><th>Site</th><th>Lat</th><th>Lon</th><th>Bearing</th><th>Cost</th><th>Marginal gain</th><th>Pinned</th></tr>${r.sites
    .map((s, k) => `<tr><td>${k + 1}</td><td>${esc(s.id)}</td><td>${s.lat}</td><td>${s.lon}</td><td>${s.bearingDeg === null ? '360°' : `${fmt(s.bearingDeg)}°`}</td><td>${fmt(s.cost)}</td><td>${fmt(s.marginalGain)}</td><td>${s.pinned ? 'yes' : ''}</td></tr>`)
    .join('')}</table>${cov(r.layers, 'Layer')}${cov(r.districts, 'District')}</body></html>`;
}
