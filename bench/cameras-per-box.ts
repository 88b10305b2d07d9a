/**
 * How many cameras one box serves with live analytics at 2 fps with motion gating.
 *
 *   npx tsx bench/cameras-per-box.ts [--fps 2] [--seconds 30] [--max 32] [--drop 0.05] [--smoke]
 *
 * Cameras: the shared people footage (../shared/media/intel-sample-videos/one-by-one-person-detection.mp4,
 * 768×432, 10 fps, re-encoded with a 1 s GOP) looped by the real RTSP test server (test/support/rtsp-server.py),
 * one mount per camera; without ../shared, an ffmpeg test pattern. Every camera runs the live path of the
 * `analytics` role: CameraSampler (ffmpeg over RTSP) → motion gate → the ONE detector pool (worker per core;
 * YOLOX-nano from ../shared when present, else the built-in detector) → ByteTrack → a counting sink.
 * N grows (1, 2, 4, 6, 8, 12, 16, …) until the frames the analytics could not take (sampler drops while the
 * pipeline was busy + pool drops, over the frames decoded) exceed --drop, or the mean frame time exceeds the
 * frame interval (latency explodes). deliveredRatio (decoded / N × fps × seconds) shows whether decoding
 * itself keeps up; compare it with the decode-only baseline.
 * Baseline in the same run: the same N samplers without analytics (decode only), and N = 1.
 * The RTSP server runs on the same box (its CPU is counted against it: cameras are remote in reality).
 * Last stdout line: JSON.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CameraPipeline } from '../src/analytics/pipeline';
import { newGate, newTracker } from '../src/analytics/wiring';
import { parseConfig } from '../src/config/load';
import { silentLogger } from '../src/core/logger';
import { createDetectorPool } from '../src/detect/pool';
import { DEFAULT_TOOLS, runFfmpeg } from '../src/media/ffmpeg';
import { CameraSampler } from '../src/sample/sampler';
import { makeTestClip } from '../test/support/media';
import { rtspUnavailable } from '../test/support/rtsp';
import { SHARED_DIR } from '../test/support/shared';
import { args, finish, intArg, log, machine } from './lib/common';
import { cpuSeconds, loadAverage, rtspFarm, selfCpuSeconds } from './lib/recorder';

const a = args({ fps: 'string', seconds: 'string', max: 'string', drop: 'string', smoke: 'boolean' });
const FPS = a.fps ? Number(a.fps) : 2;
const SECONDS = a.smoke ? 5 : intArg(a.seconds, 30);
const MAX = a.smoke ? 2 : intArg(a.max, 32);
const DROP = a.drop ? Number(a.drop) : 0.05;
const WARM_MS = a.smoke ? 4000 : 8000;
const LADDER = [1, 2, 4, 6, 8, 12, 16, 20, 24, 32, 48, 64].filter((n) => n <= MAX);
const FOOTAGE = path.join(SHARED_DIR, 'media/intel-sample-videos/one-by-one-person-detection.mp4');
const YOLOX = path.join(SHARED_DIR, 'models/detection/yolox_nano_416.onnx');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const why = rtspUnavailable();
if (why) throw new Error(`the RTSP test server cannot run: ${why}`);

const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-bench-cams-'));
const clip = path.join(dir, 'cam.mp4');
if (existsSync(FOOTAGE)) {
  await runFfmpeg(DEFAULT_TOOLS, ['-y', '-i', FOOTAGE, '-an', '-c:v', 'libx264', '-preset', 'veryfast', '-g', '10', '-keyint_min', '10', '-sc_threshold', '0', '-bf', '0', clip], { timeoutMs: 300_000 });
} else {
  makeTestClip(clip, { seconds: 60, width: 768, height: 432, fps: 10 });
}
const detector = existsSync(YOLOX) ? { model: YOLOX, family: 'yolox' as const } : {};
const config = parseConfig({ dataDir: dir, log: { level: 'silent' }, analytics: { detector } });
const pool = await createDetectorPool({ analytics: config.analytics, log: silentLogger() });
const maxSide = Math.max(pool.inputSize.width, pool.inputSize.height);
const farm = await rtspFarm(clip, MAX, Math.ceil(MAX / 8));

interface Step {
  cameras: number;
  expected: number;
  frames: number;
  samplerDropped: number;
  poolDropped: number;
  /** Frames the analytics could not take (sampler busy drops + pool drops) over the frames the samplers decoded. */
  lostRatio: number;
  /** Frames the samplers decoded over N × fps × seconds (compare with the decode-only baseline). */
  deliveredRatio: number;
  detectorCalls: number;
  gatedOut: number;
  meanFrameMs: number;
  meanInferMs: number;
  /** CPU of this process (pipelines, pool worker threads) and of the samplers' ffmpegs, % of one core. */
  nodeCpuPct: number;
  ffmpegCpuPct: number;
  /** (node + ffmpeg) CPU as a share of the whole box (all cores): other load on the machine does not count. */
  boxPct: number;
  /** Cameras the box would serve at 100 % CPU, extrapolated from boxPct. */
  extrapolatedCameras: number;
  load1: number;
}

