import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CrowdAlertLogic, nextLevel, type AlertLogicOptions } from '../alerts/logic';
import { buildGround } from '../calibration/ground';
import type { CountResult } from '../count';
import type { SeriesRow } from '../crowd.repository';
import { LineCounter, PointMatcher, crossing, dominantDirection } from '../flow/flow';
import { crowdSettingsInputSchema } from '../model';
import { LatestWins } from './latest';
import { CrowdStage } from './stage';

const LAT0 = 22.3;
const LON0 = 114.17;
const R = 6_371_008.8;
const RAD = Math.PI / 180;
const ll = (east: number, north: number): [number, number] => [LAT0 + north / R / RAD, LON0 + east / (R * Math.cos(LAT0 * RAD)) / RAD];
/** The whole image is a 10 m × 10 m square on the ground. */
const SQUARE = { method: 'points' as const, pairs: [
  { image: [0, 0] as [number, number], ground: ll(0, 10) }, { image: [1, 0] as [number, number], ground: ll(10, 10) },
  { image: [1, 1] as [number, number], ground: ll(10, 0) }, { image: [0, 1] as [number, number], ground: ll(0, 0) },
] };
const THRESHOLDS = { advisory: 2, warning: 4, critical: 6, surgePerMin: 20 };
const OPTS: AlertLogicOptions = {
  thresholds: THRESHOLDS, hysteresis: 0.15, cooldownMs: 60_000, surgeWindowMs: 30_000, surgeMinIncrease: 5, dispersalSpeedMps: 2.5, dispersalMinPeople: 5, counterflowMinPeople: 3,
};
const FULL: Array<[number, number]> = [[0, 0], [1, 0], [1, 1], [0, 1]];

/** A deterministic grid of n points inside [x0, x1] × [y0, y1]. */
function grid(n: number, x0 = 0.05, x1 = 0.95, y0 = 0.05, y1 = 0.95): Array<{ x: number; y: number }> {
  const side = Math.ceil(Math.sqrt(n));
  return Array.from({ length: n }, (_, i) => ({ x: x0 + ((i % side) + 0.5) * ((x1 - x0) / side), y: y0 + (Math.floor(i / side) + 0.5) * ((y1 - y0) / side) }));
}
const result = (points: Array<{ x: number; y: number }>): CountResult => ({ count: points.length, kind: 'detector', points, tiles: 1, ms: 5 });

describe('flow', () => {
  test('crossing a line counts in (left → right of a→b) and out, only across the segment', () => {
    const a: [number, number] = [0, 0.5];
    const b: [number, number] = [0.6, 0.5];
    assert.equal(crossing({ from: [0.3, 0.4], to: [0.3, 0.6] }, a, b), 1);
    assert.equal(crossing({ from: [0.3, 0.6], to: [0.3, 0.4] }, a, b), -1);
    assert.equal(crossing({ from: [0.8, 0.4], to: [0.8, 0.6] }, a, b), 0, 'beyond the end of the line');
    assert.equal(crossing({ from: [0.3, 0.1], to: [0.3, 0.3] }, a, b), 0);
  });

  test('matched points stream: 3 people walk down across the line, 2 walk up; per minute both ways', () => {
    const m = new PointMatcher({ matchRadiusM: 2.5, matchRadiusImage: 0.1 });
    const line = new LineCounter([0, 0.5], [1, 0.5]);
    for (let k = 0; k < 6; k++) {
      const down = [0.2, 0.4, 0.6].map((x): [number, number] => [x, 0.3 + k * 0.05]);
      const up = [0.3, 0.7].map((x): [number, number] => [x, 0.7 - k * 0.05]);
      line.add(1000 * k, m.next(1000 * k, [...down, ...up]));
    }
    assert.deepEqual(line.total, { in: 3, out: 2 });
    assert.deepEqual(line.perMinute(), { inPerMin: 3, outPerMin: 2 });
    line.add(70_000, []);
    assert.deepEqual(line.perMinute(), { inPerMin: 0, outPerMin: 0 }, 'a minute later the rate is back to 0');
  });

  test('dominant direction and speed in m/s from calibrated movements', () => {
    const g = buildGround(SQUARE);
    const m = new PointMatcher({ matchRadiusM: 2.5, matchRadiusImage: 0.1 }, g);
    m.next(0, [[0.2, 0.5], [0.4, 0.5], [0.6, 0.5]]);
    // 0.1 image width = 1 m in 1 s, to the right (east).
    const d = dominantDirection(m.next(1000, [[0.3, 0.5], [0.5, 0.5], [0.7, 0.5]]), FULL)!;
    assert.equal(d.dx, 1);
    assert.equal(d.dy, 0);
    assert.ok(Math.abs(d.speedMps! - 1) < 0.01, `speed ${d.speedMps}`);
  });
});

