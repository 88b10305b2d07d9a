/**
 * Recorder CPU per stream against plain ffmpeg on the same RTSP source, in the same run.
 *
 *   npx tsx bench/recorder-cpu.ts [--streams 4] [--seconds 60] [--runs 1] [--smoke]
 *
 * Source: `--streams` mounts of one pre-encoded 1280×720 25 fps ~2 Mbit/s H.264 clip (GOP 2 s),
 * looped by the gst RTSP test server (test/support/rtsp-server.py) over RTSP/TCP on loopback.
 *   plain   – per stream `ffmpeg -rtsp_transport tcp -i … -map 0:v -c copy -f segment -segment_time 10
 *             -segment_format mpegts -reset_timestamps 1 …` (the floor: copying packets into files);
 *   product – per stream a Recorder (src/record/recorder.ts): the supervised ffmpeg (with progress
 *             reports, segment list, per-frame flush) plus this Node process closing every segment
 *             (TS measure, SHA-256, rename, index in SQLite).
 * CPU = user + system seconds from /proc/<pid>/stat of every ffmpeg (and process.cpuUsage() of this
 * process for the product) between the end of a warm-up and the end of the run. Target: product ≤ 1.5× plain.
 * Last stdout line: JSON.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../src/config/load';
import { silentLogger } from '../src/core/logger';
import { DEFAULT_TOOLS } from '../src/media/ffmpeg';
import { Recorder } from '../src/record/recorder';
import { StoreRecordingIndex } from '../src/record/recording-index';
import { SegmentRepository } from '../src/record/segment.repository';
import { Store } from '../src/store/store';
import { args, finish, intArg, log, machine } from './lib/common';
import { benchClip, cpuSeconds, fileKbps, loadAverage, rtspFarm, selfCpuSeconds } from './lib/recorder';

const a = args({ streams: 'string', seconds: 'string', runs: 'string', smoke: 'boolean' });
const STREAMS = a.smoke ? 1 : intArg(a.streams, 4);
const SECONDS = a.smoke ? 4 : intArg(a.seconds, 60);
const RUNS = a.smoke ? 1 : intArg(a.runs, 1);
const WARM_MS = a.smoke ? 1500 : 5000;
const SEGMENT_SECONDS = a.smoke ? 2 : 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sum = (xs: Array<number | null>) => xs.reduce<number>((n, x) => n + (x ?? 0), 0);

interface Measure {
  cpuSec: number;
  wallSec: number;
  perStreamPct: number;
  segments: number;
  ffmpegCpuSec: number;
  nodeCpuSec: number;
  restarts: number;
}

async function plain(url: (i: number) => string): Promise<Measure> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-bench-plain-'));
  const kids: ChildProcess[] = [];
  for (let i = 0; i < STREAMS; i++) {
    kids.push(spawn('ffmpeg', [
      '-hide_banner', '-nostdin', '-loglevel', 'error', '-rtsp_transport', 'tcp', '-i', url(i),
      '-map', '0:v', '-c', 'copy', '-f', 'segment', '-segment_time', String(SEGMENT_SECONDS), '-segment_format', 'mpegts', '-reset_timestamps', '1',
      path.join(dir, `${i}-%06d.ts`),
    ], { stdio: 'ignore' }));
  }
  await sleep(WARM_MS);
  const pids = kids.map((k) => k.pid!);
  const c0 = sum(pids.map(cpuSeconds));
  const n0 = selfCpuSeconds();
  const t0 = performance.now();
  await sleep(SECONDS * 1000);
  const c1 = sum(pids.map(cpuSeconds));
  const idleNode = selfCpuSeconds() - n0; // this process doing nothing: its idle floor
  const wallSec = (performance.now() - t0) / 1000;
  await Promise.all(kids.map((k) => new Promise<void>((r) => {
    k.once('exit', () => r());
    k.kill('SIGINT');
  })));
  const segments = readdirSync(dir).length;
  rmSync(dir, { recursive: true, force: true });
  const cpuSec = c1 - c0;
  return { cpuSec, wallSec, perStreamPct: (100 * cpuSec) / wallSec / STREAMS, segments, ffmpegCpuSec: cpuSec, nodeCpuSec: idleNode, restarts: 0 };
}

async function product(url: (i: number) => string): Promise<Measure> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-bench-rec-'));
  const store = await Store.open({ engine: 'sqlite', sqlitePath: path.join(dir, 'smartview.db') });
  await store.migrate();
  const recording = parseConfig({ recording: { segmentSeconds: SEGMENT_SECONDS } }).recording;
  const index = new StoreRecordingIndex(store);
  const recs = Array.from({ length: STREAMS }, (_, i) => new Recorder({
    camera: { id: `cam-${i}`, owner: 'bench', district: 'bench', source: { url: url(i), transport: 'tcp' } },
    storage: { id: 'local', root: path.join(dir, 'recordings') }, node: 'bench', index, tools: DEFAULT_TOOLS, recording, log: silentLogger(),
  }));
  await Promise.all(recs.map((r) => r.start()));
  await sleep(WARM_MS);
  const pids = recs.map((r) => r.pid);
  const f0 = sum(pids.map((p) => (p ? cpuSeconds(p) : null)));
  const n0 = selfCpuSeconds();
  const t0 = performance.now();
  await sleep(SECONDS * 1000);
  const f1 = sum(pids.map((p) => (p ? cpuSeconds(p) : null)));
  const n1 = selfCpuSeconds();
  const wallSec = (performance.now() - t0) / 1000;
  const restarts = recs.reduce((n, r) => n + r.status().restarts, 0) + recs.filter((r, i) => r.pid !== pids[i]).length;
  await Promise.all(recs.map((r) => r.stop()));
  const segments = (await Promise.all(recs.map((r) => new SegmentRepository(store.db).inRange(r.cameraId, 0, Date.now() + 60_000)))).reduce((n, s) => n + s.length, 0);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  const cpuSec = f1 - f0 + (n1 - n0);
  return { cpuSec, wallSec, perStreamPct: (100 * cpuSec) / wallSec / STREAMS, segments, ffmpegCpuSec: f1 - f0, nodeCpuSec: n1 - n0, restarts };
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
const r3 = (x: number) => Math.round(x * 1000) / 1000;

const clip = a.smoke
  ? benchClip({ width: 640, height: 360, fps: 25, kbps: 600, seconds: 4, gopSeconds: 1 })
  : benchClip({ width: 1280, height: 720, fps: 25, kbps: 2000, seconds: 20, gopSeconds: 2 });
log(`clip ${path.basename(clip)} (${fileKbps(clip)} kbit/s); ${STREAMS} streams × ${SECONDS} s, ${RUNS} run(s)`);
const farm = await rtspFarm(clip, STREAMS, 1);
const plains: Measure[] = [];
const products: Measure[] = [];
const serverCpu0 = sum(farm.pids().map(cpuSeconds));
let serverCpu = 0;
try {
  for (let r = 0; r < RUNS; r++) {
    const p = await plain(farm.url);
    log(`plain ffmpeg: ${r3(p.cpuSec)} CPU s in ${r3(p.wallSec)} s = ${r3(p.perStreamPct)} % of a core per stream (${p.segments} segments); idle Node meanwhile ${r3(p.nodeCpuSec)} CPU s`);
    plains.push(p);
    const q = await product(farm.url);
    log(`recorder: ${r3(q.cpuSec)} CPU s (ffmpeg ${r3(q.ffmpegCpuSec)}, node ${r3(q.nodeCpuSec)}) = ${r3(q.perStreamPct)} % per stream (${q.segments} segments indexed, ${q.restarts} restarts)`);
    products.push(q);
  }
} finally {
  serverCpu = sum(farm.pids().map(cpuSeconds)) - serverCpu0;
  await farm.stop();
}
const ratio = median(products.map((q) => q.cpuSec)) / median(plains.map((p) => p.cpuSec));
log(`recorder / plain = ${r3(ratio)} (target ≤ 1.5)`);
finish({
  bench: 'recorder-cpu', smoke: Boolean(a.smoke), streams: STREAMS, seconds: SECONDS, runs: RUNS, clipKbps: fileKbps(clip),
  plainPerStreamPct: r3(median(plains.map((p) => p.perStreamPct))), plainCpuSec: plains.map((p) => r3(p.cpuSec)), recorderCpuSec: products.map((q) => r3(q.cpuSec)), recorderPerStreamPct: r3(median(products.map((q) => q.perStreamPct))),
  recorderFfmpegCpuSec: r3(median(products.map((q) => q.ffmpegCpuSec))), recorderNodeCpuSec: r3(median(products.map((q) => q.nodeCpuSec))),
  ratio: r3(ratio), ratioPerRun: products.map((q, i) => r3(q.cpuSec / plains[i]!.cpuSec)), idleNodeCpuSecDuringPlain: plains.map((p) => r3(p.nodeCpuSec)), targetMet: ratio <= 1.5, segmentsPlain: plains.map((p) => p.segments), segmentsIndexed: products.map((q) => q.segments),
  rtspServerCpuSec: r3(serverCpu), loadAverage: loadAverage(), machine: machine(),
});
