import { haversineM } from '../geo';
import { type Rng, uniform } from './random';

/**
 * A city-like road network: a perturbed grid (junctions moved up to a third of the block size,
 * some local streets missing, a few diagonals) with arterials every few rows and columns that are
 * faster and congest more at peak hours. Undirected; adjacency in CSR arrays.
 */
export interface RoadNetwork {
  n: number;
  lat: Float64Array;
  lon: Float64Array;
  /** CSR: the roads of node i are adjTo/adjLenM/… [adjStart[i], adjStart[i+1]). */
  adjStart: Int32Array;
  adjTo: Int32Array;
  adjLenM: Float32Array;
  adjSpeedMs: Float32Array;
  adjArterial: Uint8Array;
  arterialNode: Uint8Array;
  /** Nodes of the largest connected part: only these host homes, work places and cameras. */
  reachable: Uint8Array;
}

export interface NetworkOptions {
  rows: number;
  cols: number;
  blockM: number;
  arterialEvery: number;
  originLat: number;
  originLon: number;
}

export const DEFAULT_NETWORK: NetworkOptions = { rows: 50, cols: 50, blockM: 220, arterialEvery: 7, originLat: 22.28, originLon: 114.12 };

export function buildNetwork(rng: Rng, o: NetworkOptions = DEFAULT_NETWORK): RoadNetwork {
  const n = o.rows * o.cols;
  const lat = new Float64Array(n);
  const lon = new Float64Array(n);
  const mPerDegLat = 111_320;
  const mPerDegLon = 111_320 * Math.cos((o.originLat * Math.PI) / 180);
  const arterialNode = new Uint8Array(n);
  const isArtRow = (r: number) => r % o.arterialEvery === 3;
  for (let r = 0; r < o.rows; r++) {
    for (let c = 0; c < o.cols; c++) {
      const i = r * o.cols + c;
      const art = isArtRow(r) || isArtRow(c);
      arterialNode[i] = art ? 1 : 0;
      // Arterials stay straighter than side streets.
      const jitter = art ? 0.1 : 0.33;
      const y = r * o.blockM + uniform(rng, -jitter, jitter) * o.blockM;
      const x = c * o.blockM + uniform(rng, -jitter, jitter) * o.blockM;
      lat[i] = o.originLat + y / mPerDegLat;
      lon[i] = o.originLon + x / mPerDegLon;
    }
  }
  const edges: Array<[number, number, boolean]> = [];
  for (let r = 0; r < o.rows; r++) {
    for (let c = 0; c < o.cols; c++) {
      const i = r * o.cols + c;
      if (c + 1 < o.cols) {
        const art = isArtRow(r);
        if (art || rng() > 0.08) edges.push([i, i + 1, art]);
      }
      if (r + 1 < o.rows) {
        const art = isArtRow(c);
        if (art || rng() > 0.08) edges.push([i, i + o.cols, art]);
      }
      if (r + 1 < o.rows && c + 1 < o.cols && rng() < 0.04) edges.push([i, i + o.cols + 1, false]);
    }
  }
  const deg = new Int32Array(n + 1);
  for (const [a, b] of edges) {
    deg[a]!++;
    deg[b]!++;
  }
  const adjStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) adjStart[i + 1] = adjStart[i]! + deg[i]!;
  const m = adjStart[n]!;
  const adjTo = new Int32Array(m);
  const adjLenM = new Float32Array(m);
  const adjSpeedMs = new Float32Array(m);
  const adjArterial = new Uint8Array(m);
  const fill = adjStart.slice(0, n);
  for (const [a, b, art] of edges) {
    const len = haversineM(lat[a]!, lon[a]!, lat[b]!, lon[b]!) * 1.04;
    const speed = art ? 16.7 * uniform(rng, 0.85, 1.1) : 9.7 * uniform(rng, 0.75, 1.1);
    for (const [u, v] of [[a, b], [b, a]] as const) {
      const k = fill[u]!++;
      adjTo[k] = v;
      adjLenM[k] = len;
      adjSpeedMs[k] = speed;
      adjArterial[k] = art ? 1 : 0;
    }
  }
  return { n, lat, lon, adjStart, adjTo, adjLenM, adjSpeedMs, adjArterial, arterialNode, reachable: largestComponent(n, adjStart, adjTo) };
}

