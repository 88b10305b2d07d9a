import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { generateInstance, instanceCsv } from '../../src/plan/generate';
import { prng } from '../support/prng';
import { startTestServer, type TestServer } from '../support/server';

let srv: TestServer;
let supervisor: string;
let investigator: string;
const inst = generateInstance(prng(31), { demand: 600, candidates: 150, existing: 0, extentM: 2500 });
const csv = instanceCsv(inst);

const post = async (path: string, body: unknown, token?: string) => {
  const res = await fetch(`${srv.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', text, json: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined };
};
const base = { demand: [{ name: 'incidents', weight: 2, text: csv.demand }], candidates: csv.candidates, radiusM: 120, count: 8 };

before(async () => {
  srv = await startTestServer();
  const sys = { principal: null, ip: null };
  // An inventory camera with a bearing and field of view, on the busiest candidate's spot.
  const first = await post('/api/plan/sites', base, await srv.token('admin'));
  const top = first.json.sites[0];
  await srv.running.sv.cameras.create(sys, { id: 'inv-1', name: 'Junction', owner: 'police', location: { lat: top.lat, lon: top.lon, district: 'Central', address: '' }, source: { url: 'rtsp://10.0.0.9/a', transport: 'auto' }, bearingDeg: null, fovDeg: null, tags: [] });
  await srv.createUser('sup', 'Lantau-Peak-Pass-12', [{ role: 'supervisor' }]);
  await srv.createUser('inv', 'Lantau-Peak-Pass-12', [{ role: 'investigator' }]);
  supervisor = await srv.token('sup');
  investigator = await srv.token('inv');
});
after(async () => srv?.close());

test('POST /api/plan/sites: 401 without a token, 403 without plan.run, 400 on bad options', async () => {
  assert.equal((await post('/api/plan/sites', base)).status, 401);
  assert.equal((await post('/api/plan/sites', base, investigator)).status, 403);
  const bad = await post('/api/plan/sites', { ...base, radiusM: -5 }, supervisor);
  assert.equal(bad.status, 400);
  const both = await post('/api/plan/sites', { ...base, budget: 10 }, supervisor);
  assert.equal(both.status, 400);
  assert.match(both.json.error.message, /either count \(K sites\) or budget/);
});

test('greedy and exact plans with layer weights, the inventory as existing coverage, and the map points', async () => {
  const g = await post('/api/plan/sites', { ...base, includeMap: true }, supervisor);
  assert.equal(g.status, 200, g.text);
  assert.equal(g.json.solver, 'greedy');
  assert.equal(g.json.selected.length, 8);
  assert.equal(g.json.total_weight, 2 * inst.demand.reduce((a, d) => a + d.weight, 0));
  assert.equal(g.json.existing_weight, 0);
  assert.equal(g.json.map.demand.length, 600);
  assert.equal(g.json.map.candidates.length, 150);
  const e = await post('/api/plan/sites', { ...base, solver: 'exact', timeLimitS: 20, useInventory: true }, supervisor);
  assert.equal(e.status, 200, e.text);
  assert.equal(e.json.solver, 'exact');
  assert.equal(e.json.status, 'optimal');
  assert.ok(e.json.gap < 1e-5);
  assert.ok(e.json.existing_weight > 0, 'the inventory camera covers some demand before any new site');
  assert.ok(!e.json.selected.includes(g.json.sites[0].id), 'the spot the inventory camera covers is not proposed again');
  const forbidden = await post('/api/plan/sites', { ...base, forbidden: [g.json.selected[1]], pinned: ['C0001'] }, supervisor);
  assert.equal(forbidden.status, 200);
  assert.ok(!forbidden.json.selected.includes(g.json.selected[1]));
  assert.equal(forbidden.json.selected[0], 'C0001');
});

test('bad rows answer 422 with every rejected row; the report is printable HTML', async () => {
  const bad = await post('/api/plan/sites', { ...base, demand: [{ name: 'x', text: 'id,lat,lon,weight\nA,22.3,114.17,1\nA,22.3,114.17,1\n' }, { name: 'y', text: '{"type":"FeatureCollection"' }] }, supervisor);
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.code, 'plan_input_rejected');
  assert.deepEqual(bad.json.error.details.rejected, [{ source: 'x', row: 3, id: 'A', errors: ["id: 'A' is a duplicate (first used in row 2)"] }]);
  assert.match(bad.json.error.details.fileErrors[0], /^y: not valid JSON/);
  const tooMany = await post('/api/plan/sites', { ...base, count: 151 }, supervisor);
  assert.equal(tooMany.status, 400);
  const rep = await post('/api/plan/report', base, supervisor);
  assert.equal(rep.status, 200);
  assert.match(rep.type, /text\/html/);
  assert.match(rep.text, /<h1>Camera site plan<\/h1>/);
  assert.match(rep.text, /<h2>Layer<\/h2>.*incidents/s);
});

test('the solve runs off the event loop: other requests answer while a plan is computed', async () => {
  const big = instanceCsv(generateInstance(prng(32), { demand: 2000, candidates: 400, extentM: 4000 }));
  const order: string[] = [];
  const plan = post('/api/plan/sites', { demand: [{ name: 'big', text: big.demand }], candidates: big.candidates, radiusM: 150, count: 20, solver: 'exact', timeLimitS: 30 }, supervisor).then((r) => {
    order.push('plan');
    return r;
  });
  await new Promise((r) => setTimeout(r, 300));
  const me = await fetch(`${srv.url}/api/auth/me`, { headers: { authorization: `Bearer ${supervisor}` } });
  order.push('me');
  assert.equal(me.status, 200);
  const r = await plan;
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(order, ['me', 'plan']);
});
