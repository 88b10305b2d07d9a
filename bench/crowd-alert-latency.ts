/**
 * Crowd density alert latency: the crowd in the stream crosses the threshold → 'alert.raised' on the bus.
 *
 *   npx tsx bench/crowd-alert-latency.ts [--smoke] [--cycles 6] [--fps 1]
 *
 * Footage: an empty grey scene for 3.5 s, then a real MOT17-09 frame full of pedestrians for 4.5 s
 * (1280×720, H.264, a keyframe every second, so the crowd appears between two keyframes), looped by the
 * camera source in real time (`-re -stream_loop -1`, as a file camera is read). The camera's zone covers the
 * picture, calibrated as 1.5 m × 1.5 m, so the people the detector finds are ≈ 3 persons/m² (advisory at 2);
 * the grey scene clears the level, so every loop raises one alert.
 * Real parts: a SmartView (composition root, EventSink, outbox relay, bus), the crowd stage of src/crowd
 * built by the runtime (crowd-count's counter on the shared detector pool), a CameraSampler on the file.
 * Stream time: the source is paced by its media time, so frame n (1 fps, keyframes) left the source at
 * origin + (n − 1) s; the origin is the earliest arrival minus its media time (the least-delayed frame).
 * The crossing of loop k is at origin + 3.5 s + 8 s·k. Measured per loop: crossing → alert on the bus
 * (target ≤ 2 s), and as the baseline in the same run, crossing → first crowded frame delivered by the
 * sampler (what sampling at this rate costs by itself) and the count time.
 * Prints a table on stderr and one JSON line on stdout. Needs ../shared (MOT17 frames).
 */
import path from 'node:path';
import { cameraInputSchema } from '../src/cameras/camera.model';
import { crowdSettingsInputSchema } from '../src/crowd/model';
import { CameraSampler } from '../src/sample/sampler';
import { CrowdRepository } from '../src/crowd/crowd.repository';
import { LatestWins } from '../src/crowd/live/latest';
import type { SampledFrame } from '../src/sample/types';
import { makeCrowdClip } from '../test/support/crowd-footage';
import { startTestServer } from '../test/support/server';
import { SHARED_DIR, sharedSkip } from '../test/support/shared';
import { args, finish, intArg, log, machine } from './lib/common';
import { latencyStats } from './lib/stats';

const a = args({ smoke: 'boolean', cycles: 'string', fps: 'string' });
const smoke = a.smoke === true;
const CYCLES = intArg(a.cycles, smoke ? 1 : 6);
const FPS = intArg(a.fps, 1);
const EMPTY_S = 3.5;
const CROWD_S = 4.5;
const PERIOD_MS = (EMPTY_S + CROWD_S) * 1000;
const SYSTEM = { principal: null, ip: null, systemActor: 'bench' };
const R = 6_371_008.8;
const RAD = Math.PI / 180;
const ll = (east: number, north: number): [number, number] => [22.3 + north / R / RAD, 114.17 + east / (R * Math.cos(22.3 * RAD)) / RAD];

