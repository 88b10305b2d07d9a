/**
 * Tracker benchmark: frame updates per second with 20 moving objects on one core (target ≥ 1,000), against a
 * naive greedy-IoU tracker in the same run, plus how well each keeps identities on the same synthetic scene.
 *
 *   npx tsx bench/tracker.ts [--smoke] [--frames 20000] [--objects 20]
 *
 * The scene (seeded, test/support/prng.ts): objects of person-like size moving at 0.3–1 body heights per second
 * in random directions over a 1920×1080 frame, bouncing off the edges; each frame every object is detected with
 * jittered boxes, 8% of the time missed and 10% of the time only at a low score (partial occlusion), plus a few
 * false detections. Speed is measured at 10 fps frame times (the filter's cost does not depend on the rate);
 * identity quality at 2 fps (the live default) and 10 fps, also without the buffered IoU (plain ByteTrack IoU).
 * Prints a table on stderr and one JSON line on stdout.
 */
import type { Box, Detection, RgbImage } from '../src/detect/types';
import { assign, iou } from '../src/track/assignment';
import { ByteTracker } from '../src/track/bytetrack';
import { prng } from '../test/support/prng';
import { args, finish, intArg, log, machine } from './lib/common';
import { median, round } from './lib/stats';

const a = args({ smoke: 'boolean', frames: 'string', objects: 'string' });
const smoke = a.smoke === true;
const FRAMES = intArg(a.frames, smoke ? 2000 : 20_000);
const OBJECTS = intArg(a.objects, 20);
const PASSES = smoke ? 3 : 5;
const W = 1920;
const H = 1080;

interface Frame {
  tMs: number;
  detections: Detection[];
  /** The true box of every object (detected or not), by object index. */
  truth: Box[];
}

function scene(seed: number, frames: number, fps: number): Frame[] {
  const r = prng(seed);
  const objs = Array.from({ length: OBJECTS }, () => {
    const h = 60 + r() * 100;
    const w = h * (0.35 + r() * 0.15);
    const speed = h * (0.3 + r() * 0.7);
    const ang = r() * Math.PI * 2;
    return { x: r() * (W - w), y: r() * (H - h), w, h, vx: Math.cos(ang) * speed, vy: Math.sin(ang) * speed * 0.5 };
  });
  const out: Frame[] = [];
  const dt = 1 / fps;
  for (let f = 0; f < frames; f++) {
    const detections: Detection[] = [];
    const truth: Box[] = [];
    for (const o of objs) {
      o.x += o.vx * dt;
      o.y += o.vy * dt;
      if (o.x < 0 || o.x + o.w > W) o.vx = -o.vx;
      if (o.y < 0 || o.y + o.h > H) o.vy = -o.vy;
      truth.push([o.x, o.y, o.w, o.h]);
      const u = r();
      if (u < 0.08) continue;
      const score = u < 0.18 ? 0.15 + r() * 0.3 : 0.6 + r() * 0.4;
      const j = (s: number) => (r() - 0.5) * s;
      detections.push({ label: 'person', classId: 0, score, box: [o.x + j(o.w * 0.08), o.y + j(o.h * 0.05), o.w * (1 + j(0.08)), o.h * (1 + j(0.06))] });
    }
    if (r() < 0.3) detections.push({ label: 'person', classId: 0, score: 0.5 + r() * 0.3, box: [r() * (W - 50), r() * (H - 120), 50, 120] });
    out.push({ tMs: Math.round(f * dt * 1000), detections, truth });
  }
  return out;
}

/** The baseline: detections ≥ 0.5, matched greedily by IoU (≥ 0.3) to the last frame's boxes; a miss ends a track. */
class GreedyIouTracker {
  private tracks: { id: number; box: Box }[] = [];
  private nextId = 1;
  update(f: { detections: Detection[] }): { tracks: { id: number; box: Box }[] } {
    const dets = f.detections.filter((d) => d.score >= 0.5);
    const pairs: [number, number, number][] = [];
    for (let i = 0; i < this.tracks.length; i++) {
      for (let j = 0; j < dets.length; j++) {
        const v = iou(this.tracks[i]!.box, dets[j]!.box);
        if (v >= 0.3) pairs.push([v, i, j]);
      }
    }
    pairs.sort((x, y) => y[0] - x[0]);
    const usedT = new Set<number>();
    const usedD = new Set<number>();
    const next: { id: number; box: Box }[] = [];
    for (const [, i, j] of pairs) {
      if (usedT.has(i) || usedD.has(j)) continue;
      usedT.add(i);
      usedD.add(j);
      next.push({ id: this.tracks[i]!.id, box: dets[j]!.box });
    }
    dets.forEach((d, j) => {
      if (!usedD.has(j)) next.push({ id: this.nextId++, box: d.box });
    });
    this.tracks = next;
    return { tracks: next };
  }
}

