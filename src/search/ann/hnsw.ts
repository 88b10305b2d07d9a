import { ScoreHeap } from './heap';

export interface HnswOptions {
  dim: number;
  /** Links per node on the upper layers (layer 0 has 2·M). */
  M?: number;
  /** Candidate list size while inserting: higher = better graph, slower build. */
  efConstruction?: number;
  /** Initial capacity (grows by doubling). */
  capacity?: number;
  seed?: number;
}

/** Similarity of unit vectors: the dot product, unrolled (the hot loop of build and search). */
export function dotAt(v: Float32Array, a: number, q: Float32Array, qo: number, dim: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < dim; i += 4) {
    s0 += v[a + i]! * q[qo + i]!;
    s1 += v[a + i + 1]! * q[qo + i + 1]!;
    s2 += v[a + i + 2]! * q[qo + i + 2]!;
    s3 += v[a + i + 3]! * q[qo + i + 3]!;
  }
  for (; i < dim; i++) s0 += v[a + i]! * q[qo + i]!;
  return s0 + s1 + s2 + s3;
}

/** An index's whole state in typed arrays (what a worker thread hands back, transferring the buffers). */
export interface HnswState {
  dim: number;
  M: number;
  efConstruction: number;
  count: number;
  entry: number;
  maxLevel: number;
  rng: number;
  vectors: Float32Array;
  links0: Int32Array;
  scores0: Float32Array;
  counts0: Uint8Array;
  levels: Uint8Array;
  /** Upper-layer links of the few nodes above layer 0: node id → one Int32Array per level. */
  upper: Array<[number, Int32Array[]]>;
}

/**
 * Hierarchical navigable small world graph (Malkov & Yashunin 2016) over unit vectors, by dot product,
 * on flat typed arrays: vectors in one Float32Array, layer-0 links in one Int32Array (fixed 2·M slots
 * per node), the few upper-layer nodes' links in per-node arrays. Neighbours are chosen with the
 * paper's heuristic (keep a candidate only if it is closer to the node than to every neighbour kept),
 * which keeps clustered data navigable. Insert-only: the index of one time partition is built once
 * the partition closes (docs/design/forensic-search.md), so no deletion is needed.
 */
export class Hnsw {
  readonly dim: number;
  private readonly M: number;
  private readonly M0: number;
  private readonly efC: number;
  private readonly mL: number;
  private vectors: Float32Array;
  private links0: Int32Array;
  /** Similarity of each layer-0 link to its node (so pruning a full list needs no new dot products). */
  private scores0: Float32Array;
  private counts0: Uint8Array;
  private upper: (Int32Array[] | undefined)[] = [];
  private levels: Uint8Array;
  private visited: Uint32Array;
  private epoch = 0;
  private entry = -1;
  private maxLevel = -1;
  private rng: number;
  private readonly cand = new ScoreHeap(true, 256);
  private readonly found = new ScoreHeap(false, 256);
  count = 0;

  constructor(o: HnswOptions) {
    this.dim = o.dim;
    this.M = o.M ?? 16;
    this.M0 = this.M * 2;
    this.efC = o.efConstruction ?? 100;
    this.mL = 1 / Math.log(this.M);
    this.rng = (o.seed ?? 42) >>> 0;
    const cap = Math.max(16, o.capacity ?? 1024);
    this.vectors = new Float32Array(cap * this.dim);
    this.links0 = new Int32Array(cap * this.M0);
    this.scores0 = new Float32Array(cap * this.M0);
    this.counts0 = new Uint8Array(cap);
    this.levels = new Uint8Array(cap);
    this.visited = new Uint32Array(cap);
  }

  /** The state, trimmed to `count` (its buffers can be transferred to another thread). */
  state(): HnswState {
    const n = this.count;
    const upper: Array<[number, Int32Array[]]> = [];
    this.upper.forEach((u, id) => u && upper.push([id, u]));
    return {
      dim: this.dim, M: this.M, efConstruction: this.efC, count: n, entry: this.entry, maxLevel: this.maxLevel, rng: this.rng,
      vectors: this.vectors.slice(0, n * this.dim), links0: this.links0.slice(0, n * this.M0), scores0: this.scores0.slice(0, n * this.M0),
      counts0: this.counts0.slice(0, n), levels: this.levels.slice(0, n), upper,
    };
  }

