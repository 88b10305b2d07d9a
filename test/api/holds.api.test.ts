import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/server';

describe('legal hold and retention API', () => {
  let srv: TestServer;
  let admin: string;
  let inv: string;
  let viewer: string;
  let auditor: string;

  const api = async (method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${srv.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, text, json: text ? JSON.parse(text) : undefined };
  };
  const camera = (id: string, owner: string) => ({ id, name: id, owner, location: { lat: 22.28, lon: 114.17, district: 'Central', address: '' }, source: { url: 'rtsp://10.0.0.5/main' } });

  before(async () => {
    srv = await startTestServer();
    admin = await srv.token('admin');
    for (const org of ['city', 'shop']) await api('PUT', `/api/organisations/${org}`, admin, { name: org, kind: 'department' });
    assert.equal((await api('POST', '/api/cameras', admin, camera('cam-city', 'city'))).status, 201);
    assert.equal((await api('POST', '/api/cameras', admin, camera('cam-shop', 'shop'))).status, 201);
    await srv.createUser('inv-city', 'Tsim-Sha-Tsui-Pass-4', [{ role: 'investigator', organisations: ['city'] }]);
    await srv.createUser('viewer', 'Mong-Kok-Pass-55', [{ role: 'viewer' }]);
    await srv.createUser('auditor', 'Sai-Kung-Pass-77', [{ role: 'auditor' }]);
    [inv, viewer, auditor] = [await srv.token('inv-city'), await srv.token('viewer'), await srv.token('auditor')];
  });
  after(() => srv.close());

  const body = { cameraId: 'cam-city', startMs: Date.parse('2026-03-01T00:00:00Z'), endMs: Date.parse('2026-03-02T00:00:00Z'), reason: 'robbery, platform 2' };

  test('place needs a case (X-Case-Ref or caseRef), hold.manage, and a camera in scope', async () => {
    const noCase = await api('POST', '/api/holds', inv, body);
    assert.equal(noCase.status, 400);
    assert.match(noCase.json.error.message, /X-Case-Ref/);
    const ok = await api('POST', '/api/holds', inv, body, { 'x-case-ref': 'HK-2026-0042' });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.json.caseRef, 'HK-2026-0042');
    assert.deepEqual(ok.json.coverage, { segments: 0, bytes: 0 });
    assert.equal((await api('POST', '/api/holds', inv, { ...body, cameraId: 'cam-shop', caseRef: 'HK-1' })).status, 404, 'out of scope looks absent');
    assert.equal((await api('POST', '/api/holds', viewer, { ...body, caseRef: 'HK-1' })).status, 403);
    assert.equal((await api('POST', '/api/holds', inv, { ...body, endMs: body.startMs, caseRef: 'HK-1' })).status, 400);
    const audit = await api('GET', '/api/audit?action=hold.place', admin);
    assert.ok(audit.json.items.some((r: { caseRef: string }) => r.caseRef === 'HK-2026-0042'));
  });

  test('list and read within scope; release once (409 the second time)', async () => {
    const shop = await api('POST', '/api/holds', admin, { ...body, cameraId: 'cam-shop', caseRef: 'HK-S' });
    assert.equal(shop.status, 201);
    const mine = await api('GET', '/api/holds?active=true', inv);
    assert.equal(mine.status, 200);
    assert.ok(mine.json.items.length >= 1 && mine.json.items.every((h: { cameraId: string }) => h.cameraId === 'cam-city'));
    assert.equal((await api('GET', `/api/holds/${shop.json.id}`, inv)).status, 404);
    assert.equal((await api('POST', `/api/holds/${shop.json.id}/release`, inv, { reason: 'not mine' })).status, 404);
    assert.ok((await api('GET', '/api/holds?cameraId=cam-shop', auditor)).json.items.length === 1, 'auditors read every hold');
    const id = mine.json.items[0].id as number;
    const rel = await api('POST', `/api/holds/${id}/release`, inv, { reason: 'footage exported, case closed' });
    assert.equal(rel.status, 200, rel.text);
    assert.equal(rel.json.active, false);
    assert.equal((await api('POST', `/api/holds/${id}/release`, inv, { reason: 'again' })).status, 409);
    assert.ok((await api('GET', '/api/holds?active=false&cameraId=cam-city', inv)).json.items.some((h: { id: number }) => h.id === id));
  });

  test('deletion certificate (audit.read) and storage state (site.read)', async () => {
    const cert = await api('GET', `/api/retention/certificate?from=${Date.now() - 30 * 86_400_000}&to=${Date.now() + 1}`, auditor);
    assert.equal(cert.status, 200, cert.text);
    assert.equal(cert.json.count, 0);
    assert.match(cert.json.listSha256, /^[0-9a-f]{64}$/);
    assert.equal((await api('GET', '/api/retention/certificate?from=0&to=1', inv)).status, 403);
    const st = await api('GET', '/api/retention/storages', viewer);
    assert.equal(st.status, 200);
    assert.ok(Array.isArray(st.json.items));
  });
});
