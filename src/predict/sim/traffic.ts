import { buildNetwork, DEFAULT_NETWORK, type NetworkOptions, pathToRoot, type RoadNetwork, roadIndex, routeTree, type RouteTree } from './network';
import { intBelow, mulberry32, normal, pick, pickWeighted, type Rng, uniform } from './random';

/**
 * Vehicles with daily habits driving on a RoadNetwork past ANPR cameras. Commuters drive home →
 * work at their own time on weekdays and back in the evening, sometimes run an errand; other
 * vehicles make a few outings a day; at weekends everyone makes leisure trips to favourite places.
 * Road travel times depend on the time of day (peaks congest arterials most), carry noise per road
 * and per driver, plus junction delays. A camera reads a passing vehicle with probability
 * 1 − missRate. Times are local (Hong Kong, UTC+8 by default) and stored as UTC ms.
 */
export interface SimOptions {
  seed: number;
  vehicles: number;
  days: number;
  cameras: number;
  missRate: number;
  /** First simulated day (local date, YYYY-MM-DD). */
  startDate: string;
  tzOffsetMin: number;
  /** Share of vehicles that appear only in the last `newFromDay`.. days (no history for the model). */
  newVehicleShare: number;
  newFromDay: number;
  network: NetworkOptions;
}

export const DEFAULT_SIM: SimOptions = {
  seed: 1,
  vehicles: 2000,
  days: 16,
  cameras: 300,
  missRate: 0.1,
  startDate: '2026-03-02',
  tzOffsetMin: 480,
  newVehicleShare: 0.03,
  newFromDay: 11,
  network: DEFAULT_NETWORK,
};

export interface SimTrip {
  vehicle: number;
  day: number;
  /** Sightings of the trip: indices into SimResult.sightings, in time order. */
  first: number;
  count: number;
}

