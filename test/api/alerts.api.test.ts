import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import type { RuleHit } from '../../src/alerts/types';
import type { RgbImage } from '../../src/detect/types';
import type { Track } from '../../src/track/types';
import { ENGINES } from '../support/engines';
import { startTestServer, type TestServer } from '../support/server';

const T0 = Date.UTC(2026, 10, 20, 2, 0, 0);

function picture(width = 96, height = 64): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 251;
  return { width, height, data };
}
const track = (id: number, firstMs: number): Track => ({ id, label: 'person', state: 'confirmed', box: [1, 2, 30, 40], score: 0.9, firstMs, lastMs: firstMs, hits: 4, trail: [] });
const hit = (tMs: number, o: Partial<RuleHit> = {}): RuleHit => ({
  ruleId: 'r-gate', ruleName: 'Gate', kind: 'zone', trackId: 1, label: 'person', severity: 'critical', alert: true, tMs, detail: { kind: 'zone', event: 'enter', count: 1 }, ...o,
}) as RuleHit;

for (const engine of ENGINES) {
  describe(`events and alerts API on ${engine}`, () => {
    let srv: TestServer;
    const tok: Record<string, string> = {};
    const ids: Record<string, string> = {};

    const req = async (method: string, p: string, who: string, body?: unknown) => {
      const res = await fetch(`${srv.url}${p}`, {
        method,
        headers: { authorization: `Bearer ${tok[who]}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const buf = Buffer.from(await res.arrayBuffer());
      return { status: res.status, headers: res.headers, body: buf, json: res.headers.get('content-type')?.includes('json') ? JSON.parse(buf.toString()) : undefined };
    };
    const get = (p: string, who: string) => req('GET', p, who);

    before(async () => {
      srv = await startTestServer({ engine });
      tok.admin = await srv.token('admin');
      assert.equal((await req('PUT', '/api/organisations/housing', 'admin', { name: 'Housing', kind: 'department' })).status, 200);
      for (const [id, owner, district] of [['p-1', 'police', 'Wan Chai'], ['h-1', 'housing', 'Sha Tin']] as const) {
        const r = await req('POST', '/api/cameras', 'admin', { id, name: id, owner, location: { lat: 22.3, lon: 114.2, district }, source: { url: 'rtsp://10.0.0.1/s' } });
        assert.equal(r.status, 201);
      }
      await srv.createUser('city-op', 'Harbour-Pass-12345', [{ role: 'operator' }]);
      await srv.createUser('estate-op', 'Tsuen-Wan-Pass-1234', [{ role: 'operator', organisations: ['housing'] }]);
      await srv.createUser('watcher', 'Lantau-Pass-123456', [{ role: 'viewer' }]);
      for (const u of ['city-op', 'estate-op', 'watcher']) tok[u] = await srv.token(u);
      const sink = srv.running.sv.eventSink;
      ids.appeared = (await sink.recordTrackEvent('p-1', { type: 'appeared', track: track(5, T0) }, picture()))!;
      ids.pHit = (await sink.recordRuleHit('p-1', hit(T0 + 1000), picture()))!;
      ids.hHit = (await sink.recordRuleHit('h-1', hit(T0 + 2000, { severity: 'low', ruleName: 'Lobby' })))!;
    });
    after(() => srv.close());

    test('events: list with filters and cursor, links to the snapshot and to playback, scope', async () => {
      const all = await get(`/api/analytics/events?from=${T0}&to=${T0 + 10_000}`, 'watcher');
      assert.equal(all.status, 200);
      assert.deepEqual(all.json.items.map((e: { id: string }) => e.id), [ids.hHit, ids.pHit, ids.appeared]);
      const ev = all.json.items[2];
      assert.equal(ev.snapshotUrl, `/api/analytics/events/${ids.appeared}/snapshot`);
      assert.equal(ev.playbackUrl, `/#/playback?cams=p-1&from=${T0 - 30_000}&to=${T0 + 30_000}`);
      assert.equal(all.json.items[0].snapshotUrl, null);
      assert.deepEqual((await get(`/api/analytics/events?camera=p-1&kind=rule`, 'watcher')).json.items.map((e: { id: string }) => e.id), [ids.pHit]);
      assert.deepEqual((await get(`/api/analytics/events?type=zone_enter&ruleId=r-gate&label=person`, 'watcher')).json.items.length, 2);
      const p1 = await get(`/api/analytics/events?limit=2`, 'watcher');
      const p2 = await get(`/api/analytics/events?limit=2&cursor=${p1.json.nextCursor}`, 'watcher');
      assert.deepEqual([...p1.json.items, ...p2.json.items].map((e: { id: string }) => e.id), [ids.hHit, ids.pHit, ids.appeared]);
      assert.equal(p2.json.nextCursor, null);
      assert.deepEqual((await get('/api/analytics/events', 'estate-op')).json.items.map((e: { id: string }) => e.id), [ids.hHit]);

      const one = await get(`/api/analytics/events/${ids.pHit}`, 'watcher');
      assert.equal(one.status, 200);
      assert.equal(one.json.ruleName, 'Gate');
      assert.equal((await get(`/api/analytics/events/${ids.pHit}`, 'estate-op')).status, 404, 'out of scope looks absent');
      assert.equal((await get('/api/analytics/events/00000000-0000-0000-0000-000000000000', 'watcher')).status, 404);

      const shot = await get(`/api/analytics/events/${ids.appeared}/snapshot`, 'watcher');
      assert.equal(shot.status, 200);
      assert.equal(shot.headers.get('content-type'), 'image/jpeg');
      assert.deepEqual([shot.body[0], shot.body[1]], [0xff, 0xd8]);
      assert.equal((await get(`/api/analytics/events/${ids.appeared}/snapshot`, 'estate-op')).status, 404);
      assert.equal((await get(`/api/analytics/events/${ids.hHit}/snapshot`, 'watcher')).status, 404, 'no snapshot kept');
    });

    test('the playback timeline gets the camera\'s events in a window', async () => {
      const r = await get(`/api/cameras/p-1/analytics/events?from=${T0}&to=${T0 + 60_000}`, 'watcher');
      assert.equal(r.status, 200);
      assert.deepEqual(r.json.items.map((e: { id: string }) => e.id), [ids.pHit, ids.appeared]);
      assert.equal(r.json.truncated, false);
      assert.equal((await get(`/api/cameras/p-1/analytics/events?from=${T0}&to=${T0 + 60_000}`, 'estate-op')).status, 404);
      assert.equal((await get(`/api/cameras/p-1/analytics/events?from=${T0}&to=${T0 + 8 * 86_400_000}`, 'watcher')).status, 400);
      assert.equal((await get(`/api/cameras/p-1/analytics/events?from=${T0}`, 'watcher')).status, 400);
    });

    test('alerts: filter, acknowledge, notes, close; operator only; audited; out of scope = 404', async () => {
      const open = await get('/api/alerts?state=open&severity=high', 'watcher');
      assert.equal(open.status, 200);
      assert.equal(open.json.items.length, 1);
      const alert = open.json.items[0];
      assert.equal(alert.eventId, ids.pHit);
      assert.equal(alert.title, 'Gate: person');
      assert.deepEqual((await get('/api/alerts?state=open,acknowledged', 'estate-op')).json.items.map((a: { cameraId: string }) => a.cameraId), ['h-1']);
      assert.equal((await get(`/api/alerts/${alert.id}`, 'estate-op')).status, 404);

      assert.equal((await req('POST', `/api/alerts/${alert.id}/ack`, 'watcher', {})).status, 403);
      assert.equal((await req('POST', `/api/alerts/${alert.id}/ack`, 'estate-op', {})).status, 404);
      const acked = await req('POST', `/api/alerts/${alert.id}/ack`, 'city-op', {});
      assert.equal(acked.status, 200);
      assert.equal(acked.json.state, 'acknowledged');
      assert.equal(acked.json.acknowledgedBy, 'city-op');
      const again = await req('POST', `/api/alerts/${alert.id}/ack`, 'city-op');
      assert.equal(again.status, 409);
      assert.equal(again.json.error.code, 'alert_not_open');

      const noted = await req('POST', `/api/alerts/${alert.id}/notes`, 'city-op', { text: 'Unit 7 on the way' });
      assert.equal(noted.status, 200);
      assert.deepEqual(noted.json.notes.map((n: { author: string; text: string }) => [n.author, n.text]), [['city-op', 'Unit 7 on the way']]);
      const closed = await req('POST', `/api/alerts/${alert.id}/close`, 'city-op', {});
      assert.equal(closed.json.state, 'closed');
      assert.equal((await get(`/api/alerts/${alert.id}`, 'watcher')).json.notes.length, 1);

      const audit = await get('/api/audit?action=alert.&limit=50', 'admin');
      assert.equal(audit.status, 200);
      const mine = audit.json.items.filter((r: { targetId: string }) => r.targetId === alert.id).map((r: { action: string; actorName: string }) => `${r.action}:${r.actorName}`);
      assert.deepEqual(mine.sort(), ['alert.acknowledge:city-op', 'alert.close:city-op', 'alert.note:city-op']);
    });

    test('hostile input answers 400', async () => {
      const bad = [
        '/api/alerts?state=bogus',
        '/api/alerts?severity=extreme',
        '/api/alerts?cursor=not-a-cursor',
        `/api/alerts?cursor=${Buffer.from('[1,{"x":1}]').toString('base64url')}`,
        '/api/alerts?limit=100000',
        '/api/alerts?from=-1',
        '/api/alerts?sort=id;drop table alerts',
        '/api/alerts/..%2F..%2Fetc%2Fpasswd',
        "/api/analytics/events?camera=p-1'%20or%201=1--",
        '/api/analytics/events?from=abc',
        `/api/analytics/events?from=${T0 + 10}&to=${T0}`,
        '/api/analytics/events?kind=everything',
        `/api/analytics/events/${'a'.repeat(65)}`,
        '/api/analytics/events/x%00y/snapshot',
      ];
      for (const p of bad) assert.equal((await get(p, 'city-op')).status, 400, p);
      const id = (await get('/api/alerts', 'city-op')).json.items[0].id;
      for (const body of [{ text: '' }, { text: 'x'.repeat(4001) }, { text: 5 }, { text: 'ok', extra: 1 }, []]) {
        assert.equal((await req('POST', `/api/alerts/${id}/notes`, 'city-op', body)).status, 400, JSON.stringify(body).slice(0, 60));
      }
      assert.equal((await req('POST', `/api/alerts/${id}/ack`, 'city-op', { force: true })).status, 400);
    });

    test('a snapshot path from the database outside the snapshot directory is never served', async () => {
      const db = srv.running.sv.store.db;
      for (const rel of ['../keys/site.key', '../smartview.db', '/etc/passwd']) {
        await db.updateTable('analytics_events').set({ snapshot: rel }).where('id', '=', ids.appeared!).execute();
        const r = await get(`/api/analytics/events/${ids.appeared}/snapshot`, 'watcher');
        assert.equal(r.status, 404, rel);
        assert.ok(!r.headers.get('content-type')?.includes('image'));
      }
    });

    test('alert.raised reaches the live channel of viewers whose scope covers the camera only', async () => {
      const login = async (username: string, password: string) => {
        const res = await fetch(`${srv.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
        assert.equal(res.status, 200);
        return res.headers.get('set-cookie')!.split(';')[0]!;
      };
      const open = (cookie: string) =>
        new Promise<{ ws: WebSocket; got: Array<{ name: string; data: Record<string, unknown> }> }>((resolve, reject) => {
          const ws = new WebSocket(`${srv.url.replace('http', 'ws')}/api/events/ws`, { headers: { cookie } });
          const got: Array<{ name: string; data: Record<string, unknown> }> = [];
          ws.on('message', (d) => got.push(JSON.parse(String(d))));
          ws.on('open', () => resolve({ ws, got }));
          ws.on('error', reject);
        });
      const city = await open(await login('city-op', 'Harbour-Pass-12345'));
      const estate = await open(await login('estate-op', 'Tsuen-Wan-Pass-1234'));
      const sink = srv.running.sv.eventSink;
      const pId = await sink.recordRuleHit('p-1', hit(T0 + 5000, { ruleId: 'r-ws' }));
      const hId = await sink.recordRuleHit('h-1', hit(T0 + 6000, { ruleId: 'r-ws' }));
      const raised = (g: typeof city.got) => g.filter((m) => m.name === 'alert.raised').map((m) => m.data.eventId);
      const until = Date.now() + 5000;
      while (raised(city.got).length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(raised(city.got), [pId, hId]);
      assert.deepEqual(raised(estate.got), [hId]);
      assert.ok(estate.got.filter((m) => m.name === 'analytics.event').every((m) => m.data.owner === 'housing'));
      city.ws.close();
      estate.ws.close();
    });
  });
}
