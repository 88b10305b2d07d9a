import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RuleEngine, STALE_TRACK_MS, type RuleHit } from './engine';
import type { Pt } from './geometry';
import { DEFAULT_SETTINGS, type AnalyticsSettings } from './model';
import { box, FRAME, rule, TrackSim, walk, withoutTrackInfo, type Placement } from './rules.testing';

const ON: AnalyticsSettings = { ...DEFAULT_SETTINGS, enabled: true };
const SEC = 1000;

/** Feeds frames (1 per second from t0) of one track walking through `points`; returns every hit. */
function runWalk(engine: RuleEngine, points: readonly Pt[], opts: { id?: number; label?: string; t0?: number; stepMs?: number; sim?: TrackSim; loseAtEnd?: boolean } = {}): RuleHit[] {
  const sim = opts.sim ?? new TrackSim();
  const t0 = opts.t0 ?? 0;
  const step = opts.stepMs ?? SEC;
  const hits: RuleHit[] = [];
  points.forEach((p, i) => {
    const f = sim.step(t0 + i * step, [{ id: opts.id ?? 1, label: opts.label, feet: p }]);
    hits.push(...engine.evaluate(t0 + i * step, f.tracks, f.events));
  });
  if (opts.loseAtEnd) {
    const t = t0 + points.length * step;
    const f = sim.step(t, [], [opts.id ?? 1]);
    hits.push(...engine.evaluate(t, f.tracks, f.events));
  }
  return withoutTrackInfo(hits);
}

const zone = box(0.4, 0.4, 0.6, 0.6);

