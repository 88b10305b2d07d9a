import type { Logger } from '../../core/logger';
import { DEFAULT_SHARD_SIZE, buildShardedInWorkers, type ShardedHnsw } from './sharded';

const DAY = 86_400_000;

export interface PartitionSource {
  /** Embeddings of `model` of tracks that started in [from, to), in pages (id order, after `afterId`). */
  page(model: string, from: number, to: number, afterId: string | null, limit: number): Promise<{ id: string; vector: Float32Array }[]>;
}

interface Partition {
  index: ShardedHnsw;
  ids: string[];
  builtAt: number;
}

/**
 * The ANN side of "find similar": one HNSW index per (embedding model, UTC day), in shards of at most
 * `shardSize` vectors (src/search/ann/sharded.ts). A day's index is built
 * once the day is over (tracks of a closed day no longer change), then serves every query whose time
 * range covers that day; days without an index (today, or not built yet) are ranked exactly. One node
 * holds the partitions of its site: ~2.1 KiB per 512-d track (vector + links), so 1,000,000 tracks a
 * day ≈ 2 GiB a day — the memory budget decides how many days stay loaded (docs/design/forensic-search.md).
 */
export class AnnPartitions {
  private readonly parts = new Map<string, Partition>();

  constructor(private readonly o: {
    source: PartitionSource;
    log: Logger;
    M?: number;
    efConstruction?: number;
    maxPartitions?: number;
    /** Most vectors in one graph; a bigger day becomes several shards (src/search/ann/sharded.ts). */
    shardSize?: number;
    /** Shards of one day built at once, one worker thread each. */
    buildThreads?: number;
  }) {}

  static dayOf(ms: number): number {
    return Math.floor(ms / DAY) * DAY;
  }

  private key(model: string, day: number): string {
    return `${model}\u0000${day}`;
  }

  has(model: string, day: number): boolean {
    return this.parts.has(this.key(model, day));
  }

  /**
   * Builds (or rebuilds) the index of one day; returns how many vectors it holds. The vectors are read here
   * (async, page by page), the graph is built in a worker thread (minutes of CPU at a million vectors: the
   * event loop stays free), progress is logged every 10 % (and at least every 100,000 vectors).
   */
  async build(model: string, day: number): Promise<number> {
    const d = AnnPartitions.dayOf(day);
    const label = { model, day: new Date(d).toISOString().slice(0, 10) };
    let dim = 0;
    let vectors = new Float32Array(0);
    const ids: string[] = [];
    let after: string | null = null;
    const started = performance.now();
    for (;;) {
      const page = await this.o.source.page(model, d, d + DAY, after, 5000);
      if (!page.length) break;
      for (const p of page) {
        dim ||= p.vector.length;
        if (p.vector.length !== dim) continue; // a model id names one size; a stray row cannot break the index
        if ((ids.length + 1) * dim > vectors.length) {
          const grown = new Float32Array(Math.max(4096 * dim, vectors.length * 2));
          grown.set(vectors);
          vectors = grown;
        }
        vectors.set(p.vector, ids.length * dim);
        ids.push(p.id);
      }
      after = page[page.length - 1]!.id;
    }
    if (!ids.length) {
      this.parts.delete(this.key(model, d));
      return 0;
    }
    const readMs = Math.round(performance.now() - started);
    this.o.log.info({ ...label, vectors: ids.length, readMs, shards: Math.ceil(ids.length / (this.o.shardSize ?? DEFAULT_SHARD_SIZE)) }, 'ANN partition build started (worker threads)');
    const step = Math.max(1000, Math.min(100_000, Math.ceil(ids.length / 10)));
    const index = await buildShardedInWorkers(vectors, ids.length, {
      dim, M: this.o.M ?? 16, efConstruction: this.o.efConstruction ?? 100, progressEvery: step,
      shardSize: this.o.shardSize ?? DEFAULT_SHARD_SIZE, concurrency: this.o.buildThreads ?? 1,
      onProgress: (n) => this.o.log.info({ ...label, built: n, of: ids.length, ms: Math.round(performance.now() - started) }, 'ANN partition build progress'),
    });
    const max = this.o.maxPartitions ?? 31;
    if (!this.parts.has(this.key(model, d)) && this.parts.size >= max) {
      const oldest = [...this.parts.entries()].sort((a, b) => a[1].builtAt - b[1].builtAt)[0]!;
      this.parts.delete(oldest[0]);
    }
    this.parts.set(this.key(model, d), { index, ids, builtAt: Date.now() });
    this.o.log.info({ ...label, vectors: ids.length, ms: Math.round(performance.now() - started) }, 'ANN partition built');
    return ids.length;
  }

  /**
   * The `k` nearest ids in each indexed day overlapping [from, to), and the days of the range that have
   * no index (the caller ranks those exactly).
   */
  query(model: string, q: Float32Array, from: number, to: number, k: number, ef: number): { hits: { id: string; score: number }[]; uncovered: [number, number][] } {
    const hits: { id: string; score: number }[] = [];
    const uncovered: [number, number][] = [];
    for (let d = AnnPartitions.dayOf(from); d < to; d += DAY) {
      const p = this.parts.get(this.key(model, d));
      if (!p || p.index.dim !== q.length) {
        uncovered.push([Math.max(from, d), Math.min(to, d + DAY)]);
        continue;
      }
      for (const h of p.index.search(q, k, Math.max(ef, k))) hits.push({ id: p.ids[h.id]!, score: h.score });
    }
    return { hits, uncovered };
  }
}
