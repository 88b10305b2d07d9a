import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeCoverage } from './coverage';

test('coverage: recorded time, and holes explained by gap rows or marked unrecorded', () => {
  const segs = [
    { startMs: 100, endMs: 200 },
    { startMs: 200, endMs: 300 },
    { startMs: 500, endMs: 700 },
    { startMs: 650, endMs: 800 }, // overlapping segments count once
  ];
  const gaps = [{ startMs: 300, endMs: 450, reason: 'unreachable' }, { startMs: 800, endMs: null, reason: 'auth_failed' }];
  const c = computeCoverage(0, 1200, segs, gaps, 1000);
  assert.equal(c.toMs, 1000, 'clipped at now');
  assert.equal(c.recordedMs, 500);
  assert.equal(c.coveragePct, 50);
  assert.deepEqual(c.gaps, [
    { startMs: 0, endMs: 100, reason: 'unrecorded' },
    { startMs: 300, endMs: 450, reason: 'unreachable' },
    { startMs: 450, endMs: 500, reason: 'unrecorded' },
    { startMs: 800, endMs: 1000, reason: 'auth_failed' },
  ]);
});

test('coverage of a fully recorded period is 100 % with no gaps', () => {
  const c = computeCoverage(1000, 3000, [{ startMs: 900, endMs: 2000 }, { startMs: 2000, endMs: 3100 }], [{ startMs: 500, endMs: 900, reason: 'stopped' }], 10_000);
  assert.deepEqual(c, { fromMs: 1000, toMs: 3000, recordedMs: 2000, coveragePct: 100, gaps: [] });
});