describe('zones', () => {
  test('presence: enter and leave, counted by the feet (box bottom-centre)', () => {
    const engine = new RuleEngine([rule({ kind: 'zone', name: 'Gate', polygon: zone, severity: 'high' })], ON, FRAME);
    const hits = runWalk(engine, walk([0.1, 0.5], [0.9, 0.5], 9));
    // x = 0.1, 0.2, … 0.9: at 0.4 the feet are on the border (inside), at 0.7 out again.
    assert.deepEqual(hits.map((h) => [h.tMs, h.detail]), [
      [3000, { kind: 'zone', event: 'enter', count: 1 }],
      [6000, { kind: 'zone', event: 'leave', count: 0 }],
    ]);
    assert.deepEqual({ ruleName: hits[0]!.ruleName, kind: hits[0]!.kind, trackId: hits[0]!.trackId, label: hits[0]!.label, severity: hits[0]!.severity, alert: hits[0]!.alert }, { ruleName: 'Gate', kind: 'zone', trackId: 1, label: 'person', severity: 'high', alert: true });
    // The box's centre passes through the zone, the feet pass under it: no hit.
    const below = new RuleEngine([rule({ kind: 'zone', name: 'Gate', polygon: zone })], ON, FRAME);
    assert.deepEqual(runWalk(below, walk([0.1, 0.65], [0.9, 0.65], 9)), []);
  });

  test('every hit carries the track\'s box (frame pixels) and score', () => {
    const engine = new RuleEngine([rule({ kind: 'zone', name: 'z', polygon: zone })], ON, FRAME);
    const f = new TrackSim().step(0, [{ id: 4, feet: [0.5, 0.5] }]);
    const [hit] = engine.evaluate(0, f.tracks, f.events);
    assert.deepEqual([hit!.detail.box, hit!.detail.score], [[480, 150, 40, 100], 0.9]);
  });

  test('presence: a track first seen inside enters; a track lost inside leaves', () => {
    const engine = new RuleEngine([rule({ kind: 'zone', name: 'z', polygon: zone })], ON, FRAME);
    const hits = runWalk(engine, [[0.5, 0.5], [0.5, 0.5]], { loseAtEnd: true });
    assert.deepEqual(hits.map((h) => h.detail), [{ kind: 'zone', event: 'enter', count: 1 }, { kind: 'zone', event: 'leave', count: 0, lost: true }]);
  });

  test('intrusion: enter only, once per visit, says whether it crossed the border', () => {
    const engine = new RuleEngine([rule({ kind: 'zone', name: 'z', mode: 'intrusion', polygon: zone, cooldownSec: 0 })], ON, FRAME);
    const crossed = runWalk(engine, [[0.2, 0.5], [0.5, 0.5], [0.5, 0.5], [0.8, 0.5], [0.5, 0.5]]);
    assert.deepEqual(crossed.map((h) => [h.tMs, h.detail]), [
      [1000, { kind: 'zone', event: 'enter', count: 1, fromOutside: true }],
      [4000, { kind: 'zone', event: 'enter', count: 1, fromOutside: true }],
    ]);
    const appeared = runWalk(engine, [[0.45, 0.45]], { id: 2, t0: 10_000 });
    assert.deepEqual(appeared.map((h) => h.detail), [{ kind: 'zone', event: 'enter', count: 2, fromOutside: false }]);
  });

  test('count: fires when the number inside reaches the threshold and when it falls below', () => {
    const engine = new RuleEngine([rule({ kind: 'zone', name: 'crowd', mode: 'count', threshold: 2, polygon: zone, cooldownSec: 0 })], ON, FRAME);
    const sim = new TrackSim();
    const frames: Placement[][] = [
      [{ id: 1, feet: [0.5, 0.5] }],
      [{ id: 1, feet: [0.5, 0.5] }, { id: 2, feet: [0.2, 0.2] }],
      [{ id: 1, feet: [0.5, 0.5] }, { id: 2, feet: [0.45, 0.55] }],
      [{ id: 1, feet: [0.5, 0.5] }, { id: 2, feet: [0.45, 0.55] }, { id: 3, feet: [0.55, 0.45] }],
      [{ id: 1, feet: [0.9, 0.9] }, { id: 2, feet: [0.45, 0.55] }, { id: 3, feet: [0.55, 0.45] }],
      [{ id: 2, feet: [0.45, 0.55] }, { id: 3, feet: [0.95, 0.45] }],
    ];
    const hits = frames.flatMap((f, i) => {
      const s = sim.step(i * SEC, f);
      return withoutTrackInfo(engine.evaluate(i * SEC, s.tracks, s.events));
    });
    assert.deepEqual(hits.map((h) => [h.tMs, h.trackId, h.detail]), [
      [2000, 2, { kind: 'zone', event: 'count_above', count: 2, threshold: 2 }],
      [5000, 3, { kind: 'zone', event: 'count_below', count: 1, threshold: 2 }],
    ]);
  });

  test('a box jittering on the border enters once and does not leave until clearly outside', () => {
    const engine = new RuleEngine([rule({ kind: 'zone', name: 'z', polygon: zone, cooldownSec: 0 })], ON, FRAME);
    // The border is x = 0.4: jitter between 0.402 (inside) and 0.395 (outside, but within the hysteresis band).
    const jitter = Array.from({ length: 12 }, (_, i) => [i % 2 ? 0.395 : 0.402, 0.5] as Pt);
    const hits = runWalk(engine, [[0.3, 0.5], ...jitter, [0.38, 0.5]]);
    assert.deepEqual(hits.map((h) => [h.tMs, (h.detail as { event: string }).event]), [[1000, 'enter'], [13_000, 'leave']]);
  });

  test('cooldown per track: re-entering within cooldownSec is not reported again', () => {
    const engine = new RuleEngine([rule({ kind: 'zone', name: 'z', mode: 'intrusion', polygon: zone, cooldownSec: 10 })], ON, FRAME);
    const hits = runWalk(engine, [[0.2, 0.5], [0.5, 0.5], [0.2, 0.5], [0.5, 0.5], [0.2, 0.5], ...walk([0.2, 0.5], [0.2, 0.5], 8), [0.5, 0.5]]);
    assert.deepEqual(hits.map((h) => h.tMs), [1000, 13_000]);
  });
});

