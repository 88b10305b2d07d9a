import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildCoverage } from './coverage';
import { bearingDeg, haversineM } from './geo';
import type { PlanInstance } from './types';

const M = 180 / (Math.PI * 6_371_000); // degrees of latitude per metre (R = 6,371 km)
const lat0 = 22.3;
const lon0 = 114.17;
const east = (m: number) => m * M / Math.cos((lat0 * Math.PI) / 180);

function inst(points: Array<[number, number]>, extra: Partial<PlanInstance> = {}): PlanInstance {
  return {
    demand: points.map(([n, e], i) => ({ id: `p${i}`, lat: lat0 + n * M, lon: lon0 + east(e), weight: 1, layer: 'a', district: null })),
    layers: [{ name: 'a', weight: 1, points: points.length }],
    candidates: [{ id: 'c', lat: lat0, lon: lon0, cost: 1, height: null }],
    existing: [],
    obstacles: [],
    ...extra,
  };
}
const covered = (cov: ReturnType<typeof buildCoverage>, j = 0) => Array.from(cov.optItems.subarray(cov.optStart[j]!, cov.optStart[j + 1]!));

test('haversine uses R = 6,371 km and the radius is inclusive', () => {
  assert.ok(Math.abs(haversineM(0, 0, 0, 1) - 111_194.93) < 0.01);
  assert.ok(Math.abs(haversineM(22.3, 114.17, 22.3 + 100 * M, 114.17) - 100) < 1e-6);
  assert.ok(Math.abs(bearingDeg(22.3, 114.17, 22.31, 114.17)) < 1e-9);
  assert.ok(Math.abs(bearingDeg(22.3, 114.17, 22.3, 114.18) - 90) < 0.01);
  const cov = buildCoverage(inst([[99.9, 0], [100.1, 0], [0, 99.9], [-70, -70], [-71, -71]]), { radiusM: 100 });
  assert.deepEqual(covered(cov), [0, 2, 3]); // (-71,-71) is 100.4 m away
});

test('a sector covers bearing ± fov/2 only, and several bearings become separate options of one site', () => {
  const pts: Array<[number, number]> = [[50, 0], [0, 50], [-50, 0], [0, -50], [40, 30]]; // N, E, S, W, NNE (37°)
  const cov = buildCoverage(inst(pts), { radiusM: 100, fovDeg: 90 });
  assert.deepEqual(cov.options.map((o) => o.bearingDeg), [0, 90, 180, 270]);
  assert.deepEqual(cov.siteOptions, [[0, 1, 2, 3]]);
  assert.deepEqual(covered(cov, 0), [0, 4]); // north: N and NNE
  assert.deepEqual(covered(cov, 1), [1]);
  assert.deepEqual(covered(cov, 2), [2]);
  const narrow = buildCoverage(inst(pts), { radiusM: 100, fovDeg: 60, bearingsDeg: [40] });
  assert.deepEqual(covered(narrow), [4]);
});

test('existing cameras count with their own bearing, field of view and range', () => {
  const i = inst([[50, 0], [-50, 0], [0, 150]], {
    existing: [
      { id: 'e1', lat: lat0, lon: lon0, bearingDeg: 0, fovDeg: 90, rangeM: null },
      { id: 'e2', lat: lat0, lon: lon0, bearingDeg: null, fovDeg: null, rangeM: 200 },
    ],
  });
  const cov = buildCoverage(i, { radiusM: 100 });
  assert.deepEqual(Array.from(cov.existing), [2, 1, 1]);
});

test('obstacles block the line of sight, unless the camera stands in them or sees over them', () => {
  // A 20 m × 20 m building 30–50 m north of the camera, spanning east −10…10 m.
  const box = (s: number, n: number, w: number, e: number): Array<[number, number]> => [[lon0 + east(w), lat0 + s * M], [lon0 + east(e), lat0 + s * M], [lon0 + east(e), lat0 + n * M], [lon0 + east(w), lat0 + n * M], [lon0 + east(w), lat0 + s * M]];
  const pts: Array<[number, number]> = [[80, 0], [80, 40], [40, 0], [-80, 0]]; // behind, beside, inside, south
  const blocked = buildCoverage(inst(pts, { obstacles: [{ id: 'b', rings: [box(30, 50, -10, 10)], height: null }] }), { radiusM: 100 });
  assert.deepEqual(covered(blocked), [1, 3]);
  // Mounted on the building: it does not block its own camera.
  const onRoof = buildCoverage(inst(pts, { obstacles: [{ id: 'b', rings: [box(-5, 15, -10, 10)], height: null }] }), { radiusM: 100 });
  assert.deepEqual(covered(onRoof), [0, 1, 2, 3]);
  // A 12 m camera over a 4 m wall 30–50 m away: the sight line to 80 m is at 12·(1−50/80) = 4.5 m when it leaves the wall.
  const tall = inst(pts, { obstacles: [{ id: 'b', rings: [box(30, 50, -10, 10)], height: 4 }] });
  tall.candidates[0]!.height = 12;
  assert.deepEqual(covered(buildCoverage(tall, { radiusM: 100 })), [0, 1, 3]);
  tall.candidates[0]!.height = 8; // 8·(1−50/80) = 3 m < 4 m: blocked
  assert.deepEqual(covered(buildCoverage(tall, { radiusM: 100 })), [1, 3]);
});
