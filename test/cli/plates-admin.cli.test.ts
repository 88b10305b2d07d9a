import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/server';
import { runCli } from '../support/cli';


const run = (args: string[], env: Record<string, string> = {}) => runCli(args, { env });

let srv: TestServer;
let sup: Record<string, string>;
let inv: Record<string, string>;
let dir: string;
// Within the sightings' retention (30 days by default): older rows are dropped by the scheduler.
const SEEN_1 = Math.floor((Date.now() - 3 * 86_400_000) / 86_400_000) * 86_400_000;
before(async () => {
  srv = await startTestServer();
  const admin = await srv.token('admin');
  await fetch(`${srv.url}/api/cameras`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'cam-1', name: 'Gate', owner: 'police', location: { lat: 22.3, lon: 114.2, district: 'Central', address: '' }, source: { url: 'rtsp://10.0.0.9/main' } }),
  });
  await srv.createUser('sup', 'Lantau-Peak-Pass-12', [{ role: 'supervisor' }]);
  await srv.createUser('inv', 'Lamma-Beach-Pass-12', [{ role: 'investigator' }]);
  sup = { SMARTVIEW_URL: srv.url, SMARTVIEW_TOKEN: await srv.token('sup') };
  inv = { SMARTVIEW_URL: srv.url, SMARTVIEW_TOKEN: await srv.token('inv') };
  // Plate search needs a real, open case the investigator is authorised on (access policy).
  const c = await fetch(`${srv.url}/api/cases`, {
    method: 'POST',
    headers: { authorization: `Bearer ${inv.SMARTVIEW_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ref: 'HK-9', purpose: 'Theft enquiry, Central', authorisedUsers: [], expiresAt: Date.now() + 86_400_000 }),
  });
  if (c.status !== 201) throw new Error(`case not created: ${c.status} ${await c.text()}`);
  dir = mkdtempSync(path.join(os.tmpdir(), 'sv-plates-cli-'));
  const s = srv.running.sv.plates.sightings;
  await s.record({ cameraId: 'cam-1', plate: 'AB1234', grammar: 'hk', seenAt: SEEN_1, confidence: 0.9 });
  await s.record({ cameraId: 'cam-1', plate: 'AB1299', grammar: 'hk', seenAt: SEEN_1 + 86_400_000, confidence: 0.8 });
});
after(async () => {
  await srv.close();
  rmSync(dir, { recursive: true, force: true });
});

test('plates hotlist create, import (all or nothing), add, list, remove, export', async () => {
  const created = await run(['plates', 'hotlist', 'create', 'Stolen', '--owner', 'police', '--case', 'HK-1'], sup);
  assert.equal(created.code, 0, created.stderr);
  const bad = path.join(dir, 'bad.csv');
  writeFileSync(bad, 'plate,reason,priority\nKT1,stolen,high\nXX2,,high\nYY3,x,urgent\n');
  const refused = await run(['plates', 'hotlist', 'import', 'Stolen', bad], sup);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /nothing was imported/);
  assert.match(refused.stderr, /row 3 \(XX2\): reason: empty/);
  assert.match(refused.stderr, /row 4 \(YY3\): priority/);
  const good = path.join(dir, 'good.csv');
  writeFileSync(good, 'plate,reason,priority,fuzzy\nKT1,stolen,high,true\nYY3,x,low,false\n');
  const imported = await run(['plates', 'hotlist', 'import', 'Stolen', good, '--case', 'HK-1'], sup);
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stderr, /2 entries imported/);
  assert.equal((await run(['plates', 'hotlist', 'add', 'police/Stolen', 'zz 9', '--reason', 'robbery', '--priority', 'critical', '--case', 'HK-2'], sup)).code, 0);
  const list = await run(['plates', 'hotlist', 'list', 'Stolen', '--json'], sup);
  assert.deepEqual(list.stdout.trim().split('\n').map((l) => JSON.parse(l).plate), ['KT1', 'YY3', 'ZZ9']);
  const removed = await run(['plates', 'hotlist', 'remove', 'Stolen', 'yy3', '--case', 'HK-3'], sup);
  assert.equal(removed.code, 0, removed.stderr);
  const out = path.join(dir, 'out.csv');
  assert.equal((await run(['plates', 'hotlist', 'export', 'Stolen', '--out', out], sup)).code, 0);
  assert.equal(readFileSync(out, 'utf8'), 'plate,reason,priority,fuzzy,valid_from,valid_to,case_ref\nKT1,stolen,high,true,,,HK-1\nZZ9,robbery,critical,false,,,HK-2\n');
  const lists = await run(['plates', 'hotlist', 'list'], sup);
  assert.match(lists.stdout, /police\/Stolen\t2 entries/);
});

test('plates search needs --purpose and --case and prints the path in time order; sightings feed', async () => {
  const missing = await run(['plates', 'search', 'AB1234'], inv);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /--purpose/);
  const r = await run(['plates', 'search', 'AB12*', '--purpose', 'theft enquiry', '--case', 'HK-9', '--json'], inv);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n').map((l) => JSON.parse(l).plate), ['AB1234', 'AB1299']);
  const fuzzy = await run(['plates', 'search', 'A81Z34', '--mode', 'fuzzy', '--purpose', 'theft enquiry', '--case', 'HK-9'], inv);
  assert.ok(fuzzy.stdout.startsWith(`${new Date(SEEN_1).toISOString()}\tAB1234\tcam-1\t22.30000,114.20000\t0.90\t-\t`), fuzzy.stdout);
  assert.match(fuzzy.stderr, /1 sighting/);
  const feed = await run(['plates', 'sightings', '--limit', '1', '--json'], inv);
  assert.equal(JSON.parse(feed.stdout).plate, 'AB1299');
});
