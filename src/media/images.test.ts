import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makeTestClip } from '../../test/support/media';
import { DEFAULT_TOOLS } from './ffmpeg';
import { decodeImageFile, decodeVideoFrames, parsePpm, type VideoFrame } from './images';

let dir: string;
let clip: string;
before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sv-images-'));
  clip = makeTestClip(path.join(dir, 'clip.mp4'), { seconds: 2, width: 160, height: 120, fps: 25 });
});
after(() => rmSync(dir, { recursive: true, force: true }));

function makeImage(name: string, color: string, size: string): string {
  const file = path.join(dir, name);
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `color=c=${color}:s=${size},format=rgb24`, '-frames:v', '1', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return file;
}

async function all(it: AsyncIterable<VideoFrame>): Promise<VideoFrame[]> {
  const out: VideoFrame[] = [];
  for await (const f of it) out.push(f);
  return out;
}

test('PNG, JPEG and BMP decode to packed RGB of their size', async () => {
  for (const [name, tol] of [['red.png', 2], ['red.jpg', 12], ['red.bmp', 2]] as const) {
    const img = await decodeImageFile(DEFAULT_TOOLS, makeImage(name, 'red', '33x17'));
    assert.equal(img.width, 33);
    assert.equal(img.height, 17);
    assert.equal(img.data.length, 33 * 17 * 3);
    const [r, g, b] = [img.data[3 * 40]!, img.data[3 * 40 + 1]!, img.data[3 * 40 + 2]!];
    assert.ok(r >= 255 - tol && g <= tol && b <= tol, `${name}: pixel ${r},${g},${b}`);
  }
});

test('an image that does not decode, or is missing: the error names the file', async () => {
  const bad = path.join(dir, 'broken.jpg');
  writeFileSync(bad, 'not a picture at all');
  await assert.rejects(decodeImageFile(DEFAULT_TOOLS, bad), (e: Error & { code?: string }) => e.code === 'image_undecodable' && e.message.includes(bad));
  await assert.rejects(decodeImageFile(DEFAULT_TOOLS, path.join(dir, 'nope.png')), (e: Error & { code?: string }) => e.code === 'image_not_found' && e.message.includes('nope.png'));
});

test('a video yields every frame from one ffmpeg, numbered from 1, with media time', async () => {
  const frames = await all(decodeVideoFrames(DEFAULT_TOOLS, clip));
  assert.equal(frames.length, 50);
  assert.deepEqual(frames.slice(0, 3).map((f) => [f.frame, f.tMs]), [[1, 0], [2, 40], [3, 80]]);
  assert.equal(frames.at(-1)!.tMs, 1960);
  assert.equal(frames[0]!.image.width, 160);
  assert.equal(frames[0]!.image.data.length, 160 * 120 * 3);
});

test('a video sampled at 5 fps and scaled to a longest side of 80', async () => {
  const frames = await all(decodeVideoFrames(DEFAULT_TOOLS, clip, { fps: 5, maxSide: 80 }));
  assert.equal(frames.length, 10);
  assert.deepEqual(frames.map((f) => f.tMs), [0, 200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800]);
  assert.deepEqual([frames[0]!.image.width, frames[0]!.image.height], [80, 60]);
});

test('leaving the loop early stops ffmpeg; a file that is not a video fails naming it', async () => {
  let n = 0;
  for await (const f of decodeVideoFrames(DEFAULT_TOOLS, clip)) if ((n = f.frame) === 2) break;
  assert.equal(n, 2);
  const bad = path.join(dir, 'garbage.mp4');
  writeFileSync(bad, Buffer.alloc(4096, 7));
  await assert.rejects(all(decodeVideoFrames(DEFAULT_TOOLS, bad)), (e: Error & { code?: string }) => e.code === 'video_undecodable' && e.message.includes(bad));
});

test('an MP4 cut short: the frames that are there come out, then an error naming the file', async () => {
  const whole = readFileSync(clip);
  const cut = path.join(dir, 'cut.mp4');
  writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
  const seen: number[] = [];
  await assert.rejects(
    (async () => {
      for await (const f of decodeVideoFrames(DEFAULT_TOOLS, cut)) seen.push(f.frame);
    })(),
    (e: Error & { code?: string }) => e.code === 'video_truncated' && e.message.includes(cut) && e.message.includes(`after frame ${seen.length}`),
  );
  assert.ok(seen.length > 5 && seen.length < 50, `${seen.length} frames`);
});

test('parsePpm waits for a whole frame and reads its size from the header', () => {
  const frame = Buffer.concat([Buffer.from('P6\n2 1\n255\n'), Buffer.from([1, 2, 3, 4, 5, 6])]);
  assert.equal(parsePpm(frame.subarray(0, 12)), null);
  const p = parsePpm(Buffer.concat([frame, Buffer.from('P6')]));
  assert.deepEqual(p && { w: p.image.width, h: p.image.height, data: [...p.image.data], end: p.end }, { w: 2, h: 1, data: [1, 2, 3, 4, 5, 6], end: frame.length });
});
