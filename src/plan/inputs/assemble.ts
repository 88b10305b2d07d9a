/** Planner inputs (text of each layer) → a validated PlanInstance, or one report of every problem. */
import type { Candidate, DemandPoint, ExistingCamera, LayerInfo, Obstacle, PlanInstance } from '../types';
import { parseCandidatesCsv, parseDemandCsv, parseExistingCsv, type RawDemandPoint } from './csv';
import { parseDemandGeoJson, parseObstaclesGeoJson } from './geojson';
import { type Area, checkLatLon, InputReport, markDuplicates } from './report';

export type LayerFormat = 'csv' | 'geojson';

export interface DemandLayerInput {
  name: string;
  /** The planner's multiplier for this layer (default 1). */
  weight?: number;
  format: LayerFormat;
  text: string;
  /** Where rows are reported from (a file name); default the layer name. */
  source?: string;
}

export interface PlanInputs {
  demand: DemandLayerInput[];
  candidates: { format: 'csv'; text: string; name?: string };
  existing?: { format: 'csv'; text: string; name?: string } | null;
  /** Existing cameras already known (e.g. from SmartView's inventory), added to `existing`. */
  existingCameras?: ExistingCamera[];
  obstacles?: { text: string; name?: string } | null;
  area?: Area | null;
  /** Sample spacing for demand polygons, metres. */
  polygonSpacingM?: number;
}

/** Detects the format of a layer from its text when the caller did not say. */
export function sniffFormat(text: string): LayerFormat {
  return /^\s*[{[]/.test(text) ? 'geojson' : 'csv';
}

export function assembleInstance(inp: PlanInputs): PlanInstance {
  const report = new InputReport();
  const area = inp.area ?? null;
  if (area && !(area[0] < area[2] && area[1] < area[3])) report.file('area', 'expected minLon < maxLon and minLat < maxLat');
  if (!inp.demand.length) report.file('demand', 'no demand layer given: load at least one (CSV id,lat,lon,weight or GeoJSON)');
  const names = new Set<string>();
  const demand: DemandPoint[] = [];
  const layers: LayerInfo[] = [];
  for (const layer of inp.demand) {
    const w = layer.weight ?? 1;
    if (names.has(layer.name)) report.file(layer.name, 'two demand layers have this name; give each layer its own name');
    names.add(layer.name);
    if (!(Number.isFinite(w) && w >= 0)) report.file(layer.name, `layer weight ${w} must be a number ≥ 0`);
    const src = layer.source ?? layer.name;
    const before = report.rejected.length + report.fileErrors.length;
    const raw: RawDemandPoint[] = layer.format === 'geojson' ? parseDemandGeoJson(layer.text, src, area, report, inp.polygonSpacingM) : parseDemandCsv(layer.text, src, area, report);
    if (raw.length === 0 && before === report.rejected.length + report.fileErrors.length) report.file(src, 'the layer is empty: it holds no demand points');
    for (const p of raw) demand.push({ id: p.id, lat: p.lat, lon: p.lon, weight: p.weight * w, layer: layer.name, district: p.district });
    layers.push({ name: layer.name, weight: w, points: raw.length });
  }
  const candName = inp.candidates.name ?? 'candidates';
  const candidates: Candidate[] = parseCandidatesCsv(inp.candidates.text, candName, area, report);
  if (!candidates.length && !report.fileErrors.some((e) => e.startsWith(candName)) && !report.rejected.some((r) => r.source === candName)) {
    report.file(candName, 'no candidate sites: the file holds no rows');
  }
  const existing: ExistingCamera[] = inp.existing ? parseExistingCsv(inp.existing.text, inp.existing.name ?? 'existing', null, report) : [];
  const known = inp.existingCameras ?? [];
  const inventory = known.map((c, k) => ({ ...c, row: k + 1, errors: checkLatLon(c.lat, c.lon, null) }));
  const fileIds = new Set(existing.map((e) => e.id));
  for (const c of inventory) if (fileIds.has(c.id)) c.errors.push(`id: '${c.id}' is also in the existing-cameras file`);
  markDuplicates(inventory);
  for (const c of inventory) report.row('inventory', c.row, c.id, c.errors);
  existing.push(...inventory.filter((c) => !c.errors.length).map(({ id, lat, lon, bearingDeg, fovDeg, rangeM }) => ({ id, lat, lon, bearingDeg, fovDeg, rangeM })));
  const obstacles: Obstacle[] = inp.obstacles ? parseObstaclesGeoJson(inp.obstacles.text, inp.obstacles.name ?? 'obstacles', report) : [];
  report.throwIfAny();
  return { demand, layers, candidates, existing, obstacles };
}
