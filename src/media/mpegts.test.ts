import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { makeTestClip } from '../../test/support/media';
import { measureTs } from './mpegts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-ts-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('an H.264 MPEG-TS file: codec, duration and keyframe offsets from one pass', () => {
  const file = makeTestClip(path.join(dir, 'a.ts'), { seconds: 3, fps: 25, gopSeconds: 1, width: 160, height: 96, format: 'ts' });
  const m = measureTs(readFileSync(file));
  assert.equal(m.codec, 'h264');
  assert.equal(m.frames, 75);
  assert.equal(m.durationMs, 3000);
  assert.deepEqual(m.keyframesMs, [0, 1000, 2000]);
  assert.equal(m.hasAudio, false);
  assert.deepEqual([m.partialBytes, m.syncErrors, m.ccErrors], [0, 0, 0]);
});

test('a file cut mid-packet is measured up to the cut; garbage has no frames', () => {
  const full = readFileSync(makeTestClip(path.join(dir, 'b.ts'), { seconds: 2, fps: 25, gopSeconds: 1, width: 160, height: 96, format: 'ts' }));
  const len = Math.floor(full.length * 0.6) + 77;
  const cut = measureTs(full.subarray(0, len));
  assert.ok(cut.frames > 10 && cut.frames < 50, `frames ${cut.frames}`);
  assert.equal(cut.partialBytes, len % 188);
  assert.deepEqual(cut.keyframesMs.slice(0, 1), [0]);
  const junk = Buffer.alloc(188 * 20, 0x47);
  assert.equal(measureTs(junk).frames, 0);
  assert.equal(measureTs(Buffer.from('not a transport stream at all')).frames, 0);
});
