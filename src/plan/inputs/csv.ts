/** Planner CSV layers: demand `id,lat,lon,weight[,district]`, candidates `id,lat,lon,cost[,height]`, existing `id,lat,lon[,bearing,fov,range]`. */
import { CsvError, parse } from 'csv-parse/sync';
import type { Candidate, ExistingCamera } from '../types';
import { type Area, checkLatLon, type InputReport, markDuplicates } from './report';

interface Column {
  names: string[];
  required: boolean;
}

type Cells = Record<string, string | undefined>;

interface Row {
  row: number;
  id: string | null;
  cells: Cells;
  errors: string[];
}

/** Reads a CSV with a header into rows keyed by canonical column name; unknown columns are ignored. */
function readTable(text: string, source: string, columns: Record<string, Column>, report: InputReport): Row[] | null {
  let records: string[][];
  try {
    records = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: false, trim: true }) as string[][];
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    report.file(source, `CSV syntax error${typeof err.records === 'number' ? ` in row ${err.records + 1}` : ''}: ${err.code}`);
    return null;
  }
  const headerAt = records.findIndex((r) => r.some((c) => c !== ''));
  if (headerAt < 0) {
    report.file(source, `the file is empty: expected a header row such as ${Object.entries(columns).filter(([, c]) => c.required).map(([k]) => k).join(',')}`);
    return null;
  }
  const header = records[headerAt]!.map((h) => h.toLowerCase());
  const at: Record<string, number> = {};
  const missing: string[] = [];
  for (const [key, col] of Object.entries(columns)) {
    const i = header.findIndex((h) => col.names.includes(h));
    if (i >= 0) at[key] = i;
    else if (col.required) missing.push(key);
  }
  if (missing.length) {
    report.file(source, `header: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (the header is: ${header.join(',')})`);
    return null;
  }
  const rows: Row[] = [];
  for (let r = headerAt + 1; r < records.length; r++) {
    const rec = records[r]!;
    if (rec.every((c) => c === '')) continue;
    const cells: Cells = {};
    for (const [key, i] of Object.entries(at)) cells[key] = rec[i];
    const errors: string[] = [];
    if (rec.length !== header.length) errors.push(`row: has ${rec.length} fields but the header has ${header.length}`);
    const id = cells.id ? cells.id : null;
    if (!id) errors.push('id: required');
    rows.push({ row: r + 1, id, cells, errors });
  }
  markDuplicates(rows);
  return rows;
}

function num(row: Row, key: string, what: string, opts: { required?: boolean; min?: number; max?: number; def?: number | null } = {}): number | null {
  const raw = row.cells[key];
  if (raw === undefined || raw === '') {
    if (opts.required) row.errors.push(`${key}: required (${what})`);
    return opts.def ?? null;
  }
  const v = Number(raw);
  if (!Number.isFinite(v)) {
    row.errors.push(`${key}: '${raw.slice(0, 40)}' is not a number (${what})`);
    return null;
  }
  if ((opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max)) {
    row.errors.push(`${key}: ${v} is out of range (${what})`);
    return null;
  }
  return v;
}

const ID = { names: ['id'], required: true };
const LAT = { names: ['lat', 'latitude'], required: true };
const LON = { names: ['lon', 'lng', 'long', 'longitude'], required: true };

export interface RawDemandPoint {
  id: string;
  lat: number;
  lon: number;
  weight: number;
  district: string | null;
  row: number;
}

function latLon(row: Row, area: Area | null): { lat: number; lon: number } | null {
  const lat = num(row, 'lat', 'degrees', { required: true });
  const lon = num(row, 'lon', 'degrees', { required: true });
  if (lat === null || lon === null) return null;
  const errs = checkLatLon(lat, lon, area);
  row.errors.push(...errs);
  return errs.length ? null : { lat, lon };
}

export function parseDemandCsv(text: string, source: string, area: Area | null, report: InputReport): RawDemandPoint[] {
  const rows = readTable(text, source, { id: ID, lat: LAT, lon: LON, weight: { names: ['weight', 'w'], required: false }, district: { names: ['district'], required: false } }, report);
  if (!rows) return [];
  const out: RawDemandPoint[] = [];
  for (const row of rows) {
    const p = latLon(row, area);
    const weight = num(row, 'weight', 'a number ≥ 0', { min: 0, def: 1 });
    report.row(source, row.row, row.id, row.errors);
    if (!row.errors.length && p && weight !== null) out.push({ id: row.id!, ...p, weight, district: row.cells.district || null, row: row.row });
  }
  return out;
}

export function parseCandidatesCsv(text: string, source: string, area: Area | null, report: InputReport): Candidate[] {
  const rows = readTable(text, source, { id: ID, lat: LAT, lon: LON, cost: { names: ['cost'], required: false }, height: { names: ['height', 'height_m'], required: false } }, report);
  if (!rows) return [];
  const out: Candidate[] = [];
  for (const row of rows) {
    const p = latLon(row, area);
    const cost = num(row, 'cost', 'a number ≥ 0', { min: 0, def: 1 });
    const height = num(row, 'height', 'metres ≥ 0', { min: 0 });
    report.row(source, row.row, row.id, row.errors);
    if (!row.errors.length && p && cost !== null) out.push({ id: row.id!, ...p, cost, height });
  }
  return out;
}

export function parseExistingCsv(text: string, source: string, area: Area | null, report: InputReport): ExistingCamera[] {
  const rows = readTable(text, source, {
    id: ID, lat: LAT, lon: LON,
    bearing: { names: ['bearing', 'bearing_deg', 'bearingdeg'], required: false },
    fov: { names: ['fov', 'fov_deg', 'fovdeg'], required: false },
    range: { names: ['range', 'range_m'], required: false },
  }, report);
  if (!rows) return [];
  const out: ExistingCamera[] = [];
  for (const row of rows) {
    const p = latLon(row, area);
    const bearingDeg = num(row, 'bearing', 'degrees 0–360', { min: 0, max: 360 });
    const fovDeg = num(row, 'fov', 'degrees 0–360', { min: 0, max: 360 });
    const rangeM = num(row, 'range', 'metres > 0', { min: 0 });
    report.row(source, row.row, row.id, row.errors);
    if (!row.errors.length && p) out.push({ id: row.id!, ...p, bearingDeg, fovDeg: fovDeg || null, rangeM: rangeM || null });
  }
  return out;
}
