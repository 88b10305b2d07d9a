import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { UserError } from '../../core/errors';
import { readFrames } from '../../detect/frames';
import { listImageSequence } from '../../detect/sequence';
import type { Detection, Detector } from '../../detect/types';
import { DEFAULT_TOOLS } from '../../media/ffmpeg';
import { decodeVideoFrames } from '../../media/images';
import { BYTETRACK_DEFAULTS, ByteTracker, type ByteTrackerOptions } from '../../track/bytetrack';
import { byteTrackerOptions } from '../../track/config';
import { MotCollector, parseMotDetections } from '../../track/mot';
import { fail, printLine, warn } from '../output';
import { addDetectorOptions, detectorFromOptions, type DetectorCliOptions } from './detect';

interface TrackCliOptions extends DetectorCliOptions {
  detections?: string;
  classes?: string;
  fps?: number;
  frameRate?: number;
  lostAfter?: number;
  mot?: string;
}

/** One frame: its number (from 1, as `detect` numbers them), media time, and its detections. */
interface TrackFrame {
  frame: number;
  tMs: number;
  detections: Detection[];
}

const DEFAULT_DIR_FPS = 10;

const positive = (flag: string) => (v: string): number => {
  const n = Number(v);
  if (!(n > 0)) throw new InvalidArgumentError(`${flag} must be a positive number; got '${v}'`);
  return n;
};

export function registerTrackCommand(program: Command): void {
  const cmd = program
    .command('track')
    .description('Track objects through a video or a directory of images (ByteTrack); MOTChallenge lines frame,id,x,y,w,h,score,-1,-1,-1')
    .argument('<input>', 'video file, or directory of images read as a sequence in natural order (frames numbered from 1)');
  addDetectorOptions(cmd)
    .option('--detections <file>', 'MOTChallenge detections (frame,-1,x,y,w,h,score) instead of a detector: measures the tracker alone')
    .option('--classes <labels>', 'only these labels, comma-separated (e.g. person,car)')
    .option('--fps <n>', 'video: analyse this many frames per second, numbered as `detect --fps` numbers them (default: every frame)', positive('--fps'))
    .option('--frame-rate <n>', `directory: frames per second of the image sequence (default: frameRate of a MOTChallenge seqinfo.ini beside it, else ${DEFAULT_DIR_FPS})`, positive('--frame-rate'))
    .option('--lost-after <ms>', `end a track unmatched for this long (default ${BYTETRACK_DEFAULTS.lostAfterMs})`, positive('--lost-after'))
    .option('--mot <file>', 'write the MOTChallenge lines to this file (default: stdout)')
    .addHelpText('after', `
--threshold T (default: the model's tuned threshold; ${BYTETRACK_DEFAULTS.highThreshold} with --detections) is the score of a
confident detection: those are matched first and start tracks from T+0.1; detections down to
${BYTETRACK_DEFAULTS.lowThreshold} can only continue an existing track (ByteTrack's second stage).`)
    .action(async (input: string, o: TrackCliOptions) => {
      const lines = await runTrack(cmd, input, o);
      if (o.mot) {
        writeFileSync(o.mot, lines.length ? `${lines.join('\n')}\n` : '');
        warn(`${lines.length} track lines written to ${o.mot}`);
      } else {
        for (const l of lines) printLine(l);
      }
    });
}

