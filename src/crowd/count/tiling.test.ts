import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Detection } from '../../detect/types';
import { cutTile, fromDetections, mergeCandidates, planTiles, type Tile } from './tiling';

const person = (x: number, y: number, w: number, h: number, score = 0.8): Detection => ({ label: 'person', classId: 0, score, box: [x, y, w, h] });

test('planTiles: 1080p → 3×2 equal square tiles covering the frame with ≥ 20 % overlap; 720p → 2×1; small frames → none', () => {
  const t = planTiles(1920, 1080);
  assert.equal(t.length, 6);
  const side = t[0]!.w;
  assert.ok(side >= 720 && t.every((x) => x.w === side && x.h === side), `square tiles of one size ≥ 720 (got ${side})`);
  const xs = [...new Set(t.map((x) => x.x))].sort((a, b) => a - b);
  assert.equal(xs.length, 3);
  assert.equal(xs[0], 0);
  assert.equal(xs[2]! + side, 1920);
  assert.ok(xs[0]! + side - xs[1]! >= 0.2 * side, 'overlap ≥ 20 % of the tile');
  assert.deepEqual([...new Set(t.map((x) => x.y))], [0, 1080 - side]);
  for (let y = 0; y < 1080; y += 13) for (let x = 0; x < 1920; x += 13) assert.ok(t.some((r) => x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h), `(${x},${y}) covered`);
  assert.equal(planTiles(1280, 720).length, 2);
  assert.deepEqual(planTiles(640, 480), []);
  // capped: more than maxTiles would be needed → the tile grows
  const capped = planTiles(3840, 2160, { tileSize: 512, maxTiles: 6 });
  assert.ok(capped.length <= 6 && capped[0]!.w > 512);
  assert.throws(() => planTiles(1920, 1080, { overlap: 0.9 }), /overlap/);
});

test('cutTile copies the tile out of the frame', () => {
  const frame = { width: 4, height: 3, data: Uint8Array.from({ length: 36 }, (_, i) => i) };
  const t = cutTile(frame, { x: 1, y: 1, w: 2, h: 2 });
  assert.deepEqual([...t.data], [15, 16, 17, 18, 19, 20, 27, 28, 29, 30, 31, 32]);
});

// Two tiles side by side with 200 px overlap: A = [0, 720), B = [520, 1240), frame 1240×720.
const A: Tile = { x: 0, y: 0, w: 720, h: 720 };
const B: Tile = { x: 520, y: 0, w: 720, h: 720 };
const merge = (a: Detection[], b: Detection[], whole: Detection[] = []) =>
  mergeCandidates([...fromDetections(whole, null, -1, 1240, 720), ...fromDetections(a, A, 0, 1240, 720), ...fromDetections(b, B, 1, 1240, 720)]);

test('a person in the overlap, seen whole by both tiles, is counted once', () => {
  // frame box [560, 300, 80, 200]: in A at x 560, in B at x 40
  assert.equal(merge([person(560, 300, 80, 200)], [person(40, 302, 78, 198, 0.7)]).length, 1);
});

test('a person cut by a tile edge is counted once: the piece is dropped for the tile that sees it whole', () => {
  // frame box [660, 300, 100, 200]: A sees x 660..720 (cut at its right edge); B sees it whole at x 140
  const m = merge([person(660, 300, 60, 200, 0.9)], [person(140, 300, 100, 200, 0.6)]);
  assert.equal(m.length, 1);
  assert.deepEqual([m[0]!.x1, m[0]!.x2], [660, 760]);
});

test('a person larger than the overlap, cut by both tiles, is counted once (pieces merge); the whole-frame box wins when present', () => {
  // frame box [400, 100, 500, 600]: A sees 400..720, B sees 520..900 — neither whole
  const a = [person(400, 100, 320, 600, 0.7)];
  const b = [person(0, 100, 380, 600, 0.6)];
  const m = merge(a, b);
  assert.equal(m.length, 1);
  assert.deepEqual([m[0]!.x1, m[0]!.x2], [400, 900]);
  const w = merge(a, b, [person(405, 98, 490, 604, 0.5)]);
  assert.equal(w.length, 1);
  assert.equal(w[0]!.tile, -1);
});

test('the same person boxed at two scales (whole frame and tile) is one; two people standing close in one pass stay two', () => {
  assert.equal(merge([person(100, 100, 50, 150)], [], [person(98, 95, 56, 160, 0.5)]).length, 1);
  assert.equal(merge([person(100, 100, 50, 150), person(140, 105, 50, 150, 0.7)], []).length, 2);
  // far apart in different tiles: two people
  assert.equal(merge([person(100, 100, 50, 150)], [person(500, 100, 50, 150)]).length, 2);
});

test('a box at the frame border is not "cut" (only inner tile edges cut people)', () => {
  const [c] = fromDetections([person(0, 10, 40, 100)], A, 0, 1240, 720);
  assert.equal(c!.cut, false);
  const [d] = fromDetections([person(680, 10, 40, 100)], A, 0, 1240, 720);
  assert.equal(d!.cut, true);
});
