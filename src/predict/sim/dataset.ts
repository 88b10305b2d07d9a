import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { mulberry32 } from './random';
import { DEFAULT_SIM, type SimOptions, type SimResult, simulate } from './traffic';

/**
 * A simulated evaluation set in the formats of `smartview predict next` and
 * ../shared/checks/predict_score.py: the first days are history, the last `holdoutDays` are held
 * back; a query is a held-back trip cut after k ≥ 1 sightings, its truth the next sighting.
 */
export interface DatasetOptions extends SimOptions {
  holdoutDays: number;
  queries: number;
}

export interface CameraRow { camera_id: string; lat: number; lon: number }
export interface HistoryRow { plate: string; camera_id: string; ts: number }
export interface QueryRow { id: string; plate: string; history: Array<{ camera_id: string; ts: string }>; now: string }
export interface TruthRow { id: string; next_camera: string; ts: string }

export interface Dataset {
  cameras: CameraRow[];
  history: HistoryRow[];
  queries: QueryRow[];
  truth: TruthRow[];
  meta: Record<string, unknown>;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function defaultHoldout(days: number): number {
  return Math.max(1, Math.round(days / 5));
}

export function buildDataset(opts: Partial<DatasetOptions> = {}): Dataset {
  const days = opts.days ?? DEFAULT_SIM.days;
  const holdoutDays = opts.holdoutDays ?? defaultHoldout(days);
  if (holdoutDays >= days) throw new RangeError(`holdoutDays (${holdoutDays}) must be below days (${days})`);
  const firstHeld = days - holdoutDays;
  const sim: SimResult = simulate({ ...opts, newFromDay: opts.newFromDay ?? firstHeld });
  const cameras = sim.cameraIds.map((camera_id, i) => ({ camera_id, lat: round6(sim.net.lat[sim.cameraNode[i]!]!), lon: round6(sim.net.lon[sim.cameraNode[i]!]!) }));
  const cutoff = sim.dayStartUtc(firstHeld);
  const history: HistoryRow[] = [];
  for (let i = 0; i < sim.sTs.length; i++) {
    if (sim.sTs[i]! < cutoff) history.push({ plate: sim.plates[sim.sPlate[i]!]!, camera_id: sim.cameraIds[sim.sCamera[i]!]!, ts: sim.sTs[i]! });
  }
  history.sort((a, b) => a.ts - b.ts);

  const rng = mulberry32((opts.seed ?? DEFAULT_SIM.seed) ^ 0x5eed);
  const held = sim.trips.filter((t) => t.day >= firstHeld && t.count >= 2);
  // A uniform sample of held-back trips (partial Fisher–Yates), each cut at a random point.
  const want = Math.min(opts.queries ?? 2000, held.length);
  for (let i = 0; i < want; i++) {
    const j = i + Math.floor(rng() * (held.length - i));
    [held[i], held[j]] = [held[j]!, held[i]!];
  }
  const queries: QueryRow[] = [];
  const truth: TruthRow[] = [];
  for (let qi = 0; qi < want; qi++) {
    const t = held[qi]!;
    const k = 1 + Math.floor(rng() * (t.count - 1));
    const id = `q${qi + 1}`;
    const hist = [];
    for (let s = t.first; s < t.first + k; s++) hist.push({ camera_id: sim.cameraIds[sim.sCamera[s]!]!, ts: iso(sim.sTs[s]!) });
    const next = t.first + k;
    queries.push({ id, plate: sim.plates[t.vehicle]!, history: hist, now: hist[hist.length - 1]!.ts });
    truth.push({ id, next_camera: sim.cameraIds[sim.sCamera[next]!]!, ts: iso(sim.sTs[next]!) });
  }
  const meta = {
    generator: 'smartview predict simulate',
    seed: opts.seed ?? DEFAULT_SIM.seed,
    vehicles: opts.vehicles ?? DEFAULT_SIM.vehicles,
    days,
    holdoutDays,
    cameras: cameras.length,
    roadNodes: sim.net.n,
    sightings: sim.sTs.length,
    historySightings: history.length,
    trips: sim.trips.length,
    heldBackTrips: held.length,
    queries: queries.length,
    missRate: opts.missRate ?? DEFAULT_SIM.missRate,
    firstDay: iso(sim.dayStartUtc(0)),
    heldBackFrom: iso(cutoff),
  };
  return { cameras, history, queries, truth, meta };
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

export function writeDataset(dir: string, ds: Dataset): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'cameras.csv'), `camera_id,lat,lon\n${ds.cameras.map((c) => `${c.camera_id},${c.lat},${c.lon}`).join('\n')}\n`);
  const lines = ['plate,camera_id,ts'];
  for (const h of ds.history) lines.push(`${h.plate},${h.camera_id},${iso(h.ts)}`);
  writeFileSync(path.join(dir, 'history.csv'), `${lines.join('\n')}\n`);
  writeFileSync(path.join(dir, 'queries.jsonl'), ds.queries.map((q) => JSON.stringify(q)).join('\n') + '\n');
  writeFileSync(path.join(dir, 'truth.jsonl'), ds.truth.map((t) => JSON.stringify(t)).join('\n') + '\n');
  writeFileSync(path.join(dir, 'meta.json'), `${JSON.stringify(ds.meta, null, 2)}\n`);
}