async function runTrack(cmd: Command, input: string, o: TrackCliOptions): Promise<string[]> {
  const usage = (msg: string): never => cmd.error(`error: ${msg}`, { exitCode: 2, code: 'smartview.usage' });
  if (o.detections && (o.model || o.family || o.labels || o.classes)) usage('--detections replaces the detector: drop --model, --family, --labels and --classes');
  if (!existsSync(input)) throw new UserError('input_not_found', `${input} does not exist: give a video file or a directory of images`, { input }, 404);
  const isDir = statSync(input).isDirectory();
  if (o.frameRate !== undefined && !isDir) usage('--frame-rate applies to a directory of images; a video carries its own frame times');
  if (o.fps !== undefined && isDir) usage('--fps samples a video; for a directory of images give --frame-rate');
  const out = new MotCollector();
  if (o.detections) {
    const tracker = new ByteTracker(trackerOptions(o, o.threshold ?? BYTETRACK_DEFAULTS.highThreshold));
    for await (const f of framesFromDetFile(input, isDir, o)) {
      const { tracks, events } = tracker.update({ tMs: f.tMs, detections: f.detections });
      out.add(f.frame, f.tMs, tracks, events);
    }
    return out.lines();
  }
  // The detector keeps everything down to the tracker's low threshold: the second stage needs those.
  const detector = await detectorFromOptions(cmd, { ...o, threshold: BYTETRACK_DEFAULTS.lowThreshold });
  try {
    const classes = o.classes?.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = classes?.filter((c) => !detector.labels.includes(c)) ?? [];
    if (unknown.length) usage(`--classes: ${unknown.map((u) => `'${u}'`).join(', ')} not among the model's labels (${detector.labels.slice(0, 12).join(', ')}${detector.labels.length > 12 ? ', …' : ''})`);
    const tracker = new ByteTracker(trackerOptions(o, o.threshold ?? tunedThreshold(detector)));
    const fps = isDir ? o.frameRate ?? seqinfoFps(input) ?? DEFAULT_DIR_FPS : 0;
    let failed = 0;
    for await (const f of readFrames(DEFAULT_TOOLS, input, { fps: o.fps })) {
      if ('error' in f) {
        failed++;
        fail(f.error); // a frame that does not decode is skipped: the tracker just sees a longer gap
        continue;
      }
      const tMs = f.tMs ?? Math.round(((f.frame - 1) * 1000) / fps);
      const image = f.image;
      const { tracks, events } = tracker.update({ tMs, detections: await detector.detect(image, { classes }), image });
      out.add(f.frame, tMs, tracks, events);
    }
    if (failed) warn(`${failed} image(s) could not be decoded and were skipped (see above)`);
  } finally {
    await detector.close();
  }
  return out.lines();
}

function trackerOptions(o: TrackCliOptions, high: number): ByteTrackerOptions {
  return byteTrackerOptions({ ...(o.lostAfter !== undefined ? { lostAfterMs: o.lostAfter } : {}) }, high);
}

/** The detector's own tuned threshold (ONNX detectors expose it) — the score at which `detect` reports. */
function tunedThreshold(d: Detector): number {
  const t = (d as Detector & { threshold?: unknown }).threshold;
  return typeof t === 'number' ? t : BYTETRACK_DEFAULTS.highThreshold;
}

async function* framesFromDetFile(input: string, isDir: boolean, o: TrackCliOptions): AsyncGenerator<TrackFrame> {
  const file = o.detections!;
  if (!existsSync(file)) throw new UserError('input_not_found', `--detections ${file} does not exist: give a MOTChallenge det.txt`, { file }, 404);
  const byFrame = parseMotDetections(readFileSync(file, 'utf8'), file);
  const dets = (frame: number) => byFrame.get(frame) ?? [];
  if (isDir) {
    const names = await listImageSequence(input);
    if (names.length === 0) throw new UserError('input_empty', `${input} holds no image files (.jpg, .png, .bmp, …): give a directory of images`, { input }, 422);
    const fps = o.frameRate ?? seqinfoFps(input) ?? DEFAULT_DIR_FPS;
    for (let i = 1; i <= names.length; i++) yield { frame: i, tMs: Math.round(((i - 1) * 1000) / fps), detections: dets(i) };
    return;
  }
  // Only the frames' numbers and times are needed: decode them tiny.
  for await (const v of decodeVideoFrames(DEFAULT_TOOLS, input, { maxSide: 16, ...(o.fps ? { fps: o.fps } : {}) })) yield { frame: v.frame, tMs: v.tMs, detections: dets(v.frame) };
}

/** frameRate of a MOTChallenge seqinfo.ini in the directory or its parent (…/MOT17-02/img1). */
function seqinfoFps(dir: string): number | undefined {
  for (const p of [path.join(dir, 'seqinfo.ini'), path.join(dir, '..', 'seqinfo.ini')]) {
    if (!existsSync(p)) continue;
    const m = /^\s*frameRate\s*=\s*([\d.]+)\s*$/m.exec(readFileSync(p, 'utf8'));
    const fps = m ? Number(m[1]) : NaN;
    if (fps > 0) return fps;
  }
  return undefined;
}
