import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Hnsw } from './hnsw';
import { bruteForce, clusteredVectors } from './synthetic';

test('HNSW finds the exact top 10 for at least 95% of queries on clustered vectors', () => {
  const n = 5000;
  const dim = 64;
  const data = clusteredVectors({ n: n + 100, dim, clusters: 50, spread: 0.35, seed: 7 });
  const index = new Hnsw({ dim, M: 12, efConstruction: 80, capacity: 256 }); // small capacity: growth is exercised
  for (let i = 0; i < n; i++) assert.equal(index.add(data.subarray(i * dim, (i + 1) * dim)), i);
  let hit = 0;
  for (let qi = 0; qi < 100; qi++) {
    const q = data.subarray((n + qi) * dim, (n + qi + 1) * dim);
    const truth = new Set(bruteForce(data, n, dim, q, 10));
    const got = index.search(q, 10, 64);
    assert.equal(got.length, 10);
    assert.ok(got.every((g, i) => i === 0 || got[i - 1]!.score >= g.score), 'best first');
    hit += got.filter((g) => truth.has(g.id)).length;
  }
  const recall = hit / 1000;
  assert.ok(recall >= 0.95, `recall@10 ${recall}`);
  assert.ok(index.memoryBytes() > n * dim * 4);
});

test('a vector of the wrong size is refused; an empty index answers nothing', () => {
  const index = new Hnsw({ dim: 8 });
  assert.deepEqual(index.search(new Float32Array(8), 5), []);
  assert.throws(() => index.add(new Float32Array(4)), /4 values; this index holds 8-d/);
});
