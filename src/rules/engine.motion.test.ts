import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RuleEngine, type RuleHit } from './engine';
import type { Pt } from './geometry';
import { LOITER_GRACE_MS } from './kinds/loitering';
import { DEFAULT_SETTINGS, type AnalyticsSettings } from './model';
import { box, FRAME, rule, TrackSim, walk, withoutTrackInfo } from './rules.testing';

const ON: AnalyticsSettings = { ...DEFAULT_SETTINGS, enabled: true };
const area = box(0.05, 0.05, 0.95, 0.95);

function run(engine: RuleEngine, points: readonly Pt[], opts: { id?: number; label?: string; t0?: number; stepMs?: number } = {}): RuleHit[] {
  const sim = new TrackSim();
  return withoutTrackInfo(points.flatMap((p, i) => {
    const t = (opts.t0 ?? 0) + i * (opts.stepMs ?? 1000);
    const f = sim.step(t, [{ id: opts.id ?? 1, label: opts.label, feet: p }]);
    return engine.evaluate(t, f.tracks, f.events);
  }));
}

const still = (p: Pt, n: number): Pt[] => Array.from({ length: n }, () => p);

describe('loitering', () => {
  const loiter = () => rule({ kind: 'loitering', name: 'ATM', polygon: box(0.4, 0.4, 0.6, 0.6), dwellSec: 10, cooldownSec: 0 });

  test('fires once when the dwell is reached', () => {
    const engine = new RuleEngine([loiter()], ON, FRAME);
    const hits = run(engine, [[0.2, 0.5], [0.3, 0.5], ...still([0.5, 0.5], 20)]);
    assert.deepEqual(hits.map((h) => [h.tMs, h.detail]), [[12_000, { kind: 'loitering', dwellMs: 10_000 }]]);
  });

  test(`absences up to ${LOITER_GRACE_MS} ms keep the clock, longer ones restart it`, () => {
    const short = run(new RuleEngine([loiter()], ON, FRAME), [...still([0.5, 0.5], 5), [0.8, 0.5], ...still([0.5, 0.5], 10)]);
    assert.deepEqual(short.map((h) => h.tMs), [10_000]);
    // Inside 0–4 s, outside 5–7 s, back at 8 s: the dwell restarts at 8 s.
    const long = run(new RuleEngine([loiter()], ON, FRAME), [...still([0.5, 0.5], 5), ...still([0.8, 0.5], 3), ...still([0.5, 0.5], 12)]);
    assert.deepEqual(long.map((h) => h.tMs), [18_000]);
  });
});

describe('wrong way', () => {
  const ww = (extra: { toleranceDeg?: number } = {}) => rule({ kind: 'wrong_way', name: 'one-way', polygon: area, directionDeg: 90, cooldownSec: 0, ...extra });

  test('moving against the allowed direction fires with the heading; with it does not', () => {
    const against = run(new RuleEngine([ww()], ON, FRAME), walk([0.8, 0.5], [0.6, 0.5], 5));
    assert.ok(against.length >= 1);
    assert.deepEqual(against[0]!.detail, { kind: 'wrong_way', angleDeg: 270, allowedDeg: 90, deviationDeg: 180 });
    assert.equal(against[0]!.tMs, 1000, 'judged as soon as the movement exceeds minMove');
    assert.deepEqual(run(new RuleEngine([ww()], ON, FRAME), walk([0.2, 0.5], [0.6, 0.5], 5)), []);
  });

  test('the tolerance decides sideways movement', () => {
    const down = walk([0.5, 0.2], [0.5, 0.6], 5);
    assert.deepEqual(run(new RuleEngine([ww()], ON, FRAME), down), [], '90° off is within a 90° tolerance');
    const strict = run(new RuleEngine([ww({ toleranceDeg: 45 })], ON, FRAME), down);
    assert.equal((strict[0]!.detail as { angleDeg: number }).angleDeg, 180);
  });

  test('angles are measured on the picture, not in stretched 0..1 units', () => {
    // On a 1000×500 frame, +0.05 x and +0.1 y are 50 px right and 50 px down: heading 135°.
    const hits = run(new RuleEngine([ww({ toleranceDeg: 30 })], ON, FRAME), walk([0.3, 0.3], [0.5, 0.7], 5));
    assert.equal((hits[0]!.detail as { angleDeg: number }).angleDeg, 135);
  });

  test('jitter smaller than minMove is not a direction', () => {
    const jitter = Array.from({ length: 20 }, (_, i) => [0.5 + ((i * 7) % 5) * 0.004 - 0.008, 0.5 + ((i * 3) % 5) * 0.004 - 0.008] as Pt);
    assert.deepEqual(run(new RuleEngine([ww()], ON, FRAME), jitter), []);
  });
});