type Runner = (f: Frame) => { tracks: { id: number; box: Box }[] };

function speed(make: () => Runner, frames: Frame[]): number {
  const passes: number[] = [];
  const warm = make();
  for (const f of frames.slice(0, 500)) warm(f); // JIT warm-up, not timed
  for (let p = 0; p < PASSES; p++) {
    const run = make();
    const t0 = process.hrtime.bigint();
    for (const f of frames) run(f);
    passes.push(frames.length / (Number(process.hrtime.bigint() - t0) / 1e9));
  }
  return round(median(passes), 0);
}

/** MOTA-style counts against the scene's truth (IoU ≥ 0.5, optimal matching per frame). */
function quality(run: Runner, frames: Frame[]): { mota: number; idsw: number; fn: number; fp: number } {
  let fn = 0;
  let fp = 0;
  let idsw = 0;
  let gt = 0;
  const last = new Map<number, number>();
  for (const f of frames) {
    const { tracks } = run(f);
    const n = f.truth.length;
    const m = tracks.length;
    const cost = new Float64Array(n * m);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) cost[i * m + j] = 1 - iou(f.truth[i]!, tracks[j]!.box);
    const r = assign(cost, n, m, 0.5);
    gt += n;
    fn += r.unmatchedRows.length;
    fp += r.unmatchedCols.length;
    for (const [i, j] of r.matches) {
      const id = tracks[j]!.id;
      if (last.has(i) && last.get(i) !== id) idsw++;
      last.set(i, id);
    }
  }
  return { mota: round(1 - (fn + fp + idsw) / gt, 3), idsw, fn, fp };
}

const frames = scene(1, FRAMES, 10);
const image: RgbImage = { width: W, height: H, data: new Uint8Array(W * H * 3) };
const byte = () => {
  const t = new ByteTracker();
  return (f: Frame) => t.update(f);
};
const byteSnap = () => {
  const t = new ByteTracker();
  return (f: Frame) => t.update({ ...f, image });
};
const byteNoBuffer = () => {
  const t = new ByteTracker({ bufferPerS: 0 });
  return (f: Frame) => t.update(f);
};
const greedy = () => {
  const t = new GreedyIouTracker();
  return (f: Frame) => t.update(f);
};

log(`${FRAMES} frames × ${OBJECTS} objects, ${PASSES} passes each (median)`);
const rows = [
  { tracker: 'greedy IoU (baseline)', updatesPerS: speed(greedy, frames) },
  { tracker: 'ByteTracker', updatesPerS: speed(byte, frames) },
  { tracker: 'ByteTracker + snapshot crops (1080p frames)', updatesPerS: speed(byteSnap, frames) },
];
const qFrames = Math.min(FRAMES, smoke ? 600 : 3000);
const qual: Record<string, unknown>[] = [];
for (const fps of [2, 10]) {
  const fs = scene(2, qFrames, fps);
  qual.push({ fps, greedy: quality(greedy(), fs), byteTracker: quality(byte(), fs), byteTrackerPlainIou: quality(byteNoBuffer(), fs) });
}
const pad = (s: string | number, n: number) => String(s).padStart(n);
process.stderr.write(`\n${'tracker'.padEnd(46)}${pad('updates/s', 12)}${pad('µs/update', 12)}\n`);
for (const r of rows) process.stderr.write(`${r.tracker.padEnd(46)}${pad(r.updatesPerS, 12)}${pad(round(1e6 / r.updatesPerS, 1), 12)}\n`);
process.stderr.write(`\nidentity on the same kind of scene (${qFrames} frames):\n${'fps'.padEnd(6)}${'tracker'.padEnd(22)}${pad('MOTA', 8)}${pad('IDsw', 8)}${pad('FN', 8)}${pad('FP', 8)}\n`);
for (const q of qual) {
  for (const k of ['greedy', 'byteTracker', 'byteTrackerPlainIou'] as const) {
    const v = q[k] as ReturnType<typeof quality>;
    process.stderr.write(`${String(q.fps).padEnd(6)}${k.padEnd(22)}${pad(v.mota, 8)}${pad(v.idsw, 8)}${pad(v.fn, 8)}${pad(v.fp, 8)}\n`);
  }
}
const byteRate = rows[1]!.updatesPerS;
finish({
  bench: 'tracker', smoke, machine: machine(), frames: FRAMES, objects: OBJECTS, speed: rows, quality: qual,
  target: { updatesPerS: 1000, met: byteRate >= 1000 }, vsBaseline: round(byteRate / rows[0]!.updatesPerS, 2),
});

