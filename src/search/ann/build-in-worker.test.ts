import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildHnswInWorker } from './build-in-worker';
import { bruteForce, clusteredVectors } from './synthetic';

test('a 20,000-vector HNSW build runs in a worker: the event loop keeps ticking, progress arrives, the index answers', async () => {
  const n = 20_000;
  const dim = 64;
  const data = clusteredVectors({ n: n + 50, dim, clusters: 40, spread: 0.35, seed: 11 });
  const queries = data.slice(n * dim); // kept: the build's copy is transferred away
  let last = performance.now();
  let maxGap = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    ticks++;
  }, 10);
  const progress: number[] = [];
  const started = performance.now();
  try {
    const index = await buildHnswInWorker(data.slice(0, n * dim), n, { dim, M: 12, efConstruction: 60, progressEvery: 5000, onProgress: (x) => progress.push(x) });
    const buildMs = performance.now() - started;
    clearInterval(timer);
    assert.ok(buildMs > 300, `the build took ${Math.round(buildMs)} ms: too quick to show anything`);
    assert.ok(maxGap < 250, `the event loop stalled for ${Math.round(maxGap)} ms during a ${Math.round(buildMs)} ms build`);
    assert.ok(ticks >= buildMs / 10 / 3, `${ticks} timer ticks in ${Math.round(buildMs)} ms`);
    assert.deepEqual(progress, [5000, 10_000, 15_000]);
    assert.equal(index.count, n);
    let hit = 0;
    for (let q = 0; q < 50; q++) {
      const v = queries.subarray(q * dim, (q + 1) * dim);
      const truth = new Set(bruteForce(data, n, dim, v, 10));
      hit += index.search(v, 10, 64).filter((g) => truth.has(g.id)).length;
    }
    assert.ok(hit / 500 >= 0.95, `recall@10 of the index built in the worker: ${hit / 500}`);
    // the index came back whole: it can keep growing on this thread
    assert.equal(index.add(queries.subarray(0, dim)), n);
  } finally {
    clearInterval(timer);
  }
});