  /** An index from a state() (e.g. built in a worker thread); it can be searched and grown like any other. */
  static fromState(st: HnswState): Hnsw {
    const h = new Hnsw({ dim: st.dim, M: st.M, efConstruction: st.efConstruction, capacity: 16 });
    h.vectors = st.vectors;
    h.links0 = st.links0;
    h.scores0 = st.scores0;
    h.counts0 = st.counts0;
    h.levels = st.levels;
    h.visited = new Uint32Array(Math.max(16, st.count));
    h.upper = [];
    for (const [id, links] of st.upper) h.upper[id] = links;
    h.count = st.count;
    h.entry = st.entry;
    h.maxLevel = st.maxLevel;
    h.rng = st.rng;
    return h;
  }

  /** Bytes held by the index (vectors + links). */
  memoryBytes(): number {
    let upper = 0;
    for (const u of this.upper) if (u) for (const l of u) upper += l.byteLength;
    return this.vectors.byteLength + this.links0.byteLength + this.scores0.byteLength + this.counts0.byteLength + this.levels.byteLength + this.visited.byteLength + upper;
  }

  private random(): number {
    // mulberry32: seeded, so a rebuilt index is the same index
    let t = (this.rng = (this.rng + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  private grow(): void {
    const cap = Math.max(16, this.counts0.length * 2);
    const v = new Float32Array(cap * this.dim);
    v.set(this.vectors);
    this.vectors = v;
    const l = new Int32Array(cap * this.M0);
    l.set(this.links0);
    this.links0 = l;
    const sc = new Float32Array(cap * this.M0);
    sc.set(this.scores0);
    this.scores0 = sc;
    const c = new Uint8Array(cap);
    c.set(this.counts0);
    this.counts0 = c;
    const lv = new Uint8Array(cap);
    lv.set(this.levels);
    this.levels = lv;
    this.visited = new Uint32Array(cap);
    this.epoch = 0;
  }

  private sim(a: number, b: number): number {
    return dotAt(this.vectors, a * this.dim, this.vectors, b * this.dim, this.dim);
  }

  private neighbours(node: number, level: number): Int32Array {
    if (level === 0) return this.links0.subarray(node * this.M0, node * this.M0 + this.counts0[node]!);
    return this.upper[node]![level - 1]!;
  }

  private setNeighbours(node: number, level: number, links: readonly { id: number; score: number }[]): void {
    if (level === 0) {
      const o = node * this.M0;
      for (let i = 0; i < links.length; i++) {
        this.links0[o + i] = links[i]!.id;
        this.scores0[o + i] = links[i]!.score;
      }
      this.counts0[node] = links.length;
    } else {
      this.upper[node]![level - 1] = Int32Array.from(links, (x) => x.id);
    }
  }

  private nextEpoch(): number {
    if (++this.epoch === 0xffffffff) {
      this.visited.fill(0);
      this.epoch = 1;
    }
    return this.epoch;
  }

  /** Best-first search of one layer from `entry`; returns up to `ef` (id, sim), unsorted. */
  private searchLayer(q: Float32Array, qo: number, entry: number, ef: number, level: number): { id: number; score: number }[] {
    const ep = this.nextEpoch();
    const cand = this.cand;
    const found = this.found;
    cand.clear();
    found.clear();
    const s0 = dotAt(this.vectors, entry * this.dim, q, qo, this.dim);
    this.visited[entry] = ep;
    cand.push(entry, s0);
    found.push(entry, s0);
    while (cand.size) {
      const cs = cand.topScore();
      if (found.size >= ef && cs < found.topScore()) break;
      const c = cand.pop();
      const nb = this.neighbours(c, level);
      for (let i = 0; i < nb.length; i++) {
        const n = nb[i]!;
        if (this.visited[n] === ep) continue;
        this.visited[n] = ep;
        const s = dotAt(this.vectors, n * this.dim, q, qo, this.dim);
        if (found.size < ef || s > found.topScore()) {
          cand.push(n, s);
          found.push(n, s);
          if (found.size > ef) found.pop();
        }
      }
    }
    return found.entries();
  }

  /** The paper's neighbour heuristic, on candidates sorted best first. */
  private select(cands: { id: number; score: number }[], m: number, fill = true): { id: number; score: number }[] {
    const kept: { id: number; score: number }[] = [];
    for (const c of cands) {
      if (kept.length >= m) break;
      let good = true;
      for (const k of kept) {
        if (this.sim(c.id, k.id) > c.score) {
          good = false;
          break;
        }
      }
      if (good) kept.push(c);
    }
    // Fill up with the nearest dropped ones: a node with few links is hard to reach.
    if (fill && kept.length < m) for (const c of cands) if (kept.length < m && !kept.includes(c)) kept.push(c);
    return kept;
  }

  /** Adds a unit vector; returns its internal id (0, 1, 2, … in insertion order). */
  add(v: Float32Array): number {
    if (v.length !== this.dim) throw new RangeError(`vector has ${v.length} values; this index holds ${this.dim}-d vectors`);
    if (this.count === this.counts0.length) this.grow();
    const id = this.count++;
    const qo = id * this.dim;
    this.vectors.set(v, qo);
    const level = Math.min(15, Math.floor(-Math.log(Math.max(1e-12, this.random())) * this.mL));
    this.levels[id] = level;
    if (level > 0) this.upper[id] = Array.from({ length: level }, () => new Int32Array(0));
    if (this.entry < 0) {
      this.entry = id;
      this.maxLevel = level;
      return id;
    }
    let ep = this.entry;
    for (let l = this.maxLevel; l > level; l--) ep = this.greedy(this.vectors, qo, ep, l);
    for (let l = Math.min(level, this.maxLevel); l >= 0; l--) {
      const found = this.searchLayer(this.vectors, qo, ep, this.efC, l).sort((a, b) => b.score - a.score);
      const maxLinks = l === 0 ? this.M0 : this.M;
      const chosen = this.select(found, this.M);
      this.setNeighbours(id, l, chosen);
      for (const { id: n, score: sNew } of chosen) {
        const nb = this.neighbours(n, l);
        if (nb.length < maxLinks) {
          if (l === 0) {
            this.links0[n * this.M0 + nb.length] = id;
            this.scores0[n * this.M0 + nb.length] = sNew;
            this.counts0[n]!++;
          } else {
            this.upper[n]![l - 1] = Int32Array.from([...nb, id]);
          }
        } else {
          // Full: re-choose among the old links and the new node with the heuristic, without filling up, as
          // hnswlib does: lists keep free slots, so the next inserts append without pruning again.
          const all = Array.from(nb, (x, i) => ({ id: x, score: l === 0 ? this.scores0[n * this.M0 + i]! : this.sim(n, x) }));
          all.push({ id, score: sNew });
          all.sort((p, q) => q.score - p.score);
          this.setNeighbours(n, l, this.select(all, maxLinks, false));
        }
      }
      ep = found[0]!.id;
    }
    if (level > this.maxLevel) {
      this.maxLevel = level;
      this.entry = id;
    }
    return id;
  }

  private greedy(q: Float32Array, qo: number, ep: number, level: number): number {
    let best = ep;
    let bestS = dotAt(this.vectors, ep * this.dim, q, qo, this.dim);
    for (let changed = true; changed; ) {
      changed = false;
      const nb = this.neighbours(best, level);
      for (let i = 0; i < nb.length; i++) {
        const s = dotAt(this.vectors, nb[i]! * this.dim, q, qo, this.dim);
        if (s > bestS) {
          bestS = s;
          best = nb[i]!;
          changed = true;
        }
      }
    }
    return best;
  }

  /** The k most similar vectors (internal ids, best first); `ef` ≥ k trades speed for recall. */
  search(q: Float32Array, k: number, ef = Math.max(64, k)): { id: number; score: number }[] {
    if (this.entry < 0) return [];
    let ep = this.entry;
    for (let l = this.maxLevel; l > 0; l--) ep = this.greedy(q, 0, ep, l);
    return this.searchLayer(q, 0, ep, Math.max(ef, k), 0).sort((a, b) => b.score - a.score).slice(0, k);
  }
}
