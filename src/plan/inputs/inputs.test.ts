import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UserError } from '../../core/errors';
import { assembleInstance, type PlanInputs } from './assemble';
import type { RowProblem } from './report';

const CANDIDATES = 'id,lat,lon,cost,height\nC1,22.30,114.17,2,\nC2,22.301,114.171,1,12\n';

function rejected(inp: PlanInputs): { rejected: RowProblem[]; fileErrors: string[] } {
  try {
    assembleInstance(inp);
  } catch (err) {
    assert.ok(err instanceof UserError);
    assert.equal(err.code, 'plan_input_rejected');
    assert.equal(err.status, 422);
    return err.details as { rejected: RowProblem[]; fileErrors: string[] };
  }
  assert.fail('expected the inputs to be rejected');
}

test('valid layers combine with their planner weights; polygons are sampled, weight spread over the samples', () => {
  const geo = JSON.stringify({
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', id: 'v1', properties: { weight: 4, district: 'Central' }, geometry: { type: 'Point', coordinates: [114.17, 22.3] } },
      { type: 'Feature', properties: { id: 'm1', weight: 2 }, geometry: { type: 'MultiPoint', coordinates: [[114.171, 22.3], [114.172, 22.3]] } },
      { type: 'Feature', properties: { id: 'area', weight: 10 }, geometry: { type: 'Polygon', coordinates: [[[114.17, 22.3], [114.1705, 22.3], [114.1705, 22.3005], [114.17, 22.3005], [114.17, 22.3]]] } },
    ],
  });
  const inst = assembleInstance({
    demand: [
      { name: 'crime', weight: 3, format: 'csv', text: 'id,lat,lon,weight,district\nA,22.3,114.17,2,Central\nB,22.31,114.18,1,\n' },
      { name: 'venues', weight: 0.5, format: 'geojson', text: geo },
    ],
    candidates: { format: 'csv', text: CANDIDATES },
    existing: { format: 'csv', text: 'id,lat,lon,bearing,fov,range\nE1,22.3,114.17,90,60,\nE2,22.31,114.18,,,50\n' },
    existingCameras: [{ id: 'inv-1', lat: 22.305, lon: 114.175, bearingDeg: 180, fovDeg: 90, rangeM: null }],
  });
  assert.deepEqual(inst.layers.map((l) => [l.name, l.weight]), [['crime', 3], ['venues', 0.5]]);
  assert.deepEqual(inst.demand.slice(0, 2).map((d) => [d.id, d.weight, d.district]), [['A', 6, 'Central'], ['B', 3, null]]);
  const venue = inst.demand.filter((d) => d.layer === 'venues');
  assert.deepEqual(venue.slice(0, 3).map((d) => [d.id, d.weight]), [['v1', 2], ['m1#1', 1], ['m1#2', 1]]);
  const area = venue.filter((d) => d.id.startsWith('area#'));
  assert.ok(area.length >= 2 && area.length <= 9, `~55 m square sampled every 25 m: ${area.length}`);
  assert.ok(Math.abs(area.reduce((a, d) => a + d.weight, 0) - 5) < 1e-9);
  assert.deepEqual(inst.candidates.map((c) => [c.id, c.cost, c.height]), [['C1', 2, null], ['C2', 1, 12]]);
  assert.deepEqual(inst.existing.map((e) => [e.id, e.bearingDeg, e.fovDeg, e.rangeM]), [['E1', 90, 60, null], ['E2', null, null, 50], ['inv-1', 180, 90, null]]);
});

test('every bad row is reported with its file and row number, and nothing is loaded', () => {
  const r = rejected({
    demand: [
      { name: 'crime.csv', format: 'csv', text: 'id,lat,lon,weight\nA,22.3,114.17,1\nA,22.3,114.17,1\nB,95,114.17,1\nC,22.3,200,1\nD,22.3,114.17,-2\nE,x,114.17,1\n,22.3,114.17,1\nF,22.9,114.17,1\n' },
      { name: 'empty.csv', format: 'csv', text: 'id,lat,lon,weight\n' },
      { name: 'broken.geojson', format: 'geojson', text: '{"type":"FeatureCollection","features":[' },
      { name: 'shapes.geojson', format: 'geojson', text: JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: [[114, 22], [114.1, 22.1]] } }, { type: 'Feature', properties: { weight: 'x' }, geometry: { type: 'Point', coordinates: [114.17, 22.3] } }] }) },
    ],
    candidates: { format: 'csv', text: 'id,lat,lon,cost\nC1,22.3,114.17,1\nC1,22.3,114.17,1\nC2,22.3,114.17,-1\n' },
    existing: { format: 'csv', text: 'id,lat\nE1,22.3\n', name: 'existing.csv' },
    obstacles: { text: JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { height: -3 }, geometry: { type: 'Polygon', coordinates: [[[114.17, 22.3], [114.171, 22.3], [114.17, 22.3]]] } }] }) },
    area: [114.0, 22.1, 114.5, 22.6],
  });
  const rows = r.rejected.map((x) => `${x.source}:${x.row}:${x.id}:${x.errors.join('|')}`);
  const has = (re: RegExp) => assert.ok(rows.some((x) => re.test(x)), `${re} not in\n${rows.join('\n')}`);
  has(/^crime\.csv:3:A:id: 'A' is a duplicate \(first used in row 2\)/);
  has(/^crime\.csv:4:B:lat: must be a number between -90 and 90/);
  has(/^crime\.csv:5:C:lon: must be a number between -180 and 180/);
  has(/^crime\.csv:6:D:weight: -2 is out of range/);
  has(/^crime\.csv:7:E:lat: 'x' is not a number/);
  has(/^crime\.csv:8:null:id: required/);
  has(/^crime\.csv:9:F:position 22\.9, 114\.17 is outside the planning area/);
  has(/^shapes\.geojson:1:null:geometry: type 'LineString' is not supported/);
  has(/^shapes\.geojson:2:null:weight: must be a number ≥ 0/);
  has(/^candidates:3:C1:id: 'C1' is a duplicate/);
  has(/^candidates:4:C2:cost: -1 is out of range/);
  has(/^obstacles:1:null:height: must be a number of metres ≥ 0\|geometry: each Polygon ring needs at least 4/);
  assert.ok(r.fileErrors.some((e) => /^empty\.csv: the layer is empty/.test(e)), r.fileErrors.join('\n'));
  assert.ok(r.fileErrors.some((e) => /^broken\.geojson: not valid JSON/.test(e)));
  assert.ok(r.fileErrors.some((e) => /^existing\.csv: header: missing column lon/.test(e)));
});

test('no demand layers, or no candidates, is an error that says what to load', () => {
  const r = rejected({ demand: [], candidates: { format: 'csv', text: 'id,lat,lon,cost\n' } });
  assert.ok(r.fileErrors.some((e) => /no demand layer given/.test(e)));
  assert.ok(r.fileErrors.some((e) => /no candidate sites/.test(e)));
});
