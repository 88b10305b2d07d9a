import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_INPUTS } from './model';
import { parsePhases, planCapacity } from './plan';

test('the programme figures: 66,500 cameras at 2 Mbit/s are ~133 Gbit/s and ~43 PB for 30 days', () => {
  const plans = planCapacity(DEFAULT_INPUTS);
  const last = plans.at(-1)!;
  assert.equal(last.cameras, 66_500);
  assert.ok(Math.abs(last.ingestGbps - 133) < 1e-9);
  assert.ok(Math.abs(last.footagePB - 43.09) < 0.01, `footage ${last.footagePB} PB`);
  assert.deepEqual(plans.map((p) => p.cameras), [11_000, 31_000, 51_000, 60_000, 66_500]);
});

test('node counts cover every camera with one spare node, and grow with the cameras', () => {
  const plans = planCapacity(DEFAULT_INPUTS);
  for (const p of plans) {
    const rn = DEFAULT_INPUTS.recorderNode;
    const perNodeNet = (rn.nicGbps * rn.utilisation * 1000) / DEFAULT_INPUTS.bitrateMbps;
    assert.ok((p.recorderNodes - 1) * perNodeNet >= p.cameras * 0.999 || p.recorderBound !== 'network');
    assert.ok(p.recorderNodes >= 2 && p.analyticsNodes >= 2 && p.apiNodes >= 2);
  }
  for (let k = 1; k < plans.length; k++) assert.ok(plans[k]!.recorderNodes >= plans[k - 1]!.recorderNodes);
});

test('database write rates add up and scale with retention-independent inputs only', () => {
  const [p] = planCapacity({ ...DEFAULT_INPUTS, phases: [{ label: 'x', cameras: 36_000 }] });
  const d = p!.db;
  assert.equal(d.segmentsPerSec, 3600); // one row per 10 s segment
  assert.ok(Math.abs(d.totalRowsPerSec - (d.segmentsPerSec + d.tracksPerSec + d.sightingsPerSec + d.eventsPerSec + d.auditPerSec)) < 1e-9);
  const [q] = planCapacity({ ...DEFAULT_INPUTS, retentionDays: 90, phases: [{ label: 'x', cameras: 36_000 }] });
  assert.equal(q!.db.totalRowsPerSec, d.totalRowsPerSec);
  assert.ok(Math.abs(q!.footagePB - 3 * p!.footagePB) < 1e-9);
});

test('bad inputs are refused with the key named', () => {
  assert.throws(() => planCapacity({ ...DEFAULT_INPUTS, bitrateMbps: 0 }), /bitrateMbps/);
  assert.throws(() => planCapacity({ ...DEFAULT_INPUTS, analyticsShare: 1.5 }), /analyticsShare/);
  assert.throws(() => parsePhases('2025:11000'), /LABEL=CAMERAS/);
  assert.deepEqual(parsePhases('a=1, b=2'), [{ label: 'a', cameras: 1 }, { label: 'b', cameras: 2 }]);
});
