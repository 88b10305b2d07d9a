import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prng } from '../../test/support/prng';
import { assign, FORBIDDEN, iou } from './assignment';

/** Every way to match rows to distinct columns (or leave them), by brute force: the reference for small matrices. */
function bruteForce(cost: number[], n: number, m: number, limit: number): number {
  let best = Infinity;
  const used = new Array<boolean>(m).fill(false);
  const go = (i: number, acc: number): void => {
    if (i === n) {
      best = Math.min(best, acc + limit * (m - used.filter(Boolean).length) / 2);
      return;
    }
    go(i + 1, acc + limit / 2); // row i unmatched
    for (let j = 0; j < m; j++) {
      const c = cost[i * m + j]!;
      if (used[j] || !(c < limit)) continue;
      used[j] = true;
      go(i + 1, acc + c);
      used[j] = false;
    }
  };
  go(0, 0);
  return best;
}

function total(cost: number[], m: number, n: number, limit: number, r: ReturnType<typeof assign>): number {
  return r.matches.reduce((s, [i, j]) => s + cost[i * m + j]!, 0) + (limit / 2) * (r.unmatchedRows.length + r.unmatchedCols.length);
}

test('beats greedy: the globally cheapest assignment, not the first cheap pair', () => {
  // Greedy takes (0,0)=0.1 and is left with (1,1)=0.9; the optimum is (0,1)+(1,0) = 0.4.
  const cost = [0.1, 0.2, 0.2, 0.9];
  const r = assign(cost, 2, 2, 1);
  assert.deepEqual(r.matches.sort(), [[0, 1], [1, 0]]);
  assert.deepEqual(r.unmatchedRows, []);
});

test('the gate: pairs at or above the limit stay unmatched, forbidden pairs are never taken', () => {
  const r = assign([0.3, 0.8, FORBIDDEN, 0.79], 2, 2, 0.8);
  assert.deepEqual(r.matches, [[0, 0], [1, 1]]);
  const r2 = assign([0.9, FORBIDDEN, Infinity], 1, 3, 0.8);
  assert.deepEqual(r2.matches, []);
  assert.deepEqual(r2.unmatchedRows, [0]);
  assert.deepEqual(r2.unmatchedCols, [0, 1, 2]);
  assert.deepEqual(assign([], 0, 3, 0.8).unmatchedCols, [0, 1, 2]);
  assert.deepEqual(assign([], 2, 0, 0.8).unmatchedRows, [0, 1]);
});

test('optimal on random rectangular matrices (brute force reference)', () => {
  const rnd = prng(7);
  for (let k = 0; k < 200; k++) {
    const n = 1 + Math.floor(rnd() * 5);
    const m = 1 + Math.floor(rnd() * 5);
    const cost = Array.from({ length: n * m }, () => (rnd() < 0.15 ? FORBIDDEN : rnd()));
    const limit = 0.3 + rnd() * 0.6;
    const r = assign(cost, n, m, limit);
    assert.equal(new Set(r.matches.map(([, j]) => j)).size, r.matches.length, 'a column matched twice');
    for (const [i, j] of r.matches) assert.ok(cost[i * m + j]! < limit);
    assert.ok(Math.abs(total(cost, m, n, limit, r) - bruteForce(cost, n, m, limit)) < 1e-9, `case ${k}: not optimal`);
  }
});

test('iou of [x, y, w, h] boxes', () => {
  assert.equal(iou([0, 0, 10, 10], [0, 0, 10, 10]), 1);
  assert.equal(iou([0, 0, 10, 10], [10, 0, 10, 10]), 0);
  assert.ok(Math.abs(iou([0, 0, 10, 10], [5, 0, 10, 10]) - 50 / 150) < 1e-12);
});
