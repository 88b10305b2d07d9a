import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { isAppError } from '../core/errors';
import { DEFAULT_TOOLS } from '../media/ffmpeg';
import { decodeRawFrames } from '../media/raw-decode';
import { makeTestClip } from '../../test/support/media';
import { prng } from '../../test/support/prng';
import { sampleFile, sampleRecording, type FileFrame, type RecordedPiece } from './file-sampler';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-file-sampler-'));
let clip: string;
before(() => {
  clip = makeTestClip(path.join(dir, 'clip.mp4'), { seconds: 10, width: 640, height: 360, fps: 25, gopSeconds: 1 });
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function failure(it: AsyncIterable<unknown>): Promise<Error & { code?: string }> {
  try {
    await all(it);
  } catch (err) {
    return err as Error & { code?: string };
  }
  assert.fail('expected an error');
}

test('a file at or below its keyframe rate: keyframes only, frame times from 0, progress to 1', async () => {
  const plans: boolean[] = [];
  const progress: Array<[number, number]> = [];
  const t0 = Date.now();
  const frames = await all(sampleFile(DEFAULT_TOOLS, clip, { fps: 1, maxSide: 416, onPlan: (p) => plans.push(p.keyframesOnly), onProgress: (d, t) => progress.push([d, t]) }));
  const took = Date.now() - t0;
  assert.deepEqual(plans, [true]);
  assert.deepEqual(frames.map((f) => f.tMs), [0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000]);
  assert.deepEqual(frames.map((f) => f.seq), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.deepEqual([frames[0]!.rgb.width, frames[0]!.rgb.height, frames[0]!.sourceWidth, frames[0]!.sourceHeight], [416, 234, 640, 360]);
  assert.ok(frames.every((f, i) => i === 0 || f.progress > frames[i - 1]!.progress));
  assert.deepEqual(progress.at(-1), [10_000, 10_000]);
  assert.ok(took < 10_000, `faster than real time: ${took} ms for 10 s`);
  // Different frames of a moving pattern (not one frame repeated).
  assert.notDeepEqual(frames[0]!.rgb.data, frames[1]!.rgb.data);
});

test('a file above its keyframe rate: full decode at the asked rate', async () => {
  const plans: boolean[] = [];
  const frames = await all(sampleFile(DEFAULT_TOOLS, clip, { fps: 4, maxSide: 320, onPlan: (p) => plans.push(p.keyframesOnly) }));
  assert.deepEqual(plans, [false]);
  assert.equal(frames.length, 40);
  assert.equal(frames[5]!.tMs, 1250);
  assert.deepEqual([frames[0]!.rgb.width, frames[0]!.rgb.height], [320, 180]);
});

test('cancelled through its AbortSignal: the iterator ends with the abort reason at once', async () => {
  const ac = new AbortController();
  const got: FileFrame[] = [];
  const t0 = Date.now();
  const err = await failure(
    (async function* () {
      for await (const f of sampleFile(DEFAULT_TOOLS, clip, { fps: 10, maxSide: 416, signal: ac.signal })) {
        got.push(f);
        if (got.length === 3) ac.abort();
        yield f;
      }
    })(),
  );
  assert.equal(err.name, 'AbortError');
  assert.ok(got.length >= 3 && got.length < 20, `${got.length} frames before the stop`);
  assert.ok(Date.now() - t0 < 8000);
  const pre = new AbortController();
  pre.abort();
  assert.equal((await failure(sampleRecording(DEFAULT_TOOLS, [{ path: clip, startMs: 0, endMs: 10_000 }], { fps: 1, maxSide: 416, signal: pre.signal }))).name, 'AbortError');
});

test('a truncated file ends early → an error naming it; garbage and a missing file too', async () => {
  const whole = readFileSync(clip);
  const cut = path.join(dir, 'cut.mp4');
  writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.45)));
  const e1 = await failure(sampleFile(DEFAULT_TOOLS, cut, { fps: 1, maxSide: 416 }));
  assert.ok(isAppError(e1));
  assert.match(e1.code!, /^video_(truncated|undecodable)$/);
  assert.ok(e1.message.includes(cut), e1.message);

  const junk = path.join(dir, 'junk.mp4');
  const rnd = prng(7);
  writeFileSync(junk, Buffer.from(Array.from({ length: 50_000 }, () => Math.floor(rnd() * 256))));
  const e2 = await failure(sampleFile(DEFAULT_TOOLS, junk, { fps: 1, maxSide: 416 }));
  assert.equal(e2.code, 'video_undecodable');
  assert.ok(e2.message.includes(junk), e2.message);

  const e3 = await failure(sampleFile(DEFAULT_TOOLS, path.join(dir, 'absent.mp4'), { fps: 1, maxSide: 416 }));
  assert.equal(e3.code, 'video_not_found');
});

test('a stalled decode is stopped with an error naming the input', async () => {
  const it = decodeRawFrames(DEFAULT_TOOLS, ['-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc=size=64x36:rate=0.25', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'], { frameBytes: 64 * 36, what: 'slow-source', stallMs: 1500 });
  const err = await failure(it);
  assert.equal(err.code, 'video_stalled');
  assert.match(err.message, /^slow-source: decoding stalled/);
});

test('recorded segments: one time line (segment start + media time), progress over the range, a damaged segment named', async () => {
  const ts = makeTestClip(path.join(dir, 'rec.ts'), { seconds: 9, width: 640, height: 360, fps: 25, gopSeconds: 1, format: 'ts' });
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', ts, '-c', 'copy', '-f', 'segment', '-segment_time', '3', '-segment_format', 'mpegts', path.join(dir, 'seg-%03d.ts')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const files = readdirSync(dir).filter((f) => f.startsWith('seg-')).sort();
  assert.equal(files.length, 3);
  const T0 = Date.UTC(2026, 10, 24, 1, 0, 0);
  const pieces: RecordedPiece[] = files.map((f, i) => ({ path: path.join(dir, f), startMs: T0 + i * 3000, endMs: T0 + (i + 1) * 3000, width: 640, height: 360, keyframes: [0, 1000, 2000] }));
  const progress: number[] = [];
  const frames = await all(sampleRecording(DEFAULT_TOOLS, pieces, { fps: 1, maxSide: 416, source: 'cam-7', onProgress: (d) => progress.push(d) }));
  assert.deepEqual(frames.map((f) => f.tMs - T0), [0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000]);
  assert.ok(frames.every((f) => f.source === 'cam-7'));
  assert.equal(frames.at(-1)!.seq, 9);
  assert.equal(progress.at(-1), 9000);
  assert.ok(progress.every((p, i) => i === 0 || p >= progress[i - 1]!), 'progress never goes back');

  const broken = path.join(dir, 'broken.ts');
  const whole = readFileSync(pieces[1]!.path);
  writeFileSync(broken, whole.subarray(0, Math.floor(whole.length * 0.3)));
  const err = await failure(sampleRecording(DEFAULT_TOOLS, [pieces[0]!, { ...pieces[1]!, path: broken }, pieces[2]!], { fps: 1, maxSide: 416 }));
  assert.equal(err.code, 'video_truncated');
  assert.ok(err.message.includes(broken), err.message);
});
