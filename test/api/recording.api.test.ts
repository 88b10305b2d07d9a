import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { serve, type Running } from '../../src/app/app';
import type { BusMessage } from '../../src/bus/bus';
import { parseConfig } from '../../src/config/load';
import { makeTestClip } from '../support/media';
import { fileLogger, TEST_RECORDING, waitFor } from '../support/recorder';
import { rtspUnavailable, startRtspServer, type RtspServer } from '../support/rtsp';

/**
 * The recorder role in a real server (roles api + recorder): it follows the inventory through the
 * API, records, reports coverage and status, and never shows camera credentials.
 */
const skip = rtspUnavailable() ?? false;
const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-recapi-'));
const PASSWORD = 'Lantau-Peak-Cam-Pw-31';
const ADMIN_PW = 'Shatin-Harbour-Lights-42';
let srv: RtspServer;
let running: Running;
let logs: ReturnType<typeof fileLogger>;
let admin: string;
let outsider: string;
const bodies: string[] = [];
const events: BusMessage[] = [];

async function api(method: string, url: string, token: string, body?: unknown): Promise<{ status: number; json: any; text: string }> {
  const res = await fetch(`${running.url}${url}`, { method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  bodies.push(text);
  return { status: res.status, text, json: text ? JSON.parse(text) : undefined };
}

before(async () => {
  if (skip) return;
  const clip = makeTestClip(path.join(dir, 'clip.mp4'), { seconds: 10, width: 320, height: 180, fps: 25, gopSeconds: 1 });
  srv = await startRtspServer({ mounts: [{ path: '/cam', file: clip }], auth: { user: 'rec', password: PASSWORD } });
  logs = fileLogger(path.join(dir, 'server.log'));
  const config = parseConfig({
    dataDir: path.join(dir, 'data'), server: { port: 0, host: '127.0.0.1' }, store: { engine: 'sqlite' }, roles: ['api', 'recorder'],
    recording: TEST_RECORDING, health: { enabled: false },
  });
  running = await serve(config, logs.log, { initialAdminPassword: ADMIN_PW });
  const sv = running.sv;
  await sv.bus.subscribe('camera.status_changed', (m) => void events.push(m));
  const ctx = { principal: null, ip: null };
  await sv.orgs.upsert(ctx, { id: 'housing', name: 'Housing', kind: 'department', policy: { liveAllowed: true, playbackAllowed: true, retentionDaysCap: null } });
  await sv.users.create(ctx, { username: 'estate-op', password: 'Kowloon-Bay-Pass-91', grants: [{ role: 'operator', organisations: ['housing'], districts: null }] });
  const users = await sv.users.list(ctx);
  const token = async (name: string) => (await sv.auth.createToken(ctx, { name: 'test', userId: users.find((u) => u.username === name)!.id })).token;
  admin = await token('admin');
  outsider = await token('estate-op');
});
after(async () => {
  await running?.stop();
  await srv?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('the recorder follows the inventory; probe, coverage and status work through the API; credentials never show', { skip, timeout: 60_000 }, async () => {
  const t0 = Date.now();
  const created = await api('POST', '/api/cameras', admin, {
    id: 'cam-r1', name: 'Lantau', owner: 'police', location: { lat: 22.25, lon: 113.9, district: 'Islands' },
    source: { url: srv.url('/cam'), transport: 'tcp', username: 'rec', password: PASSWORD },
  });
  assert.equal(created.status, 201, created.text);
  const rec = await waitFor('a recorder for the new camera', () => running.recorders!.get('cam-r1'));
  await waitFor('recording', () => rec.status().segments >= 1);
  await waitFor('status online', async () => (await api('GET', '/api/cameras/cam-r1', admin)).json.status === 'online');
  await waitFor('the status event', () => events.some((e) => (e.data as { cameraId: string; status: string }).status === 'online'));

  const probe = await api('POST', '/api/cameras/cam-r1/probe', admin);
  assert.equal(probe.status, 200, probe.text);
  assert.deepEqual([probe.json.codec, probe.json.width, probe.json.height, probe.json.audio], ['h264', 320, 180, false]);

  // Retention's storage gate pauses recording on a full storage (a gap with its reason) and resumes it.
  const gate = running.sv.retention.gate;
  const full = { storage: 'local', paused: true, reason: 'storage_full_held' as const, since: Date.now(), freeBytes: 0, usedBytes: 0, heldBytes: 0, quotaBytes: null, minFreeBytes: 0, checkedAt: Date.now() };
  gate.update(full);
  await waitFor('paused', () => rec.status().state === 'paused');
  gate.update({ ...full, paused: false, reason: null, since: null });
  const before = rec.status().segments;
  await waitFor('recording again', () => rec.status().segments > before);

  const cov = await api('GET', `/api/cameras/cam-r1/recording/coverage?from=${t0}&to=${Date.now()}`, admin);
  assert.equal(cov.status, 200, cov.text);
  assert.ok(cov.json.recordedMs >= 3000 && cov.json.coveragePct > 20 && cov.json.coveragePct <= 100, cov.text);
  const reasons = cov.json.gaps.map((g: { reason: string }) => g.reason);
  assert.ok(reasons.includes('storage_full_held'), cov.text);
  assert.ok(reasons.every((r: string) => ['stopped', 'unrecorded', 'storage_full_held'].includes(r)), cov.text);
  assert.equal((await api('GET', `/api/cameras/cam-r1/recording/coverage?from=${Date.now()}&to=${t0}`, admin)).status, 400);
  assert.equal((await api('GET', `/api/cameras/cam-r1/recording/coverage?from=${t0}&to=${Date.now()}`, outsider)).status, 404, 'out of scope looks absent');
  assert.equal((await api('POST', '/api/cameras/cam-r1/probe', outsider)).status, 403);
  const audited = await running.sv.store.db.selectFrom('audit_records').select(['action', 'actor_name']).where('action', 'in', ['recording.coverage', 'camera.probe']).execute();
  // The admin's probe and coverage, plus the automatic probe when the camera was added.
  assert.deepEqual(audited.map((a) => `${a.actor_name}:${a.action}`).sort(), ['admin:camera.probe', 'admin:recording.coverage', 'system:probe:camera.probe']);

  // Wrong password: the recorder restarts with it and reports auth_failed; the probe says what to do.
  assert.equal((await api('PATCH', '/api/cameras/cam-r1', admin, { source: { password: 'bad-' + PASSWORD } })).status, 200);
  await waitFor('auth_failed', () => rec.status().reason === 'auth_failed');
  const bad = await api('POST', '/api/cameras/cam-r1/probe', admin);
  assert.equal(bad.status, 422, bad.text);
  assert.equal(bad.json.error.code, 'source_auth_failed');
  await waitFor('status offline', async () => (await api('GET', '/api/cameras/cam-r1', admin)).json.status === 'offline');
  const health = await api('GET', '/api/cameras/cam-r1/health', admin);
  assert.equal(health.status, 200, health.text);
  assert.match(JSON.stringify(health.json), /auth_failed: .*username and password/, 'health says what to do');

  assert.equal((await api('DELETE', '/api/cameras/cam-r1', admin)).status, 204);
  await waitFor('the recorder stopped', () => running.recorders!.ids().length === 0);

  const text = await logs.text();
  for (const secret of [PASSWORD, encodeURIComponent(PASSWORD), 'bad-' + PASSWORD]) {
    assert.ok(!text.includes(secret), `logs never hold ${secret}`);
    assert.ok(!bodies.some((b) => b.includes(secret)), `API answers never hold ${secret}`);
  }
  assert.ok(text.includes('"cameraId":"cam-r1"'), 'recorder logs carry the camera id as a field');
});