describe('crowd alert logic', () => {
  const zone = (densityPerM2: number | null, extra: object = {}) => ({ id: 'z', name: 'Gate', polygon: FULL, count: (densityPerM2 ?? 0) * 100, densityPerM2, ...extra });

  test('levels rise at the thresholds and clear only below threshold × (1 − hysteresis)', () => {
    assert.equal(nextLevel(2.1, 'normal', THRESHOLDS, 0.15), 'advisory');
    assert.equal(nextLevel(1.9, 'advisory', THRESHOLDS, 0.15), 'advisory', 'within the hysteresis band');
    assert.equal(nextLevel(1.6, 'advisory', THRESHOLDS, 0.15), 'normal');
    assert.equal(nextLevel(6.5, 'normal', THRESHOLDS, 0.15), 'critical');
    assert.equal(nextLevel(5.5, 'critical', THRESHOLDS, 0.15), 'critical');
    assert.equal(nextLevel(4.5, 'critical', THRESHOLDS, 0.15), 'warning');
  });

  test('density: one alert per level crossed, none while hovering at a threshold, again after clearing', () => {
    const l = new CrowdAlertLogic(OPTS);
    const seq = [1, 2.1, 1.9, 2.05, 1.95, 4.2, 4.1, 1.5, 2.2];
    const raised = seq.map((d, i) => l.observe({ at: i * 1000, count: 0, zones: [zone(d)], movements: [] }).filter((a) => a.kind === 'crowd.density').map((a) => a.detail.level));
    assert.deepEqual(raised, [[], ['advisory'], [], [], [], ['warning'], [], [], ['advisory']]);
  });

  test('surge: the count rising faster than surgePerMin raises one alert (then a cooldown)', () => {
    const l = new CrowdAlertLogic(OPTS);
    const kinds: string[] = [];
    // 20/min over a 30 s window = 10 more people needed.
    for (let s = 0; s <= 40; s++) kinds.push(...l.observe({ at: s * 1000, count: s < 20 ? 10 : 10 + (s - 19) * 2, zones: [], movements: [] }).map((a) => a.kind));
    assert.deepEqual(kinds, ['crowd.surge']);
    const slow = new CrowdAlertLogic(OPTS);
    for (let s = 0; s <= 60; s++) assert.deepEqual(slow.observe({ at: s * 1000, count: 10 + s * 0.2, zones: [], movements: [] }), [], 'a slow rise is no surge');
  });

  test('dispersal: people moving outward from a point fast; milling about is not', () => {
    const g = buildGround(SQUARE);
    const burst = (speedM: number) => {
      const m = new PointMatcher({ matchRadiusM: 5, matchRadiusImage: 0.5 }, g);
      const centre = [0.5, 0.5];
      const dirs = Array.from({ length: 8 }, (_, i) => [Math.cos((i * Math.PI) / 4), Math.sin((i * Math.PI) / 4)]);
      m.next(0, dirs.map(([dx, dy]): [number, number] => [centre[0]! + dx! * 0.1, centre[1]! + dy! * 0.1]));
      return m.next(1000, dirs.map(([dx, dy]): [number, number] => [centre[0]! + dx! * (0.1 + speedM / 10), centre[1]! + dy! * (0.1 + speedM / 10)]));
    };
    const fast = new CrowdAlertLogic(OPTS).observe({ at: 1000, count: 8, zones: [], movements: burst(3.5) });
    assert.deepEqual(fast.map((a) => a.kind), ['crowd.dispersal']);
    assert.equal(fast[0]!.detail.unit, 'm/s');
    assert.deepEqual(new CrowdAlertLogic(OPTS).observe({ at: 1000, count: 8, zones: [], movements: burst(1) }), [], 'walking outward at 1 m/s');
  });

  test('counter-flow: three people against a one-way zone raise it; with the flow does not', () => {
    const mv = (dy: number) => [0.2, 0.4, 0.6].map((x) => ({ from: [x, 0.5] as [number, number], to: [x, 0.5 + dy] as [number, number], fromM: null, toM: null, dtMs: 1000 }));
    const oneWay = zone(1, { oneWayDirection: [0, 1] as [number, number] });
    assert.deepEqual(new CrowdAlertLogic(OPTS).observe({ at: 0, count: 3, zones: [oneWay], movements: mv(0.05) }), []);
    const against = new CrowdAlertLogic(OPTS).observe({ at: 0, count: 3, zones: [oneWay], movements: mv(-0.05) });
    assert.deepEqual(against.map((a) => [a.kind, a.detail.against]), [['crowd.counterflow', 3]]);
  });
});

