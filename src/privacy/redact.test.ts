import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { SHARED_DIR, sharedSkip } from '../../test/support/shared';
import { silentLogger } from '../core/logger';
import { DEFAULT_TOOLS, runFfmpeg } from '../media/ffmpeg';
import { probeVideoGeometry } from '../media/privacy-filters';
import { TextDetector } from '../plates/read/detector';
import { defaultModelPaths } from '../plates/read/models';
import { FaceDetector } from './faces';
import { analyseClip, renderRedacted, renderVerified, yuv420ToRgb } from './redact';
import { RedactionPool } from './redact-parallel';
import { summarise } from './tracks';

// Real people walking towards an indoor camera (Intel sample videos, CC-BY-4.0): BlazeFace finds their faces.
const GIF = 'media/intel-sample-videos/preview/face-demographics-walking-and-pause.gif';
const skip = sharedSkip(GIF);
const settings = { detectEveryFrames: 3, holdFrames: 8, padding: 0.25 };
const THRESHOLD = 0.5;

let dir = '';
let clip = '';
let faces: FaceDetector;

/** Faces (score ≥ THRESHOLD) per frame of a video, every frame. */
async function facesPerFrame(file: string): Promise<number[]> {
  const g = await probeVideoGeometry(DEFAULT_TOOLS, file);
  const raw = (await runFfmpeg(DEFAULT_TOOLS, ['-i', file, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1'], { timeoutMs: 120_000, maxStdoutBytes: 1 << 30 })).stdout;
  const size = (g.width * g.height * 3) / 2;
  const out: number[] = [];
  for (let off = 0; off + size <= raw.length; off += size) {
    const found = await faces.detect(yuv420ToRgb(new Uint8Array(raw.subarray(off, off + size)), g.width, g.height));
    out.push(found.filter((f) => f.score >= THRESHOLD).length);
  }
  return out;
}

before(async () => {
  if (skip) return;
  dir = mkdtempSync(path.join(os.tmpdir(), 'sv-redact-'));
  clip = path.join(dir, 'faces.mp4');
  // The camera's original as an export holds it: H.264 MP4.
  await runFfmpeg(DEFAULT_TOOLS, ['-y', '-i', path.join(SHARED_DIR, GIF), '-vf', 'scale=trunc(iw/2)*2:trunc(ih/2)*2,fps=10', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', clip], { timeoutMs: 60_000 });
  faces = await FaceDetector.load({ threshold: THRESHOLD, tile: 384 });
});
after(() => {
  faces?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('redaction leaves no detectable face in the released copy, while the original has faces; a kept track stays visible', { skip, timeout: 600_000 }, async () => {
  const plates = await TextDetector.load({ detModel: defaultModelPaths().detModel, threads: 1 });
  const a = await analyseClip(DEFAULT_TOOLS, clip, { faces, plates }, settings, silentLogger());
  const tracks = summarise(a.tracks, a.fps, a.width, a.height);
  const faceTracks = tracks.filter((t) => t.kind === 'face');
  assert.ok(faceTracks.length >= 1, `face tracks found: ${JSON.stringify(tracks)}`);
  // Tracks join detections over time (not one track per detection).
  assert.ok(faceTracks.some((t) => t.detections >= 3), JSON.stringify(faceTracks));

  const before = await facesPerFrame(clip);
  const withFaces = before.filter((n) => n > 0).length;
  assert.ok(withFaces >= before.length / 3, `the original has faces in ${withFaces} of ${before.length} frames`);

  const out = path.join(dir, 'redacted.mp4');
  const r = await renderVerified(DEFAULT_TOOLS, clip, out, a, new Set(), settings, { preset: 'veryfast', crf: 23 }, { faces, plates }, silentLogger());
  assert.equal(r.frames, a.frameCount);
  assert.ok(r.blurredBoxes > 0);
  const afterCounts = await facesPerFrame(out);
  assert.equal(afterCounts.length, before.length, 'same number of frames');
  const leaks = afterCounts.map((n, i) => [i, n] as const).filter(([, n]) => n > 0);
  assert.deepEqual(leaks, [], `faces detectable in the redacted copy at frames ${JSON.stringify(leaks)}`);

  // Keeping the longest face track (the requester of a subject-access request) leaves that face visible.
  const longest = [...faceTracks].sort((x, y) => y.detections - x.detections)[0]!;
  const keptOut = path.join(dir, 'kept.mp4');
  await renderRedacted(DEFAULT_TOOLS, clip, keptOut, a, new Set([longest.id]), settings, { preset: 'veryfast', crf: 23 }, silentLogger());
  const kept = await facesPerFrame(keptOut);
  const visible = kept.slice(longest.firstFrame, longest.lastFrame + 1).filter((n) => n > 0).length;
  assert.ok(visible >= (longest.lastFrame - longest.firstFrame + 1) / 3, `the kept face is detectable in ${visible} frames of its track`);
});

// Redaction over 2 worker threads (the default, privacy.redaction.workers: 2) must give what one thread gives:
// the same tracks, and the very same released copy (pass 1's frames and the check's windows are spread over the
// workers; decode, blur and encode stay in one thread), with no detectable face in it.
test('redaction over 2 worker threads: the same tracks and the same released copy as one thread, every frame, no detectable face', { skip, timeout: 600_000 }, async () => {
  // The clip of the test above: the copy made on the workers must pass it too, and be the one-thread copy exactly.
  const s = { ...settings, plateEveryFrames: 6 };
  const plates = await TextDetector.load({ detModel: defaultModelPaths().detModel, threads: 1 });
  const single = await analyseClip(DEFAULT_TOOLS, clip, { faces, plates }, s, silentLogger());
  const singleOut = path.join(dir, 'single.mp4');
  const one = await renderVerified(DEFAULT_TOOLS, clip, singleOut, single, new Set(), s, { preset: 'veryfast', crf: 23 }, { faces, plates }, silentLogger());
  const pool = await RedactionPool.start(2, { tools: DEFAULT_TOOLS, faces: { threshold: THRESHOLD, tile: 384 }, plates: true }, silentLogger());
  try {
    const a = await pool.analyse(clip, s);
    assert.equal(a.frameCount, single.frameCount);
    assert.deepEqual(a.tracks, single.tracks, 'the tracks of one thread');
    assert.deepEqual(a.faceWindows, single.faceWindows, 'the per-window faces of one thread');
    assert.ok(a.tracks.some((t) => t.kind === 'face'));
    const out = path.join(dir, 'parallel.mp4');
    const r = await pool.renderVerified(clip, out, a, new Set(), s, { preset: 'veryfast', crf: 23 });
    assert.equal(r.frames, a.frameCount, 'every frame encoded once');
    assert.deepEqual(r.analysis.tracks, one.analysis.tracks, 'the same check finds as one thread');
    assert.equal(r.checkedWindows + r.reusedWindows, one.checkedWindows + one.reusedWindows, 'every window of every checked frame, run or reused');
    assert.equal(r.reusedWindows, one.reusedWindows);
    assert.equal(sha256(readFileSync(out)), sha256(readFileSync(singleOut)), 'the same released copy as one thread, byte for byte');
    const counts = await facesPerFrame(out);
    assert.equal(counts.length, a.frameCount, 'the copy has every frame');
    const leaks = counts.map((n, i) => [i, n] as const).filter(([, n]) => n > 0);
    assert.deepEqual(leaks, [], `faces detectable in the redacted copy at frames ${JSON.stringify(leaks)}`);
  } finally {
    await pool.close();
  }
});

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}
