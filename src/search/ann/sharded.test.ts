import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dotAt } from './hnsw';
import { buildShardedInWorkers } from './sharded';
import { bruteForce, clusteredVectors } from './synthetic';

test('a sharded index built in worker threads answers global ids with exact scores and finds the top 10', async () => {
  const n = 6000;
  const dim = 32;
  const data = clusteredVectors({ n: n + 50, dim, clusters: 30, spread: 0.35, seed: 11 });
  let progress = 0;
  const index = await buildShardedInWorkers(data, n, { dim, M: 12, efConstruction: 60, shardSize: 2500, concurrency: 2, progressEvery: 500, onProgress: (d) => (progress = Math.max(progress, d)) });
  assert.deepEqual(index.shards.map((s) => [s.offset, s.index.count]), [[0, 2500], [2500, 2500], [5000, 1000]]);
  assert.equal(index.count, n);
  assert.ok(progress > 0 && progress <= n, `progress ${progress}`);
  let hit = 0;
  for (let qi = 0; qi < 50; qi++) {
    const q = data.subarray((n + qi) * dim, (n + qi + 1) * dim);
    const got = index.search(q, 10, 64);
    assert.equal(got.length, 10);
    for (const g of got) assert.ok(Math.abs(g.score - dotAt(data, g.id * dim, q, 0, dim)) < 1e-5, 'a hit id names the vector it scored');
    assert.ok(got.every((g, i) => i === 0 || got[i - 1]!.score >= g.score), 'best first');
    const truth = new Set(bruteForce(data, n, dim, q, 10));
    hit += got.filter((g) => truth.has(g.id)).length;
  }
  assert.ok(hit / 500 >= 0.95, `recall@10 ${hit / 500}`);
});

test('a day smaller than the shard size is one graph; an empty day answers nothing', async () => {
  const dim = 8;
  const data = clusteredVectors({ n: 300, dim, clusters: 5, spread: 0.3, seed: 3 });
  const one = await buildShardedInWorkers(data, 300, { dim, M: 8, efConstruction: 40, shardSize: 1000 });
  assert.equal(one.shards.length, 1);
  const empty = await buildShardedInWorkers(data, 0, { dim, M: 8, efConstruction: 40 });
  assert.deepEqual(empty.search(data.subarray(0, dim), 5), []);
});
