import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ValidationError } from '../core/errors';
import { DEFAULT_TOOLS, runFfmpeg, runFfprobe } from './ffmpeg';
import { encodeJpeg } from './jpeg';

function gradient(width: number, height: number): { width: number; height: number; data: Uint8Array } {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    data[i * 3] = (i % width) % 256;
    data[i * 3 + 1] = Math.floor(i / width) % 256;
    data[i * 3 + 2] = 128;
  }
  return { width, height, data };
}

test('encodes RGB to a JPEG scaled to maxSide, and its pixels come back close to the original', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-jpeg-'));
  try {
    const jpeg = await encodeJpeg(DEFAULT_TOOLS, gradient(1280, 720), { maxSide: 640 });
    assert.deepEqual([jpeg[0], jpeg[1]], [0xff, 0xd8]);
    const file = path.join(dir, 'x.jpg');
    writeFileSync(file, jpeg);
    const probe = JSON.parse((await runFfprobe(DEFAULT_TOOLS, ['-of', 'json', '-show_streams', file])).stdout.toString()) as { streams: Array<{ codec_name: string; width: number; height: number }> };
    assert.deepEqual([probe.streams[0]!.codec_name, probe.streams[0]!.width, probe.streams[0]!.height], ['mjpeg', 640, 360]);
    assert.ok(jpeg.length < 60_000, `small: ${jpeg.length} bytes`);

    const small = await encodeJpeg(DEFAULT_TOOLS, gradient(100, 50));
    writeFileSync(file, small);
    const raw = (await runFfmpeg(DEFAULT_TOOLS, ['-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'])).stdout;
    assert.equal(raw.length, 100 * 50 * 3, 'not scaled when already small');
    const orig = gradient(100, 50).data;
    let err = 0;
    for (let i = 0; i < raw.length; i++) err += Math.abs(raw[i]! - orig[i]!);
    assert.ok(err / raw.length < 6, `mean abs error ${err / raw.length}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a buffer of the wrong size is refused before ffmpeg runs', async () => {
  await assert.rejects(encodeJpeg(DEFAULT_TOOLS, { width: 10, height: 10, data: new Uint8Array(299) }), ValidationError);
});
