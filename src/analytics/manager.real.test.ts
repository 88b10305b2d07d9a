import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { serve, type Running } from '../app/app';
import { cameraInputSchema } from '../cameras/camera.model';
import { parseConfig } from '../config/load';
import { silentLogger } from '../core/logger';
import { DEFAULT_TOOLS, runFfmpeg } from '../media/ffmpeg';
import { analyticsSettingsSchema } from '../rules/model';
import { makeTestClip } from '../../test/support/media';
import { rtspUnavailable, startRtspServer, type RtspServer } from '../../test/support/rtsp';
import { SHARED_DIR } from '../../test/support/shared';

/**
 * The `analytics` role as `serve` runs it: a camera (a real RTSP stream) gets its analytics switched on
 * through the rules service; the outbox event reaches the role over the bus, which starts the camera's
 * sampler and pipeline on the shared pool; events land in the store; switching off stops it.
 * With ../shared: people footage and YOLOX-nano (a person must become a stored track); without: a test
 * pattern and the built-in detector (frames must flow).
 */
const SKIP = rtspUnavailable() ?? false;
const FOOTAGE = path.join(SHARED_DIR, 'media/intel-sample-videos/one-by-one-person-detection.mp4');
const YOLOX = path.join(SHARED_DIR, 'models/detection/yolox_nano_416.onnx');
const REAL = existsSync(FOOTAGE) && existsSync(YOLOX);
const SYSTEM = { principal: null, ip: null };
let dir: string;
let rtsp: RtspServer;
let running: Running;

async function until<T>(what: string, ms: number, fn: () => Promise<T | undefined | false> | T | undefined | false): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

before(async () => {
  if (SKIP) return;
  dir = mkdtempSync(path.join(os.tmpdir(), 'sv-analytics-role-'));
  const clip = path.join(dir, 'cam.mp4');
  if (REAL) {
    await runFfmpeg(DEFAULT_TOOLS, ['-y', '-ss', '5', '-t', '20', '-i', FOOTAGE, '-an', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '10', '-bf', '0', clip], { timeoutMs: 60_000 });
  } else {
    makeTestClip(clip, { seconds: 20, width: 640, height: 360, fps: 10 });
  }
  rtsp = await startRtspServer({ mounts: [{ path: '/cam1', file: clip }] });
  const config = parseConfig({
    dataDir: dir,
    roles: ['api', 'analytics'],
    server: { port: 0, host: '127.0.0.1' },
    log: { level: 'silent' },
    analytics: { detector: REAL ? { model: YOLOX, family: 'yolox', classes: ['person'] } : {}, pool: { workers: 1 }, sampling: { fps: 2 } },
  });
  running = await serve(config, silentLogger(), { initialAdminPassword: 'Shatin-Harbour-Lights-42' });
  await running.sv.cameras.create(SYSTEM, cameraInputSchema.parse({ id: 'cam1', name: 'Lobby', owner: 'police', location: { lat: 22.3, lon: 114.2, district: 'Central' }, source: { url: rtsp.url('/cam1') } }));
});
after(async () => {
  if (SKIP) return;
  await running?.stop();
  await rtsp?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('serve runs the analytics role: a camera is picked up when its analytics are switched on, and let go when off', { skip: SKIP }, async () => {
  const role = running.analytics;
  assert.ok(role, 'serve started the analytics role');
  await role.settled();
  assert.deepEqual(role.cameras(), [], 'no camera has analytics on yet');

  await running.sv.rules.putSettings(SYSTEM, 'cam1', analyticsSettingsSchema.parse({ enabled: true }));
  await until('the role to start cam1', 20_000, () => role.cameras().includes('cam1'));
  const stats = await until('frames from the camera', 40_000, () => {
    const s = role.stats().cameras.find((c) => c.cameraId === 'cam1');
    return s && s.pipeline.frames >= 4 ? s : undefined;
  });
  assert.ok(stats.sampler.frames >= 4);
  assert.ok(role.stats().pool, 'the one pool was started for the first camera');
  const metrics = (await running.sv.metrics.render()).body;
  assert.match(metrics, /smartview_analytics_frames\{camera="cam1"\} [1-9]/);
  assert.match(metrics, /smartview_detector_pool\{stat="workers"\} 1/);
  if (REAL) {
    const ev = await until('a stored person track', 60_000, async () =>
      (await running.sv.store.db.selectFrom('analytics_events').selectAll().where('camera_id', '=', 'cam1').where('kind', '=', 'track').execute()).find((r) => r.label === 'person'),
    );
    assert.equal(ev.job_id, null, 'a live event, not a job\'s');
  }

  await running.sv.rules.putSettings(SYSTEM, 'cam1', analyticsSettingsSchema.parse({ enabled: false }));
  await until('the role to stop cam1', 20_000, () => !role.cameras().includes('cam1'));
});
