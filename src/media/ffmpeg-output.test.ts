import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyFailure, parseSegmentLine, parseStreamLine, StdoutParser, type Progress, type SegmentListEntry } from './ffmpeg-output';

test('stdout: progress blocks and segment-list lines are told apart, across chunk boundaries', () => {
  const progress: Progress[] = [];
  const segments: SegmentListEntry[] = [];
  const p = new StdoutParser({ progress: (x) => progress.push(x), segment: (x) => segments.push(x) });
  p.push('frame=50\nfps=25.0\nout_time_us=2120011\nout_time_ms=2120011\nprogr');
  p.push('ess=continue\n1795485422851-000000.ts,0.000000,2.960000\nout_time_us=N/A\nprogress=continue\n');
  p.push('1795485422851-000001.ts,2.960000,4.960000\nframe=124\nout_time_us=4960000\nprogress=end\n');
  assert.deepEqual(progress, [
    { outTimeMs: 2120, frame: 50, end: false },
    { outTimeMs: null, frame: null, end: false },
    { outTimeMs: 4960, frame: 124, end: true },
  ]);
  assert.deepEqual(segments, [
    { file: '1795485422851-000000.ts', startSec: 0, endSec: 2.96 },
    { file: '1795485422851-000001.ts', startSec: 2.96, endSec: 4.96 },
  ]);
  assert.equal(parseSegmentLine('x.ts,3,2'), null, 'end before start');
  assert.equal(parseSegmentLine('bitrate=N/A'), null);
});

test('failures are classified from ffmpeg\'s own words', () => {
  assert.equal(classifyFailure(['[rtsp @ 0x1] [error] method DESCRIBE failed: 401 Unauthorized', '[error] rtsp://***@h/x: Server returned 401 Unauthorized (authorization failed)']), 'auth_failed');
  assert.equal(classifyFailure(['[error] rtsp://h/x: Server returned 404 Not Found']), 'not_found');
  assert.equal(classifyFailure(['[tcp @ 0x1] [error] Connection to tcp://127.0.0.1:1?timeout=0 failed: Connection refused']), 'unreachable');
  assert.equal(classifyFailure(['[error] rtsp://10.0.0.9/x: Connection timed out']), 'unreachable');
  assert.equal(classifyFailure(['[error] /tmp/x.ts: Invalid data found when processing input']), 'invalid_data');
  assert.equal(classifyFailure(['[info]   Duration: N/A, start: 0.000000, bitrate: 403 kb/s']), 'exited', 'a bitrate of 403 is not a 403');
  assert.equal(classifyFailure([]), 'exited');
});

test('stream facts come from the input stream line', () => {
  assert.deepEqual(parseStreamLine('[info]   Stream #0:0: Video: h264 (Constrained Baseline), yuv420p(progressive), 320x240, 25 fps, 25 tbr, 90k tbn'), { codec: 'h264', width: 320, height: 240, fps: 25 });
  assert.deepEqual(parseStreamLine('  Stream #0:0[0x1](und): Video: hevc (Main) (hvc1 / 0x31637668), yuv420p(tv), 1920x1080 [SAR 1:1 DAR 16:9], 4000 kb/s, 12.50 fps, 25 tbr'), { codec: 'hevc', width: 1920, height: 1080, fps: 12.5 });
  assert.equal(parseStreamLine('  Stream #0:1: Audio: aac (LC), 8000 Hz, mono, fltp'), null);
});