async function step(n: number, analytics: boolean): Promise<Step> {
  const pipelines: CameraPipeline[] = [];
  const samplers: CameraSampler[] = [];
  for (let i = 0; i < n; i++) {
    const p = new CameraPipeline({
      source: `cam${i}`,
      stages: { pool, gate: newGate(), tracker: newTracker(), rules: null, sink: { trackEvent: async () => undefined, ruleHit: async () => undefined } },
      detect: { classes: config.analytics.detector.classes },
      log: silentLogger(),
    });
    pipelines.push(p);
    const s = new CameraSampler({
      tools: DEFAULT_TOOLS, source: `cam${i}`, stream: { url: farm.url(i), transport: 'tcp' }, defaultTransport: 'tcp', fps: FPS, maxSide, log: silentLogger(),
      onFrame: analytics ? (f) => p.process(f) : () => undefined,
    });
    samplers.push(s);
    s.start();
  }
  await sleep(WARM_MS);
  const pids = () => samplers.map((x) => x.info().pid).filter((p): p is number => p !== undefined);
  const p0 = new Map(pids().map((p) => [p, cpuSeconds(p) ?? 0]));
  const before = { frames: samplers.map((s) => s.stats().frames), dropped: samplers.map((s) => s.stats().dropped), p: pipelines.map((p) => p.stats()), pool: pool.stats(), cpu: selfCpuSeconds(), t: performance.now() };
  await sleep(SECONDS * 1000);
  const wall = (performance.now() - before.t) / 1000;
  const cpu = selfCpuSeconds() - before.cpu;
  const ffmpegCpu = pids().reduce((t, p) => t + Math.max(0, (cpuSeconds(p) ?? 0) - (p0.get(p) ?? 0)), 0);
  const boxPct = (100 * (cpu + ffmpegCpu)) / wall / os.availableParallelism();
  const sum = (f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i)).reduce((x, y) => x + y, 0);
  const frames = sum((i) => samplers[i]!.stats().frames - before.frames[i]!);
  const samplerDropped = sum((i) => samplers[i]!.stats().dropped - before.dropped[i]!);
  const after = pipelines.map((p) => p.stats());
  const poolDropped = sum((i) => after[i]!.poolDropped - before.p[i]!.poolDropped);
  const expected = Math.round(n * FPS * wall);
  const r: Step = {
    cameras: n, expected, frames, samplerDropped, poolDropped,
    lostRatio: frames ? Math.round(((samplerDropped + poolDropped) / frames) * 1000) / 1000 : 1,
    deliveredRatio: Math.round((frames / expected) * 1000) / 1000,
    detectorCalls: sum((i) => after[i]!.detectorCalls - before.p[i]!.detectorCalls),
    gatedOut: sum((i) => after[i]!.gatedOut - before.p[i]!.gatedOut),
    meanFrameMs: Math.round(after.reduce((s, x) => s + x.meanFrameMs, 0) / n),
    meanInferMs: Math.round(pool.stats().meanInferMs),
    nodeCpuPct: Math.round((100 * cpu) / wall),
    ffmpegCpuPct: Math.round((100 * ffmpegCpu) / wall),
    boxPct: Math.round(boxPct * 10) / 10,
    extrapolatedCameras: boxPct > 0 ? Math.floor((n * 100) / boxPct) : 0,
    load1: loadAverage()[0]!,
  };
  await Promise.all(samplers.map((s) => s.stop()));
  return r;
}

const steps: Step[] = [];
const decodeOnly: Step[] = [];
let served = 0;
try {
  for (const n of LADDER) {
    log(`${n} camera(s), ${SECONDS} s at ${FPS} fps`);
    const r = await step(n, true);
    log(JSON.stringify(r));
    steps.push(r);
    const ok = r.lostRatio <= DROP && r.meanFrameMs <= 1000 / FPS;
    if (!ok) break;
    served = n;
  }
  // Baseline: decoding alone for the largest N tried (what the samplers cost without any analytics).
  const top = steps.at(-1)!.cameras;
  log(`baseline: ${top} sampler(s) without analytics`);
  decodeOnly.push(await step(top, false));
  log(JSON.stringify(decodeOnly[0]));
} finally {
  await farm.stop();
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
}

finish({
  bench: 'cameras-per-box', machine: machine(), fps: FPS, seconds: SECONDS, dropThreshold: DROP, detector: existsSync(YOLOX) ? 'yolox_nano_416' : 'built-in',
  footage: existsSync(FOOTAGE) ? 'shared people footage, looped over RTSP' : 'lavfi testsrc2 over RTSP',
  camerasServed: served, steps, decodeOnly,
});
