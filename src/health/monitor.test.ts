/**
 * The health monitor end to end on a real server's store and bus with real ffmpeg samplers:
 * file sources stand in for cameras (a test pattern, and a grey picture = a covered lens).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { keysDir } from '../app/app';
import { silentLogger } from '../core/logger';
import { SecretBox } from '../keys/secret-box';
import { CameraSources } from '../live/camera-source';
import { DEFAULT_TOOLS } from '../media/ffmpeg';
import { parseConfig } from '../config/load';
import { makeTestClip } from '../../test/support/media';
import { startTestServer, type TestServer } from '../../test/support/server';
import { HealthMonitor } from './monitor';

const SYS = { principal: null, ip: null };
let srv: TestServer;
let dir: string;
let monitor: HealthMonitor;
let clip: string;
let grey: string;
const events: Array<{ raised: string[]; cleared: string[]; reason: string }> = [];

async function until<T>(what: string, fn: () => Promise<T>, ms = 15_000): Promise<NonNullable<T>> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sv-monitor-'));
  clip = makeTestClip(path.join(dir, 'clip.mp4'), { seconds: 3, width: 320, height: 180, fps: 10, gopSeconds: 1 });
  grey = path.join(dir, 'grey.mp4');
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=gray:s=320x180:r=10:d=3', '-c:v', 'libx264', '-g', '10', '-pix_fmt', 'yuv420p', grey], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  srv = await startTestServer();
  const sv = srv.running.sv;
  await sv.cameras.create(SYS, { id: 'cam-s', name: 'Sampled', owner: 'police', location: { lat: 22.3, lon: 114.17, district: 'Central', address: '' }, source: { url: `file://${clip}`, transport: 'auto' }, tags: [] });
  await sv.store.db.insertInto('camera_health').values({ camera_id: 'cam-s', state: 'online', fps: null, bitrate_bps: null, reconnects: 0, last_segment_at: null, storage_bytes: 0, tamper: '{}', probe: null, last_error: null, updated_at: Date.now() }).execute();
  await sv.bus.subscribe<{ raised: string[]; cleared: string[]; reason: string }>('camera.tamper_changed', (m) => void events.push(m.data));
  const config = parseConfig({ health: { sampleIntervalMs: 1000, raiseAfter: 2, clearAfter: 2, persistIntervalMs: 1000 } }).health;
  const sources = new CameraSources(sv.store, SecretBox.fromKeyFile(keysDir(sv.config)), { defaultTransport: 'tcp' });
  monitor = new HealthMonitor({ store: sv.store, health: sv.health, sources, bus: sv.bus, tools: DEFAULT_TOOLS, config, log: silentLogger(), metrics: sv.metrics });
  await monitor.start();
});

after(async () => {
  await monitor?.stop();
  await srv?.close();
  rmSync(dir, { recursive: true, force: true });
});

const stored = () => srv.running.sv.health.storedTamper('cam-s');
const setSource = async (file: string) => {
  await srv.running.sv.cameras.update(SYS, 'cam-s', { source: { url: `file://${file}` } });
  await monitor.refresh();
};

test('an online camera is sampled and its first clean frame becomes the reference', async () => {
  assert.deepEqual(monitor.snapshot().map((s) => s.cameraId), ['cam-s']);
  const t = await until('a stored reference', async () => (await stored())?.reference);
  assert.equal(t.width, 64);
  assert.equal(t.height, 36);
  assert.deepEqual((await stored())!.flags, []);
});

test('a covered lens raises covered (stored, with its event) and clears when the view returns', async () => {
  await setSource(grey);
  await until('covered raised', async () => (await stored())!.flags.includes('covered'));
  await until('its event', async () => events.some((e) => e.reason === 'sample' && e.raised.includes('covered')));
  await setSource(clip);
  await until('covered cleared', async () => (await stored())!.flags.length === 0);
  await until('its event', async () => events.some((e) => e.cleared.includes('covered')));
  const metrics = await srv.running.sv.metrics.render();
  assert.match(metrics.body, /smartview_health_frames_total\{result="analysed"\} [1-9]/);
  assert.match(metrics.body, /smartview_tamper_flag_changes_total\{flag="covered",change="raised"\} 1/);
});

test('an operator reset makes the sampler take a new reference', async () => {
  const before = (await stored())!.reference!.capturedAt;
  await srv.running.sv.health.resetReference(SYS, 'cam-s');
  const resetAt = (await stored())!.referenceResetAt!;
  assert.ok(resetAt >= before);
  const t = await until('a new reference', async () => (await stored())?.reference);
  assert.ok(t.capturedAt >= resetAt, 'captured after the reset');
});

test('a camera the recorder no longer has online is not sampled', async () => {
  await srv.running.sv.store.db.updateTable('camera_health').set({ state: 'offline' }).where('camera_id', '=', 'cam-s').execute();
  await monitor.refresh();
  assert.deepEqual(monitor.snapshot(), []);
});
