import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/server';

const T0 = Date.UTC(2026, 10, 20, 2, 0, 0);
const DAY = 86_400_000;

// The route's own store use is the case check and the audit record, which run on both engines in
// their own suites; the prediction is in memory. SQLite only.
describe('predict API', () => {
  let srv: TestServer;
  const tok: Record<string, string> = {};
  const req = async (p: string, who: string, json: unknown, caseRef?: string) => {
    const res = await fetch(`${srv.url}${p}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tok[who]}`, 'content-type': 'application/json', ...(caseRef ? { 'x-case-ref': caseRef } : {}) },
      body: JSON.stringify(json),
    });
    return { status: res.status, json: await res.json() };
  };

  before(async () => {
    srv = await startTestServer({ engine: 'sqlite' });
    tok.admin = await srv.token('admin');
    const adminPost = async (p: string, body: unknown, method = 'POST') => {
      const r = await fetch(`${srv.url}${p}`, { method, headers: { authorization: `Bearer ${tok.admin}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      assert.ok(r.status < 300, `${p}: ${r.status} ${await r.text()}`);
    };
    await adminPost('/api/organisations/housing', { name: 'Housing', kind: 'department' }, 'PUT');
    for (const [id, owner, district, lat, lon] of [['pa', 'police', 'Wan Chai', 22.28, 114.17], ['pb', 'police', 'Wan Chai', 22.28, 114.173], ['pc', 'police', 'Wan Chai', 22.28, 114.176], ['ha', 'housing', 'Sha Tin', 22.38, 114.2]] as const) {
      await adminPost('/api/cameras', { id, name: id, owner, location: { lat, lon, district }, source: { url: 'rtsp://10.0.0.1/s' } });
    }
    await srv.createUser('inv', 'Harbour-Pass-12345', [{ role: 'investigator' }]);
    await srv.createUser('estate-inv', 'Tsuen-Wan-Pass-1234', [{ role: 'investigator', organisations: ['housing'] }]);
    await srv.createUser('op', 'Lantau-Pass-123456', [{ role: 'operator' }]);
    for (const u of ['inv', 'estate-inv', 'op']) tok[u] = await srv.token(u);
    for (const [u, ref] of [['inv', 'HKP-2026-801'], ['estate-inv', 'HKP-2026-802']] as const) {
      const r = await fetch(`${srv.url}/api/cases`, { method: 'POST', headers: { authorization: `Bearer ${tok[u]}`, 'content-type': 'application/json' }, body: JSON.stringify({ ref, purpose: 'Stolen car', authorisedUsers: [], expiresAt: Date.now() + 30 * DAY }) });
      assert.equal(r.status, 201);
    }
    // Six vehicles drive pa → pb → pc, a minute a hop; live reads go through plate.sighted to the model.
    const s = srv.running.sv.plates.sightings;
    for (let v = 0; v < 6; v++) {
      for (const [i, cam] of ['pa', 'pb', 'pc'].entries()) await s.record({ cameraId: cam, plate: `KX${100 + v}`, grammar: 'hk', seenAt: T0 + v * 3_600_000 + i * 60_000, confidence: 0.95 });
    }
    const live = srv.running.sv.predict.live;
    for (let i = 0; i < 500 && live.model.sightings < 18; i++) {
      srv.running.sv.relay.kick();
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(live.model.sightings, 18);
  });
  after(() => srv.close());

  test('next cameras with arrival windows and places a unit reaches first; case required; audited', async () => {
    const t = T0 + 10 * DAY;
    const body = { history: [{ cameraId: 'pa', at: t }, { cameraId: 'pb', at: t + 60_000 }], plate: 'NEW999', unit: { lat: 22.28, lon: 114.1762, speedMps: 15 }, nowMs: t + 60_000 };
    const refused = await req('/api/predict/next', 'inv', body);
    assert.equal(refused.status, 400);
    assert.equal(refused.json.error.code, 'case_required');
    assert.equal((await req('/api/predict/next', 'op', body, 'HKP-2026-801')).status, 403);

    const r = await req('/api/predict/next', 'inv', body, 'HKP-2026-801');
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.cameraId, 'pb');
    assert.equal(r.json.next[0].cameraId, 'pc');
    assert.ok(r.json.next[0].p > 0.5);
    assert.ok(Math.abs(r.json.next[0].atMs - (t + 120_000)) < 5000, `${r.json.next[0].atMs - t}`);
    assert.ok(r.json.next[0].fromMs <= r.json.next[0].atMs && r.json.next[0].atMs <= r.json.next[0].toMs);
    assert.ok(r.json.warnings.some((w: string) => /NEW999 has no earlier sightings/.test(w)));
    // The unit waits next to pc: it is there long before the target.
    assert.equal(r.json.reachable[0].cameraId, 'pc');
    assert.ok(r.json.reachable[0].marginS > 0);
    // Housing cameras are never shown to the police-scoped investigator and vice versa.
    const estate = await req('/api/predict/next', 'estate-inv', body, 'HKP-2026-802');
    assert.equal(estate.status, 400);
    assert.match(estate.json.error.message, /No camera of "history" is known/);

    const current = await req('/api/predict/next', 'inv', { plate: 'KX105', top: 3 }, 'HKP-2026-801');
    assert.equal(current.status, 200, JSON.stringify(current.json));
    assert.equal(current.json.cameraId, 'pc');
    assert.ok(current.json.next.every((c: { cameraId: string }) => c.cameraId !== 'ha'));
    assert.equal((await req('/api/predict/next', 'inv', { plate: 'ZZ1' }, 'HKP-2026-801')).status, 404);
    assert.equal((await req('/api/predict/next', 'inv', { top: 3 }, 'HKP-2026-801')).status, 400);
    assert.equal((await req('/api/predict/next', 'inv', { plate: 'KX105', top: 0 }, 'HKP-2026-801')).status, 400);

    const audit = await fetch(`${srv.url}/api/audit?action=predict.next&limit=20`, { headers: { authorization: `Bearer ${tok.admin}` } });
    const items = ((await audit.json()) as { items: Array<{ outcome: string; caseRef: string | null }> }).items;
    assert.ok(items.some((a) => a.outcome === 'denied'));
    assert.ok(items.some((a) => a.caseRef === 'HKP-2026-801' && a.outcome !== 'denied'));
  });
});
