/**
 * Appearance search at scale: the HNSW index of src/search/ann against brute force, same vectors, same run.
 *
 *   npx tsx bench/ann.ts [--smoke] [--n 1000000] [--dim 512] [--queries 200] [--m 16] [--ef-construction 100] [--ef 96,128,192]
 *                        [--shard-size 250000] [--concurrency <cores>]
 *
 * Vectors: seeded, clustered unit vectors (src/search/ann/synthetic.ts: 1 cluster per 1,000 vectors,
 * Gaussian spread around each centre), the stand-in for 512-d re-id embeddings. Building the index is
 * a benchmark step (never CI): build time and memory are reported. Then, per ef: recall@10 of the
 * index against the exact top 10 (bruteForce over every vector), mean and p95 query ms of both, and
 * the speed-up. The index is the product's (src/search/ann/sharded.ts): shards of at most --shard-size vectors
 * (0 = one graph over all), built in --concurrency worker threads, each query searching every shard and merging.
 * Per ef also: how many queries found all 10, and the worst query's recall. Targets (issue #7): recall@10 ≥ 0.95 while ≥ 50× faster than brute force at 1,000,000.
 * --smoke: 20,000 vectors (a few seconds; the speed-up is small at that size, by nature).
 */
import os from 'node:os';
import { DEFAULT_SHARD_SIZE, buildShardedInWorkers } from '../src/search/ann/sharded';
import { bruteForce, clusteredVectors } from '../src/search/ann/synthetic';
import { args, finish, intArg, log, machine } from './lib/common';
import { latencyStats, round } from './lib/stats';

const a = args({ smoke: 'boolean', n: 'string', dim: 'string', queries: 'string', m: 'string', 'ef-construction': 'string', ef: 'string', 'shard-size': 'string', concurrency: 'string' });
const smoke = a.smoke === true;
const N = intArg(a.n, smoke ? 20_000 : 1_000_000);
const DIM = intArg(a.dim, 512);
const Q = intArg(a.queries, smoke ? 50 : 200);
const M = intArg(a.m, 16);
const EFC = intArg(a['ef-construction'], 100);
const EFS = (typeof a.ef === 'string' ? a.ef : '64,96,128,192').split(',').map((s) => intArg(s, 64));
const K = 10;
const SHARD = a['shard-size'] === '0' ? N : intArg(a['shard-size'], smoke ? 5_000 : DEFAULT_SHARD_SIZE);
const CONC = intArg(a.concurrency, os.cpus().length);

log(`generating ${N.toLocaleString()} + ${Q} clustered ${DIM}-d vectors …`);
const data = clusteredVectors({ n: N + Q, dim: DIM, clusters: Math.max(10, Math.round(N / 1000)), spread: 0.35, seed: 20261124 });
const query = (i: number) => data.subarray((N + i) * DIM, (N + i + 1) * DIM);

const heapBefore = process.memoryUsage();
const t0 = performance.now();
let lastLog = 0;
const index = await buildShardedInWorkers(data, N, {
  dim: DIM, M, efConstruction: EFC, shardSize: SHARD, concurrency: CONC, progressEvery: 10_000,
  onProgress: (done) => {
    if (done - lastLog < 50_000) return;
    lastLog = done;
    log(`  built ${done.toLocaleString()} (${round((performance.now() - t0) / 1000, 1)} s)`);
  },
});
const buildS = (performance.now() - t0) / 1000;
const heapAfter = process.memoryUsage();
log(`built ${index.shards.length} shard(s) of ≤ ${SHARD.toLocaleString()} in ${round(buildS, 1)} s (${CONC} worker threads); index ${round(index.memoryBytes() / 2 ** 20, 1)} MiB`);

const truth: Int32Array[] = [];
const bruteMs: number[] = [];
for (let i = 0; i < Q; i++) {
  const s = performance.now();
  truth.push(bruteForce(data, N, DIM, query(i), K));
  bruteMs.push(performance.now() - s);
}
const brute = latencyStats(bruteMs);

const runs = EFS.map((ef) => {
  const ms: number[] = [];
  let hit = 0;
  let full = 0;
  let worst = K;
  for (let i = 0; i < Q; i++) {
    const s = performance.now();
    const got = index.search(query(i), K, ef);
    ms.push(performance.now() - s);
    const t = new Set(truth[i]);
    const h = got.filter((g) => t.has(g.id)).length;
    hit += h;
    if (h === K) full++;
    worst = Math.min(worst, h);
  }
  const st = latencyStats(ms);
  const r = { ef, recallAt10: round(hit / (Q * K), 4), meanMs: round(st.mean, 3), p95Ms: round(st.p95, 3), speedup: round(brute.mean / st.mean, 1), queriesAllTen: full, worstQueryRecall: worst / K };
  log(`  ef ${ef}: recall@10 ${r.recallAt10} (${full}/${Q} queries all 10, worst ${worst}/10), ${r.meanMs} ms mean (p95 ${r.p95Ms}) vs brute force ${round(brute.mean, 2)} ms → ${r.speedup}×`);
  return r;
});
const best = runs.find((r) => r.recallAt10 >= 0.95);
finish({
  bench: 'ann', smoke, n: N, dim: DIM, queries: Q, M, efConstruction: EFC, shardSize: SHARD, shards: index.shards.length, buildThreads: CONC,
  buildSeconds: round(buildS, 1), buildPerSecond: Math.round(N / buildS), indexMiB: round(index.memoryBytes() / 2 ** 20, 1),
  rssGrowthMiB: round((heapAfter.rss - heapBefore.rss) / 2 ** 20, 1),
  bruteForce: { meanMs: round(brute.mean, 2), p95Ms: round(brute.p95, 2) },
  runs,
  target: { recallAt10: 0.95, speedup: 50, met: Boolean(best && best.speedup >= 50), at: best ?? null },
  machine: machine(),
});
