import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makeTestClip } from '../support/media';
import { SHARED_DIR, sharedSkip } from '../support/shared';
import { runCli } from '../support/cli';

const MODEL = path.join(SHARED_DIR, 'models/detection/yolox_nano_416.onnx');
const skip = sharedSkip('models/detection');

const run = (args: string[]) => runCli(args);

const lines = (s: string) => s.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { source: string; frame: number; t_ms?: number; detections: { label: string; score: number; box: number[] }[] });

let dir: string;
let seq: string;
let clip: string;
before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sv-detect-cli-'));
  seq = path.join(dir, 'seq');
  mkdirSync(seq);
  const grey = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=gray:s=320x240', '-frames:v', '1', path.join(seq, 'img2.png')], { encoding: 'utf8' });
  assert.equal(grey.status, 0, grey.stderr);
  if (!skip) copyFileSync(path.join(SHARED_DIR, 'mot/MOT17-05-FRCNN/img1/000001.jpg'), path.join(seq, 'img10.jpg'));
  else copyFileSync(path.join(seq, 'img2.png'), path.join(seq, 'img10.png'));
  writeFileSync(path.join(seq, 'notes.txt'), 'not an image');
  clip = makeTestClip(path.join(dir, 'clip.mp4'), { seconds: 1, width: 320, height: 240, fps: 10 });
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('a directory is a sequence in natural order: one JSON line a frame, source = dir joined with the file', { skip }, async () => {
  const r = await run(['detect', seq, '--model', MODEL, '--family', 'yolox', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = lines(r.stdout);
  assert.deepEqual(out.map((o) => [o.frame, o.source]), [[1, path.join(seq, 'img2.png')], [2, path.join(seq, 'img10.jpg')]]);
  assert.deepEqual(out[0]!.detections, []);
  const persons = out[1]!.detections.filter((d) => d.label === 'person');
  assert.ok(persons.length >= 2, r.stdout);
  for (const d of out[1]!.detections) {
    assert.deepEqual(Object.keys(d), ['label', 'score', 'box']);
    assert.equal(d.box.length, 4);
    assert.ok(d.score >= 0.3 && d.score <= 1 && Math.round(d.score * 1000) === d.score * 1000);
    // source pixels of the 640×480 MOT17-05 frame
    assert.ok(d.box[0]! >= 0 && d.box[0]! + d.box[2]! <= 640 && d.box[1]! + d.box[3]! <= 480);
  }
  const cars = await run(['detect', seq, '--model', MODEL, '--family', 'yolox', '--classes', 'car', '--threshold', '0.2', '--json']);
  assert.equal(cars.code, 0, cars.stderr);
  assert.ok(lines(cars.stdout).every((o) => o.detections.every((d) => d.label === 'car')));
});

test('a video: frames from 1 with t_ms; --fps samples', { skip }, async () => {
  const r = await run(['detect', clip, '--model', MODEL, '--family', 'yolox', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = lines(r.stdout);
  assert.deepEqual(out.map((o) => o.frame), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.deepEqual(out.map((o) => o.t_ms), [0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
  assert.ok(out.every((o) => o.source === clip && Array.isArray(o.detections)));
  const sampled = lines((await run(['detect', clip, '--model', MODEL, '--family', 'yolox', '--fps', '2', '--json'])).stdout);
  assert.deepEqual(sampled.map((o) => [o.frame, o.t_ms]), [[1, 0], [2, 500]]);
});

test('usage mistakes exit 2', async () => {
  for (const args of [
    ['detect', seq, '--model', MODEL, '--json'],
    ['detect', seq, '--family', 'yolox', '--json'],
    ['detect', seq, '--model', MODEL, '--family', 'yolov99', '--json'],
    ['detect', seq, '--model', MODEL, '--family', 'yolox', '--threshold', '1.5', '--json'],
  ]) {
    const r = await run(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
  }
});

test('an unknown --classes label exits 2 naming it', { skip }, async () => {
  const r = await run(['detect', seq, '--model', MODEL, '--family', 'yolox', '--classes', 'person,unicorn', '--json']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /'unicorn' is not a label/);
});

test('errors name the file and exit 1: a bad model, a wrong family, an image that does not decode', { skip }, async () => {
  const bad = path.join(dir, 'bad.onnx');
  writeFileSync(bad, 'nope');
  const r1 = await run(['detect', seq, '--model', bad, '--family', 'yolox', '--json']);
  assert.equal(r1.code, 1);
  assert.ok(r1.stderr.includes(bad), r1.stderr);
  const r2 = await run(['detect', seq, '--model', MODEL, '--family', 'nanodet', '--json']);
  assert.equal(r2.code, 1);
  assert.match(r2.stderr, /outputs of a nanodet model/);
  const broken = path.join(dir, 'broken');
  mkdirSync(broken);
  writeFileSync(path.join(broken, 'a1.jpg'), 'not a jpeg');
  copyFileSync(path.join(seq, 'img2.png'), path.join(broken, 'a2.png'));
  const r3 = await run(['detect', broken, '--model', MODEL, '--family', 'yolox', '--json']);
  assert.equal(r3.code, 1);
  assert.ok(r3.stderr.includes(path.join(broken, 'a1.jpg')), r3.stderr);
  // the sequence goes on; numbering keeps positions
  assert.deepEqual(lines(r3.stdout).map((o) => o.frame), [2]);
  const r4 = await run(['detect', path.join(dir, 'missing.jpg'), '--model', MODEL, '--family', 'yolox', '--json']);
  assert.equal(r4.code, 1);
  assert.match(r4.stderr, /missing\.jpg does not exist/);
});
