import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SYSTEM } from '../../src/core/context';
import { ENGINES } from '../support/engines';
import { startTestServer, type TestServer } from '../support/server';

const T0 = Date.UTC(2026, 10, 20, 2, 0, 0);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);

for (const engine of ENGINES) {
  describe(`plates API on ${engine}`, () => {
    let srv: TestServer;
    const tok: Record<string, string> = {};
    const ids: Record<string, string> = {};

    const req = async (method: string, p: string, who: string, o: { json?: unknown; csv?: string; headers?: Record<string, string> } = {}) => {
      const headers: Record<string, string> = { authorization: `Bearer ${tok[who]}`, ...o.headers };
      let body: string | undefined;
      if (o.json !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(o.json);
      } else if (o.csv !== undefined) {
        headers['content-type'] = 'text/csv';
        body = o.csv;
      }
      const res = await fetch(`${srv.url}${p}`, { method, headers, body });
      const buf = Buffer.from(await res.arrayBuffer());
      return { status: res.status, headers: res.headers, body: buf, json: res.headers.get('content-type')?.includes('json') ? JSON.parse(buf.toString()) : undefined };
    };
    const why = { 'x-purpose': 'Hit and run', 'x-case-ref': 'HK-2026-1234' };

    before(async () => {
      srv = await startTestServer({ engine });
      tok.admin = await srv.token('admin');
      assert.equal((await req('PUT', '/api/organisations/housing', 'admin', { json: { name: 'Housing', kind: 'department' } })).status, 200);
      for (const [id, owner, district, lat] of [['p-1', 'police', 'Wan Chai', 22.28], ['h-1', 'housing', 'Sha Tin', 22.38]] as const) {
        const r = await req('POST', '/api/cameras', 'admin', { json: { id, name: id, owner, location: { lat, lon: 114.2, district }, source: { url: 'rtsp://10.0.0.1/s' } } });
        assert.equal(r.status, 201);
      }
      await srv.createUser('inv', 'Harbour-Pass-12345', [{ role: 'investigator' }]);
      await srv.createUser('estate-inv', 'Tsuen-Wan-Pass-1234', [{ role: 'investigator', organisations: ['housing'] }]);
      await srv.createUser('op', 'Lantau-Pass-123456', [{ role: 'operator' }]);
      await srv.createUser('sup', 'Peak-Tram-Pass-12345', [{ role: 'supervisor' }]);
      for (const u of ['inv', 'estate-inv', 'op', 'sup']) tok[u] = await srv.token(u);
      // Plate search runs in an open case the investigators are authorised for (the access policy, src/access).
      await srv.running.sv.forensic.cases.create(SYSTEM, { ref: why['x-case-ref'], purpose: 'Hit and run on Lockhart Road', authorisedUsers: ['inv', 'estate-inv', 'op'], expiresAt: Date.now() + 86_400_000 });
      const s = srv.running.sv.plates.sightings;
      ids.p1 = (await s.record({ cameraId: 'p-1', plate: 'AB1234', grammar: 'hk', seenAt: T0, confidence: 0.97, vehicleClass: 'car', plateCropJpeg: JPEG })).sighting.id;
      ids.h1 = (await s.record({ cameraId: 'h-1', plate: 'AB1234', grammar: 'hk', seenAt: T0 + 60_000, confidence: 0.91, vehicleClass: 'car' })).sighting.id;
      ids.other = (await s.record({ cameraId: 'h-1', plate: 'AB1299', grammar: 'hk', seenAt: T0 + 90_000, confidence: 0.88 })).sighting.id;
    });
    after(() => srv.close());

    test('search needs purpose and case (400 that says so), then answers the path in time order; audited', async () => {
      const refused = await req('GET', '/api/plates/search?plate=AB1234', 'inv');
      assert.equal(refused.status, 400);
      assert.match(refused.json.error.message, /needs a purpose and a case reference \(missing: purpose, case reference\): send the X-Purpose and X-Case-Ref headers/);
      const r = await req('GET', '/api/plates/search?plate=ab%201234', 'inv', { headers: why });
      assert.equal(r.status, 200);
      assert.equal(r.json.mode, 'exact');
      assert.deepEqual(r.json.items.map((s: { id: string }) => s.id), [ids.p1, ids.h1]);
      assert.deepEqual(r.json.items.map((s: { lat: number }) => s.lat), [22.28, 22.38]);
      const viaQuery = await req('GET', `/api/plates/search?plate=AB12*&purpose=${encodeURIComponent('Hit and run')}&caseRef=HK-2026-1234`, 'inv');
      assert.deepEqual(viaQuery.json.items.map((s: { id: string }) => s.id), [ids.p1, ids.h1, ids.other]);
      assert.equal((await req('GET', '/api/plates/search?plate=AB12*&caseRef=OTHER', 'inv', { headers: why })).status, 400, 'header and query differ');
      const fuzzy = await req('GET', '/api/plates/search?plate=A81Z34&mode=fuzzy', 'inv', { headers: why });
      assert.deepEqual(fuzzy.json.items.map((s: { id: string }) => s.id), [ids.p1, ids.h1]);
      const estate = await req('GET', '/api/plates/search?plate=AB1234', 'estate-inv', { headers: why });
      assert.deepEqual(estate.json.items.map((s: { id: string }) => s.id), [ids.h1], 'scope: housing cameras only');
      assert.equal((await req('GET', '/api/plates/search?plate=AB1234', 'op', { headers: why })).status, 403);
      assert.equal((await req('GET', '/api/plates/search?plate=AB&bbox=1,2,3', 'inv', { headers: why })).status, 400);
      const audit = await req('GET', '/api/audit?action=plate.search&limit=50', 'admin');
      assert.equal(audit.status, 200, JSON.stringify(audit.json));
      const items = audit.json.items as Array<{ outcome: string; caseRef: string | null; details: { plate: string; results?: number } }>;
      assert.ok(items.some((a) => a.outcome === 'denied'));
      const fz = items.find((a) => a.details.plate === 'A81Z34');
      assert.equal(fz?.details.results, 2);
      assert.equal(fz?.caseRef, 'HK-2026-1234');
    });

    test('sightings feed and crops (path containment)', async () => {
      const feed = await req('GET', '/api/plates/sightings?limit=2', 'op');
      assert.deepEqual(feed.json.items.map((s: { id: string }) => s.id), [ids.other, ids.h1]);
      const next = await req('GET', `/api/plates/sightings?limit=2&cursor=${feed.json.nextCursor}`, 'op');
      assert.deepEqual(next.json.items.map((s: { id: string }) => s.id), [ids.p1]);
      assert.equal((await req('GET', '/api/plates/sightings?camera=p-1&plate=ab1234', 'op')).json.items.length, 1);
      const crop = await req('GET', `/api/plates/sightings/${ids.p1}/crop?kind=plate`, 'op');
      assert.equal(crop.status, 200);
      assert.equal(crop.headers.get('content-type'), 'image/jpeg');
      assert.deepEqual(crop.body, JPEG);
      assert.equal((await req('GET', `/api/plates/sightings/${ids.p1}/crop?kind=vehicle`, 'op')).status, 404);
      await srv.running.sv.store.db.updateTable('plate_sightings').set({ vehicle_crop: '../../../../etc/passwd' }).where('id', '=', ids.p1!).execute();
      assert.equal((await req('GET', `/api/plates/sightings/${ids.p1}/crop?kind=vehicle`, 'op')).status, 404, 'a path outside the crop directory is refused');
      assert.equal((await req('GET', `/api/plates/sightings/${ids.p1}`, 'op')).json.plate, 'AB1234');
    });

    test('hotlists: CRUD, CSV import/export, and a read on the list raises an alert on the bus within a second', async () => {
      const created = await req('POST', '/api/plates/hotlists', 'sup', { json: { name: 'Wanted', owner: 'police' }, headers: { 'x-case-ref': 'HK-2026-9' } });
      assert.equal(created.status, 201);
      const id = created.json.id as string;
      const bad = await req('POST', `/api/plates/hotlists/${id}/import`, 'sup', { csv: 'plate,reason\nKT1,x\n,nothing\n' });
      assert.equal(bad.status, 422);
      assert.deepEqual(bad.json.error.details.rejected.map((r: { row: number }) => r.row), [3]);
      const ok = await req('POST', `/api/plates/hotlists/${id}/import`, 'sup', { csv: 'plate,reason,priority,fuzzy\nKT1,x,critical,true\nZZ9,y,low,false\n' });
      assert.deepEqual(ok.json, { imported: 2, replaced: 0 });
      const entry = await req('POST', `/api/plates/hotlists/${id}/entries`, 'sup', { json: { plate: 'QQ8', reason: 'z' } });
      assert.equal(entry.status, 201);
      assert.equal((await req('POST', `/api/plates/hotlists/${id}/entries`, 'sup', { json: { plate: 'QQ8', reason: 'z' } })).status, 409);
      assert.equal((await req('PATCH', `/api/plates/hotlists/${id}/entries/${entry.json.id}`, 'sup', { json: { priority: 'medium' } })).json.priority, 'medium');
      assert.equal((await req('DELETE', `/api/plates/hotlists/${id}/entries/${entry.json.id}`, 'sup')).status, 204);
      const exp = await req('GET', `/api/plates/hotlists/${id}/export`, 'sup');
      assert.equal(exp.status, 200);
      assert.match(exp.headers.get('content-type') ?? '', /text\/csv/);
      assert.equal(exp.body.toString(), 'plate,reason,priority,fuzzy,valid_from,valid_to,case_ref\nKT1,x,critical,true,,,\nZZ9,y,low,false,,,\n');
      assert.equal((await req('GET', '/api/plates/hotlists', 'sup')).json.items[0].entries, 2);
      assert.equal((await req('GET', '/api/plates/hotlists', 'op')).status, 403);

      const sv = srv.running.sv;
      // The import's 'hotlist.changed' reaches every node's matcher through the outbox and the bus.
      for (let i = 0; i < 200 && sv.plates.hotlistCache.matcher.size !== 2; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(sv.plates.hotlistCache.matcher.size, 2, 'matcher reloaded on hotlist.changed');
      const seen: number[] = [];
      const sub = await sv.bus.subscribe<{ title: string }>('alert.raised', (m) => {
        if (m.data.title.includes('KT1')) seen.push(performance.now());
      });
      const t0 = performance.now();
      await sv.plates.sightings.record({ cameraId: 'p-1', plate: 'KT11', grammar: 'hk', seenAt: Date.now(), confidence: 0.9 });
      for (let i = 0; i < 100 && !seen.length; i++) await new Promise((r) => setTimeout(r, 10));
      await sub.unsubscribe();
      assert.equal(seen.length, 1, 'alert.raised on the bus');
      assert.ok(seen[0]! - t0 < 1000, `read → alert on the bus in ${Math.round(seen[0]! - t0)} ms`);
      const alerts = await req('GET', '/api/alerts', 'op');
      assert.match(alerts.json.items[0].title, /Wanted: KT11 \(close to KT1\)/);

      assert.equal((await req('PATCH', `/api/plates/hotlists/${id}`, 'sup', { json: { description: 'd' } })).json.description, 'd');
      assert.equal((await req('DELETE', `/api/plates/hotlists/${id}`, 'sup')).status, 204);
      assert.equal((await req('GET', `/api/plates/hotlists/${id}`, 'sup')).status, 404);
    });
  });
}
