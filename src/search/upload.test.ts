import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_TOOLS } from '../media/ffmpeg';
import { encodeJpeg } from '../media/jpeg';
import { personCrop, RED, BLUE } from './search.fixtures';
import { decodeUpload, targetCrop } from './upload';

const picture = personCrop(RED, BLUE, 1, 200, 120);

test('the largest person or vehicle of an uploaded picture is the target', () => {
  const { crop, label } = targetCrop(picture, [
    { label: 'person', classId: 0, score: 0.9, box: [10, 10, 20, 50] },
    { label: 'car', classId: 2, score: 0.8, box: [60, 20, 100, 60] },
    { label: 'handbag', classId: 26, score: 0.9, box: [0, 0, 150, 110] },
  ]);
  assert.equal(label, 'car');
  assert.ok(crop.width >= 100 && crop.height >= 60);
});

test('a picture with no person or vehicle is refused, saying so', () => {
  for (const dets of [[], [{ label: 'handbag', classId: 26, score: 0.9, box: [0, 0, 50, 50] as [number, number, number, number] }]]) {
    assert.throws(() => targetCrop(picture, dets), (e: Error & { code?: string; status?: number }) => e.code === 'no_target_in_image' && e.status === 422 && /no person or vehicle/.test(e.message));
  }
});

test('uploads decode through ffmpeg; bytes that are no picture are refused clearly', async () => {
  const jpeg = await encodeJpeg(DEFAULT_TOOLS, picture, { quality: 2 });
  const img = await decodeUpload(DEFAULT_TOOLS, `data:image/jpeg;base64,${jpeg.toString('base64')}`);
  assert.deepEqual([img.width, img.height], [200, 120]);
  await assert.rejects(decodeUpload(DEFAULT_TOOLS, 'AAAA'), /empty or not base64/);
  await assert.rejects(decodeUpload(DEFAULT_TOOLS, Buffer.from('this is not an image at all, only text').toString('base64')), /the upload does not decode as an image/);
});
