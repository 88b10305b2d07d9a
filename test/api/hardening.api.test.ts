import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { base32Decode, totp } from '../../src/auth/totp';
import { startTestServer, type TestServer } from '../support/server';

type Res = { status: number; body: Record<string, unknown> & { error?: { code: string } }; headers: Headers; cookie?: string };

async function call(srv: TestServer, method: string, url: string, opts: { json?: unknown; cookie?: string; token?: string } = {}): Promise<Res> {
  const headers: Record<string, string> = {};
  if (opts.json !== undefined) headers['content-type'] = 'application/json';
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const res = await fetch(`${srv.url}${url}`, { method, headers, body: opts.json !== undefined ? JSON.stringify(opts.json) : undefined });
  const text = await res.text();
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('sv_session='))?.split(';')[0];
  return { status: res.status, body: text ? JSON.parse(text) : {}, headers: res.headers, cookie };
}
const login = (srv: TestServer, username: string, password: string, code?: string) => call(srv, 'POST', '/api/auth/login', { json: { username, password, ...(code ? { code } : {}) } });

describe('hardening over HTTP', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ config: { auth: { loginRateLimitPerMinute: 1000 }, security: { lockout: { maxFailures: 3 }, rateLimit: { searchPerMinute: 3 } } } });
    await srv.createUser('amy', 'Lantau-peak-2026x', [{ role: 'investigator' }]);
    await srv.createUser('ben', 'Tsing-ma-bridge-9', [{ role: 'operator' }]);
  });
  after(() => srv.close());

  test('security headers and a strict Content-Security-Policy on every answer; no HSTS over plain HTTP', async () => {
    for (const url of ['/api/auth/methods', '/api/auth/me', '/nope']) {
      const r = await call(srv, 'GET', url);
      const csp = r.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'self'/, url);
      assert.match(csp, /script-src 'self'(;|$)/, `${url}: no inline script, no eval`);
      assert.match(csp, /object-src 'none'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.doesNotMatch(csp, /unsafe-/);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(r.headers.get('x-frame-options'), 'DENY');
      assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(r.headers.get('cross-origin-opener-policy'), 'same-origin');
      assert.equal(r.headers.get('strict-transport-security'), null);
    }
    assert.deepEqual((await call(srv, 'GET', '/api/auth/methods')).body, { oidc: null, ldap: false });
  });

  test('TOTP over HTTP: enrol on the account, then sign-in asks for the code', async () => {
    const s = await login(srv, 'amy', 'Lantau-peak-2026x');
    assert.equal(s.status, 200);
    assert.deepEqual((s.body.user as { secondFactor: unknown }).secondFactor, { enrolled: false, required: false });
    const begin = await call(srv, 'POST', '/api/account/totp', { cookie: s.cookie });
    assert.equal(begin.status, 200);
    const key = base32Decode(begin.body.secret as string);
    const confirm = await call(srv, 'POST', '/api/account/totp/confirm', { cookie: s.cookie, json: { code: totp(key, Date.now()) } });
    assert.equal(confirm.status, 200, JSON.stringify(confirm.body));
    assert.equal((confirm.body.recoveryCodes as string[]).length, 10);
    assert.deepEqual((await call(srv, 'GET', '/api/account/totp', { cookie: s.cookie })).body, { enrolled: true, pending: false, recoveryCodesLeft: 10 });
    const noCode = await login(srv, 'amy', 'Lantau-peak-2026x');
    assert.equal(noCode.status, 401);
    assert.equal(noCode.body.error?.code, 'totp_required');
    assert.equal(noCode.cookie, undefined);
    assert.equal((await login(srv, 'amy', 'Lantau-peak-2026x', '123456')).body.error?.code, 'totp_invalid');
    const ok = await login(srv, 'amy', 'Lantau-peak-2026x', totp(key, Date.now() + 30_000));
    assert.equal(ok.status, 200);
    assert.equal((await call(srv, 'GET', '/api/auth/me', { cookie: ok.cookie })).status, 200);
    const recovery = await login(srv, 'amy', 'Lantau-peak-2026x', (confirm.body.recoveryCodes as string[])[3]);
    assert.equal(recovery.status, 200);
    // Turn it off again (password + recovery code) so the next tests can sign in with the password only.
    const off = await call(srv, 'POST', '/api/account/totp/disable', { cookie: ok.cookie, json: { password: 'Lantau-peak-2026x', code: (confirm.body.recoveryCodes as string[])[4] } });
    assert.equal(off.status, 204);
    assert.equal((await login(srv, 'amy', 'Lantau-peak-2026x')).status, 200);
  });

  test('lockout over HTTP, and an administrator unlocks', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await login(srv, 'ben', 'not-the-password')).body.error?.code, 'invalid_credentials');
    const locked = await login(srv, 'ben', 'Tsing-ma-bridge-9');
    assert.equal(locked.status, 401);
    assert.equal(locked.body.error?.code, 'account_locked');
    const admin = await login(srv, 'admin', srv.admin.password);
    const ben = (await srv.running.sv.users.list({ principal: null, ip: null })).find((u) => u.username === 'ben')!;
    const amy = await login(srv, 'amy', 'Lantau-peak-2026x');
    assert.equal((await call(srv, 'POST', `/api/users/${ben.id}/unlock`, { cookie: amy.cookie })).status, 403, 'investigators cannot unlock');
    assert.equal((await call(srv, 'POST', `/api/users/${ben.id}/unlock`, { cookie: admin.cookie })).status, 204);
    assert.equal((await login(srv, 'ben', 'Tsing-ma-bridge-9')).status, 200);
  });

  test('an idle session answers 401', async () => {
    const s = await login(srv, 'ben', 'Tsing-ma-bridge-9');
    assert.equal((await call(srv, 'GET', '/api/auth/me', { cookie: s.cookie })).status, 200);
    await srv.running.sv.store.db.updateTable('sessions').set({ last_seen_at: Date.now() - 31 * 60_000 }).execute();
    assert.equal((await call(srv, 'GET', '/api/auth/me', { cookie: s.cookie })).status, 401);
  });

  test('a scoped token: 403 for a permission outside its set, 400 for one its owner lacks', async () => {
    const s = await login(srv, 'ben', 'Tsing-ma-bridge-9');
    const made = await call(srv, 'POST', '/api/tokens', { cookie: s.cookie, json: { name: 'map only', permissions: ['camera.read', 'site.read'] } });
    assert.equal(made.status, 201);
    const token = made.body.token as string;
    assert.equal((await call(srv, 'GET', '/api/cameras', { token })).status, 200);
    const refused = await call(srv, 'GET', '/api/alerts', { token });
    assert.equal(refused.status, 403, 'alerts need a permission the token does not carry');
    assert.equal((await call(srv, 'GET', '/api/alerts', { cookie: s.cookie })).status, 200, 'the owner may');
    const me = await call(srv, 'GET', '/api/auth/me', { token });
    assert.deepEqual(me.body.permissions, ['camera.read', 'site.read']);
    const wider = await call(srv, 'POST', '/api/tokens', { cookie: s.cookie, json: { name: 'x', permissions: ['user.write'] } });
    assert.equal(wider.status, 400);
    const listed = await call(srv, 'GET', '/api/tokens', { cookie: s.cookie });
    assert.deepEqual((listed.body.items as Array<{ permissions: string[] }>).map((t) => t.permissions), [['camera.read', 'site.read']]);
  });

  test('no secret sits in plain text in the database: camera password, TOTP key, session and token secrets', async () => {
    const admin = await login(srv, 'admin', srv.admin.password);
    const cam = await call(srv, 'POST', '/api/cameras', { cookie: admin.cookie, json: { id: 'sec-1', name: 'Secret test', owner: 'police', location: { lat: 22.3, lon: 114.2, district: 'Sha Tin' }, source: { url: 'rtsp://viewer:Rtsp-Pa55word-x9@10.0.0.5:554/main' } } });
    assert.equal(cam.status, 201, JSON.stringify(cam.body));
    const s = await login(srv, 'ben', 'Tsing-ma-bridge-9');
    const enrol = await call(srv, 'POST', '/api/account/totp', { cookie: s.cookie });
    const tok = await call(srv, 'POST', '/api/tokens', { cookie: s.cookie, json: { name: 'dump check' } });
    const secrets = ['Rtsp-Pa55word-x9', enrol.body.secret as string, s.cookie!.split('=')[1]!, (tok.body.token as string).slice('svt_'.length + 12 + 1)]; // the token's secret part (base64url: it may hold '_')
    const db = srv.running.sv.store.db;
    const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db);
    let rows = 0;
    for (const { name } of tables.rows) {
      const all = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db);
      rows += all.rows.length;
      const text = JSON.stringify(all.rows);
      for (const secret of secrets) assert.ok(!text.includes(secret), `${name} holds a secret in plain text`);
    }
    assert.ok(rows > 20 && tables.rows.length > 10);
  });

  test('search routes are rate-limited per user', async () => {
    const s = await login(srv, 'amy', 'Lantau-peak-2026x');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(srv, 'GET', '/api/plates/search?plate=AB1234', { cookie: s.cookie })).status);
    assert.ok(statuses.slice(0, 3).every((x) => x !== 429), statuses.join(','));
    assert.equal(statuses[3], 429);
    const other = await login(srv, 'admin', srv.admin.password);
    assert.notEqual((await call(srv, 'GET', '/api/plates/search?plate=AB1234', { cookie: other.cookie })).status, 429, 'another user has their own budget');
  });
});

