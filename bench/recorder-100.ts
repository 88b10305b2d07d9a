/**
 * Many simultaneous cameras: is every second of every stream recorded and indexed?
 *
 *   npx tsx bench/recorder-100.ts [--streams 100] [--seconds 60] [--servers 4] [--smoke]
 *
 * Source: `--streams` loopback RTSP streams (RTSP/TCP) of one pre-encoded 1280×720 25 fps
 * ~2 Mbit/s H.264 clip (GOP 2 s), looped by `--servers` gst RTSP test server processes
 * (test/support/rtsp-server.py, mounts spread evenly). Product: the recorder role as `serve` runs it
 * (RecorderManager over a SQLite store with `--streams` cameras; 10 s segments), for `--seconds`.
 * Reported per stream and in total: segments indexed, holes between consecutive segments,
 * time neither covered by a segment nor explained by a gap row ("unaccounted"), restarts, damaged
 * segments, start-up latency, how far the last segment's end is from the wall clock at stop; and
 * CPU (recorder = ffmpeg children + this Node process; RTSP servers separately) and load.
 * Last stdout line: JSON.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MemoryBus } from '../src/bus/memory';
import { CameraRepository, type CameraRow } from '../src/cameras/camera.repository';
import { parseConfig } from '../src/config/load';
import { createLogger } from '../src/core/logger';
import { SecretBox } from '../src/keys/secret-box';
import { OrganisationRepository } from '../src/organisations/organisation.repository';
import { RecorderManager } from '../src/record/recorder-manager';
import { RecordingRepository } from '../src/record/recording.repository';
import { SegmentRepository } from '../src/record/segment.repository';
import { Store } from '../src/store/store';
import { args, finish, intArg, log, machine } from './lib/common';
import { benchClip, cpuSeconds, fileKbps, loadAverage, rtspFarm, selfCpuSeconds } from './lib/recorder';

const a = args({ streams: 'string', seconds: 'string', servers: 'string', smoke: 'boolean' });
const N = a.smoke ? 4 : intArg(a.streams, 100);
const SECONDS = a.smoke ? 8 : intArg(a.seconds, 60);
const SERVERS = a.smoke ? 1 : intArg(a.servers, 4);
const SEGMENT_SECONDS = a.smoke ? 2 : 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sum = (xs: Array<number | null | undefined>) => xs.reduce<number>((n, x) => n + (x ?? 0), 0);

const clip = a.smoke
  ? benchClip({ width: 640, height: 360, fps: 25, kbps: 600, seconds: 4, gopSeconds: 1 })
  : benchClip({ width: 1280, height: 720, fps: 25, kbps: 2000, seconds: 20, gopSeconds: 2 });
log(`clip ${path.basename(clip)} (${fileKbps(clip)} kbit/s); ${N} streams from ${SERVERS} RTSP server process(es), ${SECONDS} s`);
const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-bench-rec100-'));
const farm = await rtspFarm(clip, N, SERVERS);
const store = await Store.open({ engine: 'sqlite', sqlitePath: path.join(dir, 'smartview.db') });
await store.migrate();
const T = Date.now();
await new OrganisationRepository(store.db).upsert({ id: 'bench', name: 'Bench', kind: 'department', policy: { liveAllowed: true, playbackAllowed: true, retentionDaysCap: null }, createdAt: T, updatedAt: T });
const rows: CameraRow[] = Array.from({ length: N }, (_, i) => ({
  id: `cam-${String(i).padStart(3, '0')}`, name: `Bench ${i}`, lat: 22.3, lon: 114.17, district: 'Yau Tsim Mong', address: '', owner: 'bench', source_url: farm.url(i), sub_url: null,
  transport: 'tcp', bearing_deg: null, fov_deg: null, tags: '[]', live_allowed: 1, playback_allowed: 1, retention_days: null, status: 'unknown', status_changed_at: null,
  search_text: `cam-${i}`, created_at: T, updated_at: T,
}));
await new CameraRepository(store.db).insertMany(rows);
const config = parseConfig({ dataDir: dir, recording: { segmentSeconds: SEGMENT_SECONDS } });
const bus = new MemoryBus();
const logFile = path.join(dir, 'recorder.log');
const manager = new RecorderManager({ store, bus, secrets: SecretBox.ephemeral(), config, log: createLogger({ level: 'warn', destination: logFile }) });

const tStart = Date.now();
await manager.start();
log(`${manager.ids().length} recorders started in ${Date.now() - tStart} ms`);
const ffPids = () => manager.ids().map((id) => manager.get(id)!.pid);
const samples: Array<{ t: number; recorderCpu: number; serverCpu: number; load: number }> = [];
const cpuNow = () => ({ recorder: sum(ffPids().map((p) => (p ? cpuSeconds(p) : 0))) + selfCpuSeconds(), server: sum(farm.pids().map(cpuSeconds)) });
await sleep(Math.min(10_000, SECONDS * 500)); // warm-up: connections, probing
let prev = { ...cpuNow(), t: performance.now() };
const first = prev;
const end = tStart + SECONDS * 1000;
while (Date.now() < end) {
  await sleep(Math.min(5000, Math.max(0, end - Date.now())));
  const c = { ...cpuNow(), t: performance.now() };
  const dt = (c.t - prev.t) / 1000;
  if (dt > 0.5) samples.push({ t: Math.round((Date.now() - tStart) / 1000), recorderCpu: (c.recorder - prev.recorder) / dt, serverCpu: (c.server - prev.server) / dt, load: os.loadavg()[0]! });
  const online = manager.ids().filter((id) => manager.get(id)!.status().state === 'online').length;
  const last = samples.at(-1);
  log(`t=${Math.round((Date.now() - tStart) / 1000)} s: ${online}/${N} online; recorder ${last ? (100 * last.recorderCpu).toFixed(0) : '?'} % CPU, RTSP servers ${last ? (100 * last.serverCpu).toFixed(0) : '?'} %, load ${os.loadavg()[0]!.toFixed(2)}`);
  prev = c;
}
const measuredSec = (prev.t - first.t) / 1000;
const recorderCpuSec = prev.recorder - first.recorder;
const serverCpuSec = prev.server - first.server;
const restarts = sum(manager.ids().map((id) => manager.get(id)!.status().restarts));
const tStop = Date.now();
await manager.stop();
log(`stopped in ${Date.now() - tStop} ms`);
await farm.stop();

// Per stream: holes, unaccounted time, drift.
const segRepo = new SegmentRepository(store.db);
const gapRepo = new RecordingRepository(store.db);
const per = [];
for (const r of rows) {
  const segs = await segRepo.inRange(r.id, 0, tStop + 600_000);
  const gaps = await gapRepo.gapsInRange(r.id, 0, tStop + 600_000);
  let holes = 0;
  let holeMs = 0;
  for (let i = 1; i < segs.length; i++) {
    const d = segs[i]!.startMs - segs[i - 1]!.endMs;
    if (d !== 0) holes++;
    holeMs += Math.max(0, d);
  }
  // Unaccounted: [first segment start, last segment end] not covered by a segment or a gap row.
  const spans = [...segs.map((s) => [s.startMs, s.endMs] as const), ...gaps.map((g) => [g.startMs, g.endMs ?? tStop] as const)].sort((x, y) => x[0] - y[0]);
  let unaccounted = 0;
  if (segs.length) {
    let cursor = segs[0]!.startMs;
    const last = segs.at(-1)!.endMs;
    for (const [s, e] of spans) {
      if (s > cursor && cursor < last) unaccounted += Math.min(s, last) - cursor;
      cursor = Math.max(cursor, e);
    }
  }
  const recordedMs = sum(segs.map((s) => s.endMs - s.startMs));
  per.push({
    id: r.id, segments: segs.length, holes, holeMs, unaccounted, recordedMs, damaged: segs.filter((s) => s.status !== 'ok').length,
    startupMs: segs.length ? segs[0]!.startMs - tStart : null, endDriftMs: segs.length ? segs.at(-1)!.endMs - tStop : null,
    spanMs: segs.length ? segs.at(-1)!.endMs - segs[0]!.startMs : 0, gapReasons: gaps.map((g) => g.reason),
  });
}
await store.close();
const streamsWithHoles = per.filter((p) => p.holes > 0 || p.unaccounted > 0 || p.segments === 0);
const expectedPerStream = Math.floor((tStop - tStart) / 1000 / SEGMENT_SECONDS);
const pct = (xs: number[], q: number) => (xs.length ? [...xs].sort((x, y) => x - y)[Math.min(xs.length - 1, Math.floor(q * xs.length))]! : null);
const startups = per.map((p) => p.startupMs).filter((x): x is number => x !== null);
const drifts = per.map((p) => Math.abs(p.endDriftMs ?? 0));
const result = {
  bench: 'recorder-100', smoke: Boolean(a.smoke), streams: N, seconds: SECONDS, servers: SERVERS, segmentSeconds: SEGMENT_SECONDS, clipKbps: fileKbps(clip),
  segmentsIndexed: sum(per.map((p) => p.segments)), segmentsPerStream: { min: Math.min(...per.map((p) => p.segments)), max: Math.max(...per.map((p) => p.segments)), expectedFullAtLeast: expectedPerStream - 2 },
  streamsWithoutSegments: per.filter((p) => p.segments === 0).length,
  holesBetweenSegments: sum(per.map((p) => p.holes)), holeMs: sum(per.map((p) => p.holeMs)), unaccountedMs: sum(per.map((p) => p.unaccounted)),
  everySecondAccounted: streamsWithHoles.length === 0 ? true : `${streamsWithHoles.length} streams with holes/unaccounted time`,
  recordedShareOfSpan: Math.round((1000 * sum(per.map((p) => p.recordedMs))) / Math.max(1, sum(per.map((p) => p.spanMs)))) / 1000,
  damagedSegments: sum(per.map((p) => p.damaged)), restarts, gapReasons: [...new Set(per.flatMap((p) => p.gapReasons))],
  startupMs: { p50: pct(startups, 0.5), p95: pct(startups, 0.95), max: pct(startups, 1) }, endDriftMs: { p50: pct(drifts, 0.5), max: pct(drifts, 1) },
  cpu: {
    measuredSec: Math.round(measuredSec), recorderCores: Math.round((100 * recorderCpuSec) / measuredSec) / 100, recorderPctPerStream: Math.round((10_000 * recorderCpuSec) / measuredSec / N) / 100,
    rtspServerCores: Math.round((100 * serverCpuSec) / measuredSec) / 100, samples,
  },
  loadAverage: loadAverage(), worst: streamsWithHoles.slice(0, 5), machine: machine(),
};
rmSync(dir, { recursive: true, force: true });
finish(result);
