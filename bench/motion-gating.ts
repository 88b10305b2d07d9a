/**
 * Motion gating: how many detector calls the gate saves, and how much of what the detector finds it keeps.
 *
 *   npx tsx bench/motion-gating.ts [--smoke] [--static-seconds 60] [--fps 2]
 *
 * Every sampled frame (src/sample/file-sampler, 416 px) goes to the detector ungated (full frame) — the
 * baseline, same run — and, per gate variant, through MotionGate → the detector on the regions (or the
 * full frame) → ByteTracker, whose active tracks go back into the gate as in the live pipeline.
 * Detector: YOLOX-nano (../shared/models/detection/yolox_nano_416.onnx) via loadOnnxDetector, the
 * analytics classes (person, bicycle, car, motorcycle, bus, truck).
 *   - Static scenes (a still frame of real footage looped with sensor noise and H.264 compression, and a
 *     lavfi noise-only scene): detector calls gated vs ungated — target ≥ 90 % fewer.
 *   - Scenes with movement (../shared/media/intel-sample-videos/*.mp4 and preview GIFs): recall of the
 *     ungated run's detections (same label, IoU ≥ 0.5, same frame) by the gated run's detections — target
 *     ≥ 95 %. Also "with tracks": a detection counts as kept when an active track covers it (what the
 *     pipeline holds on that frame when the detector did not look there).
 * Also the gate's own CPU time per frame (motion detection on a 160 px grey frame included). A table on stderr, one JSON line on stdout.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadOnnxDetector } from '../src/detect/onnx-detector';
import { iou } from '../src/detect/tfjs/geometry';
import type { Box, Detection, RgbImage } from '../src/detect/types';
import { DEFAULT_TOOLS } from '../src/media/ffmpeg';
import { MotionGate, type GateOptions } from '../src/motion/gate';
import { sampleFile } from '../src/sample/file-sampler';
import { ByteTracker } from '../src/track/bytetrack';
import { SHARED_DIR } from '../test/support/shared';
import { args, finish, intArg, log, machine } from './lib/common';
import { round } from './lib/stats';

const a = args({ smoke: 'boolean', 'static-seconds': 'string', fps: 'string' });
const smoke = a.smoke === true;
const STATIC_S = intArg(a['static-seconds'], smoke ? 10 : 60);
const FPS = intArg(a.fps, 2);
const MODEL = path.join(SHARED_DIR, 'models/detection/yolox_nano_416.onnx');
const MEDIA = path.join(SHARED_DIR, 'media/intel-sample-videos');
const CLASSES = ['person', 'bicycle', 'car', 'motorcycle', 'bus', 'truck'];
const VARIANTS: Array<{ name: string; gate: GateOptions }> = [
  { name: 'default', gate: {} },
  { name: 'stationary-5s', gate: { stationaryRecheckMs: 5000 } },
];

if (!existsSync(MODEL) || !existsSync(MEDIA)) {
  log(`skipped: ${existsSync(MODEL) ? MEDIA : MODEL} is not present (../shared is beside the repo in CI)`);
  finish({ bench: 'motion-gating', skipped: true });
  process.exit(0);
}

function ffmpeg(argv: string[]): void {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...argv], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg ${argv.join(' ')}: ${r.stderr}`);
}

const h264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-g', '50', '-bf', '0'];

interface Scene { name: string; file: string; kind: 'static' | 'moving'; fps: number }

function scenes(dir: string): Scene[] {
  const out: Scene[] = [];
  const still = path.join(dir, 'still.png');
  ffmpeg(['-ss', '0', '-i', path.join(MEDIA, 'car-detection.mp4'), '-frames:v', '1', still]);
  const stillClip = path.join(dir, 'still-car-park.mp4');
  ffmpeg(['-loop', '1', '-framerate', '12.5', '-i', still, '-t', String(STATIC_S), '-vf', 'noise=alls=6:allf=t', ...h264, stillClip]);
  out.push({ name: 'still car park + noise', file: stillClip, kind: 'static', fps: FPS });
  const noise = path.join(dir, 'noise.mp4');
  ffmpeg(['-f', 'lavfi', '-i', `color=c=0x556070:size=768x432:rate=12.5:duration=${STATIC_S}`, '-vf', 'noise=alls=10:allf=t', ...h264, noise]);
  out.push({ name: 'lavfi grey + noise', file: noise, kind: 'static', fps: FPS });
  for (const f of smoke ? ['car-detection.mp4'] : ['car-detection.mp4', 'one-by-one-person-detection.mp4']) out.push({ name: f, file: path.join(MEDIA, f), kind: 'moving', fps: FPS });
  const gifs = readdirSync(path.join(MEDIA, 'preview')).filter((f) => f.endsWith('.gif')).sort();
  for (const g of smoke ? gifs.slice(0, 2) : gifs) out.push({ name: `preview/${g}`, file: path.join(MEDIA, 'preview', g), kind: 'moving', fps: 5 });
  return out;
}

const matches = (d: Detection, pool: ReadonlyArray<{ label: string; box: Box }>) => pool.some((g) => g.label === d.label && iou(g.box, d.box) >= 0.5);

interface VariantState { name: string; gate: MotionGate; tracker: ByteTracker; active: Array<{ label: string; box: Box }>; lastDets: Box[]; calls: number; inferences: number; kept: number; keptWithTracks: number; reasons: Record<string, number> }

const detector = await loadOnnxDetector({ model: MODEL, family: 'yolox', threads: 1 });
const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-bench-gating-'));
try {
  const rows: Record<string, unknown>[] = [];
  for (const sc of scenes(dir)) {
    const states: VariantState[] = VARIANTS.map((v) => ({ name: v.name, gate: new MotionGate(v.gate), tracker: new ByteTracker(), active: [], lastDets: [], calls: 0, inferences: 0, kept: 0, keptWithTracks: 0, reasons: {} }));
    let frames = 0;
    let ungatedInferences = 0;
    let found = 0;
    const kept: Array<{ rgb: RgbImage; tMs: number }> = [];
    for await (const f of sampleFile(DEFAULT_TOOLS, sc.file, { fps: sc.fps, maxSide: detector.inputSize.width })) {
      frames++;
      if (kept.length < 120) kept.push({ rgb: f.rgb, tMs: f.tMs });
      const truth = await detector.detect(f.rgb, { classes: CLASSES });
      ungatedInferences += detector.lastTimings.runs;
      found += truth.length;
      for (const s of states) {
        // As the pipeline does: the live tracks, and the last run's detections (tentative tracks need a second look to be confirmed).
        const g = s.gate.gate(f.rgb, [...s.active.map((t) => t.box), ...s.lastDets], f.tMs);
        s.reasons[g.reason] = (s.reasons[g.reason] ?? 0) + 1;
        let dets: Detection[] = [];
        if (g.run) {
          s.calls++;
          dets = await detector.detect(f.rgb, { classes: CLASSES, regions: g.regions });
          s.inferences += detector.lastTimings.runs;
        }
        s.lastDets = dets.map((d) => d.box);
        const { tracks } = s.tracker.update({ tMs: f.tMs, detections: dets });
        s.active = tracks.map((t) => ({ label: t.label, box: t.box }));
        for (const d of truth) {
          if (matches(d, dets)) {
            s.kept++;
            s.keptWithTracks++;
          } else if (matches(d, s.active)) s.keptWithTracks++;
        }
      }
    }
    // The gate's own cost, in a pass of its own: process CPU time (wall time means little on a shared
    // machine) would otherwise include ONNX Runtime's threads winding down after each inference.
    const timing = new MotionGate();
    const c0 = process.cpuUsage();
    for (const k of kept) timing.gate(k.rgb, [], k.tMs);
    const c1 = process.cpuUsage(c0);
    const gateCpuMsPerFrame = round((c1.user + c1.system) / 1000 / Math.max(1, kept.length), 3);
    for (const s of states) {
      const row = {
        scene: sc.name, kind: sc.kind, variant: s.name, fps: sc.fps, frames, ungatedCalls: frames, gatedCalls: s.calls,
        fewerCalls: round(1 - s.calls / Math.max(1, frames), 3), ungatedInferences, gatedInferences: s.inferences,
        detections: found, recall: found ? round(s.kept / found, 3) : null, recallWithTracks: found ? round(s.keptWithTracks / found, 3) : null,
        gateCpuMsPerFrame, reasons: s.reasons,
      };
      rows.push(row);
      log(`${sc.name} [${s.name}]: ${s.calls}/${frames} detector calls (${round(row.fewerCalls * 100, 1)} % fewer), recall ${row.recall ?? '-'} (with tracks ${row.recallWithTracks ?? '-'}) of ${found} detections, gate ${row.gateCpuMsPerFrame} ms CPU/frame`);
    }
  }
  console.error('\nscene                                        variant        frames  calls  fewer    inferences  dets  recall  +tracks  gate CPU ms');
  for (const r of rows) {
    console.error(`${String(r.scene).padEnd(45)}${String(r.variant).padEnd(15)}${String(r.frames).padStart(6)}  ${String(r.gatedCalls).padStart(5)}  ${(round((r.fewerCalls as number) * 100, 1) + '%').padEnd(7)}  ${`${r.gatedInferences}/${r.ungatedInferences}`.padStart(10)}  ${String(r.detections).padStart(4)}  ${String(r.recall ?? '-').padEnd(6)}  ${String(r.recallWithTracks ?? '-').padEnd(7)}  ${r.gateCpuMsPerFrame}`);
  }
  const def = rows.filter((r) => r.variant === 'default');
  const staticRows = def.filter((r) => r.kind === 'static');
  const moving = def.filter((r) => r.kind === 'moving');
  const sum = (rs: Record<string, unknown>[], k: string) => rs.reduce((s, r) => s + Number(r[k] ?? 0), 0);
  const movingRecall = sum(moving, 'detections') ? round(moving.reduce((s, r) => s + Number(r.recall ?? 0) * Number(r.detections), 0) / sum(moving, 'detections'), 3) : null;
  finish({
    bench: 'motion-gating', smoke, machine: machine(), model: path.basename(MODEL), staticSeconds: STATIC_S, fps: FPS,
    summary: { staticFewerCalls: staticRows.map((r) => ({ scene: r.scene, fewerCalls: r.fewerCalls })), movingRecall, targets: { staticFewerCalls: 0.9, movingRecall: 0.95 } },
    rows,
  });
} finally {
  await detector.close();
  rmSync(dir, { recursive: true, force: true });
}