describe('lines', () => {
  // A vertical line down the middle, drawn top to bottom: walking down it, "left" on screen is +x (east).
  const line: [Pt, Pt] = [[0.5, 0.2], [0.5, 0.8]];

  test('counts in and out in both directions, per class', () => {
    const engine = new RuleEngine([rule({ kind: 'line', name: 'door', line, inSide: 'left', cooldownSec: 0 })], ON, FRAME);
    const sim = new TrackSim();
    const inHits = runWalk(engine, walk([0.3, 0.5], [0.7, 0.5], 5), { sim });
    assert.deepEqual(inHits.map((h) => h.detail), [{ kind: 'line', direction: 'in', counts: { in: 1, out: 0, byClass: { person: { in: 1, out: 0 } } } }]);
    const outHits = runWalk(engine, walk([0.7, 0.4], [0.3, 0.4], 5), { id: 2, label: 'car', t0: 10_000, sim });
    assert.deepEqual(outHits.map((h) => [h.trackId, h.label, h.detail]), [[2, 'car', { kind: 'line', direction: 'out', counts: { in: 1, out: 1, byClass: { person: { in: 1, out: 0 }, car: { in: 0, out: 1 } } } }]]);
    const flipped = new RuleEngine([rule({ kind: 'line', name: 'door', line, inSide: 'right' })], ON, FRAME);
    assert.equal((runWalk(flipped, walk([0.3, 0.5], [0.7, 0.5], 5))[0]!.detail as { direction: string }).direction, 'out');
  });

  test('jitter on the line counts nothing; a crossing with jitter at the line counts once', () => {
    const engine = new RuleEngine([rule({ kind: 'line', name: 'door', line, inSide: 'left', cooldownSec: 0, hysteresis: 0.01 })], ON, FRAME);
    const jitter = Array.from({ length: 30 }, (_, i) => [0.5 + (i % 2 ? 0.008 : -0.008), 0.5] as Pt);
    assert.deepEqual(runWalk(engine, [[0.45, 0.5], ...jitter]), []);
    assert.deepEqual(engine.lineCounts('r-line'), { in: 0, out: 0, byClass: {} });
    const crossing = runWalk(engine, [[0.3, 0.5], [0.45, 0.5], ...jitter, [0.55, 0.5], ...jitter, [0.6, 0.5], [0.7, 0.5]], { id: 2, t0: 100_000 });
    assert.deepEqual(crossing.map((h) => (h.detail as { direction: string }).direction), ['in']);
    assert.equal(engine.lineCounts('r-line')!.in, 1);
  });

  test('passing beyond the end of the drawn segment is not a crossing', () => {
    const engine = new RuleEngine([rule({ kind: 'line', name: 'door', line, inSide: 'left', cooldownSec: 0 })], ON, FRAME);
    assert.deepEqual(runWalk(engine, walk([0.3, 0.9], [0.7, 0.9], 5)), []);
  });

  test('cooldown hides repeated hits of one track, but the counters still count', () => {
    const engine = new RuleEngine([rule({ kind: 'line', name: 'door', line, inSide: 'left', cooldownSec: 60 })], ON, FRAME);
    const hits = runWalk(engine, [[0.3, 0.5], [0.7, 0.5], [0.3, 0.5], [0.7, 0.5]]);
    assert.deepEqual(hits.map((h) => (h.detail as { direction: string }).direction), ['in', 'out']);
    assert.deepEqual(engine.lineCounts('r-line'), { in: 2, out: 1, byClass: { person: { in: 2, out: 1 } } });
  });
});

