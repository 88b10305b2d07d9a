import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { serve, type Running } from '../../src/app/app';
import { parseConfig } from '../../src/config/load';
import { runCli } from '../support/cli';
import { makeTestClip } from '../support/media';
import { startOnvifEmulator, type OnvifEmulator } from '../support/onvif-emulator';
import { fileLogger, TEST_RECORDING, waitFor } from '../support/recorder';
import { rtspUnavailable, startRtspServer, type RtspServer } from '../support/rtsp';

/**
 * Onboarding through the API: discover → probe → onboard an emulated ONVIF device whose streams are
 * the real RTSP test server; the new camera records; PTZ with a purpose; bad devices leave nothing behind.
 */
const skip = rtspUnavailable() ?? false;
const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-devices-'));
const USER = 'onvif-op';
const PW = 'Kai-Tak-Runway-Cam-58';
let rtsp: RtspServer;
let emu: OnvifEmulator;
let running: Running;
let admin: string;

async function api(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any; text: string }> {
  const res = await fetch(`${running.url}${url}`, { method, headers: { authorization: `Bearer ${admin}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, text, json: text ? JSON.parse(text) : undefined };
}

before(async () => {
  if (skip) return;
  const clip = makeTestClip(path.join(dir, 'clip.mp4'), { seconds: 10, width: 320, height: 180, fps: 25, gopSeconds: 1 });
  rtsp = await startRtspServer({ mounts: [{ path: '/main', file: clip }, { path: '/sub', file: clip }], auth: { user: USER, password: PW } });
  emu = await startOnvifEmulator({ username: USER, password: PW, mainUri: rtsp.url('/main'), subUri: rtsp.url('/sub'), clockOffsetMs: -12_000 });
  const logs = fileLogger(path.join(dir, 'server.log'));
  const config = parseConfig({ dataDir: path.join(dir, 'data'), server: { port: 0, host: '127.0.0.1' }, store: { engine: 'sqlite' }, roles: ['api', 'recorder'], recording: TEST_RECORDING, health: { enabled: false } });
  running = await serve(config, logs.log, { initialAdminPassword: 'Shatin-Harbour-Lights-42' });
  const ctx = { principal: null, ip: null };
  await running.sv.orgs.upsert(ctx, { id: 'airport', name: 'Airport Authority', kind: 'department', policy: { liveAllowed: true, playbackAllowed: true, retentionDaysCap: null } });
  const users = await running.sv.users.list(ctx);
  admin = (await running.sv.auth.createToken(ctx, { name: 'test', userId: users.find((u) => u.username === 'admin')!.id })).token;
});
after(async () => {
  await running?.stop();
  await emu?.stop();
  await rtsp?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const onboardBody = (id: string) => ({ xaddr: emu.xaddr, username: USER, password: PW, id, owner: 'airport', location: { lat: 22.308, lon: 113.918, district: 'Islands' }, sharing: { liveAllowed: true } });

test('discover → probe → onboard: the camera records the device stream; PTZ needs a purpose; all audited', { skip, timeout: 90_000 }, async () => {
  const disc = await api('POST', '/api/devices/discover', { timeoutMs: 300, targets: [{ host: '127.0.0.1', port: emu.discoveryPort }] });
  assert.equal(disc.status, 200, disc.text);
  assert.deepEqual(disc.json.items.map((d: any) => d.xaddrs[0]), [emu.xaddr]);

  const probe = await api('POST', '/api/devices/probe', { xaddr: emu.xaddr, username: USER, password: PW });
  assert.equal(probe.status, 200, probe.text);
  assert.equal(probe.json.info.serialNumber, 'EMU-0001');
  assert.ok(Math.abs(probe.json.clockOffsetMs + 12_000) < 1500, `offset ${probe.json.clockOffsetMs}`);
  assert.equal(probe.json.clockWarning, true);
  assert.ok(!probe.text.includes(PW), 'no password in the answer');

  const on = await api('POST', '/api/devices/onboard', onboardBody('apt-dome-1'));
  assert.equal(on.status, 201, on.text);
  const cam = on.json.cameras[0];
  assert.equal(cam.owner, 'airport');
  assert.equal(cam.source.hasCredentials, true);
  assert.ok(cam.tags.includes('onvif'));
  assert.ok(!on.text.includes(PW));
  assert.equal((await api('POST', '/api/devices/onboard', onboardBody('apt-dome-1'))).status, 422, 'the same id twice is refused');

  const rec = await waitFor('a recorder for the onboarded camera', () => running.recorders!.get('apt-dome-1'), 30_000);
  await waitFor('a recorded segment of the device stream', () => rec.status().segments >= 1, 40_000);

  const noPurpose = await api('POST', '/api/devices/cameras/apt-dome-1/ptz', { op: 'move', pan: 0.4 });
  assert.equal(noPurpose.status, 400, noPurpose.text);
  assert.match(noPurpose.json.error.message, /X-Purpose/);
  const purpose = { 'x-purpose': 'incident follow-up at gate 5' };
  assert.equal((await api('POST', '/api/devices/cameras/apt-dome-1/ptz', { op: 'move', pan: 0.4, tilt: 0.1 }, purpose)).status, 204);
  assert.equal((await api('POST', '/api/devices/cameras/apt-dome-1/ptz', { op: 'stop' }, purpose)).status, 204);
  const presets = await api('GET', '/api/devices/cameras/apt-dome-1/presets', undefined, purpose);
  assert.deepEqual(presets.json.items.map((p: any) => p.name).sort(), ['Gate', 'Road']);
  assert.equal((await api('POST', '/api/devices/cameras/apt-dome-1/ptz', { op: 'goto', preset: '1' }, purpose)).status, 204);
  assert.deepEqual(emu.ptz.map((m) => m.op), ['ContinuousMove', 'Stop', 'GotoPreset']);
  assert.equal(emu.ptz[0]!.x, 0.4);

  const audit = await api('GET', '/api/audit?action=device.&limit=50');
  const actions = audit.json.items.map((i: any) => i.action);
  for (const a of ['device.discover', 'device.probe', 'device.onboard']) assert.ok(actions.includes(a), `${a} audited: ${actions}`);
  const ptzAudit = await api('GET', '/api/audit?action=ptz.&limit=50');
  assert.ok(ptzAudit.json.items.some((i: any) => i.action === 'ptz.control' && i.outcome === 'ok'), ptzAudit.text);
  assert.ok(ptzAudit.json.items.some((i: any) => i.outcome === 'denied'), 'the refused PTZ without a purpose is audited');
});

test('faults, nonsense, silence and wrong credentials: clear errors and nothing half-onboarded', { skip, timeout: 60_000 }, async () => {
  const wrong = await api('POST', '/api/devices/onboard', { ...onboardBody('apt-bad-1'), password: 'not-it' });
  assert.equal(wrong.status, 422, wrong.text);
  assert.equal(wrong.json.error.code, 'device_auth_failed');
  for (const [mode, code] of [['fault', /device_fault|device_bad_answer/], ['nonsense', /device_bad_answer/], ['hang', /device_timeout/]] as const) {
    emu.setMode(mode);
    const r = await api('POST', '/api/devices/onboard', { ...onboardBody(`apt-bad-${mode}`), timeoutMs: 800 });
    assert.ok(r.status >= 400, r.text);
    assert.match(r.json.error.code, code, r.text);
    assert.equal((await api('GET', `/api/cameras/apt-bad-${mode}`)).status, 404, `${mode}: nothing onboarded`);
  }
  emu.setMode('ok');
  const failed = await api('GET', '/api/audit?action=device.&limit=100');
  assert.ok(failed.json.items.filter((i: any) => i.outcome === 'failed').length >= 4, failed.text);
});

test('CLI: smartview devices discover | probe | onboard', { skip, timeout: 90_000 }, async () => {
  const env = { SMARTVIEW_URL: running.url!, SMARTVIEW_TOKEN: admin, SMARTVIEW_DEVICE_PASSWORD: PW };
  const d = await runCli(['devices', 'discover', '--timeout', '1000', '--target', `127.0.0.1:${emu.discoveryPort}`], { env });
  assert.equal(d.code, 0, d.stderr);
  assert.ok(d.stdout.includes(emu.xaddr), d.stdout);
  const p = await runCli(['devices', 'probe', emu.xaddr, '--user', USER], { env });
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stdout, /Emulated PTZ Dome/);
  assert.match(p.stdout, /clock offset -1[123]\.\d s \(WARNING/);
  const o = await runCli(['devices', 'onboard', emu.xaddr, '--user', USER, '--id', 'apt-cli-1', '--owner', 'airport', '--lat', '22.31', '--lon', '113.92', '--district', 'Islands', '--no-playback'], { env });
  assert.equal(o.code, 0, o.stderr);
  assert.match(o.stdout, /onboarded apt-cli-1/);
  assert.equal((await api('GET', '/api/cameras/apt-cli-1')).json.sharing.playbackAllowed, false);
  const bad = await runCli(['devices', 'probe', emu.xaddr, '--user', USER], { env: { ...env, SMARTVIEW_DEVICE_PASSWORD: 'nope' } });
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /refused the credentials/);
});