describe('crowd stage', () => {
  test('known zone area → persons/m², heat per m², a density alert, series buckets', () => {
    const settings = crowdSettingsInputSchema.parse({
      enabled: true, thresholds: THRESHOLDS,
      zones: [{ id: 'left', name: 'Left half', polygon: [[0, 0], [0.5, 0], [0.5, 1], [0, 1]] }],
      lines: [{ id: 'l1', name: 'Mid', a: [0, 0.5], b: [1, 0.5] }], calibration: SQUARE,
    });
    const alerts: string[] = [];
    const rows: SeriesRow[] = [];
    const stage = new CrowdStage({
      cameraId: 'cam-1', settings, countCalibration: null, ground: buildGround(SQUARE), footprint: null, counter: { count: async () => result([]) },
      alerts: OPTS, flow: { matchRadiusM: 2.5, matchRadiusImage: 0.08 }, bucketMs: 10_000, onAlert: (a) => alerts.push(`${a.kind}:${String(a.detail.level)}`), onSeries: (r) => rows.push(r),
    });
    // Left half = 5 m × 10 m = 50 m². 60 people there = 1.2/m²; then 110 = 2.2/m².
    const s1 = stage.observe(1_000, result(grid(60, 0.02, 0.48)));
    assert.equal(s1.zones[0]!.areaM2, 50);
    assert.equal(s1.zones[0]!.densityPerM2, 1.2);
    assert.equal(s1.level, 'normal');
    const s2 = stage.observe(2_000, result(grid(110, 0.02, 0.48)));
    assert.equal(s2.zones[0]!.densityPerM2, 2.2);
    assert.equal(s2.level, 'advisory');
    // 50 more people within a second is also a surge.
    assert.deepEqual(alerts, ['crowd.density:advisory', 'crowd.surge:undefined']);
    assert.ok(s2.heat!.perM2);
    // The heat grid integrates back to the count: Σ density × cell area (100 m² / 144 cells).
    const total = s2.heat!.values.reduce((a, v) => a + v, 0) * (100 / (s2.heat!.cols * s2.heat!.rows));
    assert.ok(Math.abs(total - 110) < 1, `heat integrates to ${total}`);
    stage.observe(12_000, result([]));
    stage.flush();
    assert.equal(rows.length, 2);
    assert.deepEqual([rows[0]!.at, rows[0]!.samples, rows[0]!.countMax, rows[0]!.densityMax, rows[0]!.level], [0, 2, 110, 2.2, 'advisory']);
    assert.equal(rows[0]!.zones.left!.countMax, 110);
  });

  test('count calibration scales the count and the zone densities', () => {
    const settings = crowdSettingsInputSchema.parse({ enabled: true, zones: [{ id: 'all', name: 'All', polygon: FULL }], calibration: SQUARE });
    const stage = new CrowdStage({
      cameraId: 'c', settings, countCalibration: { a: 2, b: 0, samples: 3, expectedMae: 0, expectedErrorPct: 0 }, ground: buildGround(SQUARE), footprint: null,
      counter: { count: async () => result([]) }, alerts: OPTS, flow: { matchRadiusM: 2.5, matchRadiusImage: 0.08 }, bucketMs: 10_000, onSeries: () => undefined,
    });
    const s = stage.observe(0, result(grid(50)));
    assert.equal(s.count, 50);
    assert.equal(s.corrected, 100);
    assert.equal(s.zones[0]!.densityPerM2, 1);
  });

  test('uncalibrated: no areas or densities, heat in persons per cell', () => {
    const settings = crowdSettingsInputSchema.parse({ enabled: true, zones: [{ id: 'all', name: 'All', polygon: FULL }] });
    const stage = new CrowdStage({
      cameraId: 'c', settings, countCalibration: null, ground: null, footprint: null, counter: { count: async () => result([]) }, alerts: OPTS,
      flow: { matchRadiusM: 2.5, matchRadiusImage: 0.08 }, bucketMs: 10_000, onSeries: () => undefined,
    });
    const s = stage.observe(0, result(grid(12)));
    assert.deepEqual([s.zones[0]!.count, s.zones[0]!.areaM2, s.zones[0]!.densityPerM2, s.heat!.perM2], [12, null, null, false]);
    assert.equal(s.heat!.values.reduce((a, v) => a + v, 0), 12);
    assert.deepEqual(stage.observe(1000, result([])).zones[0]!.count, 0, 'no people: count 0, not an error');
  });
});

describe('latest-wins hand-off', () => {
  test('frames offered during a slow count wait, the newest wins, none is processed twice', async () => {
    const done: number[] = [];
    const q = new LatestWins<number>(async (n) => {
      await new Promise((r) => setTimeout(r, 30));
      done.push(n);
    });
    q.offer(1);
    q.offer(2);
    q.offer(3);
    await q.drain();
    assert.deepEqual(done, [1, 3]);
    assert.equal(q.superseded, 1);
  });
});
