import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { silentLogger } from '../core/logger';
import { DEFAULT_TOOLS } from '../media/ffmpeg';
import { ffmpegInputArgs } from '../ingest/source';
import { makeTestClip } from '../../test/support/media';
import { FrameReader } from './frames';
import { FrameSampler, gopFromKeyframes, samplerArgs } from './sampler';
import type { GreyFrame } from './tamper';

test('FrameReader cuts any chunking into whole frames and holds at most one partial frame', () => {
  const got: GreyFrame[] = [];
  const r = new FrameReader({ width: 4, height: 3 }, (f) => got.push(f));
  const bytes = Buffer.from(Array.from({ length: 30 }, (_, i) => i));
  r.push(bytes.subarray(0, 5));
  r.push(bytes.subarray(5, 13));
  r.push(bytes.subarray(13, 30));
  assert.equal(got.length, 2, '30 bytes = two 12-byte frames and 6 bytes pending');
  assert.deepEqual([...got[1]!.data], Array.from({ length: 12 }, (_, i) => 12 + i));
  got[0]!.data[0] = 99;
  r.push(Buffer.alloc(6, 7));
  assert.equal(got.length, 3);
  assert.equal(got[2]!.data[0], 24, 'frames do not share memory with the reader');
});

test('sampler arguments: keyframes only as a decoder option before -i, one thread, rate and size on the output', () => {
  const input = ['-rtsp_transport', 'tcp', '-i', 'rtsp://u:p@cam/sub'];
  const a = samplerArgs({ inputArgs: input, intervalMs: 5000, keyframesOnly: true, width: 64, height: 36 });
  assert.ok(a.indexOf('-skip_frame') < a.indexOf('-i') && a[a.indexOf('-skip_frame') + 1] === 'nokey');
  assert.equal(a[a.indexOf('-threads') + 1], '1');
  assert.match(a[a.indexOf('-vf') + 1]!, /^fps=1000\/5000,scale=64:36:flags=area,format=gray$/);
  assert.equal(a.at(-1), 'pipe:1');
  assert.ok(!samplerArgs({ inputArgs: input, intervalMs: 1000, keyframesOnly: false, width: 64, height: 36 }).includes('-skip_frame'));
});

test('GOP from keyframe offsets', () => {
  assert.equal(gopFromKeyframes([0, 2000, 4000, 6040, 8000]), 2000);
  assert.equal(gopFromKeyframes([0]), null);
});

test('a sampler delivers one frame per interval from a looping source, restarts after a failure and stops cleanly', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-sampler-'));
  try {
    const clip = makeTestClip(path.join(dir, 'clip.mp4'), { seconds: 2, width: 320, height: 180, fps: 10, gopSeconds: 1 });
    const frames: number[] = [];
    const s = new FrameSampler({
      tools: DEFAULT_TOOLS,
      inputArgs: ffmpegInputArgs({ url: `file://${clip}`, transport: 'auto' }, { defaultTransport: 'tcp' }),
      intervalMs: 1000,
      keyframesOnly: true,
      width: 64,
      height: 36,
      restartInitialDelayMs: 100,
      restartMaxDelayMs: 1000,
      stallTimeoutMs: 5000,
      log: silentLogger(),
      onFrame: (f, at) => {
        assert.equal(f.data.length, 64 * 36);
        frames.push(at);
      },
    });
    s.start();
    const t0 = Date.now();
    while (frames.length < 4 && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 50));
    await s.stop();
    assert.ok(frames.length >= 4, `${frames.length} frames`);
    const gaps = frames.slice(2).map((t, i) => t - frames[i + 1]!);
    assert.ok(gaps.every((g) => g > 600 && g < 1500), `about one frame a second at real time across the loop: ${gaps.join(', ')}`);
    assert.equal(s.state, 'stopped');

    const exits: string[] = [];
    const broken = new FrameSampler({
      tools: DEFAULT_TOOLS, inputArgs: ['-i', path.join(dir, 'missing.mp4')], intervalMs: 1000, keyframesOnly: false, width: 64, height: 36,
      restartInitialDelayMs: 50, restartMaxDelayMs: 200, stallTimeoutMs: 5000, log: silentLogger(), onFrame: () => undefined,
      onExit: (e) => exits.push(e.cause),
    });
    broken.start();
    const t1 = Date.now();
    while (broken.stats.runs < 3 && Date.now() - t1 < 10_000) await new Promise((r) => setTimeout(r, 20));
    await broken.stop();
    assert.ok(broken.stats.runs >= 3, `restarted with back-off: ${broken.stats.runs} runs`);
    assert.ok(exits.filter((e) => e === 'exited').length >= 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
