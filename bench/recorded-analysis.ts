/**
 * Recorded-footage analysis speed against its floors, in the same run.
 *
 *   npx tsx bench/recorded-analysis.ts [--seconds 120] [--smoke]
 *
 * Footage: the shared people footage (../shared/media/intel-sample-videos/one-by-one-person-detection.mp4)
 * looped and scaled to 1280×720 and 1920×1080, 25 fps, H.264 with a 1 s GOP (a typical camera); without
 * ../shared, an ffmpeg testsrc2 pattern with noise. Detector: YOLOX-nano from ../shared/models when
 * present, else the built-in detector.
 * For each size and sampling rate (1 and 2 fps):
 *   decode   – `ffmpeg -skip_frame nokey -i clip -f null -` (keyframe-only decode: the floor for ≤ 1 fps);
 *   detector – raw detector time for the same number of frames (detect() on sampled frames, no pipeline);
 *   product  – the analysis job's path: file sampler (two frames decoded ahead) → motion gate → the detector
 *              pool → tracker → sink (counting), frames processed in order as a job does.
 * speed = footage seconds / wall seconds of the product (target ≥ 20× at 720p, 1 fps).
 * Last stdout line: JSON.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CameraPipeline } from '../src/analytics/pipeline';
import { loadDetectorFrom } from '../src/analytics/local';
import { fileFootageReader, newGate, newTracker } from '../src/analytics/wiring';
import { parseConfig } from '../src/config/load';
import { silentLogger } from '../src/core/logger';
import { createDetectorPool } from '../src/detect/pool';
import type { RgbImage } from '../src/detect/types';
import { DEFAULT_TOOLS, runFfmpeg } from '../src/media/ffmpeg';
import { sampleFile } from '../src/sample/file-sampler';
import { SHARED_DIR } from '../test/support/shared';
import { args, finish, intArg, log, machine } from './lib/common';

const a = args({ seconds: 'string', smoke: 'boolean' });
const SECONDS = a.smoke ? 10 : intArg(a.seconds, 120);
const SIZES = a.smoke ? [[1280, 720]] : [[1280, 720], [1920, 1080]];
const RATES = a.smoke ? [1] : [1, 2];
const FOOTAGE = path.join(SHARED_DIR, 'media/intel-sample-videos/one-by-one-person-detection.mp4');
const YOLOX = path.join(SHARED_DIR, 'models/detection/yolox_nano_416.onnx');

async function makeClip(dir: string, w: number, h: number): Promise<string> {
  const file = path.join(dir, `clip-${w}x${h}.mp4`);
  const input = existsSync(FOOTAGE)
    ? ['-stream_loop', '-1', '-i', FOOTAGE, '-vf', `scale=${w}:${h},fps=25`]
    : ['-f', 'lavfi', '-i', `testsrc2=size=${w}x${h}:rate=25`, '-vf', 'noise=alls=12:allf=t'];
  await runFfmpeg(DEFAULT_TOOLS, ['-y', ...input, '-t', String(SECONDS), '-an', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-g', '25', '-keyint_min', '25', '-sc_threshold', '0', '-bf', '0', '-b:v', w >= 1920 ? '4000k' : '2000k', file], { timeoutMs: 600_000 });
  return file;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ sec: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { sec: (performance.now() - t0) / 1000, value };
}

const detectorOpts = existsSync(YOLOX) ? { model: YOLOX, family: 'yolox' as const } : {};
const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-bench-recorded-'));
const config = parseConfig({ dataDir: dir, log: { level: 'silent' }, analytics: { detector: detectorOpts, pool: { workers: 1 } } });
const results: Record<string, unknown>[] = [];
try {
  const detector = await loadDetectorFrom(detectorOpts);
  const pool = await createDetectorPool({ analytics: config.analytics, log: silentLogger() });
  const maxSide = Math.max(pool.inputSize.width, pool.inputSize.height);
  for (const [w, h] of SIZES as [number, number][]) {
    log(`making a ${w}×${h} clip of ${SECONDS} s`);
    const clip = await makeClip(dir, w, h);
    const decode = await timed(() => runFfmpeg(DEFAULT_TOOLS, ['-threads', '1', '-skip_frame', 'nokey', '-i', clip, '-f', 'null', '-'], { timeoutMs: 600_000 }));
    const fullDecode = await timed(() => runFfmpeg(DEFAULT_TOOLS, ['-threads', '1', '-i', clip, '-f', 'null', '-'], { timeoutMs: 600_000 }));
    for (const fps of RATES) {
      // Raw detector: the sampled frames, detect() one after another, nothing else.
      const frames: RgbImage[] = [];
      for await (const f of sampleFile(DEFAULT_TOOLS, clip, { fps, maxSide })) frames.push(f.rgb);
      const raw = await timed(async () => {
        for (const img of frames) await detector.detect(img);
      });
      // Product: as a job runs it.
      const pipeline = new CameraPipeline({
        source: 'bench',
        stages: { pool, gate: newGate(), tracker: newTracker(), rules: null, sink: { trackEvent: async () => undefined, ruleHit: async () => undefined } },
        detect: { classes: config.analytics.detector.classes },
        log: silentLogger(),
      });
      const product = await timed(async () => {
        const frames = fileFootageReader(DEFAULT_TOOLS)({ source: 'bench', pieces: [{ path: clip, startMs: 0 }], fps, maxSide, signal: new AbortController().signal });
        for await (const f of frames) await pipeline.process(f);
        await pipeline.flush();
      });
      const keyframeOnly = fps <= 1; // the clip's GOP is 1 s
      const s = pipeline.stats();
      const r = {
        size: `${w}x${h}`, fps, footageSec: SECONDS, frames: s.frames, detectorCalls: s.detectorCalls, gatedOut: s.gatedOut, tracks: s.tracks,
        productSec: round(product.sec), speed: round(SECONDS / product.sec), keyframeDecodeSec: round(decode.sec), keyframeDecodeSpeed: round(SECONDS / decode.sec),
        fullDecodeSec: round(fullDecode.sec), rawDetectorSec: round(raw.sec), rawDetectorMsPerFrame: round((raw.sec * 1000) / Math.max(1, frames.length)),
        productOverFloor: round(product.sec / ((keyframeOnly ? decode.sec : fullDecode.sec) + raw.sec * (s.detectorCalls / Math.max(1, frames.length)))),
      };
      log(JSON.stringify(r));
      results.push(r);
    }
  }
  await pool.close();
  await detector.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

const main = results.find((r) => r.size === '1280x720' && r.fps === 1);
finish({
  bench: 'recorded-analysis', machine: machine(), detector: existsSync(YOLOX) ? 'yolox_nano_416' : 'built-in', footage: existsSync(FOOTAGE) ? 'shared people footage, looped' : 'lavfi testsrc2',
  target: '≥ 20× real time at 1280x720, 1 fps', speed720p1fps: main?.speed ?? null, results,
});