async function main(): Promise<void> {
  const skip = sharedSkip('mot/MOT17-09-FRCNN/img1');
  if (skip) {
    log(skip);
    finish({ bench: 'crowd-alert-latency', smoke, skipped: skip });
    return;
  }
  const srv = await startTestServer();
  const sv = srv.running.sv;
  try {
    const clip = makeCrowdClip(path.join(srv.dataDir, 'crowd.mp4'), { frame: path.join(SHARED_DIR, 'mot/MOT17-09-FRCNN/img1/000001.jpg'), emptySeconds: EMPTY_S, crowdSeconds: CROWD_S });
    await sv.cameras.create(SYSTEM, cameraInputSchema.parse({ id: 'crowd-cam', name: 'Crowd', owner: 'police', location: { lat: 22.3, lon: 114.17, district: 'Wan Chai', address: '' }, source: { url: `file://${clip.file}` } }));
    const side = 1.5;
    const settings = crowdSettingsInputSchema.parse({
      enabled: false, kind: 'detector', fps: FPS, zones: [{ id: 'all', name: 'Picture', polygon: [[0, 0], [1, 0], [1, 1], [0, 1]] }],
      calibration: { method: 'points', pairs: [{ image: [0, 0], ground: ll(0, side) }, { image: [1, 0], ground: ll(side, side) }, { image: [1, 1], ground: ll(side, 0) }, { image: [0, 1], ground: ll(0, 0) }] },
    });
    await new CrowdRepository(sv.store.db).putSettings('crowd-cam', settings, Date.now());
    const built = (await sv.crowd.stageFor('crowd-cam'))!;

    const alerts: number[] = [];
    await sv.bus.subscribe<{ ruleId: string | null }>('alert.raised', (m) => {
      if (m.data.ruleId?.startsWith('crowd:crowd-cam:')) alerts.push(Date.now());
    });
    const frames: Array<{ seq: number; tMs: number; count: number; countMs: number }> = [];
    const cam = (await sv.cameras.get(SYSTEM, 'crowd-cam'))!;
    const queue = new LatestWins<SampledFrame>(async (f) => {
      const s = await built.stage.process(f.tMs, f.rgb);
      frames.push({ seq: f.seq, tMs: f.tMs, count: s.count, countMs: s.countMs });
    });
    const sampler = new CameraSampler({
      tools: { ffmpegPath: sv.config.media.ffmpegPath, ffprobePath: sv.config.media.ffprobePath }, source: 'crowd-cam', stream: { url: cam.source.url, transport: 'auto' },
      defaultTransport: 'tcp', fps: FPS, maxSide: sv.config.crowd.maxSide, log: sv.log, decode: 'auto',
      // As the crowd role does (src/crowd/live/manager.ts): a frame arriving during a count waits, newest wins.
      onFrame: async (f) => queue.offer(f),
    });
    sampler.start();
    const runMs = CYCLES * PERIOD_MS + 6000;
    log(`running ${CYCLES} loop(s) of ${PERIOD_MS / 1000} s at ${FPS} fps (${Math.round(runMs / 1000)} s)`);
    await new Promise((r) => setTimeout(r, runMs));
    await sampler.stop();
    await queue.drain();
    built.stage.flush();
    await built.counter.close();
    await new Promise((r) => setTimeout(r, 500));

    const stepMs = 1000 / FPS;
    const origin = Math.min(...frames.map((f) => f.tMs - (f.seq - 1) * stepMs));
    const latencies: number[] = [];
    const sampling: number[] = [];
    for (let k = 0; k < CYCLES + 2; k++) {
      const crossing = origin + EMPTY_S * 1000 + k * PERIOD_MS;
      const alert = alerts.find((t) => t >= crossing && t < crossing + PERIOD_MS);
      const first = frames.find((f) => f.tMs >= crossing && f.tMs < crossing + PERIOD_MS && f.count > 0);
      if (alert === undefined || !first) continue;
      latencies.push(alert - crossing);
      sampling.push(first.tMs - crossing);
      log(`loop ${k}: crossing → first crowded frame ${Math.round(first.tMs - crossing)} ms (count ${first.count}, ${first.countMs} ms) → alert on bus ${Math.round(alert - crossing)} ms`);
    }
    const lat = latencyStats(latencies);
    const base = latencyStats(sampling);
    const countMs = latencyStats(frames.filter((f) => f.count > 0).map((f) => f.countMs));
    log(`crossing → alert on bus: p50 ${lat.p50} ms  p95 ${lat.p95} ms  max ${lat.max} ms  (${lat.n} loops, ${alerts.length} alerts)`);
    log(`baseline: crossing → crowded frame sampled p50 ${base.p50} ms  max ${base.max} ms;  count p50 ${countMs.p50} ms;  frames ${frames.length}`);
    finish({ bench: 'crowd-alert-latency', smoke, machine: machine(), fps: FPS, targetMs: 2000, alertLatencyMs: lat, samplingDelayMs: base, countMs, frames: frames.length, alerts: alerts.length, pass: lat.n > 0 && lat.max <= 2000 });
  } finally {
    await srv.close();
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
