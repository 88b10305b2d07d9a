import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { expectedUniformCount, writeDensityTestModel } from '../../src/crowd/count/test-models';
import { SHARED_DIR, sharedSkip } from '../support/shared';
import { runCli } from '../support/cli';


const run = (args: string[]) => runCli(args);

type Line = { source: string; count: number; t_ms?: number; density?: number };
const lines = (s: string) => s.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);

function ffmpeg(args: string[]): void {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}
const png = (file: string, colour: string, size = '64x64') => ffmpeg(['-f', 'lavfi', '-i', `color=c=${colour}:s=${size}`, '-frames:v', '1', file]);

let dir: string;
let model: string;
let wrong: string;
const WHITE = expectedUniformCount(255, 64);
before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sv-crowd-cli-'));
  model = writeDensityTestModel(path.join(dir, 'density.onnx'), { size: 64, k: 8 });
  wrong = writeDensityTestModel(path.join(dir, 'wrong.onnx'), { size: 64, k: 8, wrong: true });
  mkdirSync(path.join(dir, 'frames/cam1'), { recursive: true });
  png(path.join(dir, 'frames/cam1/white.png'), 'white');
  png(path.join(dir, 'frames/black.png'), 'black');
  writeFileSync(path.join(dir, 'frames/notes.txt'), 'not an image');
  png(path.join(dir, 'single.png'), 'white');
  writeFileSync(path.join(dir, 'broken.jpg'), 'this is not a JPEG');
  // left half white, right half black
  ffmpeg(['-f', 'lavfi', '-i', 'color=c=white:s=32x64', '-f', 'lavfi', '-i', 'color=c=black:s=32x64', '-filter_complex', 'hstack', '-frames:v', '1', path.join(dir, 'half.png')]);
  // 3 s of video at 10 fps, 64×64
  ffmpeg(['-f', 'lavfi', '-i', 'color=c=white:s=64x64:r=10:d=3', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', path.join(dir, 'clip.mp4')]);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('density model: one JSON line per image, directories recursive (source below the directory), fractional counts, a black frame counts 0', async () => {
  const r = await run(['crowd', 'count', path.join(dir, 'frames'), path.join(dir, 'single.png'), '--model', model, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = lines(r.stdout);
  assert.deepEqual(out.map((l) => l.source), ['black.png', 'cam1/white.png', path.join(dir, 'single.png')]);
  assert.equal(out[0]!.count, 0);
  assert.ok(Math.abs(out[1]!.count - WHITE) < 0.01, `${out[1]!.count} ≈ ${WHITE}`);
  assert.ok(!Number.isInteger(out[1]!.count), 'a density count is fractional');
  assert.deepEqual(Object.keys(out[1]!), ['source', 'count']);
});

test('video: one line per sampled frame (default 1 fps) with t_ms', async () => {
  const r = await run(['crowd', 'count', path.join(dir, 'clip.mp4'), '--model', model, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = lines(r.stdout);
  assert.deepEqual(out.map((l) => l.t_ms), [0, 1000, 2000]);
  assert.ok(out.every((l) => l.source === path.join(dir, 'clip.mp4') && l.count > 0));
  const r2 = await run(['crowd', 'count', path.join(dir, 'clip.mp4'), '--model', model, '--fps', '2', '--json']);
  assert.equal(lines(r2.stdout).length, 6);
});

test('--calibration: "density" = persons in the region ÷ its ground area (persons per m²)', async () => {
  // the image corners on a 20 m (east) × 10 m (north) rectangle
  const lat0 = 22.3;
  const lon0 = 114.17;
  const mPerDegLat = (6_371_008.8 * Math.PI) / 180;
  const dLat = 10 / mPerDegLat;
  const dLon = 20 / (mPerDegLat * Math.cos(((lat0 + dLat / 2) * Math.PI) / 180));
  const pairs = [
    { image: [0, 0], ground: [lat0 + dLat, lon0] },
    { image: [1, 0], ground: [lat0 + dLat, lon0 + dLon] },
    { image: [1, 1], ground: [lat0, lon0 + dLon] },
    { image: [0, 1], ground: [lat0, lon0] },
  ];
  writeFileSync(path.join(dir, 'cal.json'), JSON.stringify({ pairs }));
  writeFileSync(path.join(dir, 'cal-right.json'), JSON.stringify({ pairs, region: [[0.5, 0], [1, 0], [1, 1], [0.5, 1]] }));
  writeFileSync(path.join(dir, 'cal-left-px.json'), JSON.stringify({ pairs: pairs.map((p) => ({ image: [p.image[0]! * 64, p.image[1]! * 64], ground: p.ground })), imageSize: [64, 64], region: [[0, 0], [32, 0], [32, 64], [0, 64]] }));
  const whole = lines((await run(['crowd', 'count', path.join(dir, 'half.png'), '--model', model, '--calibration', path.join(dir, 'cal.json'), '--json'])).stdout)[0]!;
  assert.ok(whole.count > 0);
  assert.ok(Math.abs(whole.density! - whole.count / 200) < 0.002 * whole.density!, `density ${whole.density} = ${whole.count} / 200 m²`);
  const right = lines((await run(['crowd', 'count', path.join(dir, 'half.png'), '--model', model, '--calibration', path.join(dir, 'cal-right.json'), '--json'])).stdout)[0]!;
  assert.equal(right.density, 0, 'the people are all in the left half');
  const left = lines((await run(['crowd', 'count', path.join(dir, 'half.png'), '--model', model, '--calibration', path.join(dir, 'cal-left-px.json'), '--json'])).stdout)[0]!;
  assert.ok(Math.abs(left.density! - left.count / 100) < 0.002 * left.density!, `density ${left.density} = ${left.count} / 100 m²`);
  // collinear calibration points are refused with the reason
  writeFileSync(path.join(dir, 'bad-cal.json'), JSON.stringify({ pairs: [0, 0.25, 0.5, 0.75].map((x, i) => ({ image: [x, x], ground: [lat0 + i * dLat, lon0 + (i % 2) * dLon] })) }));
  const bad = await run(['crowd', 'count', path.join(dir, 'half.png'), '--model', model, '--calibration', path.join(dir, 'bad-cal.json'), '--json']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /one line/);
});

test('bad input: a broken file is named on stderr, the others are still counted, exit code 1', async () => {
  const r = await run(['crowd', 'count', path.join(dir, 'broken.jpg'), path.join(dir, 'single.png'), path.join(dir, 'absent.png'), '--model', model, '--json']);
  assert.equal(r.code, 1);
  assert.deepEqual(lines(r.stdout).map((l) => l.source), [path.join(dir, 'single.png')]);
  assert.match(r.stderr, /broken\.jpg/);
  assert.match(r.stderr, /absent\.png does not exist/);
});

test('a density model with the wrong output shape is refused naming the shapes; usage errors exit 2', async () => {
  const r = await run(['crowd', 'count', path.join(dir, 'single.png'), '--model', wrong, '--kind', 'density', '--json']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /\[1,3,8,8\].*\[1,1,h,w\]/);
  assert.equal(r.stdout, '');
  const u = await run(['crowd', 'count', path.join(dir, 'single.png'), '--kind', 'density']);
  assert.equal(u.code, 2);
  assert.match(u.stderr, /--kind density needs --model/);
});

test('built-in detector (default): a frame with no people counts 0; a MOT17-02 frame counts its 16 pedestrians ±3', async () => {
  const files = [path.join(dir, 'frames/black.png')];
  const mot = path.join(SHARED_DIR, 'mot/MOT17-02-FRCNN/img1/000001.jpg');
  const withMot = !sharedSkip('mot');
  if (withMot) {
    copyFileSync(mot, path.join(dir, 'mot.jpg'));
    files.push(path.join(dir, 'mot.jpg'));
  }
  const r = await run(['crowd', 'count', ...files, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = lines(r.stdout);
  assert.equal(out[0]!.count, 0);
  if (withMot) assert.ok(Math.abs(out[1]!.count - 16) <= 3, `MOT17-02 frame 1: ${out[1]!.count}`);
});
