import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { seedFootage, T0 } from '../../src/evidence/evidence.fixtures';
import { trustFrom } from '../../src/evidence/trust';
import { verifyBundle } from '../../src/evidence/verify';
import { startTestServer, type TestServer } from '../support/server';

let srv: TestServer;
let admin: string;
let inv: string;
let tmp: string;

async function api(method: string, url: string, token: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${srv.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const isJson = res.headers.get('content-type')?.includes('json');
  return { status: res.status, headers: res.headers, json: isJson ? await res.json() : undefined, bytes: isJson ? undefined : Buffer.from(await res.arrayBuffer()) };
}

before(async () => {
  srv = await startTestServer();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'sv-evidence-api-'));
  admin = await srv.token('admin');
  assert.equal((await api('PUT', '/api/organisations/housing', admin, { name: 'Housing', kind: 'department' })).status, 200);
  for (const [id, owner] of [['cam-1', 'police'], ['cam-h', 'housing']] as const) {
    const r = await api('POST', '/api/cameras', admin, { id, name: id, owner, location: { lat: 22.3, lon: 114.2, district: 'Central' }, source: { url: `rtsp://10.0.0.2/${id}` } });
    assert.equal(r.status, 201);
  }
  await srv.createUser('inv', 'Kowloon-Tong-Pass-2026', [{ role: 'investigator', organisations: ['police'] }]);
  inv = await srv.token('inv');
  // Real, open cases naming inv (the access policy's 'exports' row checks the reference against them).
  for (const ref of ['HK-1', 'HK-2026-0099']) {
    const c = await api('POST', '/api/cases', inv, { ref, purpose: 'Assault, Queen\'s Road', authorisedUsers: [], expiresAt: Date.now() + 86_400_000 });
    assert.equal(c.status, 201, JSON.stringify(c.json));
  }
  const db = srv.running.sv.store.db;
  await seedFootage(db, path.join(srv.dataDir, 'recordings'), 'cam-1', T0, { count: 2 });
  await seedFootage(db, path.join(srv.dataDir, 'recordings'), 'cam-h', T0, { count: 1 });
});
after(async () => {
  await srv.close();
  rmSync(tmp, { recursive: true, force: true });
});

const body = { cameraIds: ['cam-1'], fromMs: T0 + 2_500, toMs: T0 + 12_000, purpose: 'Assault, Queen\'s Road' };

test('POST /api/exports without a case reference is refused with 400 and audited', async () => {
  const r = await api('POST', '/api/exports', inv, body);
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'case_required');
  assert.match(r.json.error.message, /X-Case-Ref/);
  const audit = await api('GET', '/api/audit?action=export.create', admin);
  const rec = audit.json.items.find((x: { outcome: string }) => x.outcome === 'denied');
  assert.ok(rec, 'the refusal is in the audit trail');
  assert.equal(rec.actorName, 'inv');
  assert.equal(rec.details.reason, 'case_required');
  assert.equal(rec.details.policy, 'exports');
  assert.equal(rec.purpose, body.purpose);
});

test('POST /api/exports with an invented case reference is refused with 403 and audited', async () => {
  const r = await api('POST', '/api/exports', inv, body, { 'x-case-ref': 'HK-MADE-UP-7' });
  assert.equal(r.status, 403);
  assert.equal(r.json.error.code, 'case_not_authorised');
  const audit = await api('GET', '/api/audit?action=export.create&caseRef=HK-MADE-UP-7', admin);
  const rec = audit.json.items.find((x: { outcome: string }) => x.outcome === 'denied');
  assert.ok(rec, 'the refusal is in the audit trail');
  assert.equal(rec.actorName, 'inv');
  assert.equal(rec.details.reason, 'case_not_authorised');
});

test('an out-of-scope camera answers 404 naming it; a range without footage answers 422', async () => {
  const r = await api('POST', '/api/exports', inv, { ...body, cameraIds: ['cam-1', 'cam-h'] }, { 'x-case-ref': 'HK-1' });
  assert.equal(r.status, 404);
  assert.match(r.json.error.message, /camera 'cam-h' was not found/);
  const empty = await api('POST', '/api/exports', inv, { ...body, fromMs: T0 - 60_000, toMs: T0 - 1_000 }, { 'x-case-ref': 'HK-1' });
  assert.equal(empty.status, 422);
  assert.equal(empty.json.error.code, 'no_recordings');
  assert.match(empty.json.error.message, /^No recordings of camera cam-1 between 2026-03-02T00:59:00.000Z and 2026-03-02T00:59:59.000Z$/);
  const backwards = await api('POST', '/api/exports', inv, { ...body, fromMs: body.toMs, toMs: body.fromMs, caseRef: 'HK-1' });
  assert.equal(backwards.status, 400);
});

test('export runs as a job with progress; the tar downloads (audited) and verifies against GET /api/keys', async () => {
  const started = await api('POST', '/api/exports', inv, body, { 'x-case-ref': 'HK-2026-0099' });
  assert.equal(started.status, 202, JSON.stringify(started.json));
  assert.equal(started.json.status, 'running');
  assert.ok(started.json.progress >= 0 && started.json.progress <= 1);
  let v = started.json;
  for (let i = 0; i < 100 && v.status === 'running'; i++) {
    await new Promise((r) => setTimeout(r, 100));
    v = (await api('GET', `/api/exports/${v.id}`, inv)).json;
  }
  assert.equal(v.status, 'done', v.error);
  assert.equal(v.progress, 1);
  assert.equal(v.caseRef, 'HK-2026-0099');

  const d = await api('GET', `/api/exports/${v.id}/download`, inv);
  assert.equal(d.status, 200);
  assert.equal(d.headers.get('content-type'), 'application/x-tar');
  assert.equal(d.headers.get('x-manifest-sha256'), v.manifestSha256);
  assert.equal(Number(d.headers.get('content-length')), d.bytes!.length);
  const tar = path.join(tmp, `${v.id}.tar`);
  writeFileSync(tar, d.bytes!);

  const keys = (await api('GET', '/api/keys', inv)).json.items as Array<{ keyId: string; fingerprint: string; publicKeyPem: string; current: boolean }>;
  const pem = path.join(tmp, 'site.pem');
  writeFileSync(pem, keys.find((k) => k.current)!.publicKeyPem);
  const report = await verifyBundle(tar, trustFrom({ pubkeyFiles: [pem] }));
  assert.deepEqual(report.problems, []);
  assert.equal(report.signature.fingerprint, keys.find((k) => k.current)!.fingerprint);

  const audit = await api('GET', `/api/audit?action=export.download&caseRef=HK-2026-0099`, admin);
  assert.equal(audit.json.items[0].targetId, v.id);
  const other = await api('GET', `/api/exports/${v.id}`, admin);
  assert.equal(other.status, 403, 'administrators do not hold export.create');
});
