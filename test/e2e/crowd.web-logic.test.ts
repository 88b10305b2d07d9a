/**
 * The crowd web app's pure logic (no browser): the setup draft ↔ API body, calibration comparison,
 * direction conversions, the 400 details of a refused calibration, chart paths, formatting, and every
 * translation key the crowd feature uses existing in English (zh-Hant's type enforces the same keys).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ApiError } from '../../web/src/api/client';
import { linePath, niceMax } from '../../web/src/features/crowd/chart';
import { readSummary } from '../../web/src/features/crowd/report';
import { arrowDeg, fmtCount, fmtDensity, hhmm, hktInput } from '../../web/src/features/crowd/format';
import { degOfDir, detailLines, dirOfDeg, draftOf, inputOf, rejectedPointErrors, sameCalibration, setupShapes } from '../../web/src/features/crowd/setup';
import { CROWD_KINDS, LEVELS, type CrowdSettings } from '../../web/src/features/crowd/types';
import { enCrowd } from '../../web/src/i18n/en.crowd';
import { zhHantCrowd } from '../../web/src/i18n/zh-Hant.crowd';

const FEATURE = path.resolve(import.meta.dirname, '../../web/src/features/crowd');
const AT = { lat: 22.28, lon: 114.18 };

function settings(o: Partial<CrowdSettings> = {}): CrowdSettings {
  return {
    cameraId: 'c1', enabled: true, kind: 'auto', fps: 1,
    zones: [{ id: 'z1', name: 'Gate', polygon: [[0.1, 0.1], [0.9, 0.1], [0.5, 0.9]], oneWayDirection: [0, -1] }],
    lines: [{ id: 'l1', name: 'Mid', a: [0.1, 0.5], b: [0.9, 0.5] }],
    thresholds: { advisory: 2, warning: 4, critical: 6, surgePerMin: 20 },
    calibration: { method: 'points', pairs: [
      { image: [0, 1], ground: [22.28, 114.18] }, { image: [1, 1], ground: [22.28, 114.181] },
      { image: [1, 0.3], ground: [22.281, 114.181] }, { image: [0, 0.3], ground: [22.281, 114.18] },
    ] },
    calibrationReport: { rmsErrorM: 0.1, maxErrorM: 0.2, pointErrorsM: [0.1, 0.2, 0.05, 0.1] },
    countCalibration: null,
    ...o,
  };
}

test('the setup draft round-trips to the PUT body; unpaired points are caught before sending', () => {
  const s = settings();
  const d = draftOf(s, AT);
  assert.equal(d.method, 'points');
  const r = inputOf(d);
  assert.deepEqual(r.body, { enabled: true, kind: 'auto', fps: 1, zones: s.zones, lines: s.lines, thresholds: s.thresholds, calibration: s.calibration });
  assert.equal(sameCalibration(d, s.calibration), true);
  assert.deepEqual(inputOf({ ...d, imagePts: [...d.imagePts, [0.5, 0.5]] }), { body: null, problem: 'unpaired' });
  assert.equal(sameCalibration({ ...d, groundPts: d.groundPts.map((g, i) => (i === 2 ? [g[0] + 1e-5, g[1]] : g)) }, s.calibration), false, 'a moved ground point is another calibration');
  assert.equal(inputOf({ ...d, method: 'none' }).body?.calibration, null);

  // Camera model: defaults at the camera's position until one is saved.
  const c = draftOf(settings({ calibration: null, calibrationReport: null }), AT);
  assert.equal(c.method, 'none');
  assert.deepEqual([c.camera.lat, c.camera.lon], [AT.lat, AT.lon]);
  const cam = inputOf({ ...c, method: 'camera' }).body!.calibration;
  assert.equal(cam?.method, 'camera');
  assert.equal(sameCalibration({ ...c, method: 'camera' }, null), false);
  assert.equal(sameCalibration(c, null), true);
});

test('one-way directions: degrees clockwise from up ↔ image vectors (y down)', () => {
  assert.deepEqual(dirOfDeg(0), [0, -1]);
  assert.deepEqual(dirOfDeg(90), [1, 0]);
  assert.ok(!Object.is(dirOfDeg(90)[1], -0), 'no negative zero in what is sent');
  for (const deg of [0, 45, 90, 180, 225, 359]) assert.equal(degOfDir(dirOfDeg(deg)), deg);
  assert.equal(Math.round(arrowDeg(0, 1)), 180, 'moving down the picture');
  assert.equal(Math.round(arrowDeg(-1, 0)), -90, 'moving left');
});

test('shapes on the picture leave out the one being edited; calibration points show only for the points method', () => {
  const d = draftOf(settings(), AT);
  const all = setupShapes(d, null, 'Calibration');
  assert.deepEqual(all.map((s) => s.key), ['zone:z1', 'line:l1', 'calibration']);
  assert.equal(all[0]!.directionDeg, 0, 'the one-way arrow points up');
  assert.deepEqual(setupShapes(d, { what: 'zone', index: 0 }, 'C').map((s) => s.key), ['line:l1', 'calibration']);
  assert.deepEqual(setupShapes(d, { what: 'calibration' }, 'C').map((s) => s.key), ['zone:z1', 'line:l1']);
  assert.deepEqual(setupShapes({ ...d, method: 'camera' }, null, 'C').map((s) => s.key), ['zone:z1', 'line:l1']);
});

test("a refused calibration's 400: per-point errors and the other facts of its details", () => {
  const inconsistent = new ApiError(400, 'validation_failed', 'calibration.pairs: point 3 is 14.2 m off', { field: 'calibration.pairs', problem: 'inconsistent', pointErrorsM: [0.4, 0.6, 14.2, 0.5], worstPoint: 3 });
  assert.deepEqual(rejectedPointErrors(inconsistent), [0.4, 0.6, 14.2, 0.5]);
  assert.deepEqual(detailLines(inconsistent), ['field: calibration.pairs', 'problem: inconsistent', 'worstPoint: 3']);
  const collinear = new ApiError(400, 'validation_failed', 'the image points lie on one line', { problem: 'collinear', pointErrorsM: null, issues: ['body.calibration: bad'] });
  assert.equal(rejectedPointErrors(collinear), null);
  assert.deepEqual(detailLines(collinear), ['problem: collinear', 'body.calibration: bad']);
  const unjudged = new ApiError(400, 'validation_failed', 'inconsistent', { problem: 'inconsistent', pointErrorsM: [null, 0.3, null, 0.2] });
  assert.deepEqual(rejectedPointErrors(unjudged), [null, 0.3, null, 0.2], 'points the server could not judge stay null');
  assert.equal(rejectedPointErrors(new Error('network')), null);
});

test('chart helpers: round axis maxima, lines broken at gaps', () => {
  assert.deepEqual([0, 0.3, 1, 7, 12, 55, 480].map(niceMax), [1, 0.5, 1, 10, 20, 100, 500]);
  const pts = [0, 1, 2, 3].map((i) => ({ at: i * 1000, count: i, densityPerM2: i === 2 ? null : i / 10, inPerMin: 0, outPerMin: 0 }));
  assert.equal(linePath(pts, (at) => at / 1000, (v) => 10 - v, (p) => p.count), 'M0.0 10.0 L1.0 9.0 L2.0 8.0 L3.0 7.0');
  assert.equal(linePath(pts, (at) => at / 1000, (v) => v * 10, (p) => p.densityPerM2), 'M0.0 0.0 L1.0 1.0 M3.0 3.0');
});

test('formatting: counts, densities, Hong Kong times', () => {
  assert.deepEqual([fmtCount(12), fmtCount(12.44), fmtCount(null), fmtDensity(1.234), fmtDensity(null)], ['12', '12.4', '—', '1.23', '—']);
  const ms = Date.UTC(2026, 2, 1, 6, 5, 9);
  assert.equal(hhmm(ms), '14:05');
  assert.equal(hktInput(ms), '2026-03-01T14:05');
});

test("the event report's summary is read with checks (the route's JSON is untyped in the OpenAPI)", () => {
  const s = readSummary({
    event: { id: 'e1' },
    cameras: [
      { cameraId: 'c1', name: 'Plaza', samples: 30, peakCount: 41, peakCountAt: 1_700_000_000_000, peakDensityPerM2: 1.8, crossedIn: 12, crossedOut: 9, zones: [] },
      { cameraId: 'c2', samples: 0, peakCount: null, peakDensityPerM2: 'x' },
    ],
    alerts: [{ type: 'crowd.density' }, { type: 'crowd.surge' }],
  });
  assert.deepEqual(s.cameras[0], { cameraId: 'c1', name: 'Plaza', peakCount: 41, peakCountAt: 1_700_000_000_000, peakDensityPerM2: 1.8, crossedIn: 12, crossedOut: 9 });
  assert.deepEqual(s.cameras[1], { cameraId: 'c2', name: 'c2', peakCount: null, peakCountAt: null, peakDensityPerM2: null, crossedIn: null, crossedOut: null });
  assert.equal(s.alerts, 2);
  assert.deepEqual(readSummary('not json'), { cameras: [], alerts: 0 });
});

/** The value at a dotted path of a nested object (undefined when absent). */
function at(o: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((v, k) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined), o);
}

