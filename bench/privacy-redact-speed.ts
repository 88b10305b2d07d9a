/**
 * Masking and redacting an export at 720p, against a plain ffmpeg re-encode of the same clip in the same run.
 *
 *   npx tsx bench/privacy-redact-speed.ts [--seconds 20] [--smoke]
 *
 * Clip: 1280×720 25 fps H.264, people walking towards the camera (Intel sample "face-demographics-walking-and-pause",
 * ../shared, CC-BY-4.0, looped and scaled) — or, without ../shared, testsrc2 (no faces: redaction then does less work).
 * All three re-encode with the SAME encoder (the configured privacy.encoder: libx264 -preset ultrafast -crf 23 -pix_fmt yuv420p, ffmpeg's default threads).
 *   baseline – plain transcode (decode + encode);
 *   masking  – the masked copy: decode + 3 mask polygons filled with drawbox + encode (src/media/privacy-filters.ts);
 *   redaction – pass 1 (decode, BlazeFace + plate text detection every n-th frame, tracking), pass 2 (decode,
 *              pixelate, the check's face detection on every n-th redacted frame, encode) (src/privacy/redact.ts);
 *              measured with the configured defaults in one thread, with a faster profile, and with the defaults
 *              on 2 worker threads (the clip cut in time, parts joined by stream copy: src/privacy/redact-parallel.ts).
 * CPU s = user + system of this process and its ffmpeg children (/proc/self/stat): on a shared machine the wall
 * time depends on the others' load; CPU seconds ÷ 2 cores is what an idle 2-core machine would need at best.
 * Speed = clip seconds / wall seconds (≥ 2 = at least twice real time). Target: masking and redaction ≥ 2×.
 * Last stdout line: JSON.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { privacySchema } from '../src/config/privacy.schema';
import { silentLogger } from '../src/core/logger';
import { DEFAULT_TOOLS, runFfmpeg } from '../src/media/ffmpeg';
import { maskedFileArgs, maskFilter, plainTranscodeArgs } from '../src/media/privacy-filters';
import { TextDetector } from '../src/plates/read/detector';
import { defaultModelPaths } from '../src/plates/read/models';
import { FaceDetector } from '../src/privacy/faces';
import { rasterise } from '../src/privacy/raster';
import { analyseClip, renderVerified, type RedactionSettings } from '../src/privacy/redact';
import { RedactionPool } from '../src/privacy/redact-parallel';
import { SHARED_DIR } from '../test/support/shared';
import { args, finish, intArg, log, machine } from './lib/common';

const a = args({ seconds: 'string', smoke: 'boolean' });
const SECONDS = a.smoke ? 3 : intArg(a.seconds, 20);
const cfg = privacySchema.parse({});
const ENC = { preset: cfg.encoder.preset, crf: cfg.encoder.crf };

/** CPU seconds of this process (all threads) plus its reaped children (ffmpeg). */
function cpuS(): number {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100; // utime stime cutime cstime (ticks)
}

