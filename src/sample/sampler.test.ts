/**
 * The live sampler against the real RTSP test server (gst-rtsp-server looping an H.264 clip of
 * 640×360, 25 fps, a keyframe every second), with credentials.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DEFAULT_TOOLS } from '../media/ffmpeg';
import { makeTestClip } from '../../test/support/media';
import { fileLogger, waitFor } from '../../test/support/recorder';
import { rtspUnavailable, startRtspServer, type RtspServer } from '../../test/support/rtsp';
import { fitWithin, keyframesSuffice, rateFilter, sampleArgs } from './args';
import { CameraSampler, type CameraSamplerOptions } from './sampler';
import type { SampledFrame } from './types';

const skip = rtspUnavailable() ?? false;
const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-sample-'));
const USER = 'analyst';
const PASSWORD = 'Sham-Shui-Po-Secret-42';
let srv: RtspServer;
const running: CameraSampler[] = [];

before(async () => {
  if (skip) return;
  const clip = makeTestClip(path.join(dir, 'clip.mp4'), { seconds: 10, width: 640, height: 360, fps: 25, gopSeconds: 1 });
  srv = await startRtspServer({ mounts: [{ path: '/cam', file: clip }], auth: { user: USER, password: PASSWORD } });
});
after(async () => {
  await Promise.all(running.map((s) => s.stop()));
  await srv?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function sampler(o: Partial<CameraSamplerOptions> & Pick<CameraSamplerOptions, 'fps' | 'onFrame' | 'log'>): CameraSampler {
  const s = new CameraSampler({
    tools: DEFAULT_TOOLS, source: 'cam-1', stream: { url: srv.url('/cam'), transport: 'tcp', username: USER, password: PASSWORD }, defaultTransport: 'tcp',
    maxSide: 416, restartInitialDelayMs: 200, restartMaxDelayMs: 1000, stallTimeoutMs: 4000, ...o,
  });
  running.push(s);
  return s;
}

const gaps = (ts: number[]) => ts.slice(1).map((t, i) => t - ts[i]!);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

test('output size: longest side within maxSide, aspect kept, even sides, never upscaled', () => {
  assert.deepEqual(fitWithin({ width: 1280, height: 720 }, 416), { width: 416, height: 234 });
  assert.deepEqual(fitWithin({ width: 1920, height: 1080 }, 320), { width: 320, height: 180 });
  assert.deepEqual(fitWithin({ width: 720, height: 1280 }, 416), { width: 234, height: 416 });
  assert.deepEqual(fitWithin({ width: 352, height: 241 }, 416), { width: 352, height: 240 });
});

test('keyframes only when every sampled frame can be a keyframe; as a decoder option before -i', () => {
  assert.equal(keyframesSuffice(0.5, 2000), true);
  assert.equal(keyframesSuffice(1, 1000), true);
  assert.equal(keyframesSuffice(2, 1000), false);
  assert.equal(keyframesSuffice(1, null), false, 'unknown GOP: full decode');
  const a = sampleArgs({ inputArgs: ['-i', 'rtsp://u:p@cam/sub'], fps: 1, keyframesOnly: true, pacing: 'no-wait', width: 416, height: 234 });
  assert.ok(a.indexOf('-skip_frame') < a.indexOf('-i'));
  assert.match(a[a.indexOf('-vf') + 1]!, /^select=.*,scale=416:234:flags=bilinear$/);
  assert.equal(a.at(-1), 'pipe:1');
  assert.equal(rateFilter(2, 'steady'), 'fps=2:eof_action=pass');
});

test('keyframe-only at or below the keyframe rate: one frame a second of the right size, credentials never logged', { skip, timeout: 40_000 }, async () => {
  const logs = fileLogger(path.join(dir, 'kf.log'));
  const frames: SampledFrame[] = [];
  const s = sampler({ fps: 1, log: logs.log, onFrame: (f) => void frames.push(f) });
  s.start();
  await waitFor('6 frames', () => frames.length >= 6, 30_000);
  await s.stop();
  assert.equal(s.stats().keyframeOnly, true);
  assert.equal(s.info().gopMs, 1000, 'the GOP was learnt by probing');
  const f = frames[0]!;
  assert.deepEqual([f.rgb.width, f.rgb.height, f.rgb.data.length], [416, 234, 416 * 234 * 3]);
  assert.deepEqual([f.sourceWidth, f.sourceHeight, f.source], [640, 360, 'cam-1']);
  assert.deepEqual(frames.map((x) => x.seq), frames.map((_, i) => i + 1));
  const g = median(gaps(frames.slice(1).map((x) => x.tMs)));
  assert.ok(g > 800 && g < 1300, `about a second apart: ${gaps(frames.map((x) => x.tMs)).join(', ')}`);
  assert.ok(Math.abs(frames.at(-1)!.tMs - Date.now()) < 5000, 'wall-clock time at arrival');
  const text = await logs.text();
  assert.match(text, /analytics sampler started/);
  for (const secret of [PASSWORD, encodeURIComponent(PASSWORD)]) assert.ok(!text.includes(secret), 'the password never reaches the log');
});

test('above the keyframe rate: a full decode at the asked rate', { skip, timeout: 40_000 }, async () => {
  const frames: number[] = [];
  const s = sampler({ fps: 5, log: fileLogger(path.join(dir, 'full.log')).log, onFrame: (f) => void frames.push(f.tMs) });
  s.start();
  await waitFor('first frame', () => frames.length >= 1, 30_000);
  const from = frames.length;
  await new Promise((r) => setTimeout(r, 4000));
  const n = frames.length - from;
  await s.stop();
  assert.equal(s.stats().keyframeOnly, false);
  assert.ok(n >= 15 && n <= 25, `5 frames a second for 4 s: ${n}`);
});

test('a busy consumer: new frames are dropped on purpose and counted, never queued', { skip, timeout: 40_000 }, async () => {
  let delivered = 0;
  const s = sampler({
    fps: 5, log: fileLogger(path.join(dir, 'busy.log')).log,
    onFrame: async () => {
      delivered++;
      await new Promise((r) => setTimeout(r, 1000));
    },
  });
  s.start();
  await waitFor('first frame', () => delivered >= 1, 30_000);
  await new Promise((r) => setTimeout(r, 4000));
  await s.stop();
  const st = s.stats();
  assert.ok(st.dropped >= 10, `dropped ${st.dropped}`);
  assert.ok(delivered >= 3 && delivered <= 7, `about one a second reached the slow consumer: ${delivered}`);
  assert.equal(st.frames, delivered + st.dropped, 'every frame is either delivered or counted as dropped');
});

test('keyframe-only that delivers far below the asked rate (the GOP is longer than known) switches to a full decode', { skip, timeout: 40_000 }, async () => {
  const frames: number[] = [];
  // Told the GOP is 0.5 s; it is 1 s: keyframes alone give 1 frame/s where 2 are asked.
  const s = sampler({ fps: 2, known: { width: 640, height: 360, gopMs: 500 }, log: fileLogger(path.join(dir, 'switch.log')).log, onFrame: (f) => void frames.push(f.tMs) });
  s.start();
  assert.equal(s.stats().keyframeOnly, true);
  await waitFor('the switch to a full decode', () => !s.stats().keyframeOnly, 30_000);
  await waitFor('frames after the switch', () => frames.length >= 12, 30_000);
  const from = frames.length;
  await new Promise((r) => setTimeout(r, 3000));
  await s.stop();
  const n = frames.length - from;
  assert.ok(n >= 4 && n <= 8, `about 2 frames a second after the switch: ${n} in 3 s`);
  assert.equal(s.info().gopMs !== null && s.info().gopMs! >= 800, true, `the GOP seen: ${s.info().gopMs}`);
});

test('the camera vanishes mid-stream: the sampler restarts with back-off and frames come again', { skip, timeout: 60_000 }, async () => {
  const frames: number[] = [];
  const s = sampler({ fps: 2, log: fileLogger(path.join(dir, 'restart.log')).log, onFrame: (f) => void frames.push(f.tMs) });
  s.start();
  await waitFor('frames before the outage', () => frames.length >= 3, 30_000);
  srv.kill();
  await new Promise((r) => setTimeout(r, 2000));
  const during = frames.length;
  await srv.restart();
  const back = Date.now();
  await waitFor('frames after the outage', () => frames.length >= during + 3 && frames.at(-1)! > back, 30_000);
  await s.stop();
  assert.ok(s.stats().restarts >= 1, `restarts: ${s.stats().restarts}`);
});