test('every translation key the crowd feature uses exists in English and Traditional Chinese', () => {
  const keys = new Set<string>();
  for (const f of readdirSync(FEATURE).filter((n) => /\.tsx?$/.test(n))) {
    for (const m of readFileSync(path.join(FEATURE, f), 'utf8').matchAll(/t\(\s*'(crowdPage\.[A-Za-z0-9_.]+)'/g)) keys.add(m[1]!);
  }
  // Keys built at run time.
  for (const l of LEVELS) keys.add(`crowdPage.level.${l}`);
  for (const k of CROWD_KINDS) keys.add(`crowdPage.setup.kinds.${k}`);
  for (const k of ['density', 'surge', 'dispersal', 'counterflow']) keys.add(`crowdPage.alerts.kinds.${k}`);
  for (const k of ['none', 'points', 'camera']) keys.add(`crowdPage.calib.methods.${k}`);
  for (const k of ['lat', 'lon', 'heightM', 'tiltDeg', 'headingDeg', 'hfovDeg', 'aspect']) keys.add(`crowdPage.calib.fields.${k}`);
  for (const k of ['advisory', 'warning', 'critical', 'surgePerMin']) keys.add(`crowdPage.setup.thresholds.${k}`);
  assert.ok(keys.size > 100, `found the keys in use: ${keys.size}`);
  for (const [lang, messages] of [['en', enCrowd], ['zh-Hant', zhHantCrowd]] as const) {
    const missing = [...keys].filter((k) => typeof at(messages, k) !== 'string' && typeof at(messages, `${k}_other`) !== 'string');
    assert.deepEqual(missing, [], `${lang} has every key`);
  }
});
