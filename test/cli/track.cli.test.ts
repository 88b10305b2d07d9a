import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makeTestClip } from '../support/media';
import { SHARED_DIR, sharedSkip } from '../support/shared';
import { runCli } from '../support/cli';

const MOT_LINE = /^(\d+),(\d+),(-?[\d.]+),(-?[\d.]+),([\d.]+),([\d.]+),([\d.]+),-1,-1,-1$/;

const run = (args: string[]) => runCli(args);

function parseLines(text: string): { frame: number; id: number; box: number[] }[] {
  return text.trim().split('\n').filter(Boolean).map((l) => {
    const m = MOT_LINE.exec(l);
    assert.ok(m, `not a MOT track line: '${l}'`);
    return { frame: Number(m[1]), id: Number(m[2]), box: [3, 4, 5, 6].map((k) => Number(m[k])) };
  });
}

let dir: string;
let frames: string;
let dets: string;
before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sv-track-cli-'));
  frames = path.join(dir, 'frames');
  mkdirSync(frames);
  // 12 frames named so that natural order differs from plain string order (f2 before f10).
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'color=c=gray:size=320x240:rate=10', '-frames:v', '12', '-start_number', '1', path.join(frames, 'f%d.jpg')]);
  assert.equal(r.status, 0, String(r.stderr));
  // Two people walking towards each other and crossing; one noisy false detection on frame 5 only.
  const lines: string[] = [];
  for (let f = 1; f <= 12; f++) {
    lines.push(`${f},-1,${20 + f * 15},100,30,80,0.95,-1,-1,-1`);
    lines.push(`${f},-1,${270 - f * 15},104,30,80,0.9,-1,-1,-1`);
    if (f === 5) lines.push(`${f},-1,10,10,20,20,0.7,-1,-1,-1`);
  }
  dets = path.join(dir, 'det.txt');
  writeFileSync(dets, `${lines.join('\n')}\n`);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('track --detections on a directory: MOT lines on stdout, two stable ids from frame 1, the one-frame blip dropped', async () => {
  const r = await run(['track', frames, '--detections', dets]);
  assert.equal(r.code, 0, r.stderr);
  const rows = parseLines(r.stdout);
  assert.deepEqual([...new Set(rows.map((x) => x.id))].sort(), [1, 2]);
  assert.equal(rows.length, 24, 'both people on all 12 frames, nothing else');
  for (const id of [1, 2]) assert.deepEqual(rows.filter((x) => x.id === id).map((x) => x.frame), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  // Each id stays on its walker: the one starting left keeps moving right.
  const leftId = rows.find((x) => x.frame === 1 && x.box[0]! < 100)!.id;
  const xs = rows.filter((x) => x.id === leftId).map((x) => x.box[0]!);
  assert.ok(xs.every((x, i) => i === 0 || x > xs[i - 1]!), `track ${leftId} moves right throughout: ${xs.join(' ')}`);
});

test('track --mot writes the file; detections past the last image are not used', async () => {
  const out = path.join(dir, 'out.txt');
  const extra = path.join(dir, 'det-extra.txt');
  writeFileSync(extra, `${readFileSync(dets, 'utf8')}13,-1,200,100,30,80,0.95\n14,-1,200,100,30,80,0.95\n`);
  const r = await run(['track', frames, '--detections', extra, '--mot', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /24 track lines written to/);
  const rows = parseLines(readFileSync(out, 'utf8'));
  assert.equal(Math.max(...rows.map((x) => x.frame)), 12);
});

test('track --detections on a video numbers its decoded frames from 1', async () => {
  const clip = makeTestClip(path.join(dir, 'clip.mp4'), { seconds: 1, width: 320, height: 240, fps: 10 });
  const r = await run(['track', clip, '--detections', dets]);
  assert.equal(r.code, 0, r.stderr);
  const rows = parseLines(r.stdout);
  assert.deepEqual([...new Set(rows.map((x) => x.frame))], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
});

test('bad input: a malformed det.txt names its line; a missing input or det file is named', async () => {
  const bad = path.join(dir, 'bad.txt');
  writeFileSync(bad, '1,-1,10,10,20,20,0.9\n2,-1,10,10,20\n');
  const r1 = await run(['track', frames, '--detections', bad]);
  assert.equal(r1.code, 1);
  assert.match(r1.stderr, /bad\.txt line 2: 5 fields; expected MOTChallenge detections/);
  const r2 = await run(['track', path.join(dir, 'nope'), '--detections', dets]);
  assert.equal(r2.code, 1);
  assert.match(r2.stderr, /nope does not exist/);
  const r3 = await run(['track', frames, '--detections', path.join(dir, 'nope.txt')]);
  assert.equal(r3.code, 1);
  assert.match(r3.stderr, /--detections .*nope\.txt does not exist/);
  const r4 = await run(['track', frames, '--detections', dets, '--model', 'x.onnx']);
  assert.equal(r4.code, 2);
  assert.match(r4.stderr, /--detections replaces the detector/);
  const empty = path.join(dir, 'empty');
  mkdirSync(empty);
  const r5 = await run(['track', empty, '--detections', dets]);
  assert.equal(r5.code, 1);
  assert.match(r5.stderr, /holds no image files/);
});

test('track --detections on the MOT17 snippets in ../shared writes valid lines for their frames', { skip: sharedSkip('mot') }, async () => {
  const root = path.join(SHARED_DIR, 'mot');
  for (const seq of readdirSync(root)) {
    const images = readdirSync(path.join(root, seq, 'img1')).length;
    const out = path.join(dir, `${seq}.txt`);
    const r = await run(['track', path.join(root, seq, 'img1'), '--detections', path.join(root, seq, 'det', 'det.txt'), '--mot', out]);
    assert.equal(r.code, 0, r.stderr);
    const rows = parseLines(readFileSync(out, 'utf8'));
    assert.ok(rows.length > 0, `${seq}: no tracks`);
    assert.deepEqual([...new Set(rows.map((x) => x.frame))].sort((a, b) => a - b), Array.from({ length: images }, (_, i) => i + 1), `${seq}: a line for every image`);
    for (const f of new Set(rows.map((x) => x.frame))) {
      const ids = rows.filter((x) => x.frame === f).map((x) => x.id);
      assert.equal(new Set(ids).size, ids.length, `${seq} frame ${f}: an id twice`);
    }
  }
});

test('track --model runs the ONNX detector on an image directory and tracks persons', { skip: sharedSkip('models/detection/yolox_nano_416.onnx') || sharedSkip('mot') }, async () => {
  const seq = path.join(SHARED_DIR, 'mot', 'MOT17-05-FRCNN');
  const out = path.join(dir, 'yolox.txt');
  const r = await run(['track', path.join(seq, 'img1'), '--model', path.join(SHARED_DIR, 'models/detection/yolox_nano_416.onnx'), '--family', 'yolox', '--classes', 'person', '--mot', out]);
  assert.equal(r.code, 0, r.stderr);
  const rows = parseLines(readFileSync(out, 'utf8'));
  const images = readdirSync(path.join(seq, 'img1')).length;
  assert.ok(rows.length >= images, `some persons tracked on ${images} frames: ${rows.length} lines`);
  assert.ok(rows.every((x) => x.frame >= 1 && x.frame <= images));
  // Ids that last: most lines belong to tracks seen on at least half of the frames.
  const perId = new Map<number, number>();
  for (const x of rows) perId.set(x.id, (perId.get(x.id) ?? 0) + 1);
  const long = rows.filter((x) => perId.get(x.id)! >= images / 2).length;
  assert.ok(long / rows.length > 0.7, `${long} of ${rows.length} lines on lasting tracks`);
});