describe('brute-force sign-in', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ config: { auth: { loginRateLimitPerMinute: 8 }, security: { lockout: { maxFailures: 3 } } } });
    await srv.createUser('carl', 'Lion-rock-tunnel-5', [{ role: 'viewer' }]);
  });
  after(() => srv.close());

  test('is throttled: the account locks after 3 guesses and the address is cut off after 8 tries a minute', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await login(srv, 'carl', i === 5 ? 'Lion-rock-tunnel-5' : `guess-${i}`);
      codes.push(r.status === 429 ? '429' : (r.body.error?.code ?? String(r.status)));
    }
    assert.deepEqual(codes, ['invalid_credentials', 'invalid_credentials', 'invalid_credentials', 'account_locked', 'account_locked', 'account_locked', 'account_locked', 'account_locked', '429', '429']);
    const denied = await srv.running.sv.store.db.selectFrom('audit_records').select('action').where('action', '=', 'auth.lockout').execute();
    assert.equal(denied.length, 1, 'the lock is audited');
  });
});

describe('HTTPS', () => {
  let srv: TestServer;
  let dir: string;
  let cert: string;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sv-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
    cert = (await import('node:fs')).readFileSync(path.join(dir, 'cert.pem'), 'utf8');
    srv = await startTestServer({ config: { server: { tls: { certFile: path.join(dir, 'cert.pem'), keyFile: path.join(dir, 'key.pem'), hstsMaxAgeSeconds: 86_400 } } } });
  });
  after(async () => {
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('serves HTTPS with HSTS and a Secure session cookie', async () => {
    assert.match(srv.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const res = await new Promise<{ status: number; headers: Record<string, string | string[] | undefined> }>((resolve, reject) => {
      const body = JSON.stringify({ username: 'admin', password: srv.admin.password });
      const req = request(`${srv.url}/api/auth/login`, { method: 'POST', ca: cert, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (r) => {
        r.resume();
        r.on('end', () => resolve({ status: r.statusCode!, headers: r.headers }));
      });
      req.on('error', reject);
      req.end(body);
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers['strict-transport-security'], 'max-age=86400; includeSubDomains');
    const cookie = [res.headers['set-cookie']].flat().find((c) => c?.startsWith('sv_session='))!;
    assert.match(cookie, /; Secure/);
    assert.match(cookie, /; HttpOnly/);
    assert.match(cookie, /; SameSite=Strict/);
    assert.match(String(res.headers['content-security-policy']), /upgrade-insecure-requests/);
  });
});