function largestComponent(n: number, adjStart: Int32Array, adjTo: Int32Array): Uint8Array {
  const comp = new Int32Array(n).fill(-1);
  let best = -1;
  let bestSize = 0;
  const stack: number[] = [];
  for (let s = 0, id = 0; s < n; s++) {
    if (comp[s] !== -1) continue;
    let size = 0;
    stack.push(s);
    comp[s] = id;
    while (stack.length) {
      const u = stack.pop()!;
      size++;
      for (let k = adjStart[u]!; k < adjStart[u + 1]!; k++) {
        const v = adjTo[k]!;
        if (comp[v] === -1) {
          comp[v] = id;
          stack.push(v);
        }
      }
    }
    if (size > bestSize) [best, bestSize] = [id, size];
    id++;
  }
  return Uint8Array.from(comp, (c) => (c === best ? 1 : 0));
}

/**
 * Shortest-time tree towards `root` (free-flow times). The network is undirected, so the path from
 * any node to the root follows `parent`, and the way back is the same path reversed.
 */
export interface RouteTree {
  root: number;
  parent: Int32Array;
}

/** `costNoise` (per road, > 0) makes a route variant: a driver's own idea of which roads are quick. */
export function routeTree(net: RoadNetwork, root: number, costNoise?: Float32Array): RouteTree {
  const dist = new Float64Array(net.n).fill(Infinity);
  const parent = new Int32Array(net.n).fill(-1);
  const heap = new MinHeap(net.n);
  dist[root] = 0;
  heap.push(root, 0);
  while (heap.size) {
    const [u, d] = heap.pop();
    if (d > dist[u]!) continue;
    for (let k = net.adjStart[u]!; k < net.adjStart[u + 1]!; k++) {
      const v = net.adjTo[k]!;
      const nd = d + (net.adjLenM[k]! / net.adjSpeedMs[k]!) * (costNoise ? costNoise[k]! : 1);
      if (nd < dist[v]!) {
        dist[v] = nd;
        parent[v] = u;
        heap.push(v, nd);
      }
    }
  }
  return { root, parent };
}

/** CSR index of the road from `from` to `to` (-1 when they are not neighbours). */
export function roadIndex(net: RoadNetwork, from: number, to: number): number {
  for (let k = net.adjStart[from]!; k < net.adjStart[from + 1]!; k++) if (net.adjTo[k] === to) return k;
  return -1;
}

/** Nodes from `from` to the tree's root, both included; [] when unreachable. */
export function pathToRoot(tree: RouteTree, from: number): number[] {
  const nodes = [from];
  for (let u = from; u !== tree.root; ) {
    u = tree.parent[u]!;
    if (u === -1) return [];
    nodes.push(u);
  }
  return nodes;
}

class MinHeap {
  private ids: Int32Array;
  private keys: Float64Array;
  size = 0;
  constructor(cap: number) {
    this.ids = new Int32Array(cap * 4 + 16);
    this.keys = new Float64Array(cap * 4 + 16);
  }
  push(id: number, key: number): void {
    if (this.size === this.ids.length) {
      const ids = new Int32Array(this.size * 2);
      ids.set(this.ids);
      const keys = new Float64Array(this.size * 2);
      keys.set(this.keys);
      this.ids = ids;
      this.keys = keys;
    }
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.keys[p]! <= key) break;
      this.ids[i] = this.ids[p]!;
      this.keys[i] = this.keys[p]!;
      i = p;
    }
    this.ids[i] = id;
    this.keys[i] = key;
  }
  pop(): [number, number] {
    const top: [number, number] = [this.ids[0]!, this.keys[0]!];
    const id = this.ids[--this.size]!;
    const key = this.keys[this.size]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= this.size) break;
      if (c + 1 < this.size && this.keys[c + 1]! < this.keys[c]!) c++;
      if (this.keys[c]! >= key) break;
      this.ids[i] = this.ids[c]!;
      this.keys[i] = this.keys[c]!;
      i = c;
    }
    this.ids[i] = id;
    this.keys[i] = key;
    return top;
  }
}
