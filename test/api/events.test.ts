import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from '../support/server';

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
  await srv.createUser('estate', 'Lamp-post-pass-4411', [{ role: 'viewer', organisations: ['housing'] }]);
});
after(() => srv.close());

async function login(username: string, password: string): Promise<string> {
  const res = await fetch(`${srv.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  assert.equal(res.status, 200);
  const cookie = res.headers.get('set-cookie')!;
  assert.match(cookie, /HttpOnly/i);
  assert.match(cookie, /SameSite=Strict/i);
  return cookie.split(';')[0]!;
}

function open(cookie?: string): Promise<{ ws: WebSocket; messages: Array<{ name: string; data: Record<string, unknown> }> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${srv.url.replace('http', 'ws')}/api/events/ws`, { headers: cookie ? { cookie } : {} });
    const messages: Array<{ name: string; data: Record<string, unknown> }> = [];
    ws.on('message', (d) => messages.push(JSON.parse(String(d))));
    ws.on('open', () => resolve({ ws, messages }));
    ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on('error', reject);
  });
}

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('the live channel needs a session', async () => {
  await assert.rejects(open(), /HTTP 401/);
});

test('camera events reach only viewers whose scope covers the camera', async () => {
  const adminWs = await open(await login('admin', srv.admin.password));
  const estateWs = await open(await login('estate', 'Lamp-post-pass-4411'));
  const token = await srv.token('admin');
  await fetch(`${srv.url}/api/organisations/housing`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Housing', kind: 'department' }) });
  for (const [id, owner] of [['p-1', 'police'], ['h-1', 'housing']]) {
    const r = await fetch(`${srv.url}/api/cameras`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id, name: id, owner, location: { lat: 22.3, lon: 114.2, district: 'Kwun Tong' }, source: { url: 'rtsp://10.0.0.1/s' } }),
    });
    assert.equal(r.status, 201);
  }
  await until(() => adminWs.messages.length >= 2);
  await until(() => estateWs.messages.length >= 1);
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(adminWs.messages.map((m) => [m.name, m.data.cameraId]), [['camera.created', 'p-1'], ['camera.created', 'h-1']]);
  assert.deepEqual(estateWs.messages.map((m) => [m.name, m.data.cameraId]), [['camera.created', 'h-1']]);
  adminWs.ws.close();
  estateWs.ws.close();
});

test('login is throttled per client address', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 14; i++) {
    const r = await fetch(`${srv.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: `wrong-${i}` }) });
    statuses.push(r.status);
    await r.arrayBuffer();
  }
  assert.ok(statuses.includes(401));
  assert.equal(statuses.at(-1), 429, statuses.join(','));
});