describe('the engine', () => {
  const z = () => rule({ kind: 'zone', name: 'z', polygon: zone, cooldownSec: 0 });

  test('class filters: the rule\'s and the camera\'s', () => {
    const cars = new RuleEngine([rule({ kind: 'zone', name: 'z', polygon: zone, classes: ['car'] })], ON, FRAME);
    assert.deepEqual(runWalk(cars, [[0.2, 0.5], [0.5, 0.5]]), []);
    assert.equal(runWalk(cars, [[0.2, 0.5], [0.5, 0.5]], { id: 2, label: 'car' }).length, 1);
    const camera = new RuleEngine([z()], { ...ON, classes: ['car'] }, FRAME);
    assert.deepEqual(runWalk(camera, [[0.2, 0.5], [0.5, 0.5]]), []);
  });

  test('disabled rules and disabled cameras fire nothing', () => {
    assert.deepEqual(runWalk(new RuleEngine([{ ...z(), enabled: false }], ON, FRAME), [[0.2, 0.5], [0.5, 0.5]]), []);
    assert.deepEqual(runWalk(new RuleEngine([z()], DEFAULT_SETTINGS, FRAME), [[0.2, 0.5], [0.5, 0.5]]), []);
  });

  test('a lost track is forgotten: the same id seen again starts afresh', () => {
    const engine = new RuleEngine([z()], ON, FRAME);
    const sim = new TrackSim();
    const first = runWalk(engine, [[0.5, 0.5]], { sim, loseAtEnd: true });
    const again = runWalk(engine, [[0.5, 0.5]], { sim, t0: 5000 });
    assert.deepEqual([...first, ...again].map((h) => (h.detail as { event: string }).event), ['enter', 'leave', 'enter']);
  });

  test('a track unseen for longer than STALE_TRACK_MS is forgotten without a lost event', () => {
    const engine = new RuleEngine([z()], ON, FRAME);
    const sim = new TrackSim();
    runWalk(engine, [[0.5, 0.5]], { sim });
    const later = sim.step(STALE_TRACK_MS + 2000, [{ id: 9, feet: [0.1, 0.1] }]);
    const hits = withoutTrackInfo(engine.evaluate(STALE_TRACK_MS + 2000, later.tracks, later.events));
    assert.deepEqual(hits.map((h) => [h.trackId, (h.detail as { event: string }).event]), [[1, 'leave']]);
  });

  test('drawings are normalised: another resolution gives the same hits', () => {
    const small = { width: 320, height: 180 };
    const engine = new RuleEngine([z()], ON, small);
    const hits = runWalk(engine, walk([0.1, 0.5], [0.9, 0.5], 9), { sim: new TrackSim(small, { w: 10, h: 30 }) });
    assert.deepEqual(hits.map((h) => h.tMs), [3000, 6000]);
    engine.setFrameSize(FRAME);
    assert.deepEqual(runWalk(engine, walk([0.1, 0.5], [0.9, 0.5], 9), { id: 2, t0: 20_000 }).map((h) => h.tMs), [23_000, 26_000]);
    assert.throws(() => engine.setFrameSize({ width: 0, height: 10 }), /frame size/);
  });

  test('schedules: outside the window nothing fires, inside it does (Hong Kong time)', () => {
    // 2026-11-23 is a Monday; the window is Monday 09:00–17:00 Hong Kong time.
    const mon0859 = Date.parse('2026-11-23T08:59:00+08:00');
    const engine = new RuleEngine([rule({ kind: 'zone', name: 'z', polygon: zone, cooldownSec: 0, schedule: [{ days: [1], start: '09:00', end: '17:00' }] })], ON, FRAME);
    const before = runWalk(engine, [[0.2, 0.5], [0.5, 0.5], [0.2, 0.5]], { t0: mon0859 });
    assert.deepEqual(before, []);
    const inside = runWalk(engine, [[0.2, 0.5], [0.5, 0.5], [0.2, 0.5]], { id: 2, t0: mon0859 + 60_000 });
    assert.deepEqual(inside.map((h) => (h.detail as { event: string }).event), ['enter', 'leave']);
  });
});
