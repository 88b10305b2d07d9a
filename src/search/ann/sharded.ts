/**
 * One ANN partition as several HNSW shards of at most `shardSize` vectors, searched together.
 *
 * Why: on clustered 512-d vectors one graph's recall@10 at a fixed ef falls as it grows (M 16 / efConstruction
 * 100: 0.994 at 400,000 vectors but a plateau at 0.93 at 1,000,000 — docs/BENCHMARKS.md), while a query
 * costs O(log n) per graph. Shards of ≤ 250,000 keep every graph in the regime where it is accurate; a query
 * asks each shard for its k best and merges (exact scores, so the merge loses nothing), costing one small
 * search per shard (4 × ~1.5 ms at 1,000,000 against ~850 ms for brute force). Shards build independently,
 * so they build in parallel worker threads when cores are free.
 */
import { buildHnswInWorker } from './build-in-worker';
import type { Hnsw } from './hnsw';

export const DEFAULT_SHARD_SIZE = 250_000;

export interface ShardedBuildOptions {
  dim: number;
  M: number;
  efConstruction: number;
  /** Vectors per shard (the last one takes the rest). */
  shardSize?: number;
  /** Shards built at once, each in its own worker thread. */
  concurrency?: number;
  /** Vectors inserted so far over all shards. */
  onProgress?: (done: number) => void;
  progressEvery?: number;
}

export class ShardedHnsw {
  constructor(
    readonly dim: number,
    /** Each shard with the id of its first vector (ids are global: shard offset + id within the shard). */
    readonly shards: readonly { index: Hnsw; offset: number }[],
  ) {}

  get count(): number {
    return this.shards.reduce((n, s) => n + s.index.count, 0);
  }

  memoryBytes(): number {
    return this.shards.reduce((n, s) => n + s.index.memoryBytes(), 0);
  }

  /** The k most similar vectors over all shards (global ids, best first). */
  search(q: Float32Array, k: number, ef = Math.max(64, k)): { id: number; score: number }[] {
    if (this.shards.length === 1) return this.shards[0]!.index.search(q, k, ef);
    const all: { id: number; score: number }[] = [];
    for (const s of this.shards) for (const h of s.index.search(q, k, ef)) all.push({ id: h.id + s.offset, score: h.score });
    return all.sort((a, b) => b.score - a.score).slice(0, k);
  }
}

/**
 * Builds the shards of the first `count` vectors (count × dim, unit length) in worker threads.
 * Each shard's vectors are copied out for its worker, so `vectors` stays usable.
 */
export async function buildShardedInWorkers(vectors: Float32Array, count: number, o: ShardedBuildOptions): Promise<ShardedHnsw> {
  const size = Math.max(1, o.shardSize ?? DEFAULT_SHARD_SIZE);
  const ranges: { offset: number; n: number }[] = [];
  for (let offset = 0; offset < count; offset += size) ranges.push({ offset, n: Math.min(size, count - offset) });
  const done = new Array<number>(ranges.length).fill(0);
  const built = new Array<{ index: Hnsw; offset: number }>(ranges.length);
  let next = 0;
  const runOne = async (): Promise<void> => {
    while (next < ranges.length) {
      const i = next++;
      const { offset, n } = ranges[i]!;
      const part = vectors.slice(offset * o.dim, (offset + n) * o.dim);
      const index = await buildHnswInWorker(part, n, {
        dim: o.dim, M: o.M, efConstruction: o.efConstruction, progressEvery: o.progressEvery,
        onProgress: (d) => {
          done[i] = d;
          o.onProgress?.(done.reduce((a, b) => a + b, 0));
        },
      });
      done[i] = n;
      built[i] = { index, offset };
    }
  };
  const workers = Math.max(1, Math.min(o.concurrency ?? 1, ranges.length));
  await Promise.all(Array.from({ length: workers }, runOne));
  return new ShardedHnsw(o.dim, built);
}
