/**
 * Synthetic planner instances with hot-spot clusters (for tests and benchmarks): demand
 * concentrated around a few centres (weighted like incident counts) over a thinner background,
 * candidate sites partly on the hot spots and partly anywhere, a few existing cameras. Written in
 * the instance format ../shared/checks/plan_score.py reads.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PlanInstance } from './types';

export interface GenerateOptions {
  demand: number;
  candidates: number;
  existing?: number;
  clusters?: number;
  /** Side of the square area in metres. */
  extentM?: number;
  /** Spread of a hot spot (standard deviation), metres. */
  clusterSigmaM?: number;
  /** Centre of the area (default: Hong Kong, where plan_score.py's grid is tuned). */
  center?: [number, number];
  /** Share of demand points in clusters (the rest uniform). */
  clustered?: number;
  /** Weights rounded to integers (1–9) when true. */
  integerWeights?: boolean;
  /** Districts: the area is cut into this many vertical strips named D1, D2, … */
  districts?: number;
}

const M_PER_DEG = 111_194.9;

/** `rand` = a seeded PRNG in [0, 1) (test/support/prng.ts): same seed, same instance. */
export function generateInstance(rand: () => number, o: GenerateOptions): PlanInstance {
  const [lat0, lon0] = o.center ?? [22.3, 114.17];
  const extent = o.extentM ?? 8000;
  const sigma = o.clusterSigmaM ?? extent / 40;
  const nClusters = o.clusters ?? Math.max(3, Math.round(o.demand / 400));
  const clustered = o.clustered ?? 0.75;
  const districts = o.districts ?? 4;
  const toLat = (y: number) => lat0 + y / M_PER_DEG;
  const toLon = (x: number) => lon0 + x / (M_PER_DEG * Math.cos((lat0 * Math.PI) / 180));
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const inside = (v: number) => Math.max(-extent / 2, Math.min(extent / 2, v));
  const centres = Array.from({ length: nClusters }, () => ({ x: (rand() - 0.5) * extent * 0.9, y: (rand() - 0.5) * extent * 0.9, heat: 1 + rand() * 3 }));
  const point = (near: boolean, spread = 1): { x: number; y: number; heat: number } => {
    if (!near) return { x: (rand() - 0.5) * extent, y: (rand() - 0.5) * extent, heat: 1 };
    const c = centres[Math.floor(rand() * centres.length)]!;
    return { x: inside(c.x + gauss() * sigma * spread), y: inside(c.y + gauss() * sigma * spread), heat: c.heat };
  };
  const demand = Array.from({ length: o.demand }, (_, i) => {
    const p = point(rand() < clustered);
    const raw = p.heat * (0.5 + rand());
    const weight = o.integerWeights === false ? Math.round(raw * 100) / 100 : Math.max(1, Math.min(9, Math.round(raw * 2)));
    const district = `D${Math.min(districts, 1 + Math.floor(((p.x + extent / 2) / extent) * districts))}`;
    return { id: `P${String(i + 1).padStart(5, '0')}`, lat: round(toLat(p.y)), lon: round(toLon(p.x)), weight, layer: 'demand', district };
  });
  const candidates = Array.from({ length: o.candidates }, (_, i) => {
    const p = point(rand() < 0.6, 1.5);
    return { id: `C${String(i + 1).padStart(4, '0')}`, lat: round(toLat(p.y)), lon: round(toLon(p.x)), cost: 1 + Math.floor(rand() * 5), height: null };
  });
  const existing = Array.from({ length: o.existing ?? Math.round(o.candidates / 50) }, (_, i) => {
    const p = point(rand() < 0.5);
    return { id: `E${String(i + 1).padStart(3, '0')}`, lat: round(toLat(p.y)), lon: round(toLon(p.x)), bearingDeg: null, fovDeg: null, rangeM: null };
  });
  return { demand, layers: [{ name: 'demand', weight: 1, points: demand.length }], candidates, existing, obstacles: [] };
}

export function instanceCsv(inst: PlanInstance): { demand: string; candidates: string; existing: string } {
  return {
    demand: ['id,lat,lon,weight,district', ...inst.demand.map((d) => `${d.id},${d.lat},${d.lon},${d.weight},${d.district ?? ''}`)].join('\n') + '\n',
    candidates: ['id,lat,lon,cost', ...inst.candidates.map((c) => `${c.id},${c.lat},${c.lon},${c.cost}`)].join('\n') + '\n',
    existing: ['id,lat,lon', ...inst.existing.map((e) => `${e.id},${e.lat},${e.lon}`)].join('\n') + '\n',
  };
}

/** Writes demand.csv, candidates.csv, existing.csv and expected.json (plan_score.py's instance format). */
export function writeInstance(dir: string, inst: PlanInstance, expected: { K: number; radius_m: number; optimum?: number; proven_optimal?: boolean }): void {
  mkdirSync(dir, { recursive: true });
  const csv = instanceCsv(inst);
  writeFileSync(path.join(dir, 'demand.csv'), csv.demand);
  writeFileSync(path.join(dir, 'candidates.csv'), csv.candidates);
  writeFileSync(path.join(dir, 'existing.csv'), csv.existing);
  writeFileSync(path.join(dir, 'expected.json'), `${JSON.stringify(expected)}\n`);
}