/** A top-down view: image x 0..1 spans 20 m east, image y 0..1 spans 10 m south (so 0.1 x = 2 m, 0.1 y = 1 m). */
function topDownCalibration(): NonNullable<AnalyticsSettings['calibration']> {
  const origin = [22.3, 114.17];
  const toLatLon = (east: number, north: number): [number, number] => {
    const rad = Math.PI / 180;
    return [origin[0]! + north / 6_371_008.8 / rad, origin[1]! + east / (6_371_008.8 * Math.cos(origin[0]! * rad)) / rad];
  };
  const pts: Pt[] = [[0.1, 0.1], [0.9, 0.1], [0.9, 0.9], [0.1, 0.9], [0.5, 0.5]];
  return { points: pts.map((p) => ({ image: p, ground: toLatLon(p[0] * 20, -p[1] * 10) })) };
}

describe('running', () => {
  test('image units per second: walking does not fire, running does', () => {
    const r = rule({ kind: 'running', name: 'run', polygon: area, minSpeed: 0.25, cooldownSec: 0 });
    assert.deepEqual(run(new RuleEngine([r], ON, FRAME), walk([0.1, 0.5], [0.5, 0.5], 5)), [], '0.1 per second');
    const fast = run(new RuleEngine([r], ON, FRAME), walk([0.1, 0.5], [0.7, 0.5], 3));
    assert.deepEqual(fast.map((h) => [h.tMs, h.detail]), [[1000, { kind: 'running', speed: 0.3, unit: 'image/s' }], [2000, { kind: 'running', speed: 0.3, unit: 'image/s' }]]);
  });

  test('metres per second through the calibration', () => {
    const settings: AnalyticsSettings = { ...ON, calibration: topDownCalibration() };
    const r = rule({ kind: 'running', name: 'run', polygon: area, minSpeed: 3, unit: 'm/s', cooldownSec: 60 });
    assert.deepEqual(run(new RuleEngine([r], settings, FRAME), walk([0.1, 0.5], [0.5, 0.5], 5)), [], '2 m/s');
    const fast = run(new RuleEngine([r], settings, FRAME), walk([0.1, 0.5], [0.9, 0.5], 5));
    assert.equal(fast.length, 1, 'cooldown: one hit per track');
    assert.equal((fast[0]!.detail as { unit: string }).unit, 'm/s');
    assert.ok(Math.abs((fast[0]!.detail as { speed: number }).speed - 4) < 0.01, JSON.stringify(fast[0]!.detail));
    // Down the picture 0.1 per second is 1 m/s on this ground: well under 3 m/s even at 0.25 per second.
    assert.deepEqual(run(new RuleEngine([r], settings, FRAME), walk([0.5, 0.1], [0.5, 0.9], 5)), []);
  });

  test('a speed in m/s without a calibration makes the rule inactive, with the reason', () => {
    const r = rule({ kind: 'running', name: 'run', polygon: area, minSpeed: 3, unit: 'm/s' });
    const engine = new RuleEngine([r], ON, FRAME);
    assert.match(engine.inactive[0]!.reason, /no ground calibration/);
    assert.deepEqual(run(engine, walk([0.1, 0.5], [0.9, 0.5], 3)), []);
  });
});

describe('left behind', () => {
  const lb = () => rule({ kind: 'left_behind', name: 'bag', polygon: box(0.2, 0.2, 0.8, 0.8), stillSec: 30, cooldownSec: 0 });

  test('a non-person object that stays still fires once after stillSec, despite small jitter', () => {
    const jittery = Array.from({ length: 40 }, (_, i) => [0.5 + (i % 2) * 0.005, 0.5 - (i % 3) * 0.004] as Pt);
    const hits = run(new RuleEngine([lb()], ON, FRAME), jittery, { label: 'suitcase' });
    assert.deepEqual(hits.map((h) => [h.tMs, h.label, h.detail]), [[30_000, 'suitcase', { kind: 'left_behind', stillMs: 30_000 }]]);
  });

  test('persons never; moving restarts the clock; outside the polygon never', () => {
    assert.deepEqual(run(new RuleEngine([lb()], ON, FRAME), still([0.5, 0.5], 40), { label: 'person' }), []);
    const moved = run(new RuleEngine([lb()], ON, FRAME), [...walk([0.3, 0.5], [0.6, 0.5], 11), ...still([0.6, 0.5], 40)], { label: 'backpack' });
    assert.deepEqual(moved.map((h) => h.tMs), [40_000]);
    assert.deepEqual(run(new RuleEngine([lb()], ON, FRAME), still([0.9, 0.5], 40), { label: 'suitcase' }), []);
  });
});