async function timed<T>(fn: () => Promise<T>): Promise<{ s: number; cpu: number; v: T }> {
  const t = performance.now();
  const c = cpuS();
  const v = await fn();
  return { s: (performance.now() - t) / 1000, cpu: cpuS() - c, v };
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-bench-privacy-'));
try {
  const gif = path.join(SHARED_DIR, 'media/intel-sample-videos/preview/face-demographics-walking-and-pause.gif');
  const clip = path.join(dir, 'clip.mp4');
  const source = existsSync(gif) ? 'intel face-demographics-walking-and-pause (looped, 1280x720)' : 'testsrc2 1280x720 (../shared absent: no faces)';
  const input = existsSync(gif) ? ['-stream_loop', '-1', '-i', gif] : ['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25'];
  await runFfmpeg(DEFAULT_TOOLS, ['-y', ...input, '-t', String(SECONDS), '-vf', 'scale=1280:720,fps=25', '-c:v', 'libx264', '-preset', 'veryfast', '-g', '50', '-pix_fmt', 'yuv420p', clip], { timeoutMs: 600_000 });
  log(`clip: ${SECONDS} s of ${source}`);

  const base = await timed(() => runFfmpeg(DEFAULT_TOOLS, plainTranscodeArgs({ input: clip, output: path.join(dir, 'plain.mp4'), encoder: ENC }), { timeoutMs: 3_600_000 }));
  log(`baseline transcode: ${base.s.toFixed(2)} s (${(SECONDS / base.s).toFixed(2)}× real time)`);

  const polys = [
    { label: 'a', points: [[0.05, 0.05], [0.3, 0.08], [0.28, 0.4], [0.06, 0.35]] as Array<[number, number]> },
    { label: 'b', points: [[0.6, 0.1], [0.95, 0.1], [0.95, 0.3], [0.6, 0.3]] as Array<[number, number]> },
    { label: 'c', points: [[0.4, 0.6], [0.55, 0.9], [0.3, 0.95]] as Array<[number, number]> },
  ];
  const { columns, rows } = cfg.maskGrid;
  const filter = maskFilter(rasterise(polys, columns, rows), columns, rows, cfg.fillColor);
  const mask = await timed(() => runFfmpeg(DEFAULT_TOOLS, maskedFileArgs({ input: clip, output: path.join(dir, 'masked.mp4'), filter, encoder: ENC }), { timeoutMs: 3_600_000 }));
  log(`masking: ${mask.s.toFixed(2)} s (${(SECONDS / mask.s).toFixed(2)}× real time)`);

  const profiles: Array<{ name: string; s: RedactionSettings & { faceTile: number; plates: boolean } }> = [
    { name: 'default', s: { ...cfg.redaction } },
    { name: 'fast', s: { ...cfg.redaction, detectEveryFrames: 6, faceTile: 0, plateSide: 320 } },
  ];
  const plates = await TextDetector.load({ detModel: defaultModelPaths().detModel, threads: 1 });
  const redaction: Record<string, unknown> = {};
  for (const p of profiles) {
    const faces = await FaceDetector.load({ threshold: cfg.redaction.faceThreshold, tile: p.s.faceTile });
    const det = { faces, plates: p.s.plates ? plates : null };
    const pass1 = await timed(() => analyseClip(DEFAULT_TOOLS, clip, det, p.s, silentLogger()));
    const pass2 = await timed(() => renderVerified(DEFAULT_TOOLS, clip, path.join(dir, `redacted-${p.name}.mp4`), pass1.v, new Set(), p.s, ENC, det, silentLogger()));
    const total = pass1.s + pass2.s;
    redaction[p.name] = {
      settings: { detectEveryFrames: p.s.detectEveryFrames, plateEveryFrames: p.s.plateEveryFrames, faceTile: p.s.faceTile, plateSide: p.s.plateSide, plates: p.s.plates },
      analyseS: +pass1.s.toFixed(2), renderAndCheckS: +pass2.s.toFixed(2), totalS: +total.toFixed(2), xRealTime: +(SECONDS / total).toFixed(2),
      tracks: pass2.v.analysis.tracks.length, addedByCheck: pass2.v.added, blurredBoxes: pass2.v.blurredBoxes,
    };
    redaction[p.name] = { ...(redaction[p.name] as object), cpuS: +(pass1.cpu + pass2.cpu).toFixed(1) };
    log(`redaction (${p.name}): CPU ${(pass1.cpu + pass2.cpu).toFixed(1)} s; analyse ${pass1.s.toFixed(2)} s + render & check ${pass2.s.toFixed(2)} s = ${(SECONDS / total).toFixed(2)}× real time; ${pass2.v.analysis.tracks.length} tracks`);
    await faces.dispose();
  }
  {
    const s = { ...cfg.redaction };
    const started = await timed(() => RedactionPool.start(2, { tools: DEFAULT_TOOLS, faces: { threshold: s.faceThreshold, tile: s.faceTile }, plates: s.plates }, silentLogger()));
    const pool = started.v;
    try {
      const pass1 = await timed(() => pool.analyse(clip, s));
      const pass2 = await timed(() => pool.renderVerified(clip, path.join(dir, 'redacted-parallel.mp4'), pass1.v, new Set(), s, ENC));
      const total = pass1.s + pass2.s;
      redaction.parallel2 = {
        settings: { detectEveryFrames: s.detectEveryFrames, plateEveryFrames: s.plateEveryFrames, faceTile: s.faceTile, plateSide: s.plateSide, plates: s.plates, workers: 2 },
        workerStartS: +started.s.toFixed(2), analyseS: +pass1.s.toFixed(2), renderAndCheckS: +pass2.s.toFixed(2), totalS: +total.toFixed(2), xRealTime: +(SECONDS / total).toFixed(2),
        cpuS: +(pass1.cpu + pass2.cpu).toFixed(1), tracks: pass2.v.analysis.tracks.length, addedByCheck: pass2.v.added, frames: pass2.v.frames,
      };
      log(`redaction (defaults, 2 workers): start ${started.s.toFixed(2)} s (not counted) + analyse ${pass1.s.toFixed(2)} s + render & check ${pass2.s.toFixed(2)} s = ${(SECONDS / total).toFixed(2)}× real time; ${pass2.v.analysis.tracks.length} tracks, ${pass2.v.frames} frames`);
    } finally {
      await pool.close();
    }
  }
  finish({
    bench: 'privacy-redact-speed', clipSeconds: SECONDS, source, resolution: '1280x720', fps: 25,
    encoder: `libx264 -preset ${ENC.preset} -crf ${ENC.crf} -pix_fmt yuv420p`,
    baseline: { s: +base.s.toFixed(2), cpuS: +base.cpu.toFixed(1), xRealTime: +(SECONDS / base.s).toFixed(2) },
    masking: { s: +mask.s.toFixed(2), xRealTime: +(SECONDS / mask.s).toFixed(2), vsBaseline: +(mask.s / base.s).toFixed(2) },
    redaction, target: '≥ 2× real time', machine: machine(),
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
