import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ROLES, ROLE_PERMISSIONS, type Permission } from '../../src/auth/permissions';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { startTestServer, WEB_DIR, type TestServer } from '../support/server';

/**
 * Walks every route the API registers: each must be public by declaration or name a permission;
 * without credentials it answers 401; with a role that lacks the permission, 403.
 */
let srv: TestServer;
const tokens = new Map<string, string>();

before(async () => {
  srv = await startTestServer();
  for (const role of ROLES) {
    await srv.createUser(`u-${role}`, `pw-for-${role}-123456`, [{ role }]);
    tokens.set(role, await srv.token(`u-${role}`));
  }
  // A user whose only grant has expired: authenticated, holds no permission at all.
  await srv.running.sv.users.create({ principal: null, ip: null }, { username: 'u-expired', password: 'pw-expired-123456', grants: [{ role: 'administrator', organisations: null, districts: null, expiresAt: 1 }] });
  tokens.set('expired', await srv.token('u-expired'));
});
after(() => srv.close());

const PUBLIC = new Set(['POST /api/auth/login', 'GET /api/auth/methods', 'GET /api/auth/oidc/start', 'GET /api/auth/oidc/callback', 'GET /api/openapi.json', 'GET /healthz', 'GET /',
  // node-to-node (src/storage-tiers/remote-segments.ts): no user auth, but the cluster-key HMAC is checked (401 without it)
  'GET /api/cluster/segments/:id',
  // site-to-site (src/federation/peers/signing.ts): no user auth, but a request signed by a pinned peer key (401 without it, audited)
  'GET /api/federation/peer/cameras', 'POST /api/federation/peer/plates/search', 'GET /api/federation/peer/cameras/:id/live/ws',
  'GET /api/federation/peer/cameras/:id/playback.m3u8', 'GET /api/federation/peer/cameras/:id/segments/:seg',
  'POST /api/federation/peer/tracks/search']);

function concrete(url: string): string {
  return url.replace(/:([A-Za-z]+)/g, 'x1').replace(/\*$/, 'x');
}

async function call(method: string, url: string, token?: string): Promise<number> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  const hasBody = !['GET', 'DELETE'].includes(method);
  if (hasBody) headers['content-type'] = 'application/json';
  const res = await fetch(`${srv.url}${concrete(url)}`, { method, headers, body: hasBody ? '{}' : undefined });
  await res.arrayBuffer();
  return res.status;
}

test('every route declares a permission or is on the public list', () => {
  const table = srv.running.api!.routeTable;
  assert.ok(table.length >= 15, `expected the full route table, got ${table.length}`);
  for (const r of table) {
    const key = `${r.method} ${r.url}`;
    const webFile = r.method === 'GET' && !r.url.includes(':') && !r.url.startsWith('/api/') && existsSync(path.join(WEB_DIR, r.url)) && statSync(path.join(WEB_DIR, r.url)).isFile();
    if (r.public) assert.ok(PUBLIC.has(key) || webFile, `${key} is public but neither on the reviewed public list nor a file of the built web app`);
    else assert.ok(r.permission, `${key} declares no permission`);
  }
});

test('every protected route answers 401 without credentials and with a bad token', async () => {
  for (const r of srv.running.api!.routeTable.filter((x) => !x.public)) {
    assert.equal(await call(r.method, r.url), 401, `${r.method} ${r.url} without auth`);
    assert.equal(await call(r.method, r.url, 'svt_AAAAAAAAAAAA_' + 'A'.repeat(43)), 401, `${r.method} ${r.url} with an unknown token`);
  }
});

test('every protected route answers 403 to a role that lacks its permission', async () => {
  let checked = 0;
  for (const r of srv.running.api!.routeTable.filter((x) => !x.public)) {
    const perm = r.permission as Permission;
    const lacking = ROLES.find((role) => !ROLE_PERMISSIONS[role].has(perm));
    const token = tokens.get(lacking ?? 'expired')!;
    assert.equal(await call(r.method, r.url, token), 403, `${r.method} ${r.url} (${perm}) as ${lacking ?? 'a user with an expired grant'}`);
    checked++;
  }
  assert.ok(checked >= 15);
});

test('a role that holds the permission gets past authorisation (not 401/403)', async () => {
  for (const r of srv.running.api!.routeTable.filter((x) => !x.public && !x.url.endsWith('/ws'))) {
    const holder = ROLES.find((role) => ROLE_PERMISSIONS[role].has(r.permission as Permission))!;
    const status = await call(r.method, r.url, tokens.get(holder));
    assert.ok(status !== 401 && status !== 403, `${r.method} ${r.url} as ${holder} answered ${status}`);
  }
});

test('security headers and request ids on every answer', async () => {
  const res = await fetch(`${srv.url}/api/cameras`);
  assert.equal(res.status, 401);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.ok(res.headers.get('x-request-id'));
  const body = (await res.json()) as { error: { code: string; requestId: string } };
  assert.equal(body.error.code, 'unauthenticated');
  assert.equal(body.error.requestId, res.headers.get('x-request-id'));
});

test('static file serving cannot escape its directory', async () => {
  for (const p of ['/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json', '/assets/../../package.json', '/%2e%2e%2f%2e%2e%2fetc%2fpasswd']) {
    const res = await fetch(`${srv.url}${p}`);
    const text = await res.text();
    assert.ok(!text.includes('"devDependencies"') && !text.includes('root:x:0:0'), `${p} leaked a file`);
  }
});
