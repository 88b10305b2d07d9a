import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isAppError } from '../../core/errors';
import { fitCountCalibration } from './count-fit';
import { buildGround, cameraProjector } from './ground';
import { footprint, insidePolygon, zoneAreaM2 } from './measure';

const LAT0 = 22.3;
const LON0 = 114.17;
const R = 6_371_008.8;
const RAD = Math.PI / 180;
/** [lat, lon] of a point `east`, `north` metres from (LAT0, LON0). */
const ll = (east: number, north: number): [number, number] => [LAT0 + north / R / RAD, LON0 + east / (R * Math.cos(LAT0 * RAD)) / RAD];

/** Image square ↔ a 10 m × 10 m ground square (image y down = north decreasing). */
const SQUARE = [
  { image: [0, 0] as [number, number], ground: ll(0, 10) },
  { image: [1, 0] as [number, number], ground: ll(10, 10) },
  { image: [1, 1] as [number, number], ground: ll(10, 0) },
  { image: [0, 1] as [number, number], ground: ll(0, 0) },
];

function rejected(fn: () => unknown): { message: string; details: Record<string, unknown> } {
  try {
    fn();
  } catch (err) {
    assert.ok(isAppError(err) && err.status === 400, `a 400 error, got ${String(err)}`);
    return { message: err.message, details: err.details ?? {} };
  }
  assert.fail('expected the calibration to be rejected');
}

describe('crowd ground calibration', () => {
  test('points: a 10 m square maps image to metres; a zone of half the image is 50 m²', () => {
    const g = buildGround({ method: 'points', pairs: SQUARE });
    assert.ok(g.report.rmsErrorM < 0.01);
    const a = g.toMetres([0, 1])!;
    const b = g.toMetres([1, 1])!;
    assert.ok(Math.abs(Math.hypot(b[0] - a[0], b[1] - a[1]) - 10) < 0.01);
    const area = zoneAreaM2(g, [[0, 0.5], [1, 0.5], [1, 1], [0, 1]])!;
    assert.ok(Math.abs(area - 50) < 0.1, `area ${area}`);
    const back = g.toLatLon(g.toMetres([1, 0])!);
    assert.ok(Math.abs(back[0] - SQUARE[1]!.ground[0]) < 1e-7 && Math.abs(back[1] - SQUARE[1]!.ground[1]) < 1e-7);
  });

  test('points: collinear points are rejected, the details name the problem', () => {
    const pairs = [0, 1, 2, 3].map((i) => ({ image: [0.1 + 0.2 * i, 0.5] as [number, number], ground: ll(i * 3, i) }));
    const r = rejected(() => buildGround({ method: 'points', pairs }));
    assert.match(r.message, /one line/);
    assert.equal(r.details.problem, 'collinear');
    assert.equal((r.details.imageOffLine as number[]).length, 4);
  });

  test('points: an inconsistent point is rejected with the reprojection error of every point', () => {
    const pairs = [...SQUARE, { image: [0.5, 0.5] as [number, number], ground: ll(5 + 8, 5) }];
    const r = rejected(() => buildGround({ method: 'points', pairs }));
    assert.equal(r.details.problem, 'inconsistent');
    const errs = r.details.pointErrorsM as number[];
    assert.equal(errs.length, 5);
    assert.ok(Math.max(...errs) > 1.5, `errors ${errs.join(',')}`);
    assert.match(r.message, /point \d lands/);
  });

  test('camera model: height 10 m, tilt 45°, heading east → the image centre is 10 m east of the camera', () => {
    const cam = { method: 'camera' as const, lat: LAT0, lon: LON0, heightM: 10, tiltDeg: 45, headingDeg: 90, hfovDeg: 60 };
    const p = cameraProjector(cam)([0.5, 0.5])!;
    assert.ok(Math.abs(p[0] - 10) < 1e-6 && Math.abs(p[1]) < 1e-6, `projected ${p.join(',')}`);
    const g = buildGround(cam);
    assert.ok(g.report.maxErrorM < 0.05, `fit error ${g.report.maxErrorM}`);
    const c = g.toLatLon(g.toMetres([0.5, 0.5])!);
    const want = ll(10, 0);
    assert.ok(Math.abs(c[0] - want[0]) < 2e-6 && Math.abs(c[1] - want[1]) < 2e-6, `centre ${c.join(',')} want ${want.join(',')}`);
    // Nearer rows of the image are nearer the camera; the top rows of a 45° view are further.
    const near = g.toMetres([0.5, 1])!;
    const far = g.toMetres([0.5, 0])!;
    assert.ok(Math.hypot(...(near.map((v, i) => v - g.cameraM![i]!) as [number, number])) < Math.hypot(...(far.map((v, i) => v - g.cameraM![i]!) as [number, number])));
    const fp = footprint(g, 60)!;
    assert.ok(fp.length >= 6);
    for (const q of fp) assert.ok(q[1] >= LON0 - 1e-5, 'the footprint lies east of a camera looking east');
  });

  test('camera model: a camera looking at the sky is refused', () => {
    const r = rejected(() => buildGround({ method: 'camera', lat: LAT0, lon: LON0, heightM: 3, tiltDeg: 0.02, headingDeg: 0, hfovDeg: 1.2, aspect: 5 }));
    assert.equal(r.details.problem, 'no_ground');
  });

  test('point in polygon', () => {
    assert.equal(insidePolygon([0.5, 0.5], [[0, 0], [1, 0], [1, 1], [0, 1]]), true);
    assert.equal(insidePolygon([1.5, 0.5], [[0, 0], [1, 0], [1, 1], [0, 1]]), false);
  });
});

describe('count calibration', () => {
  test('fits true = a·raw + b exactly on a line; leave-one-out error 0', () => {
    const f = fitCountCalibration([{ raw: 10, truth: 12 }, { raw: 20, truth: 22 }, { raw: 30, truth: 32 }, { raw: 40, truth: 42 }]);
    assert.deepEqual([f.a, f.b, f.samples, f.expectedMae, f.expectedErrorPct], [1, 2, 4, 0, 0]);
  });

  test('noisy samples: expected error is the leave-one-out MAE (larger than the fit residual)', () => {
    const f = fitCountCalibration([{ raw: 10, truth: 14 }, { raw: 20, truth: 24 }, { raw: 30, truth: 40 }, { raw: 40, truth: 50 }, { raw: 50, truth: 63 }]);
    assert.ok(f.a > 1.1 && f.a < 1.4, `a = ${f.a}`);
    assert.ok(f.expectedMae > 0.5 && f.expectedMae < 5, `mae ${f.expectedMae}`);
    assert.ok(f.expectedErrorPct > 0);
  });

  test('fewer than 3 marked samples: a clear 400', () => {
    const r = rejected(() => fitCountCalibration([{ raw: 1, truth: 2 }, { raw: 2, truth: 3 }]));
    assert.match(r.message, /at least 3 samples/);
  });
});
