import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ENGINES } from '../support/engines';
import { startTestServer, type TestServer } from '../support/server';

for (const engine of ENGINES) {
  describe(`camera API on ${engine}`, () => {
    let srv: TestServer;
    let admin: string;
    let housing: string;
    let district: string;

    const api = async (method: string, path: string, token: string, body?: unknown, contentType = 'application/json') => {
      const res = await fetch(`${srv.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': contentType } : {}) },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, text, json: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined };
    };

    before(async () => {
      srv = await startTestServer({ engine });
      admin = await srv.token('admin');
      await api('PUT', '/api/organisations/housing', admin, { name: 'Housing Department', kind: 'department', policy: { liveAllowed: true, playbackAllowed: false, retentionDaysCap: 31 } });
      await srv.createUser('estate-op', 'Kowloon-Bay-Pass-91', [{ role: 'operator', organisations: ['housing'] }]);
      await srv.createUser('district-op', 'Wanchai-Pass-7788', [{ role: 'operator', districts: ['Wan Chai'] }]);
      housing = await srv.token('estate-op');
      district = await srv.token('district-op');
    });
    after(() => srv.close());

    test('create keeps credentials out of every answer and the stored URL', async () => {
      const r = await api('POST', '/api/cameras', admin, {
        id: 'cam-1', name: 'Queensway', owner: 'police',
        location: { lat: 22.2783, lon: 114.1747, district: 'Central', address: 'Queensway' },
        source: { url: 'rtsp://viewer:S3cret!pw@10.0.0.5:554/stream1' },
      });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.json.source.url, 'rtsp://10.0.0.5:554/stream1');
      assert.equal(r.json.source.hasCredentials, true);
      assert.ok(!r.text.includes('S3cret'));
      const list = await api('GET', '/api/cameras', admin);
      assert.ok(!list.text.includes('S3cret'));
      const exp = await api('GET', '/api/cameras/export?format=csv', admin);
      assert.equal(exp.status, 200);
      assert.ok(exp.text.includes('cam-1') && !exp.text.includes('S3cret') && !exp.text.includes('viewer'));
      const audit = await api('GET', '/api/audit?action=camera.create', admin);
      assert.ok(!audit.text.includes('S3cret'));
    });

    test('import is all or nothing, with a per-row report', async () => {
      const bad = 'id,name,lat,lon,district,owner,rtsp_url\nh-1,Block A,22.28,114.18,Wan Chai,housing,rtsp://10.1.0.1/a\nh-2,Block B,95,114.18,Wan Chai,housing,rtsp://10.1.0.2/a\nh-3,Block C,22.28,114.18,Wan Chai,nobody,notaurl\n';
      const r = await api('POST', '/api/cameras/import?format=csv', admin, bad, 'text/csv');
      assert.equal(r.status, 422, r.text);
      assert.equal(r.json.error.code, 'import_rejected');
      const rows = r.json.error.details.rejected as Array<{ row: number; id: string; errors: string[] }>;
      assert.deepEqual(rows.map((x) => x.row), [3, 4]);
      assert.match(rows[0]!.errors.join(), /lat/);
      assert.match(rows[1]!.errors.join(), /rtsp_url|owner/);
      assert.equal((await api('GET', '/api/cameras/h-1', admin)).status, 404, 'nothing half-imported');
      const good = 'id,name,lat,lon,district,owner,rtsp_url\nh-1,Block A,22.28,114.18,Wan Chai,housing,rtsp://10.1.0.1/a\nh-2,Block B,22.29,114.19,Sha Tin,housing,rtsp://10.1.0.2/a\np-1,Harbour,22.29,114.17,Wan Chai,police,rtsp://10.2.0.1/a\n';
      const ok = await api('POST', '/api/cameras/import?format=csv', admin, good, 'text/csv');
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.json.imported, 3);
      const again = await api('POST', '/api/cameras/import?format=csv', admin, good, 'text/csv');
      assert.equal(again.status, 422);
      assert.match(again.text, /already exists/);
    });

    test('scope filters lists, reads and writes', async () => {
      const h = await api('GET', '/api/cameras', housing);
      assert.deepEqual(h.json.items.map((c: { id: string }) => c.id).sort(), ['h-1', 'h-2']);
      assert.equal((await api('GET', '/api/cameras/cam-1', housing)).status, 404, 'out of scope looks absent');
      const d = await api('GET', '/api/cameras', district);
      assert.deepEqual(d.json.items.map((c: { id: string }) => c.id).sort(), ['h-1', 'p-1']);
      assert.equal((await api('DELETE', '/api/cameras/h-1', housing)).status, 403, 'operators cannot write');
    });

    test('filters: bbox, owner, text, pagination', async () => {
      const bbox = await api('GET', '/api/cameras?bbox=114.17,22.27,114.18,22.285', admin);
      assert.deepEqual(bbox.json.items.map((c: { id: string }) => c.id).sort(), ['cam-1', 'h-1']);
      const owner = await api('GET', '/api/cameras?owner=police', admin);
      assert.deepEqual(owner.json.items.map((c: { id: string }) => c.id).sort(), ['cam-1', 'p-1']);
      const q = await api('GET', '/api/cameras?q=QUEENS', admin);
      assert.deepEqual(q.json.items.map((c: { id: string }) => c.id), ['cam-1']);
      const p1 = await api('GET', '/api/cameras?limit=2', admin);
      assert.equal(p1.json.items.length, 2);
      const p2 = await api('GET', `/api/cameras?limit=2&cursor=${p1.json.nextCursor}`, admin);
      assert.equal(p2.json.items.length, 2);
      assert.ok(p2.json.items[0].id > p1.json.items[1].id);
      assert.equal((await api('GET', '/api/cameras?bbox=1,2,3', admin)).status, 400);
    });

    test('hostile input: wrong types, unknown keys, traversal ids, oversized bodies', async () => {
      const wrong = await api('POST', '/api/cameras', admin, { id: 'x', name: 5 });
      assert.equal(wrong.status, 400);
      assert.equal(wrong.json.error.code, 'validation_failed');
      const traversal = await api('POST', '/api/cameras', admin, { id: '../../etc/passwd', name: 'x', owner: 'police', location: { lat: 1, lon: 1, district: 'd' }, source: { url: 'rtsp://h/p' } });
      assert.equal(traversal.status, 400);
      const extra = await api('POST', '/api/cameras', admin, { id: 'ok-2', name: 'x', owner: 'police', location: { lat: 1, lon: 1, district: 'd' }, source: { url: 'rtsp://h/p' }, isAdmin: true });
      assert.equal(extra.status, 400);
      const huge = await api('POST', '/api/cameras', admin, JSON.stringify({ id: 'big', name: 'x'.repeat(2_000_000) }));
      assert.equal(huge.status, 413);
      assert.equal(huge.json.error.code, 'body_too_large');
      const badUrl = await api('POST', '/api/cameras', admin, { id: 'u-1', name: 'x', owner: 'police', location: { lat: 1, lon: 1, district: 'd' }, source: { url: 'javascript:alert(1)' } });
      assert.equal(badUrl.status, 400);
    });

    test('update and delete: credentials replaced but never shown, owner cap enforced', async () => {
      const up = await api('PATCH', '/api/cameras/cam-1', admin, { name: 'Queensway East', source: { password: 'N3w-Secret-pw' } });
      assert.equal(up.status, 200, up.text);
      assert.equal(up.json.name, 'Queensway East');
      assert.equal(up.json.source.hasCredentials, true);
      assert.ok(!up.text.includes('N3w-Secret-pw'));
      const capped = await api('PATCH', '/api/cameras/h-2', admin, { sharing: { retentionDays: 90 } });
      assert.equal(capped.status, 400);
      assert.match(capped.json.error.message, /exceeds the owner's cap of 31 days/);
      const del = await api('DELETE', '/api/cameras/p-1', admin);
      assert.equal(del.status, 204);
      assert.equal((await api('GET', '/api/cameras/p-1', admin)).status, 404);
      const audit = await api('GET', '/api/audit?action=camera.update', admin);
      assert.ok(audit.json.items.some((i: { details: { fields: string[] } }) => i.details.fields.includes('credentials')));
      assert.ok(!audit.text.includes('N3w-Secret-pw'));
    });

    test('every change is audited with the actor', async () => {
      const r = await api('GET', '/api/audit?action=camera.', admin);
      const actions = r.json.items.map((i: { action: string }) => i.action);
      assert.ok(['camera.create', 'camera.import', 'camera.export', 'camera.update', 'camera.delete'].every((a) => actions.includes(a)), actions.join());
      assert.ok(r.json.items.every((i: { actorName: string }) => i.actorName === 'admin'));
      const v = await api('GET', '/api/audit/verify', admin);
      assert.equal(v.json.ok, true, v.text);
    });
  });
}
