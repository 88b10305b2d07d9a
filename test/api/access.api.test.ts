import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { storageRoots } from '../../src/playback/segment-file';
import { ENGINES } from '../support/engines';
import { makeTestClip } from '../support/media';
import { writeRecordings } from '../support/recordings';
import { startTestServer, type TestServer } from '../support/server';

/**
 * The purpose-bound access policy (src/access) through the API: live needs a purpose; playback a purpose,
 * and a case for residential-facing or third-party cameras; plate search always a case; refusals are 400
 * with what to send and audited; break-glass passes the case requirement for a while, is audited with its
 * id on everything done under it, and lands in the supervisors' review queue.
 */
const T0 = Date.UTC(2026, 10, 20, 2, 0, 0);
const DAY = 86_400_000;

for (const engine of ENGINES) {
  describe(`access policy API on ${engine}`, () => {
    let srv: TestServer;
    const tok: Record<string, string> = {};
    const req = async (method: string, p: string, who: string, o: { json?: unknown; headers?: Record<string, string> } = {}) => {
      const headers: Record<string, string> = { authorization: `Bearer ${tok[who]}`, ...o.headers };
      if (o.json !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${srv.url}${p}`, { method, headers, body: o.json === undefined ? undefined : JSON.stringify(o.json) });
      const buf = Buffer.from(await res.arrayBuffer());
      return { status: res.status, json: res.headers.get('content-type')?.includes('json') ? JSON.parse(buf.toString()) : undefined, text: buf.toString() };
    };
    type Rec = { seq: number; action: string; outcome: string; caseRef: string | null; cameraIds: string[]; details: Record<string, unknown> };
    const audit = async (action: string): Promise<Rec[]> => (await req('GET', `/api/audit?action=${action}&limit=100`, 'admin')).json.items;
    const playlist = (cam: string) => `/api/cameras/${cam}/playback.m3u8?from=${T0}&to=${T0 + 4_000}`;
    const why = { 'x-purpose': 'Robbery at the estate entrance' };

    before(async () => {
      srv = await startTestServer({ engine });
      tok.admin = await srv.token('admin');
      assert.equal((await req('PUT', '/api/organisations/mall', 'admin', { json: { name: 'Harbour Mall Ltd', kind: 'private_partner' } })).status, 200);
      const clip = makeTestClip(path.join(srv.dataDir, 'src', 'cam.mp4'), { seconds: 3, width: 320, height: 180 });
      for (const [id, owner] of [['p-cam', 'police'], ['r-cam', 'police'], ['m-cam', 'mall']] as const) {
        const r = await req('POST', '/api/cameras', 'admin', { json: { id, name: id, owner, location: { lat: 22.3, lon: 114.2, district: 'Sha Tin' }, source: { url: `file://${clip}` } } });
        assert.equal(r.status, 201, r.text);
      }
      const reg = await req('PUT', '/api/governance/register/r-cam', 'admin', { json: { purpose: 'Estate entrance safety', legalBasis: 'Police Force Ordinance (Cap. 232)', signage: true, residentialFacing: true } });
      assert.equal(reg.status, 200, reg.text);
      const root = storageRoots(srv.running.sv.config).get('local')!;
      for (const cameraId of ['p-cam', 'r-cam', 'm-cam']) await writeRecordings({ store: srv.running.sv.store, root, cameraId, runs: [{ startMs: T0, seconds: 4, pieceSeconds: 2 }] });
      for (const [u, role] of [['ivy', 'investigator'], ['otto', 'operator'], ['sam', 'supervisor']] as const) {
        await srv.createUser(u, `Harbour-Lights-Pass-${role.length}2026`, [{ role }]);
        tok[u] = await srv.token(u);
      }
      const c = await req('POST', '/api/cases', 'ivy', { json: { ref: 'HKP-2026-7', purpose: 'Robbery at the estate entrance', expiresAt: Date.now() + DAY } });
      assert.equal(c.status, 201, c.text);
    });
    after(() => srv.close());

    test('the policy table is readable and has the defaults', async () => {
      const r = await req('GET', '/api/access/policy', 'otto');
      assert.equal(r.status, 200);
      assert.deepEqual(r.json.policy.live, { purpose: true, case: 'never' });
      assert.deepEqual(r.json.policy.playback, { purpose: true, case: 'sensitive' });
      for (const k of ['plateSearch', 'personSearch', 'journeys', 'exports']) assert.equal(r.json.policy[k].case, 'always', k);
    });

    test('live view without a purpose is refused (close 4400, says what to send) and audited', async () => {
      const ws = new WebSocket(`${srv.url.replace('http', 'ws')}/api/cameras/p-cam/live/ws`, { headers: { authorization: `Bearer ${tok.otto}` } });
      const texts: Array<{ code?: string; message?: string }> = [];
      ws.on('message', (d, bin) => !bin && texts.push(JSON.parse(d.toString())));
      ws.on('error', () => undefined);
      const code = await new Promise<number>((resolve) => ws.on('close', (c) => resolve(c)));
      assert.equal(code, 4400);
      assert.equal(texts[0]?.code, 'purpose_required');
      assert.match(String(texts[0]?.message), /X-Purpose/);
      const denied = (await audit('live.view')).find((a) => a.outcome === 'denied');
      assert.deepEqual([denied?.cameraIds, denied?.details.reason], [['p-cam'], 'purpose_required']);
    });

    test('a live session ends (4401) when the time-limited grant that allowed it expires', async () => {
      await srv.running.sv.users.create({ principal: null, ip: null }, { username: 'tim', password: 'Temporary-Harbour-Pass-2026', grants: [{ role: 'viewer', organisations: null, districts: null, expiresAt: Date.now() + 2_500 }] });
      const token = await srv.token('tim');
      const ws = new WebSocket(`${srv.url.replace('http', 'ws')}/api/cameras/p-cam/live/ws?purpose=temporary%20cover`, { headers: { authorization: `Bearer ${token}` } });
      const texts: Array<{ type?: string; code?: string }> = [];
      ws.on('message', (d, bin) => !bin && texts.push(JSON.parse(d.toString())));
      ws.on('error', () => undefined);
      const t0 = Date.now();
      const code = await new Promise<number>((resolve) => ws.on('close', (c) => resolve(c)));
      assert.equal(code, 4401);
      assert.ok(texts.some((t) => t.type === 'init'), 'the session ran before the grant expired');
      assert.equal(texts.at(-1)?.code, 'grant_expired');
      assert.ok(Date.now() - t0 < 6_000);
      const r = await fetch(`${srv.url}/api/access/policy`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(r.status, 403, 'an expired grant holds no permission, not even site.read');
    });

    test('playback: a purpose always; a case for residential-facing and third-party cameras; refusals audited', async () => {
      const none = await req('GET', playlist('p-cam'), 'otto');
      assert.equal(none.status, 400);
      assert.equal(none.json.error.code, 'purpose_required');
      assert.equal((await req('GET', playlist('p-cam'), 'otto', { headers: why })).status, 200);
      const residential = await req('GET', playlist('r-cam'), 'otto', { headers: why });
      assert.equal(residential.status, 400);
      assert.equal(residential.json.error.code, 'case_required');
      assert.match(residential.json.error.message, /'r-cam' is residential-facing.*X-Case-Ref/);
      const third = await req('GET', playlist('m-cam'), 'otto', { headers: why });
      assert.equal(third.status, 400);
      assert.match(third.json.error.message, /'m-cam' is third-party/);
      const denied = (await audit('playback.view')).filter((a) => a.outcome === 'denied');
      assert.deepEqual(denied.map((a) => a.cameraIds[0]).sort(), ['m-cam', 'p-cam', 'r-cam']);
      assert.ok(denied.every((a) => a.details.policy === 'playback'));
      assert.equal((await req('GET', playlist('r-cam'), 'ivy', { headers: { ...why, 'x-case-ref': 'HKP-2026-7' } })).status, 200);
      assert.equal((await req('GET', playlist('r-cam'), 'otto', { headers: { ...why, 'x-case-ref': 'HKP-2026-7' } })).status, 403, 'a case that does not name you');
      const ok = (await audit('playback.view')).find((a) => a.outcome === 'ok' && a.cameraIds[0] === 'r-cam');
      assert.equal(ok?.caseRef, 'HKP-2026-7');
      const shot = await req('GET', `/api/cameras/r-cam/snapshot?at=${T0 + 1_000}`, 'ivy', { headers: why });
      assert.equal(shot.status, 400, 'a recorded snapshot follows the playback row');
    });

    test('plate search without a case is refused and audited', async () => {
      const r = await req('GET', '/api/plates/search?plate=AB1234', 'ivy', { headers: why });
      assert.equal(r.status, 400);
      assert.equal(r.json.error.code, 'case_required');
      assert.match(r.json.error.message, /break-glass/);
      const d = (await audit('plate.search')).find((a) => a.outcome === 'denied');
      assert.equal(d?.details.reason, 'case_required');
      assert.equal((await req('GET', '/api/plates/search?plate=AB1234', 'ivy', { headers: { ...why, 'x-case-ref': 'HKP-2026-7' } })).status, 200);
    });

    test('a hotlist entry carries the case it serves, and the alert raised on a match inherits it', async () => {
      const list = await req('POST', '/api/plates/hotlists', 'sam', { json: { name: 'Robbery vehicles', owner: 'police' } });
      assert.equal(list.status, 201, list.text);
      const entry = await req('POST', `/api/plates/hotlists/${list.json.id}/entries`, 'sam', { json: { plate: 'RB7070', reason: 'getaway car', priority: 'high', caseRef: 'HKP-2026-7' } });
      assert.equal(entry.status, 201, entry.text);
      const sv = srv.running.sv;
      for (let i = 0; i < 200 && sv.plates.hotlistCache.matcher.size !== 1; i++) await new Promise((r) => setTimeout(r, 10));
      const r = await sv.plates.sightings.record({ cameraId: 'p-cam', plate: 'RB7070', grammar: 'hk', seenAt: Date.now(), confidence: 0.95 });
      assert.equal(r.matches.length, 1);
      const ev = await sv.store.db.selectFrom('analytics_events').select('detail').where('type', '=', 'hotlist_match').executeTakeFirstOrThrow();
      assert.equal((JSON.parse(ev.detail) as { caseRef: string }).caseRef, 'HKP-2026-7');
    });

    test('break-glass lifts the case requirement for a while, is audited with its id and lands in the review queue', async () => {
      assert.equal((await req('POST', '/api/access/break-glass', 'otto', { json: { reason: 'Child missing near the estate' } })).status, 403, 'operators hold no breakglass.use');
      assert.equal((await req('POST', '/api/access/break-glass', 'ivy', { json: { reason: 'urgent' } })).status, 400, 'too short a reason');
      const bg = await req('POST', '/api/access/break-glass', 'ivy', { json: { reason: 'Child missing near the estate entrance, 5 minutes ago' } });
      assert.equal(bg.status, 201, bg.text);
      assert.equal(bg.json.reviewStatus, 'pending');
      assert.ok(bg.json.expiresAt - bg.json.startedAt === 30 * 60_000);
      assert.equal((await req('POST', '/api/access/break-glass', 'ivy', { json: { reason: 'Child missing near the estate entrance' } })).status, 409);
      assert.equal((await req('GET', '/api/access/break-glass/mine', 'ivy')).json.item.id, bg.json.id);
      assert.equal((await req('GET', playlist('r-cam'), 'ivy', { headers: why })).status, 200);
      assert.equal((await req('GET', '/api/plates/search?plate=AB1234', 'ivy', { headers: why })).status, 200);
      const used = [...(await audit('playback.view')), ...(await audit('plate.search'))].filter((a) => a.outcome === 'ok' && a.details.breakGlassId === bg.json.id);
      assert.equal(used.length, 2, 'both uses carry the break-glass id');
      assert.equal((await audit('breakglass.start'))[0]?.details.breakGlassId, bg.json.id);

      assert.equal((await req('GET', '/api/access/break-glass', 'ivy')).status, 403, 'investigators do not review');
      const queue = await req('GET', '/api/access/break-glass?status=pending', 'sam');
      assert.deepEqual(queue.json.items.map((b: { id: string; username: string }) => [b.id, b.username]), [[bg.json.id, 'ivy']]);
      const reviewed = await req('POST', `/api/access/break-glass/${bg.json.id}/review`, 'sam', { json: { decision: 'approved', note: 'Missing child report HKP-2026-8 confirms it' } });
      assert.equal(reviewed.status, 200, reviewed.text);
      assert.deepEqual([reviewed.json.reviewStatus, reviewed.json.reviewedBy], ['approved', 'sam']);
      assert.equal((await req('POST', `/api/access/break-glass/${bg.json.id}/review`, 'sam', { json: { decision: 'flagged', note: 'again' } })).status, 409);
      assert.equal((await audit('breakglass.review'))[0]?.details.decision, 'approved');

      // Expiry is enforced: once over, the case requirement is back.
      await srv.running.sv.store.db.updateTable('break_glass').set({ expires_at: Date.now() - 1 }).where('id', '=', bg.json.id).execute();
      assert.equal((await req('GET', playlist('r-cam'), 'ivy', { headers: why })).status, 400);
      assert.equal((await req('GET', '/api/access/break-glass/mine', 'ivy')).json.item, null);
    });
  });
}