export interface SimResult {
  net: RoadNetwork;
  cameraIds: string[];
  cameraNode: Int32Array;
  plates: string[];
  /** Columns of the sightings, grouped by vehicle and in time order inside each vehicle. */
  sPlate: number[];
  sCamera: number[];
  sTs: number[];
  trips: SimTrip[];
  dayStartUtc: (day: number) => number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Vehicle {
  home: number;
  work: number;
  commuter: boolean;
  departH: number;
  returnH: number;
  favourites: number[];
  favWeights: number[];
  driver: number;
  firstDay: number;
}

export function plateName(i: number): string {
  const L = 'ABCDEFGHJKLMNPRSTUVWXYZ';
  const hi = Math.floor(i / 9000);
  return `${L[Math.floor(hi / L.length) % L.length]}${L[hi % L.length]}${1000 + (i % 9000)}`;
}

export function simulate(opts: Partial<SimOptions> = {}): SimResult {
  const o: SimOptions = { ...DEFAULT_SIM, ...opts };
  const rng = mulberry32(o.seed);
  const net = buildNetwork(rng, o.network);
  const nodes = [...net.reachable.keys()].filter((i) => net.reachable[i] === 1);
  const cameraNode = chooseCameras(rng, net, nodes, o.cameras);
  const cameraAt = new Int32Array(net.n).fill(-1);
  cameraNode.forEach((node, i) => (cameraAt[node] = i));
  const cameraIds = Array.from(cameraNode, (_, i) => `C${i + 1}`);

  // Work places cluster around three business districts; leisure places are spread out, more on arterials.
  const cbds = [0, 1, 2].map(() => pick(rng, nodes));
  const nearCbd = nodes.map((v) => Math.max(...cbds.map((c) => Math.exp(-((net.lat[v]! - net.lat[c]!) ** 2 + (net.lon[v]! - net.lon[c]!) ** 2) / 1e-4))));
  const works = distinct(40, () => nodes[pickWeighted(rng, nearCbd)]!);
  const pois = distinct(60, () => nodes[pickWeighted(rng, nodes.map((v) => 1 + net.arterialNode[v]!))]!);
  // Route variants: the fastest route plus two built on perturbed road costs; each driver prefers
  // one variant per destination, so drivers between the same places do not all take the same roads.
  const variants = [undefined, ...[1, 2].map(() => Float32Array.from({ length: net.adjTo.length }, () => Math.exp(0.35 * normal(rng))))];
  const trees = new Map<number, RouteTree[]>();
  for (const r of [...works, ...pois]) if (!trees.has(r)) trees.set(r, variants.map((noise) => routeTree(net, r, noise)));

  const vehicles: Vehicle[] = [];
  for (let i = 0; i < o.vehicles; i++) {
    const favourites = [pick(rng, pois), pick(rng, pois), pick(rng, pois)];
    vehicles.push({
      home: pick(rng, nodes),
      work: pick(rng, works),
      commuter: rng() < 0.75,
      departH: clamp(8 + 0.75 * normal(rng), 6, 10.5),
      returnH: clamp(18 + normal(rng), 15.5, 21.5),
      favourites,
      favWeights: [0.5, 0.3, 0.2],
      driver: Math.exp(0.08 * normal(rng)),
      firstDay: rng() < o.newVehicleShare ? Math.min(o.newFromDay, o.days - 1) : 0,
    });
  }

  const startUtc = Date.parse(`${o.startDate}T00:00:00Z`) - o.tzOffsetMin * 60_000;
  const startDow = new Date(`${o.startDate}T00:00:00Z`).getUTCDay();
  const res: SimResult = {
    net,
    cameraIds,
    cameraNode,
    plates: vehicles.map((_, i) => plateName(i)),
    sPlate: [],
    sCamera: [],
    sTs: [],
    trips: [],
    dayStartUtc: (d) => startUtc + d * DAY,
  };
  const route = (vi: number, a: number, b: number): number[] => {
    if (a === b) return [];
    // The driver's usual variant for this pair of places, another one now and then.
    const usual = (Math.imul(vi + 1, 0x9e3779b1) ^ Math.imul(Math.min(a, b) + 7, 0x85ebca6b) ^ Math.max(a, b)) >>> 0;
    const v = rng() < 0.1 ? intBelow(rng, variants.length) : usual % variants.length;
    const tb = trees.get(b);
    if (tb) return pathToRoot(tb[v]!, a);
    const ta = trees.get(a);
    if (ta) return pathToRoot(ta[v]!, b).reverse();
    throw new Error(`simulator: no route tree for ${a} or ${b}`);
  };

  for (let vi = 0; vi < vehicles.length; vi++) {
    const v = vehicles[vi]!;
    for (let d = v.firstDay; d < o.days; d++) {
      const dow = (startDow + d) % 7;
      const weekend = dow === 0 || dow === 6;
      const dayFactor = Math.exp(0.05 * normal(rng));
      const plan = dayPlan(rng, v, weekend, pois);
      let free = 0;
      for (const leg of plan) {
        const t0 = Math.max(leg.atH * HOUR, free);
        if (t0 > DAY - HOUR) break;
        const path = route(vi, leg.from, leg.to);
        const tripFirst = res.sTs.length;
        const end = drive(rng, net, path, res.dayStartUtc(d) + t0, { weekend, dayFactor, driver: v.driver, tzOffsetMin: o.tzOffsetMin }, (node, ts) => {
          const cam = cameraAt[node]!;
          if (cam >= 0 && rng() >= o.missRate) {
            res.sPlate.push(vi);
            res.sCamera.push(cam);
            res.sTs.push(ts);
          }
        });
        free = end - res.dayStartUtc(d) + leg.stayH * HOUR;
        if (res.sTs.length > tripFirst) res.trips.push({ vehicle: vi, day: d, first: tripFirst, count: res.sTs.length - tripFirst });
      }
    }
  }
  return res;
}

interface Leg {
  from: number;
  to: number;
  atH: number;
  /** Time spent at the destination before the next leg may start. */
  stayH: number;
}

function dayPlan(rng: Rng, v: Vehicle, weekend: boolean, pois: number[]): Leg[] {
  const legs: Leg[] = [];
  const fav = (pFav: number) => (rng() < pFav ? v.favourites[pickWeighted(rng, v.favWeights)]! : pick(rng, pois));
  const outing = (atH: number, pFav: number) => {
    const dest = fav(pFav);
    if (dest === v.home) return;
    legs.push({ from: v.home, to: dest, atH, stayH: uniform(rng, 0.5, 2.5) }, { from: dest, to: v.home, atH: 0, stayH: 0.5 });
  };
  if (weekend) {
    const n = pickWeighted(rng, [0.25, 0.5, 0.25]);
    for (let i = 0; i < n; i++) outing(uniform(rng, 9.5, 18), 0.75);
    return legs;
  }
  if (v.commuter && v.work !== v.home && rng() < 0.92) {
    legs.push({ from: v.home, to: v.work, atH: v.departH + 0.15 * normal(rng), stayH: 0 });
    legs.push({ from: v.work, to: v.home, atH: v.returnH + 0.3 * normal(rng), stayH: 0.5 });
    if (rng() < 0.25) outing(v.returnH + uniform(rng, 1, 2.5), 0.8);
    return legs;
  }
  const n = 2 + intBelow(rng, 3);
  for (let i = 0; i < n; i++) outing(uniform(rng, 8, 20), 0.5);
  return legs;
}

interface DriveCtx {
  weekend: boolean;
  dayFactor: number;
  driver: number;
  tzOffsetMin: number;
}

/** Congestion multiplier of a road at local hour h. */
export function congestion(h: number, arterial: boolean, weekend: boolean): number {
  const bump = (mu: number, sigma: number) => Math.exp(-0.5 * ((h - mu) / sigma) ** 2);
  if (weekend) return 1 + (arterial ? 0.35 : 0.2) * bump(14, 2.5);
  return 1 + (arterial ? 0.9 : 0.45) * bump(8.25, 0.9) + (arterial ? 0.8 : 0.4) * bump(18, 1.1);
}

/** Drives the node path from t0 (UTC ms); calls `at` at every node with the arrival time; returns the arrival time. */
function drive(rng: Rng, net: RoadNetwork, path: number[], t0: number, c: DriveCtx, at: (node: number, ts: number) => void): number {
  let t = t0;
  for (let i = 0; i < path.length; i++) {
    const u = path[i]!;
    at(u, Math.round(t));
    if (i + 1 === path.length) break;
    const k = roadIndex(net, u, path[i + 1]!);
    const localH = (((t + c.tzOffsetMin * 60_000) % DAY) + DAY) % DAY / HOUR;
    const art = net.adjArterial[k] === 1;
    let s = (net.adjLenM[k]! / net.adjSpeedMs[k]!) * congestion(localH, art, c.weekend) * c.dayFactor * c.driver * Math.exp(0.12 * normal(rng));
    // Junction delay (lights, turning) at busy junctions.
    if (net.adjStart[u + 1]! - net.adjStart[u]! >= 3 && rng() < 0.25) s += uniform(rng, 0, art ? 35 : 20);
    t += s * 1000;
  }
  return t;
}

function chooseCameras(rng: Rng, net: RoadNetwork, nodes: number[], count: number): Int32Array {
  const weights = nodes.map((v): number => (net.arterialNode[v] ? 4 : 1));
  const chosen = new Set<number>();
  const want = Math.min(count, nodes.length);
  while (chosen.size < want) {
    const i = pickWeighted(rng, weights);
    chosen.add(nodes[i]!);
    weights[i] = 0;
  }
  return Int32Array.from([...chosen].sort((a, b) => a - b));
}

function distinct(n: number, draw: () => number): number[] {
  const s = new Set<number>();
  for (let tries = 0; s.size < n && tries < n * 50; tries++) s.add(draw());
  return [...s];
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
