import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ValidationError } from '../core/errors';
import { analyticsSettingsSchema, parseOrThrow, ruleDefinitionSchema, rulePatchSchema } from './model';
import { box } from './rules.testing';

/** The "field: message" lines of a failed parse. */
function issues(schema: Parameters<typeof parseOrThrow>[0], value: unknown): string[] {
  try {
    parseOrThrow(schema, value);
  } catch (err) {
    if (err instanceof ValidationError) return (err.details as { issues: string[] }).issues;
    throw err;
  }
  return [];
}

describe('rule schemas', () => {
  test('defaults are filled', () => {
    const r = ruleDefinitionSchema.parse({ kind: 'line', name: 'door', line: [[0.5, 0], [0.5, 1]], inSide: 'left' });
    assert.deepEqual(r, { kind: 'line', name: 'door', line: [[0.5, 0], [0.5, 1]], inSide: 'left', enabled: true, severity: 'medium', alert: true, classes: [], schedule: [], cooldownSec: 30, hysteresis: 0.01 });
  });

  test('messages name the field', () => {
    const polygon = issues(ruleDefinitionSchema, { kind: 'zone', name: 'z', polygon: [[0, 0], [1, 1]] });
    assert.match(polygon.join(), /^polygon: a polygon needs at least 3 points/);
    assert.match(issues(ruleDefinitionSchema, { kind: 'zone', name: 'z', polygon: [[0, 0], [1.5, 0], [1, 1]] }).join(), /^polygon\.1\.0: x must be ≤ 1/);
    assert.match(issues(ruleDefinitionSchema, { kind: 'zone', name: 'z', polygon: [[0, 0], [1, 1], [1, 0], [0, 1]] }).join(), /^polygon: the polygon's edges cross/);
    assert.match(issues(ruleDefinitionSchema, { kind: 'zone', name: 'z', polygon: [[0, 0], [0.5, 0.5], [1, 1]] }).join(), /^polygon: .*no area/);
    assert.match(issues(ruleDefinitionSchema, { kind: 'zone', name: 'z', polygon: box(0, 0, 1, 1), mode: 'count' }).join(), /^threshold: threshold is required when mode is count/);
    assert.match(issues(ruleDefinitionSchema, { kind: 'left_behind', name: 'z', polygon: box(0, 0, 1, 1), stillSec: 5, classes: ['person'] }).join(), /^classes: left_behind watches objects other than persons/);
    assert.match(issues(ruleDefinitionSchema, { kind: 'teleport', name: 'z' }).join(), /^kind: kind must be one of zone, line/);
    assert.match(issues(ruleDefinitionSchema, { kind: 'zone', name: 'z', polygon: box(0, 0, 1, 1), severity: 'urgent' }).join(), /^severity: severity must be one of/);
    assert.match(issues(ruleDefinitionSchema, { kind: 'zone', name: 'z', polygon: box(0, 0, 1, 1), dwellSec: 5 }).join(), /dwellSec/, 'a field of another kind is refused');
    assert.match(issues(ruleDefinitionSchema, { kind: 'line', name: 'z', line: [[0.5, 0.5], [0.5, 0.501]], inSide: 'left' }).join(), /^line: the line's two points/);
  });

  test('schedule windows: HH:MM, 24:00 only as an end, never empty', () => {
    const base = { kind: 'zone', name: 'z', polygon: box(0, 0, 1, 1) };
    assert.doesNotThrow(() => ruleDefinitionSchema.parse({ ...base, schedule: [{ days: [5], start: '22:00', end: '06:00' }, { days: [0], start: '00:00', end: '24:00' }] }));
    assert.match(issues(ruleDefinitionSchema, { ...base, schedule: [{ days: [1], start: '24:00', end: '06:00' }] }).join(), /^schedule\.0\.start: start must be 'HH:MM'/);
    assert.match(issues(ruleDefinitionSchema, { ...base, schedule: [{ days: [1], start: '9:00', end: '17:00' }] }).join(), /^schedule\.0\.start/);
    assert.match(issues(ruleDefinitionSchema, { ...base, schedule: [{ days: [7], start: '09:00', end: '17:00' }] }).join(), /^schedule\.0\.days\.0: days are 0 \(Sunday\) to 6/);
    assert.match(issues(ruleDefinitionSchema, { ...base, schedule: [{ days: [1], start: '09:00', end: '09:00' }] }).join(), /^schedule\.0\.end: start and end are equal/);
  });

  test('a patch cannot change the kind or add unknown fields', () => {
    assert.match(issues(rulePatchSchema, { kind: 'line' }).join(), /kind/);
    assert.match(issues(rulePatchSchema, { colour: 'red' }).join(), /colour/);
    assert.deepEqual(rulePatchSchema.parse({ dwellSec: 30, enabled: false }), { dwellSec: 30, enabled: false });
  });
});

describe('settings schema', () => {
  test('defaults and limits', () => {
    assert.deepEqual(analyticsSettingsSchema.parse({}), { enabled: false, masks: [], anpr: false });
    assert.match(issues(analyticsSettingsSchema, { fps: 0 }).join(), /^fps: fps must be > 0/);
    assert.match(issues(analyticsSettingsSchema, { masks: [[[0, 0], [1, 0]]] }).join(), /^masks\.0: a polygon needs at least 3/);
  });

  test('a calibration that cannot be fitted is refused at calibration.points', () => {
    const collinear = [0, 1, 2, 3].map((i) => ({ image: [0.1 + i * 0.2, 0.5] as [number, number], ground: [22.3 + i * 1e-4, 114.17] as [number, number] }));
    assert.match(issues(analyticsSettingsSchema, { calibration: { points: collinear } }).join(), /^calibration\.points: the image points lie \(almost\) on one line/);
    assert.match(issues(analyticsSettingsSchema, { calibration: { points: collinear.slice(0, 3) } }).join(), /^calibration\.points: a calibration needs at least 4/);
  });
});
